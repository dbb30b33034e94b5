import assert from "node:assert/strict";
import { test } from "node:test";
import { colormap } from "../lib/colormaps.js";
import {
  cellAt,
  colourIndex,
  extent,
  frameArrays,
  gridIndex,
  gridPoint,
  paintPixels,
  sampling,
  valueAt,
} from "../lib/grid_render.js";

const view = (typed) => new DataView(typed.buffer, typed.byteOffset, typed.byteLength);

// 2 × 3 grid: cell (i, j) at flat index i * 3 + j.
const meta16 = { nx: 2, ny: 3, vmin: 0, vmax: 1, encoding: "uint16", nonfinite: 0 };
const levels = new Uint16Array([0, 256, 512, 65535, 32768, 65280]);

test("frameArrays views the buffers without copying when aligned and copies when not", () => {
  const arrays = frameArrays(meta16, view(levels), new DataView(new ArrayBuffer(0)));
  assert.equal(arrays.values.buffer, levels.buffer);
  assert.equal(arrays.mask, null);
  const shifted = new Uint8Array(13);
  shifted.set(new Uint8Array(levels.buffer), 1);
  const copy = frameArrays(meta16, new DataView(shifted.buffer, 1, 12), null);
  assert.deepEqual(Array.from(copy.values), Array.from(levels));
  assert.throws(() => frameArrays({ ...meta16, nx: 3 }, view(levels), null), /expected 18/);
});

test("uint16 levels map to colour index level >> 8", () => {
  const arrays = frameArrays(meta16, view(levels), null);
  assert.deepEqual(
    [0, 1, 2, 3, 4, 5].map((k) => colourIndex(meta16, arrays, k)),
    [0, 1, 2, 255, 128, 255],
  );
});

test("paintPixels puts x along columns and y upwards", () => {
  const map = colormap("gray");
  const out = paintPixels(new Uint32Array(6), meta16, frameArrays(meta16, view(levels), null), map);
  // row 0 (top) is j = 2: cells (0, 2) and (1, 2); row 2 (bottom) is j = 0.
  assert.deepEqual(Array.from(out), [
    map.pixels[2],
    map.pixels[255],
    map.pixels[1],
    map.pixels[128],
    map.pixels[0],
    map.pixels[255],
  ]);
});

test("non-finite cells take the bad colour and read back as NaN/±inf", () => {
  const map = colormap("viridis");
  const meta = { ...meta16, nonfinite: 3 };
  const mask = new Uint8Array([1, 0, 2, 0, 3, 0]);
  const arrays = frameArrays(meta, view(levels), view(mask));
  const out = paintPixels(new Uint32Array(6), meta, arrays, map);
  assert.equal(out[4], map.bad); // (0, 0)
  assert.equal(out[0], map.bad); // (0, 2)
  assert.ok(Number.isNaN(valueAt(meta, arrays, 0, 0)));
  assert.equal(valueAt(meta, arrays, 0, 2), Infinity);
  assert.equal(valueAt(meta, arrays, 1, 1), -Infinity);
  assert.equal(valueAt(meta, arrays, 1, 0), 1 - 0.5 / 65536);
});

test("float32 frames are coloured from vmin/vmax and read back exactly", () => {
  const meta = { nx: 1, ny: 4, vmin: -1, vmax: 1, encoding: "float32", nonfinite: 1 };
  const values = new Float32Array([-1, 0, 1, NaN]);
  const arrays = frameArrays(meta, view(values), view(new Uint8Array([0, 0, 0, 1])));
  assert.deepEqual(
    [0, 1, 2, 3].map((k) => colourIndex(meta, arrays, k)),
    [0, 128, 255, -1],
  );
  assert.equal(valueAt(meta, arrays, 0, 1), 0);
  assert.equal(colourIndex({ ...meta, vmax: -1 }, arrays, 0), 128);
});

