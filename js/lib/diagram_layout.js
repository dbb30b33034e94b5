// Pure layout of the AxisExplorer diagram: how an array's cells are arranged on screen and
// which cells each vmap call reads or writes. The vmap semantics come from Python (each
// leaf's `axes`: per level, the axis its batch index walks); this module only draws them.

/** Cells drawn along one axis at most; longer axes are drawn in bins of several indices. */
export const MAX_BINS = 12;
/** 2-D slices drawn at most for arrays of rank ≥ 3 (whose slices use half the bins). */
export const MAX_SLICES = 4;

/** @typedef {import("./types.js").Range} Range */
/** @typedef {import("./types.js").Leaf} Leaf */
/** @typedef {import("./types.js").Level} Level */
/** @typedef {import("./types.js").Segment} Segment */
/** @typedef {(number | null)[]} Axes */
/** @typedef {{ slice: number, row: number, col: number, ranges: Range[], value: string | null }} Cell */

/**
 * Split `size` indices into at most `maxBins` contiguous [start, end) ranges.
 *
 * @param {number} size
 * @param {number} [maxBins]
 * @returns {Range[]}
 */
export function bins(size, maxBins = MAX_BINS) {
  const n = Math.max(1, Math.min(size, maxBins));
  if (size === 0) return [[0, 0]];
  return Array.from({ length: n }, (_, k) => [Math.floor((k * size) / n), Math.floor(((k + 1) * size) / n)]);
}

/**
 * Which axis runs down the rows, which across the columns, which enumerates 2-D slices.
 * A 1-D array is a row, or a column when `column` is set.
 *
 * @param {number} rank
 * @param {boolean} [column]
 * @returns {{ rowAxis: number | null, colAxis: number | null, sliceAxes: number[] }}
 */
export function arrange(rank, column = false) {
  if (rank === 0) return { rowAxis: null, colAxis: null, sliceAxes: [] };
  if (rank === 1)
    return column ? { rowAxis: 0, colAxis: null, sliceAxes: [] } : { rowAxis: null, colAxis: 0, sliceAxes: [] };
  const sliceAxes = Array.from({ length: rank - 2 }, (_, k) => k);
  return { rowAxis: rank - 2, colAxis: rank - 1, sliceAxes };
}

/**
 * @template T
 * @param {T[][]} lists
 * @returns {T[][]}
 */
function product(lists) {
  return lists.reduce((acc, list) => acc.flatMap((head) => list.map((x) => [...head, x])), /** @type {T[][]} */ ([[]]));
}

/**
 * Lay out one leaf ({shape, values}): rows, columns and slices as index ranges, and one cell
 * per (slice, row, column) with its range along every axis and, when every range is a single
 * index and Python sent values, the value to write in it.
 *
 * @param {Pick<Leaf, "shape" | "values">} leaf
 * @param {number} [maxBins]
 * @param {number} [maxSlices]
 * @param {boolean} [column]
 */
export function layoutLeaf(leaf, maxBins = MAX_BINS, maxSlices = MAX_SLICES, column = false) {
  const shape = leaf.shape ?? [];
  const { rowAxis, colAxis, sliceAxes } = arrange(shape.length, column);
  if (sliceAxes.length > 0) maxBins = Math.max(2, Math.floor(maxBins / 2));
  /** @type {Range[]} */
  const rows = rowAxis === null ? [[0, 1]] : bins(shape[rowAxis], maxBins);
  /** @type {Range[]} */
  const cols = colAxis === null ? [[0, 1]] : bins(shape[colAxis], maxBins);
  const perSlice = Math.max(1, Math.floor(maxSlices ** (1 / Math.max(1, sliceAxes.length))));
  const slices = product(sliceAxes.map((a) => bins(shape[a], perSlice)));
  const binned = [...rows, ...cols, ...slices.flat()].some(([s, e]) => e - s !== 1);
  /** @type {Cell[]} */
  const cells = [];
  slices.forEach((sliceRanges, slice) => {
    rows.forEach((rowRange, row) => {
      cols.forEach((colRange, col) => {
        const ranges = shape.map(
          (_, axis) =>
            /** @type {Range} */ (axis === rowAxis ? rowRange : axis === colAxis ? colRange : sliceRanges[axis]),
        );
        cells.push({ slice, row, col, ranges, value: cellValue(leaf, ranges) });
      });
    });
  });
  return { shape, rowAxis, colAxis, sliceAxes, rows, cols, slices, binned, cells };
}

/**
 * The value Python sent for the cell covering `ranges` of `leaf`, or null (binned, or none sent).
 *
 * @param {Pick<Leaf, "shape" | "values">} leaf
 * @param {Range[]} ranges
 * @returns {string | null}
 */
export function cellValue(leaf, ranges) {
  if (!leaf.values || ranges.some(([s, e]) => e - s !== 1)) return null;
  let flat = 0;
  ranges.forEach(([start], axis) => {
    flat = flat * leaf.shape[axis] + start;
  });
  return leaf.values[flat] ?? null;
}

/**
 * Whether to draw a 1-D input as a column: when the one level that walks it also walks the
 * rows of the (first) output, as x does in the grid vmap(vmap(f, (None, 0)), (0, None)).
 *
 * @param {Leaf} leaf
 * @param {Leaf[] | undefined} outputs
 */
