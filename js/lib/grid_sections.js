// GridExplorer's cross-sections (sections=True): while the pointer is on the heatmap, two
// small line plots of f along x and along y through the cell under it, drawn from the
// values the browser already has (the frame's sent cells; nothing is asked of Python).
import { h } from "./dom.js";
import { cellAt, gridIndex, gridPoint, sentShape, valueAt } from "./grid_render.js";
import { formatValue } from "./grid_ticks.js";

/** @typedef {import("./grid_figure.js").Frame} Frame */
/** @typedef {{ coords: Float64Array, values: Float64Array, at: number, label: string }} Section */

export const SECTION_SIZE = { width: 260, height: 96 };

/**
 * The sections through sent cell (i, j): f along x at that row and along y at that column,
 * with the coordinates of their points (NaN where f has no finite value).
 *
 * @param {Frame} frame
 * @param {string[]} names
 * @param {number} i
 * @param {number} j
 * @returns {{ alongX: Section, alongY: Section }}
 */
export function sectionsAt({ meta, arrays }, names, i, j) {
  const { sx, sy } = sentShape(meta);
  const x = (/** @type {number} */ k) => gridPoint(meta.x_range, meta.nx, gridIndex(meta.nx, sx, k));
  const y = (/** @type {number} */ k) => gridPoint(meta.y_range, meta.ny, gridIndex(meta.ny, sy, k));
  const finite = (/** @type {number} */ v) => (Number.isFinite(v) ? v : Number.NaN);
  const alongX = { coords: new Float64Array(sx), values: new Float64Array(sx), at: i, label: "" };
  for (let k = 0; k < sx; k++) {
    alongX.coords[k] = x(k);
    alongX.values[k] = finite(valueAt(meta, arrays, k, j));
  }
  const alongY = { coords: new Float64Array(sy), values: new Float64Array(sy), at: j, label: "" };
  for (let k = 0; k < sy; k++) {
    alongY.coords[k] = y(k);
    alongY.values[k] = finite(valueAt(meta, arrays, i, k));
  }
  alongX.label = `f along ${names[0]} at ${names[1]} = ${formatValue(y(j))}`;
  alongY.label = `f along ${names[1]} at ${names[0]} = ${formatValue(x(i))}`;
  return { alongX, alongY };
}

/**
 * Draw `section` as a line over its own finite range into `canvas` (CSS size `size`),
 * marking the point under the pointer.
 *
 * @param {HTMLCanvasElement} canvas
 * @param {Section} section
 * @param {import("./grid_draw.js").Theme} theme
 * @param {number} dpr
 */
export function drawSection(canvas, section, theme, dpr) {
  const { width, height } = SECTION_SIZE;
  const ctx = /** @type {CanvasRenderingContext2D} */ (canvas.getContext("2d"));
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const pad = { left: 6, right: 6, top: 18, bottom: 6 };
  const { coords, values } = section;
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  ctx.font = `11px ${theme.font}`;
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = "top";
  const range = Number.isFinite(lo) ? `  [${formatValue(lo, 3)}, ${formatValue(hi, 3)}]` : "  (no values)";
  ctx.fillText(section.label + range, pad.left, 2, width - 2 * pad.left);
  ctx.strokeStyle = theme.line;
  ctx.strokeRect(pad.left - 0.5, pad.top - 0.5, width - pad.left - pad.right + 1, height - pad.top - pad.bottom + 1);
  if (!Number.isFinite(lo)) return;
  const n = coords.length;
  const px = (/** @type {number} */ k) => pad.left + (n === 1 ? 0.5 : k / (n - 1)) * (width - pad.left - pad.right);
  const py = (/** @type {number} */ v) =>
    height - pad.bottom - (hi > lo ? (v - lo) / (hi - lo) : 0.5) * (height - pad.top - pad.bottom);
  ctx.strokeStyle = theme.text;
  ctx.lineWidth = 1.25;
  ctx.beginPath();
  let drawing = false;
  for (let k = 0; k < n; k++) {
    const v = values[k];
    if (Number.isNaN(v)) {
      drawing = false;
      continue;
    }
    if (drawing) ctx.lineTo(px(k), py(v));
    else ctx.moveTo(px(k), py(v));
    drawing = true;
  }
  ctx.stroke();
  const v = values[section.at];
  if (!Number.isNaN(v)) {
    ctx.fillStyle = "#d32f2f";
    ctx.beginPath();
    ctx.arc(px(section.at), py(v), 3, 0, 2 * Math.PI);
    ctx.fill();
  }
}

/**
 * Cross-sections under `figure`'s plot, shown while `enabled()` and the pointer is on it.
 *
 * @param {import("./grid_figure.js").GridFigure} figure
 * @param {string[]} names
 * @param {{ enabled: () => boolean, signal: AbortSignal }} options
 */
export function gridSections(figure, names, { enabled, signal }) {
  const { width, height } = SECTION_SIZE;
  const canvas = () => {
    const c = h("canvas", { className: "vw-ge-section" });
    c.width = Math.round(width * figure.dpr);
    c.height = Math.round(height * figure.dpr);
    Object.assign(c.style, { width: `${width}px`, height: `${height}px` });
    return c;
  };
  const alongX = canvas();
  const alongY = canvas();
  alongX.setAttribute("aria-label", `f along ${names[0]}`);
  alongY.setAttribute("aria-label", `f along ${names[1]}`);
  const el = h("div", { className: "vw-ge-sections", hidden: true }, [alongX, alongY]);
  const show = () => (el.hidden = !enabled());
  figure.plot.addEventListener(
    "pointermove",
    (event) => {
      const frame = figure.frame;
      if (!frame || !enabled()) return;
      const { sx, sy } = sentShape(frame.meta);
      const { plot } = figure.layout;
      const cell = cellAt(event.offsetX, event.offsetY, plot.width, plot.height, sx, sy);
      if (!cell) return;
      const sections = sectionsAt(frame, names, cell.i, cell.j);
      drawSection(alongX, sections.alongX, figure.theme, figure.dpr);
      drawSection(alongY, sections.alongY, figure.theme, figure.dpr);
      el.dataset.cell = `${cell.i},${cell.j}`;
    },
    { signal },
  );
  show();
  return { el, sync: show };
}
