// The math of zooming and panning GridExplorer's heatmap, without the DOM. A view is the
// data rectangle the plot shows, `{x: [lo, hi], y: [lo, hi]}`; the plot is its size in CSS
// pixels, `{width, height}`. Pixel (0, 0) is the plot's top left corner: x grows to the
// right from x_lo, y grows upward on screen, so pixel row 0 is y_hi.
//
// The plot box shows the cells' extent (the grid's range ± half a cell, see grid_render's
// `extent`): `shownView` and `requestedRanges` convert between the two, so that the point
// under the pointer stays under it exactly.

/**
 * @typedef {{ x: [number, number], y: [number, number] }} View  a data rectangle
 * @typedef {{ width: number, height: number }} PlotSize  the plot's size in CSS pixels
 * @typedef {{ x0: number, y0: number, x1: number, y1: number }} PixelRect  two opposite
 *   corners in plot pixels, in any order (where a drag started and where it is now)
 * @typedef {{ scaleX: number, scaleY: number, translateX: number, translateY: number }} CssTransform
 *   `translate(translateX px, translateY px) scale(scaleX, scaleY)` with transform-origin 0 0
 * @typedef {{ kind: "zoom", factor: number } | { kind: "pan", dx: number, dy: number } | { kind: "home" }} KeyAction
 *   a key's effect: zoom around the centre, pan by fractions of the view (dx > 0 shows more
 *   of the right, dy > 0 more of the top), or go home
 */

/** The smallest box, in pixels along either side, that a box zoom accepts. */
export const MIN_BOX_PIXELS = 4;

/** How far the arrow keys pan, as a fraction of the view. */
export const KEY_PAN_FRACTION = 0.1;

/** How much "+" zooms in and "-" zooms out. */
export const KEY_ZOOM_FACTOR = 2;

const WHEEL_PIXELS = 300;
const WHEEL_LINE_PIXELS = 16;
const WHEEL_PAGE_PIXELS = 400;
const MAX_WHEEL_FACTOR = 4;

const EPS = { float32: 2 ** -23, float64: 2 ** -52 };

/**
 * Whether two views are the same rectangle (exactly).
 *
 * @param {View} a
 * @param {View} b
 */
export function sameView(a, b) {
  return a.x[0] === b.x[0] && a.x[1] === b.x[1] && a.y[0] === b.y[0] && a.y[1] === b.y[1];
}

/**
 * The data point under pixel (px, py).
 *
 * @param {View} view
 * @param {PlotSize} plot
 * @param {number} px
 * @param {number} py
 * @returns {[number, number]}
 */
export function dataAt(view, plot, px, py) {
  const [xlo, xhi] = view.x;
  const [ylo, yhi] = view.y;
  return [xlo + (px / plot.width) * (xhi - xlo), yhi - (py / plot.height) * (yhi - ylo)];
}

/**
 * The pixel where data point (x, y) lies.
 *
 * @param {View} view
 * @param {PlotSize} plot
 * @param {number} x
 * @param {number} y
 * @returns {[number, number]}
 */
export function pixelOf(view, plot, x, y) {
  const [xlo, xhi] = view.x;
  const [ylo, yhi] = view.y;
  return [((x - xlo) / (xhi - xlo)) * plot.width, ((yhi - y) / (yhi - ylo)) * plot.height];
}

/**
 * A range scaled by 1 / factor around `at`: `at` keeps its relative place in the range.
 *
 * @param {[number, number]} range
 * @param {number} at
 * @param {number} factor
 * @returns {[number, number]}
 */
function scaledAround([lo, hi], at, factor) {
  return [at + (lo - at) / factor, at + (hi - at) / factor];
}

/**
 * The view zoomed by `factor` around pixel (px, py): the data point under it stays under it.
 * A factor above 1 zooms in (the view becomes `factor` times narrower), below 1 zooms out.
 *
 * @param {View} view
 * @param {PlotSize} plot
 * @param {number} px
 * @param {number} py
 * @param {number} factor
 * @returns {View}
 */
export function zoomAt(view, plot, px, py, factor) {
  const [x, y] = dataAt(view, plot, px, py);
  return { x: scaledAround(view.x, x, factor), y: scaledAround(view.y, y, factor) };
}

