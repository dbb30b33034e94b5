import assert from "node:assert/strict";
import { test } from "node:test";
import { frameArrays } from "../lib/grid_render.js";
import { sectionsAt } from "../lib/grid_sections.js";
import { progressText, refining, statusText } from "../lib/grid_status.js";
import { pointDigits, tooltipText } from "../lib/grid_tooltip.js";

const status = { kernel_ms: 1.23, compiles: 1, frames: 3 };
const meta = (extra = {}) => ({
  id: 1,
  nx: 2,
  ny: 2,
  x_range: /** @type {[number, number]} */ ([0, 1]),
  y_range: /** @type {[number, number]} */ ([0, 1]),
  encoding: "float32",
  vmin: 0,
  vmax: 3,
  nonfinite: 0,
  ...extra,
});

test("the status line names the grid, the kernel time, compiles, frames and non-finite cells", () => {
  assert.equal(statusText(status, meta()), "2 × 2 · kernel 1.2 ms · 1 compile · 3 frames");
  assert.equal(statusText({ ...status, compiles: 2, frames: 1 }, null), "kernel 1.2 ms · 2 compiles · 1 frame");
  assert.match(statusText(status, meta({ nonfinite: 1 })), / · 1 NaN\/inf$/);
  assert.equal(
    statusText({ ...status, devices: 4 }, meta()),
    "2 × 2 · kernel 1.2 ms on 4 devices · 1 compile · 3 frames",
  );
  assert.equal(statusText({ ...status, devices: 1 }, meta()), statusText(status, meta()));
  assert.match(statusText(status, meta({ nonfinite: 4 })), / · no finite values$/);
});

test("the read-out gives x, y and f at the cell under the pointer", () => {
  const m = meta();
  const values = new Float32Array([0, 1, 2, 3]);
  const frame = { meta: m, arrays: frameArrays(m, new DataView(values.buffer), null) };
  // Cell (i, j) sits at flat index i * ny + j; row 0 of the plot is the top (y = 1).
  assert.equal(tooltipText(frame, ["x", "y"], 10, 10, 100, 100), "x = 0, y = 1, f = 1");
  assert.equal(tooltipText(frame, ["x", "y"], 90, 90, 100, 100), "x = 1, y = 0, f = 2");
  assert.equal(tooltipText(frame, ["x", "y"], 100, 10, 100, 100), null);
});

test("deep in a zoom the read-out writes the digits that tell neighbouring cells apart", () => {
  const m = meta({ x_range: [-0.745300000001, -0.74529999999], y_range: [0.1000000001, 0.1000000003] });
  const values = new Float32Array([0, 1, 2, 3]);
  const frame = { meta: m, arrays: frameArrays(m, new DataView(values.buffer), null) };
  const left = tooltipText(frame, ["x", "y"], 10, 10, 100, 100);
  const right = tooltipText(frame, ["x", "y"], 90, 90, 100, 100);
  assert.equal(left, "x = −0.745300000001, y = 0.1000000003, f = 1");
  assert.equal(right, "x = −0.74529999999, y = 0.1000000001, f = 2");
  assert.equal(pointDigits([-3, 3], 128), 4);
  assert.equal(pointDigits([1, 1], 128), 4);
});

test("while a heavy frame is refined the status line says how far it got, and Stop shows", () => {
  const progress = {
    level: 2,
    levels: 3,
    resolution: 256,
    done: 0.436,
    elapsed_ms: 120,
    expected_ms: 275,
    final: false,
  };
  assert.equal(
    statusText({ ...status, progress }, meta()),
    "refining 256 × 256 (level 2 of 3) · 43% · 120 ms / 275 ms · kernel 1.2 ms · 1 compile · 3 frames",
  );
  assert.equal(progressText({ ...progress, stopped: true }), "stopped at 43%");
  assert.equal(progressText({ ...progress, final: true }), "");
  assert.equal(refining({ ...progress }), true);
  assert.equal(refining({ ...progress, stopped: true }), false);
  assert.equal(refining(undefined), false);
});

test("under a log norm the read-out gives 10^value, and names cells at or below 0", () => {
  // log10 values 0, 1, 2 and a masked cell (code 4: at or below 0).
  const m = meta({ norm: "log", vmin: 0, vmax: 2, nonpositive: 1 });
  const values = new Float32Array([0, 1, 0, 2]);
  const mask = new Uint8Array([0, 0, 4, 0]);
  const frame = { meta: m, arrays: frameArrays(m, new DataView(values.buffer), new DataView(mask.buffer)) };
  assert.equal(tooltipText(frame, ["x", "y"], 10, 10, 100, 100), "x = 0, y = 1, f = 10");
  assert.equal(tooltipText(frame, ["x", "y"], 90, 10, 100, 100), "x = 1, y = 1, f = 100");
  assert.match(tooltipText(frame, ["x", "y"], 90, 90, 100, 100) ?? "", /f = ≤ 0/);
  assert.match(statusText(status, m), / · 1 ≤ 0 \(log scale\)$/);
});

test("cross-sections run along x and y through the cell, in f's units, NaN where f has none", () => {
  const m = meta({ nx: 3, ny: 2, x_range: [0, 2], y_range: [0, 1], nonfinite: 1 });
  // Cell (i, j) at i * 2 + j: f = 10 i + j, cell (2, 1) NaN.
  const values = new Float32Array([0, 1, 10, 11, 20, 0]);
  const mask = new Uint8Array([0, 0, 0, 0, 0, 1]);
  const frame = { meta: m, arrays: frameArrays(m, new DataView(values.buffer), new DataView(mask.buffer)) };
  const { alongX, alongY } = sectionsAt(frame, ["x", "y"], 1, 1);
  assert.deepEqual(Array.from(alongX.coords), [0, 1, 2]);
  assert.deepEqual(Array.from(alongX.values), [1, 11, Number.NaN]);
  assert.deepEqual(Array.from(alongY.coords), [0, 1]);
  assert.deepEqual(Array.from(alongY.values), [10, 11]);
  assert.equal(alongX.at, 1);
  assert.equal(alongX.label, "f along x at y = 1");
  assert.equal(alongY.label, "f along y at x = 1");
});
