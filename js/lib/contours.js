// Iso-lines over GridExplorer's heatmap, from the values the browser already has: marching
// squares on the frame's sent cells, at the band edges of `levels` (or at the colour bar's
// ticks without levels), drawn with a few labels. Everything is in the frame's encoded units
// (log10 of f under a log norm), where the colours are evenly spaced.
import { encodedAt, sentShape } from "./grid_render.js";
import { formatValue, scaleTicks } from "./grid_ticks.js";

/** @typedef {import("./types.js").FrameMeta} FrameMeta */
/** @typedef {import("./grid_render.js").Arrays} Arrays */
/** @typedef {{ at: number, label: string }} Level  an iso-line's value (encoded) and its label */

export const LINE_COLOUR = "rgba(15, 15, 15, 0.8)";
export const HALO_COLOUR = "rgba(255, 255, 255, 0.85)";
const MIN_LABEL_GAP = 48;

/**
 * The iso-lines of a frame: at the edges between its colour bands (where the drawn colour
 * index floor(t · 256) crosses into the next band), or at the colour bar's ticks.
 *
 * @param {FrameMeta} meta
 * @param {number} [maxTicks]
 * @returns {Level[]}
 */
export function contourLevels(meta, maxTicks = 7) {
  const { vmin, vmax } = meta;
  if (!(vmax > vmin)) return [];
  const real = (/** @type {number} */ v) => (meta.norm === "log" ? 10 ** v : v);
  const levels = meta.levels ?? 0;
  if (levels >= 2) {
    /** @type {Level[]} */
    const edges = [];
    for (let k = 1; k < levels; k++) {
      const at = vmin + (Math.ceil((k * 256) / levels) / 256) * (vmax - vmin);
      edges.push({ at, label: formatValue(real(at), 3) });
    }
    return edges;
  }
  return scaleTicks(vmin, vmax, meta.norm, maxTicks).filter(({ at }) => at > vmin && at < vmax);
}

/**
 * The frame's sent cells in encoded units, NaN where there is no value.
 *
 * @param {FrameMeta} meta
 * @param {Arrays} arrays
 */
export function encodedValues(meta, arrays) {
  const { sx, sy } = sentShape(meta);
  const out = new Float64Array(sx * sy);
  for (let k = 0; k < out.length; k++) {
    const v = encodedAt(meta, arrays, k);
    out[k] = Number.isFinite(v) ? v : Number.NaN;
  }
  return out;
}

/**
 * Iso-line segments through `values` (sx × sy cells, cell (i, j) at i * sy + j; NaN cells
 * are holes) at each of `levels` (ascending), by marching squares; a saddle is resolved by
 * the mean of its four corners. For each level, [x0, y0, x1, y1, …] in cell coordinates:
 * x = i and y = j at the cells' centres.
 *
 * @param {Float64Array} values
 * @param {number} sx
 * @param {number} sy
 * @param {number[]} levels
 * @returns {number[][]}
 */
export function contourSegments(values, sx, sy, levels) {
  /** @type {number[][]} */
  const out = levels.map(() => []);
  for (let i = 0; i + 1 < sx; i++) {
    for (let j = 0; j + 1 < sy; j++) {
      const a = values[i * sy + j];
      const b = values[(i + 1) * sy + j];
      const c = values[(i + 1) * sy + j + 1];
      const d = values[i * sy + j + 1];
      const lo = Math.min(a, b, c, d);
      const hi = Math.max(a, b, c, d);
      if (Number.isNaN(lo) || Number.isNaN(hi) || lo === hi) continue;
      for (let n = firstAbove(levels, lo); n < levels.length && levels[n] <= hi; n++) {
        square(out[n], levels[n], i, j, a, b, c, d);
      }
    }
  }
  return out;
}

/**
 * The index of the first of the ascending `levels` above `value`.
 *
 * @param {number[]} levels
 * @param {number} value
 */
