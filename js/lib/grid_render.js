// Pure functions from a frame (header + binary buffers, see grid_frames.py) to pixels and
// back from pointer positions to cells and values. A frame holds sx × sy of the grid's
// nx × ny cells (all of them unless the grid is finer than a display shows; then columns
// sampling(nx, sx) and rows sampling(ny, sy)). Sent cell (i, j) sits at flat index
// i * sy + j of the buffer and at pixel column i, row sy - 1 - j (y points up).

import { CONSTANTS, NONFINITE_VALUES } from "./constants.js";

/**
 * @param {number} quanta
 * @returns {number} the right shift from a level to a colour-map index
 */
const shiftTo = (quanta) => Math.log2(quanta / CONSTANTS.colormap_entries);

// Quantized encodings: the typed array, the number of levels and the shift to a colour index.
// A uint8 frame has one level per colour-map entry.
/** @type {Record<string, { Type: Uint16ArrayConstructor | Uint8ArrayConstructor, quanta: number, shift: number }>} */
export const LEVELS = {
  uint16: { Type: Uint16Array, quanta: CONSTANTS.uint16_quanta, shift: shiftTo(CONSTANTS.uint16_quanta) },
  uint8: { Type: Uint8Array, quanta: CONSTANTS.colormap_entries, shift: 0 },
};
/** The value each code of a frame's mask stands for (0: a finite cell). */
export const NONFINITE = NONFINITE_VALUES;

/**
 * @typedef {import("./types.js").FrameMeta} FrameMeta
 * @typedef {Uint8Array | Uint16Array | Float32Array} Values
 * @typedef {{ values: Values, mask: Uint8Array | null }} Arrays
 * @typedef {{ pixels: Uint32Array, bad: number }} PixelMap  a colour map's pixels (colormaps.js)
 */

/**
 * @param {Uint8ArrayConstructor | Uint16ArrayConstructor | Float32ArrayConstructor} Type
 * @param {DataView | null | undefined} data
 * @param {number} count
 * @returns {Values | null}
 */
function typed(Type, data, count) {
  if (!data) return null;
  const view = /** @type {DataView<ArrayBuffer>} */ (data);
  const bytes = count * Type.BYTES_PER_ELEMENT;
  if (view.byteLength < bytes) throw new Error(`frame buffer holds ${view.byteLength} bytes, expected ${bytes}`);
  if (view.byteOffset % Type.BYTES_PER_ELEMENT === 0) return new Type(view.buffer, view.byteOffset, count);
  return new Type(view.buffer.slice(view.byteOffset, view.byteOffset + bytes));
}

/**
 * Columns and rows the frame holds: {sx, sy} (the whole grid for frames without them).
 *
 * @param {Pick<FrameMeta, "nx" | "ny" | "sx" | "sy">} meta
 */
export function sentShape(meta) {
  return { sx: meta.sx ?? meta.nx, sy: meta.sy ?? meta.ny };
}

/**
 * The grid index of sent column (or row) k of `sent`, out of the grid's `n`.
 *
 * @param {number} n
 * @param {number} sent
 * @param {number} k
 */
export function gridIndex(n, sent, k) {
  return sent >= n ? k : Math.min(n - 1, Math.floor(((k + 0.5) * n) / sent));
}

/**
 * Typed views over a frame's buffers: {values: Uint16Array|Float32Array, mask: Uint8Array|null}.
 *
 * @param {FrameMeta} meta
 * @param {DataView | null | undefined} data
 * @param {DataView | null | undefined} mask
 * @returns {Arrays}
 */
export function frameArrays(meta, data, mask) {
  const { sx, sy } = sentShape(meta);
  const count = sx * sy;
  const Type = meta.encoding === "float32" ? Float32Array : LEVELS[meta.encoding].Type;
  return {
    values: /** @type {Values} */ (typed(Type, data, count)),
    mask:
      (meta.nonfinite > 0 || (meta.nonpositive ?? 0) > 0) && mask && mask.byteLength > 0
        ? /** @type {Uint8Array} */ (typed(Uint8Array, mask, count))
        : null,
  };
}

/**
 * Colour-map index (0 … 255) of every cell, or -1 for a non-finite cell; flat, as sent.
 *
 * @param {FrameMeta} meta
 * @param {Arrays} arrays
 * @param {number} k
 */
export function colourIndex(meta, arrays, k) {
  if (arrays.mask && arrays.mask[k] !== 0) return -1;
  const v = arrays.values[k];
  if (meta.encoding !== "float32") return v >> LEVELS[meta.encoding].shift;
  if (!Number.isFinite(v)) return -1;
  if (!(meta.vmax > meta.vmin)) return 128;
  return Math.max(0, Math.min(255, Math.floor(((v - meta.vmin) * 256) / (meta.vmax - meta.vmin))));
}