test("grid points, extents and the cell under the pointer", () => {
  assert.equal(gridPoint([-5, 5], 11, 3), -2);
  assert.equal(gridPoint([0, 2], 1, 0), 1);
  assert.deepEqual(extent([0, 10], 11), [-0.5, 10.5]);
  assert.deepEqual(extent([0, 1], 1), [0, 1]);
  assert.deepEqual(cellAt(0, 0, 100, 50, 4, 2), { i: 0, j: 1 });
  assert.deepEqual(cellAt(99.9, 49.9, 100, 50, 4, 2), { i: 3, j: 0 });
  assert.equal(cellAt(100, 10, 100, 50, 4, 2), null);
});

test("fine grids are sampled down to the pixels shown, nearest cell per pixel centre", () => {
  assert.deepEqual(Array.from(sampling(4, 2)), [1, 3]);
  assert.deepEqual(Array.from(sampling(3, 3)), [0, 1, 2]);
  const map = colormap("gray");
  const arrays = frameArrays(meta16, view(levels), null);
  // 2 × 3 cells into 1 × 3 pixels: column 0 → cell i = 1.
  const out = paintPixels(new Uint32Array(3), meta16, arrays, map, 1, 3);
  assert.deepEqual(Array.from(out), [map.pixels[255], map.pixels[128], map.pixels[255]]);
  // into 2 × 1 pixels: the row samples j = 1.
  const row = paintPixels(new Uint32Array(2), meta16, arrays, map, 2, 1);
  assert.deepEqual(Array.from(row), [map.pixels[1], map.pixels[128]]);
});

test("uint8 frames carry the colour index itself", () => {
  const meta = { nx: 1, ny: 3, vmin: 0, vmax: 1, encoding: "uint8", nonfinite: 0 };
  const arrays = frameArrays(meta, view(new Uint8Array([0, 128, 255])), null);
  assert.deepEqual(
    [0, 1, 2].map((k) => colourIndex(meta, arrays, k)),
    [0, 128, 255],
  );
  assert.equal(valueAt(meta, arrays, 0, 1), 128.5 / 256);
  const map = colormap("gray");
  assert.deepEqual(
    Array.from(paintPixels(new Uint32Array(3), meta, arrays, map)),
    [255, 128, 0].map((k) => map.pixels[k]),
  );
});

test("a sampled frame (sx × sy of nx × ny cells) paints and reads like the whole grid", () => {
  // 5 × 4 grid, levels 1000·(i * 4 + j); the frame holds columns sampling(5, 2), rows sampling(4, 3).
  const full = Uint16Array.from({ length: 20 }, (_, k) => 1000 * k);
  const metaFull = { nx: 5, ny: 4, vmin: 0, vmax: 1, encoding: "uint16", nonfinite: 0 };
  const columns = sampling(5, 2);
  const rows = sampling(4, 3);
  const sent = Uint16Array.from({ length: 6 }, (_, k) => full[columns[Math.floor(k / 3)] * 4 + rows[k % 3]]);
  const metaSent = { ...metaFull, sx: 2, sy: 3 };
  const arraysFull = frameArrays(metaFull, view(full), null);
  const arraysSent = frameArrays(metaSent, view(sent), null);
  const map = colormap("viridis");
  // Pixel (column c, row r from the top) shows grid cell (columns[c], rows[sy - 1 - r]).
  const expected = [];
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 2; c++)
      expected.push(map.pixels[colourIndex(metaFull, arraysFull, columns[c] * 4 + rows[2 - r])]);
  }
  assert.deepEqual(Array.from(paintPixels(new Uint32Array(6), metaSent, arraysSent, map)), expected);
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      assert.equal(gridIndex(5, 2, i), columns[i]);
      assert.equal(gridIndex(4, 3, j), rows[j]);
      assert.equal(valueAt(metaSent, arraysSent, i, j), valueAt(metaFull, arraysFull, columns[i], rows[j]));
    }
  }
  assert.equal(gridIndex(5, 5, 4), 4);
  assert.throws(() => frameArrays(metaSent, view(full.subarray(0, 5)), null), /expected 12/);
});