/**
 * The view after dragging the picture by (dxPixels, dyPixels) (dy positive downwards): the
 * picture follows the pointer, so the view moves the other way.
 *
 * @param {View} view
 * @param {PlotSize} plot
 * @param {number} dxPixels
 * @param {number} dyPixels
 * @returns {View}
 */
export function pan(view, plot, dxPixels, dyPixels) {
  const [xlo, xhi] = view.x;
  const [ylo, yhi] = view.y;
  const dx = (dxPixels / plot.width) * (xhi - xlo);
  const dy = (dyPixels / plot.height) * (yhi - ylo);
  return { x: [xlo - dx, xhi - dx], y: [ylo + dy, yhi + dy] };
}

/**
 * The view of a rectangle dragged on the plot (clipped to the plot), or null for a box under
 * MIN_BOX_PIXELS along either side (a click or a slip of the hand).
 *
 * @param {View} view
 * @param {PlotSize} plot
 * @param {PixelRect} rect
 * @returns {View | null}
 */
export function boxZoom(view, plot, rect) {
  /** @param {number} v @param {number} max */
  const clip = (v, max) => Math.max(0, Math.min(max, v));
  const [left, right] = [rect.x0, rect.x1].map((v) => clip(v, plot.width)).sort((a, b) => a - b);
  const [top, bottom] = [rect.y0, rect.y1].map((v) => clip(v, plot.height)).sort((a, b) => a - b);
  if (right - left < MIN_BOX_PIXELS || bottom - top < MIN_BOX_PIXELS) return null;
  const [xlo, ylo] = dataAt(view, plot, left, bottom);
  const [xhi, yhi] = dataAt(view, plot, right, top);
  return { x: [xlo, xhi], y: [ylo, yhi] };
}

/**
 * The zoom factor of one wheel event: smooth for trackpads (many small pixel deltas), one
 * notch of a mouse wheel (100 px, or 3 lines) about 1.26×; scrolling down zooms out.
 * Clamped to [1/4, 4] so that no single event jumps far.
 *
 * @param {number} deltaY  WheelEvent.deltaY
 * @param {number} deltaMode  WheelEvent.deltaMode: 0 pixels, 1 lines, 2 pages
 * @returns {number}
 */
export function wheelFactor(deltaY, deltaMode) {
  const unit = deltaMode === 1 ? WHEEL_LINE_PIXELS : deltaMode === 2 ? WHEEL_PAGE_PIXELS : 1;
  const factor = 2 ** ((-deltaY * unit) / WHEEL_PIXELS);
  if (!Number.isFinite(factor)) return deltaY > 0 ? 1 / MAX_WHEEL_FACTOR : MAX_WHEEL_FACTOR;
  return Math.max(1 / MAX_WHEEL_FACTOR, Math.min(MAX_WHEEL_FACTOR, factor));
}

/** @type {Map<string, KeyAction>} */
const KEY_ACTIONS = new Map([
  ["+", { kind: "zoom", factor: KEY_ZOOM_FACTOR }],
  ["=", { kind: "zoom", factor: KEY_ZOOM_FACTOR }],
  ["-", { kind: "zoom", factor: 1 / KEY_ZOOM_FACTOR }],
  ["_", { kind: "zoom", factor: 1 / KEY_ZOOM_FACTOR }],
  ["ArrowLeft", { kind: "pan", dx: -KEY_PAN_FRACTION, dy: 0 }],
  ["ArrowRight", { kind: "pan", dx: KEY_PAN_FRACTION, dy: 0 }],
  ["ArrowUp", { kind: "pan", dx: 0, dy: KEY_PAN_FRACTION }],
  ["ArrowDown", { kind: "pan", dx: 0, dy: -KEY_PAN_FRACTION }],
  ["0", { kind: "home" }],
]);

/**
 * What a key does on the focused plot: "+" or "=" zoom in, "-" or "_" zoom out (around the
 * centre), the arrows move the view by a tenth of it (ArrowRight shows more of the right),
 * "0" goes home; null for other keys.
 *
 * @param {string} key  KeyboardEvent.key
 * @returns {KeyAction | null}
 */
export function keyAction(key) {
  const action = KEY_ACTIONS.get(key);
  return action ? { ...action } : null;
}

