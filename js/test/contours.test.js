import assert from "node:assert/strict";
import { test } from "node:test";
import { contourLevels, contourSegments, encodedValues, labelPlaces } from "../lib/contours.js";
import { frameArrays } from "../lib/grid_render.js";

/**
 * A grid of f(i, j) over sx × sy cells, flat as frames are (cell (i, j) at i * sy + j).
 *
 * @param {number} sx
 * @param {number} sy
 * @param {(i: number, j: number) => number} f
 */
function grid(sx, sy, f) {
  const values = new Float64Array(sx * sy);
  for (let i = 0; i < sx; i++) for (let j = 0; j < sy; j++) values[i * sy + j] = f(i, j);
  return values;
}

/** @param {number[]} points */
const segmentsOf = (points) => {
  const out = [];
  for (let k = 0; k < points.length; k += 4) out.push(points.slice(k, k + 4));
  return out;
};

test("a plane's iso-line is the straight line where it crosses the level", () => {
  // f = i: the level 1.5 crosses each row between columns 1 and 2, at x = 1.5.
  const [points] = contourSegments(
    grid(4, 5, (i) => i),
    4,
    5,
    [1.5],
  );
  const segments = segmentsOf(points);
  assert.equal(segments.length, 4); // one per square of the column 1–2 strip
  for (const [x0, y0, x1, y1] of segments) {
    assert.equal(x0, 1.5);
    assert.equal(x1, 1.5);
    assert.equal(Math.abs(y1 - y0), 1);
  }
});

test("a cone's iso-lines are circles of the level's radius", () => {
  const n = 41;
  const c = (n - 1) / 2;
  const values = grid(n, n, (i, j) => Math.hypot(i - c, j - c));
  const radii = [5.3, 10.7, 14.2];
  const levels = contourSegments(values, n, n, radii);
  levels.forEach((points, k) => {
    assert.ok(points.length > 0);
    for (let p = 0; p < points.length; p += 2) {
      // Linear interpolation along a cell edge is within a small fraction of a cell here.
      assert.ok(Math.abs(Math.hypot(points[p] - c, points[p + 1] - c) - radii[k]) < 0.06);
    }
    // The segments close up: every end point is shared by exactly two segments.
    const ends = new Map();
    for (let p = 0; p < points.length; p += 2) {
      const key = `${points[p].toFixed(6)},${points[p + 1].toFixed(6)}`;
      ends.set(key, (ends.get(key) ?? 0) + 1);
    }
    for (const count of ends.values()) assert.equal(count, 2);
  });
});

test("a saddle is split by its centre and NaN cells leave holes", () => {
  // Corners 1, 0, 1, 0 around a centre of 0.5: at level 0.4 the high corners are joined.
  const saddle = new Float64Array([1, 0, 0, 1]); // (0,0)=1 (0,1)=0 (1,0)=0 (1,1)=1
  const [joined] = contourSegments(saddle, 2, 2, [0.4]);
  const [split] = contourSegments(saddle, 2, 2, [0.6]);
  assert.equal(joined.length, 8);
  assert.equal(split.length, 8);
  // At 0.4 (below the centre) the lines cut off the low corners (1, 0) and (0, 1).
  const cutsOff = (points, [ci, cj]) =>
    segmentsOf(points).some(([x0, y0, x1, y1]) => Math.hypot((x0 + x1) / 2 - ci, (y0 + y1) / 2 - cj) < 0.5);
  assert.ok(cutsOff(joined, [1, 0]) && cutsOff(joined, [0, 1]));
  assert.ok(cutsOff(split, [0, 0]) && cutsOff(split, [1, 1]));
  const holed = grid(3, 3, (i) => i);
  holed[4] = Number.NaN; // the centre cell: all four squares touch it
  assert.deepEqual(contourSegments(holed, 3, 3, [0.5, 1.5]), [[], []]);
});

test("levels put the lines on the band edges the colours show; no levels, on the colour bar's ticks", () => {
  const meta = { nx: 2, ny: 2, vmin: 0, vmax: 1, encoding: "float32", nonfinite: 0, levels: 4 };
  assert.deepEqual(
    contourLevels(meta).map((l) => l.at),
    [0.25, 0.5, 0.75],
  );
  // 3 bands of 256 colour indices: band 1 starts at index ceil(256 / 3) = 86.
  assert.equal(contourLevels({ ...meta, levels: 3 })[0].at, 86 / 256);
  const ticks = contourLevels({ ...meta, levels: null, vmin: -1, vmax: 1 });
  assert.deepEqual(
    ticks.map((l) => l.label),
    ["−0.5", "0", "0.5"],
  );
  const log = contourLevels({ ...meta, levels: null, norm: "log", vmin: -2, vmax: 2 });
  assert.deepEqual(
    log.map((l) => [l.at, l.label]),
    [
      [-1, "0.1"],
      [0, "1"],
      [1, "10"],
    ],
  );
  assert.deepEqual(contourLevels({ ...meta, vmin: 1, vmax: 1 }), []);
});

test("encodedValues reads level centres and leaves masked cells out", () => {
  const meta = { nx: 2, ny: 1, vmin: 0, vmax: 1, encoding: "uint16", nonfinite: 1 };
  const data = new Uint16Array([0, 65535]);
  const mask = new Uint8Array([0, 1]);
  const arrays = frameArrays(meta, new DataView(data.buffer), new DataView(mask.buffer));
  const values = encodedValues(meta, arrays);
  assert.equal(values[0], 0.5 / 65536);
  assert.ok(Number.isNaN(values[1]));
});

test("labels go on each level's middle segment, never two close together", () => {
  const segments = [[0, 0, 0, 2, 0, 2, 0, 4, 0, 4, 0, 6], [0.1, 3, 0.1, 5], []];
  const levels = [
    { at: 1, label: "1" },
    { at: 2, label: "2" },
    { at: 3, label: "3" },
  ];
  const places = labelPlaces(
    segments,
    levels,
    12,
    (x) => x * 10,
    (y) => y * 10,
  );
  assert.deepEqual(places, [{ x: 0, y: 30, label: "1" }]);
});
