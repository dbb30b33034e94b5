// The hover read-out of GridExplorer's heatmap: x, y and f at the cell under the pointer,
// as the frontend knows them (the centre of a quantized level; "≈" for uint8 frames).
import { h } from "./dom.js";
import { cellAt, gridIndex, gridPoint, isNonPositive, sentShape, valueAt } from "./grid_render.js";
import { digitsApart, formatValue } from "./grid_ticks.js";

/** @typedef {import("./grid_figure.js").Frame} Frame */

/**
 * The read-out text at (px, py) CSS pixels inside a plot of `width` × `height`, or null
 * outside it.
 *
 * @param {Frame} frame
 * @param {string[]} names
 * @param {number} px
 * @param {number} py
 * @param {number} width
 * @param {number} height
 */
export function tooltipText({ meta, arrays }, names, px, py, width, height) {
  const { sx, sy } = sentShape(meta);
  const cell = cellAt(px, py, width, height, sx, sy);
  if (!cell) return null;
  const x = gridPoint(meta.x_range, meta.nx, gridIndex(meta.nx, sx, cell.i));
  const y = gridPoint(meta.y_range, meta.ny, gridIndex(meta.ny, sy, cell.j));
  const f = valueAt(meta, arrays, cell.i, cell.j);
  const approximate = meta.encoding === "uint8" && Number.isFinite(f);
  const value = isNonPositive(arrays, cell.i * sy + cell.j)
    ? "≤ 0 (not drawn on a log scale)"
    : `${approximate ? "≈ " : ""}${formatValue(f, approximate ? 3 : 4)}`;
  const [xs, ys] = [
    formatValue(x, pointDigits(meta.x_range, meta.nx)),
    formatValue(y, pointDigits(meta.y_range, meta.ny)),
  ];
  return `${names[0]} = ${xs}, ${names[1]} = ${ys}, f = ${value}`;
}

/**
 * Significant digits that tell a grid's neighbouring points apart: 4, or more deep in a zoom.
 *
 * @param {[number, number]} range
 * @param {number} n
 */
export function pointDigits(range, n) {
  return digitsApart(range, Math.abs(range[1] - range[0]) / Math.max(1, n - 1), 4);
}

/**
 * Show the read-out over `figure`'s plot while the pointer is on it.
 *
 * @param {import("./grid_figure.js").GridFigure} figure
 * @param {string[]} names
 * @param {AbortSignal} signal
 */
export function gridTooltip(figure, names, signal) {
  const { plot } = figure;
  const tooltip = h("div", { className: "vw-ge-tooltip", hidden: true });
  figure.el.append(tooltip);
  plot.addEventListener(
    "pointermove",
    (event) => {
      const frame = figure.frame;
      if (!frame) return;
      const layout = figure.layout;
      const text = tooltipText(frame, names, event.offsetX, event.offsetY, layout.plot.width, layout.plot.height);
      tooltip.hidden = text === null;
      if (text === null) return;
      tooltip.textContent = text;
      const left = layout.plot.x + event.offsetX + 14;
      tooltip.style.left = `${Math.min(left, layout.width - tooltip.offsetWidth)}px`;
      tooltip.style.top = `${layout.plot.y + event.offsetY + 14}px`;
    },
    { signal },
  );
  plot.addEventListener("pointerleave", () => (tooltip.hidden = true), { signal });
  return tooltip;
}
