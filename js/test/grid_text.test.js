import assert from "node:assert/strict";
import { test } from "node:test";
import { frameArrays } from "../lib/grid_render.js";
import { progressText, refining, statusText } from "../lib/grid_status.js";
import { tooltipText } from "../lib/grid_tooltip.js";

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
