import assert from "node:assert/strict";
import { test } from "node:test";
import {
  arrange,
  axisCaption,
  binLabel,
  bins,
  cellValue,
  drawAsColumn,
  formatShape,
  inputCellState,
  layoutLeaf,
  MAX_BINS,
  outputCellState,
  segmentsText,
  wholeBadge,
} from "../lib/diagram_layout.js";

const at = (layout, slice, row, col) => layout.cells.find((c) => c.slice === slice && c.row === row && c.col === col);

test("bins cover every index once, one per index for short axes", () => {
  assert.deepEqual(bins(3), [
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
  const long = bins(50);
  assert.equal(long.length, MAX_BINS);
  assert.equal(long[0][0], 0);
  assert.equal(long.at(-1)[1], 50);
  long.slice(1).forEach(([start], k) => {
    assert.equal(start, long[k][1]);
  });
  assert.deepEqual(bins(0), [[0, 0]]);
});

test("arrange: 1-D is a row, 2-D a grid, higher ranks a stack of 2-D slices", () => {
  assert.deepEqual(arrange(0), { rowAxis: null, colAxis: null, sliceAxes: [] });
  assert.deepEqual(arrange(1), { rowAxis: null, colAxis: 0, sliceAxes: [] });
  assert.deepEqual(arrange(2), { rowAxis: 0, colAxis: 1, sliceAxes: [] });
  assert.deepEqual(arrange(4), { rowAxis: 2, colAxis: 3, sliceAxes: [0, 1] });
});

test("in the grid vmap, x walks the output's rows and is drawn as a column", () => {
  const out = [{ shape: [5, 4], axes: [0, 1] }];
  assert.equal(drawAsColumn({ shape: [5], axes: [0, null] }, out), true);
  assert.equal(drawAsColumn({ shape: [4], axes: [null, 0] }, out), false);
  assert.equal(drawAsColumn({ shape: [3], axes: [0] }, [{ shape: [3], axes: [0] }]), false);
  assert.equal(drawAsColumn({ shape: [3, 2], axes: [0] }, [{ shape: [3, 2], axes: [0] }]), false);
  const column = layoutLeaf({ shape: [3], values: ["a", "b", "c"] }, undefined, undefined, true);
  assert.deepEqual([column.rowAxis, column.colAxis, column.rows.length], [0, null, 3]);
  assert.equal(column.cells[2].value, "c");
});

test("small arrays get one cell per element, with its value", () => {
  const layout = layoutLeaf({ shape: [2, 3], values: ["1", "2", "3", "4", "5", "6"] });
  assert.equal(layout.cells.length, 6);
  assert.equal(layout.binned, false);
  assert.equal(at(layout, 0, 1, 2).value, "6");
  assert.deepEqual(at(layout, 0, 1, 0).ranges, [
    [1, 2],
    [0, 1],
  ]);
  const scalar = layoutLeaf({ shape: [], values: ["3"] });
  assert.equal(scalar.cells.length, 1);
  assert.equal(scalar.cells[0].value, "3");
});

test("large arrays are binned and drawn without values", () => {
  const layout = layoutLeaf({ shape: [1000, 1000], values: null });
  assert.equal(layout.binned, true);
  assert.equal(layout.cells.length, MAX_BINS * MAX_BINS);
  assert.ok(layout.cells.every((c) => c.value === null));
  const cube = layoutLeaf({ shape: [40, 30, 5], values: null });
  assert.ok(cube.slices.length <= 4);
  assert.equal(cube.slices.at(-1)[0][1], 40);
});

test("3-D values come from row-major order", () => {
  const values = Array.from({ length: 12 }, (_, i) => String(i));
  const layout = layoutLeaf({ shape: [2, 2, 3], values });
  assert.equal(layout.slices.length, 2);
  assert.equal(at(layout, 1, 0, 2).value, "8");
});

test("input cells: the slice along the batch axis is active, unmapped inputs are whole", () => {
  const x = layoutLeaf({ shape: [1, 3], values: null });
  assert.equal(inputCellState(at(x, 0, 0, 1), [1], [1]), "active");
  assert.equal(inputCellState(at(x, 0, 0, 2), [1], [1]), "idle");
  assert.equal(inputCellState(at(x, 0, 0, 2), [null], [1]), "whole");
});

test("nested inputs are active on their own level's index only", () => {
  const x = layoutLeaf({ shape: [4], values: null });
  const y = layoutLeaf({ shape: [5], values: null });
  assert.equal(inputCellState(x.cells[2], [0, null], [2, 4]), "active");
  assert.equal(inputCellState(y.cells[2], [null, 0], [2, 4]), "idle");
  assert.equal(inputCellState(y.cells[4], [null, 0], [2, 4]), "active");
});

test("output cells fill in call order: done, current, pending", () => {
  const out = layoutLeaf({ shape: [1, 3], values: null });
  const states = out.cells.map((c) => outputCellState(c, [1], [1]));
  assert.deepEqual(states, ["done", "current", "pending"]);
  const grid = layoutLeaf({ shape: [4, 5], values: null });
  assert.equal(outputCellState(at(grid, 0, 1, 4), [0, 1], [2, 0]), "done");
  assert.equal(outputCellState(at(grid, 0, 2, 0), [0, 1], [2, 0]), "current");
  assert.equal(outputCellState(at(grid, 0, 2, 1), [0, 1], [2, 0]), "pending");
  const transposed = outputCellState(at(grid, 0, 1, 2), [1, 0], [2, 1]);
  assert.equal(transposed, "current");
});

test("binned output cells count as done once their first call ran", () => {
  const out = layoutLeaf({ shape: [50], values: null });
  const firstBin = out.cells[0]; // indices 0..3
  assert.equal(outputCellState(firstBin, [0], [2]), "current");
  assert.equal(outputCellState(firstBin, [0], [10]), "done");
  assert.equal(outputCellState(out.cells[5], [0], [10]), "pending");
});

test("unbatched outputs are written by every call", () => {
  const out = layoutLeaf({ shape: [2], values: null });
  assert.equal(outputCellState(out.cells[0], [null], [1]), "current");
});

test("captions name the batch axis, its level and its size", () => {
  const single = [{ index: "b", size: 3 }];
  assert.equal(axisCaption([1, 3], [1], 1, single), "batch · axis 1 · size 3");
  assert.equal(axisCaption([1, 3], [1], 0, single), "axis 0 · size 1");
  const nest = [
    { index: "i", size: 4 },
    { index: "j", size: 5 },
  ];
  assert.equal(axisCaption([4, 5], [0, 1], 1, nest), "batch j · axis 1 · size 5");
  assert.equal(wholeBadge("input", [null], single), "passed whole to every call");
  assert.equal(wholeBadge("input", [0], single), null);
  assert.equal(wholeBadge("output", [null], single), "same for every call (out_axes None)");
  assert.equal(wholeBadge("input", [null], []), null);
});

test("text helpers", () => {
  assert.equal(formatShape([3, 1]), "(3, 1)");
  assert.equal(formatShape([3]), "(3,)");
  assert.equal(formatShape([]), "()");
  assert.equal(binLabel([4, 5]), "4");
  assert.equal(binLabel([4, 8]), "4–7");
  const call = [{ text: "f(x[:, " }, { level: 0 }, { text: "], y[" }, { level: 0 }, { text: "])" }];
  assert.equal(segmentsText(call, [{ index: "b", size: 3 }]), "f(x[:, b], y[b])");
  assert.equal(segmentsText(call, [{ index: "b", size: 3 }], [2]), "f(x[:, 2], y[2])");
});

test("cellValue reads new values for the same layout (a formula edit keeps the shape)", () => {
  const before = layoutLeaf({ shape: [2, 2], values: ["1", "2", "3", "4"] });
  const after = { shape: [2, 2], values: ["5", "6", "7", "8"] };
  assert.deepEqual(
    before.cells.map((cell) => cellValue(after, cell.ranges)),
    ["5", "6", "7", "8"],
  );
  const binned = layoutLeaf({ shape: [100] }, 8);
  assert.equal(cellValue({ shape: [100], values: null }, binned.cells[0].ranges), null);
});

test("keyword leaves say so on their batch axis", async () => {
  assert.equal(axisCaption([3], [0], 0, [{ index: "b", size: 3 }], true), "batch · axis 0 (keyword) · size 3");
  assert.equal(axisCaption([3, 2], [0], 1, [{ index: "b", size: 3 }], true), "axis 1 · size 2");
});

test("errors are headed by the side at fault; axis_name and axis_size are shown where given", async () => {
  const { errorText, vmapOptions } = await import("../lib/diagram_layout.js");
  assert.equal(errorText("bad", "in_axes"), "vmap fails with this choice: bad");
  assert.equal(errorText("bad", "axis_size"), "vmap fails: its axis_size does not fit. bad");
  assert.equal(errorText("bad", "function"), "vmap fails: bad");
  assert.deepEqual(vmapOptions({ axis_names: ["'i'"], axis_size: 4 }, 0), [
    { kind: "axis_name", text: "axis_name='i'" },
    { kind: "axis_size", text: "axis_size=4" },
  ]);
  assert.deepEqual(vmapOptions({ axis_names: ["'i'", null], axis_size: null }, 1), []);
  assert.deepEqual(vmapOptions({}, 0), []);
});