export function drawAsColumn(leaf, outputs) {
  const axes = leaf.axes ?? [];
  const mapped = axes.flatMap((axis, level) => (axis === null ? [] : [level]));
  const out = outputs?.[0];
  if ((leaf.shape ?? []).length !== 1 || mapped.length !== 1 || !out) return false;
  const { rowAxis } = arrange(out.shape.length);
  return rowAxis !== null && out.axes?.[mapped[0]] === rowAxis;
}

/**
 * @param {Range} range
 * @param {number} index
 */
const within = ([start, end], index) => start <= index && index < end;

/**
 * How an input cell looks when the batch indices are `indices` (one per level):
 * "active" (this call reads it), "idle", or "whole" (the leaf is passed whole to every call).
 *
 * @param {Pick<Cell, "ranges">} cell
 * @param {Axes | undefined} axes
 * @param {number[]} indices
 */
export function inputCellState(cell, axes, indices) {
  const mapped = /** @type {[number, number][]} */ (
    (axes ?? []).map((axis, level) => [axis, level]).filter(([a]) => a !== null)
  );
  if (mapped.length === 0) return "whole";
  return mapped.every(([axis, level]) => within(cell.ranges[axis], indices[level])) ? "active" : "idle";
}

/**
 * How an output cell looks at batch indices `indices`: "current" (this call writes it),
 * "done" (an earlier call wrote it) or "pending". Calls run in row-major order of the levels.
 *
 * @param {Pick<Cell, "ranges">} cell
 * @param {Axes | undefined} axes
 * @param {number[]} indices
 */
export function outputCellState(cell, axes, indices) {
  const levels = indices.map((index, level) => /** @type {[number | null, number]} */ ([axes?.[level] ?? null, index]));
  if (levels.every(([axis, index]) => axis === null || within(cell.ranges[axis], index))) {
    return "current";
  }
  for (const [axis, index] of levels) {
    const first = axis === null ? 0 : cell.ranges[axis][0];
    if (first !== index) return first < index ? "done" : "pending";
  }
  return "done";
}

/**
 * The level (0 = outermost) whose batch index walks `axis` of a leaf, or -1.
 *
 * @param {Axes | undefined} axes
 * @param {number} axis
 */
export function levelOfAxis(axes, axis) {
  return (axes ?? []).indexOf(axis);
}

/**
 * "batch · axis 1 · size 3" for a batch axis ("batch i · …" in a nest), else "axis 0 · size 1";
 * "axis 0 (keyword)" for a leaf of a keyword argument.
 *
 * @param {number[]} shape
 * @param {Axes | undefined} axes
 * @param {number} axis
 * @param {Level[]} levels
 * @param {boolean} [keyword]
 */
export function axisCaption(shape, axes, axis, levels, keyword = false) {
  const level = levelOfAxis(axes, axis);
  const base = `axis ${axis}${keyword && level >= 0 ? " (keyword)" : ""} · size ${shape[axis]}`;
  if (level < 0) return base;
  return levels.length > 1 ? `batch ${levels[level].index} · ${base}` : `batch · ${base}`;
}

/**
 * The badge of a leaf whose batch index walks none of its axes, or null.
 *
 * @param {string} role
 * @param {Axes | undefined} axes
 * @param {Level[]} levels
 */
export function wholeBadge(role, axes, levels) {
  if (levels.length === 0 || (axes ?? []).some((a) => a !== null)) return null;
  return role === "input" ? "passed whole to every call" : "same for every call (out_axes None)";
}

/**
 * The error line: what failed, headed by the side at fault (a selector's choice, vmap's
 * axis_size or axis_name, or the function).
 *
 * @param {string} error
 * @param {string | null} side
 */
export function errorText(error, side) {
  if (side === "in_axes" || side === "out_axes") return `vmap fails with this choice: ${error}`;
  if (side === "axis_size" || side === "axis_name") return `vmap fails: its ${side} does not fit. ${error}`;
  return `vmap fails: ${error}`;
}

/**
 * The read-only options of vmap level `level`: "axis_name='i'" and "axis_size=4" (outermost
 * level) where given, each with the side of an error that blames it.
 *
 * @param {{ axis_names?: (string | null)[], axis_size?: number | null }} d
 * @param {number} level
 * @returns {{ kind: "axis_name" | "axis_size", text: string }[]}
 */
export function vmapOptions(d, level) {
  /** @type {{ kind: "axis_name" | "axis_size", text: string }[]} */
  const out = [];
  const name = d.axis_names?.[level];
  if (name !== null && name !== undefined) out.push({ kind: "axis_name", text: `axis_name=${name}` });
  if (level === 0 && d.axis_size !== null && d.axis_size !== undefined) {
    out.push({ kind: "axis_size", text: `axis_size=${d.axis_size}` });
  }
  return out;
}

/**
 * "(3, 1)" for [3, 1]; "(3,)" for [3]; "()" for a scalar.
 *
 * @param {number[]} shape
 */
export function formatShape(shape) {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * Tick text of a bin: "4" for one index, "4–7" for several.
 *
 * @param {Range} range
 */
export function binLabel([start, end]) {
  return end - start === 1 ? String(start) : `${start}–${end - 1}`;
}

/**
 * Text of call/write segments with each level's index written in (`null`: its letter).
 *
 * @param {Segment[] | null | undefined} segments
 * @param {Level[]} levels
 * @param {number[] | null} [indices]
 */
export function segmentsText(segments, levels, indices = null) {
  return (segments ?? [])
    .map((s) => ("text" in s ? s.text : indices === null ? levels[s.level].index : String(indices[s.level])))
    .join("");
}