/**
 * The view after a zoom or pan key action (home is the caller's: it knows the first view).
 *
 * @param {View} view
 * @param {{ kind: "zoom", factor: number } | { kind: "pan", dx: number, dy: number }} action
 * @returns {View}
 */
export function applyKeyAction(view, action) {
  const [xlo, xhi] = view.x;
  const [ylo, yhi] = view.y;
  if (action.kind === "zoom") {
    return {
      x: scaledAround(view.x, (xlo + xhi) / 2, action.factor),
      y: scaledAround(view.y, (ylo + yhi) / 2, action.factor),
    };
  }
  const dx = action.dx * (xhi - xlo);
  const dy = action.dy * (yhi - ylo);
  return { x: [xlo + dx, xhi + dx], y: [ylo + dy, yhi + dy] };
}

/**
 * The CSS transform that moves the picture drawn for view `from` (filling the plot box) to
 * where it lies in view `to`, for `transform-origin: 0 0` (see `cssTransformText`).
 *
 * @param {View} from
 * @param {View} to
 * @param {PlotSize} plot
 * @returns {CssTransform}
 */
export function cssTransform(from, to, plot) {
  const toWidth = to.x[1] - to.x[0];
  const toHeight = to.y[1] - to.y[0];
  return {
    scaleX: (from.x[1] - from.x[0]) / toWidth,
    scaleY: (from.y[1] - from.y[0]) / toHeight,
    translateX: ((from.x[0] - to.x[0]) / toWidth) * plot.width,
    translateY: ((to.y[1] - from.y[1]) / toHeight) * plot.height,
  };
}

/**
 * A CssTransform as the value of the CSS `transform` property ("" for the identity, so that
 * the element drops its transform).
 *
 * @param {CssTransform} t
 * @returns {string}
 */
export function cssTransformText(t) {
  if (t.scaleX === 1 && t.scaleY === 1 && t.translateX === 0 && t.translateY === 0) return "";
  return `translate(${t.translateX}px, ${t.translateY}px) scale(${t.scaleX}, ${t.scaleY})`;
}

/**
 * Whether `view` is too narrow for a grid of `resolution` points per axis in `dtype`: the
 * grid's step along x or y below 4 units of `dtype`'s epsilon times the coordinates'
 * magnitude (as vmapwidget.kernels.check_resolvable refuses it), or the range empty.
 *
 * @param {View} view  the grid's ranges (first and last point)
 * @param {number} resolution  grid points per axis
 * @param {"float32" | "float64" | string} [dtype]
 * @returns {boolean}
 */
export function tooNarrow(view, resolution, dtype = "float32") {
  const eps = dtype === "float64" ? EPS.float64 : EPS.float32;
  return [view.x, view.y].some(([lo, hi]) => {
    const step = (hi - lo) / Math.max(resolution - 1, 1);
    return !(step > 0) || step < 4 * eps * Math.max(Math.abs(lo), Math.abs(hi));
  });
}

/**
 * The view the plot box shows for a grid over `xRange` × `yRange` with nx × ny points: the
 * cells' extent, half a cell beyond the first and last points.
 *
 * @param {[number, number]} xRange
 * @param {[number, number]} yRange
 * @param {number} nx
 * @param {number} ny
 * @returns {View}
 */
export function shownView(xRange, yRange, nx, ny) {
  return { x: widened(xRange, nx), y: widened(yRange, ny) };
}

/**
 * The grid ranges (first and last point) whose cells fill the plot box showing `view`: the
 * inverse of shownView.
 *
 * @param {View} view
 * @param {number} nx
 * @param {number} ny
 * @returns {{ x_range: [number, number], y_range: [number, number] }}
 */
export function requestedRanges(view, nx, ny) {
  return { x_range: narrowed(view.x, nx), y_range: narrowed(view.y, ny) };
}

/**
 * @param {[number, number]} range
 * @param {number} n
 * @returns {[number, number]}
 */
function widened([lo, hi], n) {
  if (n <= 1) return [lo, hi];
  const half = (hi - lo) / (n - 1) / 2;
  return [lo - half, hi + half];
}

/**
 * @param {[number, number]} range
 * @param {number} n
 * @returns {[number, number]}
 */
function narrowed([lo, hi], n) {
  if (n <= 1) return [lo, hi];
  const half = (hi - lo) / n / 2;
  return [lo + half, hi - half];
}
