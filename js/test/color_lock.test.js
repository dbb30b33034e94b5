import assert from "node:assert/strict";
import { test } from "node:test";
import { toggledRange } from "../lib/color_lock.js";
import { colourIndex, frameArrays, valueAt } from "../lib/grid_render.js";

const view = (typed) => new DataView(typed.buffer, typed.byteOffset, typed.byteLength);

test("Lock fixes the limits drawn, Unlock goes back to the mode it came from", () => {
  const meta = { vmin: -0.25, vmax: 2 };
  assert.deepEqual(toggledRange("auto", meta, "auto"), [-0.25, 2]);
  assert.deepEqual(toggledRange("symmetric", { vmin: -2, vmax: 2 }, "symmetric"), [-2, 2]);
  assert.equal(toggledRange([-0.25, 2], meta, "symmetric"), "symmetric");
  assert.equal(toggledRange("auto", { vmin: 1, vmax: 1 }, "auto"), null); // a flat picture: nothing to fix
  assert.equal(toggledRange("auto", null, "auto"), null);
});

test("a locked range: values beyond it take the end colours and still read back true", () => {
  // What Python sends when values leave a fixed range: float32 against the fixed vmin/vmax.
  const meta = { nx: 1, ny: 4, vmin: -1, vmax: 1, encoding: "float32", nonfinite: 0 };
  const values = new Float32Array([-6, -1, 0.999, 6]);
  const arrays = frameArrays(meta, view(values), null);
  assert.deepEqual(
    [0, 1, 2, 3].map((k) => colourIndex(meta, arrays, k)),
    [0, 0, 255, 255],
  );
  assert.deepEqual(
    [0, 1, 2, 3].map((j) => valueAt(meta, arrays, 0, j)),
    Array.from(values),
  );
});