/**
 * For each of `pixels` pixels along an axis, the nearest of `n` cells (pixel centres).
 *
 * @param {number} n
 * @param {number} pixels
 */
export function sampling(n, pixels) {
  const index = new Int32Array(pixels);
  for (let p = 0; p < pixels; p++) index[p] = Math.min(n - 1, Math.floor(((p + 0.5) * n) / pixels));
  return index;
}

/**
 * Write the frame's pixels into `out` (Uint32Array of width × height RGBA pixels, row-major,
 * top row first) using colour map `map` (see colormaps.js). By default one pixel per sent
 * cell; another width/height samples the nearest sent cell, so painting costs one step per
 * pixel shown however fine the grid.
 */
/**
 * @param {Uint32Array} out
 * @param {FrameMeta} meta
 * @param {Arrays} arrays
 * @param {PixelMap} map
 * @param {number} [width]
 * @param {number} [height]
 */
export function paintPixels(out, meta, arrays, map, width = sentShape(meta).sx, height = sentShape(meta).sy) {
  const { sx: nx, sy: ny } = sentShape(meta);
  const { values, mask } = arrays;
  const pixels = map.pixels;
  const bad = map.bad;
  if (width === nx && height === ny && meta.encoding !== "float32" && !mask) {
    const shift = LEVELS[meta.encoding].shift;
    for (let i = 0; i < nx; i++) {
      let k = i * ny;
      for (let row = (ny - 1) * nx + i; row >= 0; row -= nx) out[row] = pixels[values[k++] >> shift];
    }
    return out;
  }
  const columns = sampling(nx, width);
  const rows = sampling(ny, height);
  for (let r = 0; r < height; r++) {
    const j = ny - 1 - rows[r];
    let p = r * width;
    for (let c = 0; c < width; c++) {
      const index = colourIndex(meta, arrays, columns[c] * ny + j);
      out[p++] = index < 0 ? bad : pixels[index];
    }
  }
  return out;
}

/**
 * The value of sent cell (i, j) as the frontend knows it (the centre of its quantized level),
 * in f's units; NaN for a cell at or below 0 under a log norm.
 *
 * @param {FrameMeta} meta
 * @param {Arrays} arrays
 * @param {number} i
 * @param {number} j
 */
export function valueAt(meta, arrays, i, j) {
  const v = encodedAt(meta, arrays, i * sentShape(meta).sy + j);
  return meta.norm === "log" && !Number.isNaN(v) ? 10 ** v : v;
}

/**
 * The value of flat cell `k` in the frame's encoded units (log10 of f under a log norm):
 * the centre of its quantized level, or what its mask code stands for.
 *
 * @param {FrameMeta} meta
 * @param {Arrays} arrays
 * @param {number} k
 */
export function encodedAt(meta, arrays, k) {
  if (arrays.mask && arrays.mask[k] !== 0) return NONFINITE[arrays.mask[k]] ?? NaN;
  const v = arrays.values[k];
  if (meta.encoding === "float32") return v;
  if (!(meta.vmax > meta.vmin)) return meta.vmin;
  return meta.vmin + ((v + 0.5) / LEVELS[meta.encoding].quanta) * (meta.vmax - meta.vmin);
}

/**
 * Whether flat cell `k` is at or below 0 under a log norm (its value is not sent).
 *
 * @param {Arrays} arrays
 * @param {number} k
 */
export function isNonPositive(arrays, k) {
  return arrays.mask !== null && arrays.mask[k] === CONSTANTS.nonfinite_codes.nonpositive;
}

/**
 * Coordinate of grid point `i` of `n` spanning [lo, hi] (the midpoint when n is 1).
 *
 * @param {[number, number]} range
 * @param {number} n
 * @param {number} i
 */
export function gridPoint([lo, hi], n, i) {
  return n === 1 ? (lo + hi) / 2 : lo + ((hi - lo) * i) / (n - 1);
}

/**
 * The drawn extent of n cells centred on the grid points: [lo - d/2, hi + d/2].
 *
 * @param {[number, number]} range
 * @param {number} n
 * @returns {[number, number]}
 */
export function extent([lo, hi], n) {
  if (n === 1) return [lo, hi];
  const half = (hi - lo) / (n - 1) / 2;
  return [lo - half, hi + half];
}

/**
 * The cell under a point at (px, py) inside a plot of width × height, or null outside.
 *
 * @param {number} px
 * @param {number} py
 * @param {number} width
 * @param {number} height
 * @param {number} nx
 * @param {number} ny
 * @returns {{ i: number, j: number } | null}
 */
export function cellAt(px, py, width, height, nx, ny) {
  if (px < 0 || py < 0 || px >= width || py >= height) return null;
  const i = Math.min(nx - 1, Math.floor((px / width) * nx));
  const row = Math.min(ny - 1, Math.floor((py / height) * ny));
  return { i, j: ny - 1 - row };
}