function firstAbove(levels, value) {
  let lo = 0;
  let hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (levels[mid] > value) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

// Edges of a square: 0 bottom (a–b), 1 right (b–c), 2 top (d–c), 3 left (a–d). For each
// case (bit k set: corner k of a, b, c, d at or above the level), the pairs of edges its
// lines join; the saddles 5 and 10 list both ways, the first when the centre is above.
/** @type {number[][]} */
const CASES = [
  [],
  [3, 0],
  [0, 1],
  [3, 1],
  [1, 2],
  [0, 1, 2, 3, 3, 0, 1, 2],
  [0, 2],
  [3, 2],
  [2, 3],
  [0, 2],
  [3, 0, 1, 2, 0, 1, 2, 3],
  [1, 2],
  [3, 1],
  [0, 1],
  [3, 0],
  [],
];

/**
 * Append the segments of level `l` through the square with corners a (i, j), b (i+1, j),
 * c (i+1, j+1), d (i, j+1).
 *
 * @param {number[]} out
 * @param {number} l
 * @param {number} i
 * @param {number} j
 * @param {number} a
 * @param {number} b
 * @param {number} c
 * @param {number} d
 */
function square(out, l, i, j, a, b, c, d) {
  const above = (a >= l ? 1 : 0) | (b >= l ? 2 : 0) | (c >= l ? 4 : 0) | (d >= l ? 8 : 0);
  const edges = CASES[above];
  let from = 0;
  let to = edges.length;
  if (to === 8) {
    // The corners on the centre's side are joined through it; lines cut off the other two.
    if ((a + b + c + d) / 4 >= l) to = 4;
    else from = 4;
  }
  for (let e = from; e < to; e++) {
    switch (edges[e]) {
      case 0:
        out.push(i + (l - a) / (b - a), j);
        break;
      case 1:
        out.push(i + 1, j + (l - b) / (c - b));
        break;
      case 2:
        out.push(i + (l - d) / (c - d), j + 1);
        break;
      default:
        out.push(i, j + (l - a) / (d - a));
    }
  }
}

/**
 * Draw the frame's iso-lines and a few labels into `ctx`, a plot of width × height device
 * pixels (`scale` of them per CSS pixel) showing the frame's sent cells edge to edge.
 *
 * @param {CanvasRenderingContext2D} ctx
 * @param {FrameMeta} meta
 * @param {Arrays} arrays
 * @param {number} width
 * @param {number} height
 * @param {number} scale
 * @param {string} font
 */
export function drawContours(ctx, meta, arrays, width, height, scale, font) {
  const levels = contourLevels(meta);
  if (levels.length === 0) return;
  const { sx, sy } = sentShape(meta);
  const segments = contourSegments(
    encodedValues(meta, arrays),
    sx,
    sy,
    levels.map((l) => l.at),
  );
  const px = (/** @type {number} */ x) => ((x + 0.5) * width) / sx;
  const py = (/** @type {number} */ y) => height - ((y + 0.5) * height) / sy;
  ctx.save();
  ctx.lineWidth = scale;
  ctx.strokeStyle = LINE_COLOUR;
  ctx.beginPath();
  for (const points of segments) {
    for (let k = 0; k < points.length; k += 4) {
      ctx.moveTo(px(points[k]), py(points[k + 1]));
      ctx.lineTo(px(points[k + 2]), py(points[k + 3]));
    }
  }
  ctx.stroke();
  ctx.font = `${10 * scale}px ${font}`;
  ctx.textAlign = "center";
  ctx.textBaseline = "middle";
  ctx.lineWidth = 3 * scale;
  ctx.strokeStyle = HALO_COLOUR;
  ctx.fillStyle = LINE_COLOUR;
  for (const { x, y, label } of labelPlaces(segments, levels, MIN_LABEL_GAP * scale, px, py)) {
    ctx.strokeText(label, x, y);
    ctx.fillText(label, x, y);
  }
  ctx.restore();
}

/**
 * Where to write the levels' labels: the middle segment of each level (in pixels), skipping
 * places closer than `gap` to one already taken.
 *
 * @param {number[][]} segments
 * @param {Level[]} levels
 * @param {number} gap
 * @param {(x: number) => number} px
 * @param {(y: number) => number} py
 * @returns {{ x: number, y: number, label: string }[]}
 */
export function labelPlaces(segments, levels, gap, px, py) {
  /** @type {{ x: number, y: number, label: string }[]} */
  const places = [];
  segments.forEach((points, n) => {
    const count = points.length / 4;
    if (count === 0) return;
    const k = 4 * Math.floor(count / 2);
    const x = px((points[k] + points[k + 2]) / 2);
    const y = py((points[k + 1] + points[k + 3]) / 2);
    if (places.every((p) => Math.hypot(p.x - x, p.y - y) >= gap)) places.push({ x, y, label: levels[n].label });
  });
  return places;
}
