// Canvas drawing of GridExplorer's chrome: axes, ticks, labels and the colour bar. The same
// function draws the on-screen chrome and the exported PNG, so both look alike.
import { cssColour } from "./colormaps.js";
import { CONSTANTS } from "./constants.js";
import { axisTicks, formatTick, scaleTicks } from "./grid_ticks.js";

/** Room above the plot for a title (CSS pixels). */
export const TITLE_ROOM = 22;

/** From the plot's left edge to the right end of a y tick label (CSS pixels). */
const TICK_GAP = 8;

/** Left of the y tick labels: room for the y axis label turned sideways (CSS pixels). */
const Y_LABEL_ROOM = 16;

/**
 * Figure geometry in CSS pixels: the plot rectangle and the colour bar beside it. The
 * default size and the margins are shared with Python (constants.json), which sizes the
 * frames it sends from the plot's size. A title takes TITLE_ROOM more at the top. With
 * `equal` = [x span, y span] one unit of x is as long as one of y: the plot shrinks along
 * one axis to that ratio, and the figure with it.
 *
 * @param {number} [width]
 * @param {number} [height]
 * @param {{ title?: boolean, equal?: [number, number] | null }} [options]
 */
export function figureLayout(width = CONSTANTS.figure.width, height = CONSTANTS.figure.height, options = {}) {
  const { margin } = CONSTANTS.figure;
  const top = margin.top + (options.title ? TITLE_ROOM : 0);
  let plotWidth = Math.max(1, width - margin.left - margin.right);
  let plotHeight = Math.max(1, height - top - margin.bottom);
  const spans = options.equal;
  if (spans && spans[0] > 0 && spans[1] > 0 && Number.isFinite(spans[0] / spans[1])) {
    const ratio = spans[0] / spans[1];
    if (plotWidth / plotHeight > ratio) plotWidth = Math.max(1, Math.round(plotHeight * ratio));
    else plotHeight = Math.max(1, Math.round(plotWidth / ratio));
  }
  const plot = { x: margin.left, y: top, width: plotWidth, height: plotHeight };
  const bar = { x: plot.x + plot.width + 18, y: plot.y, width: 14, height: plot.height };
  return {
    width: plot.x + plot.width + margin.right,
    height: plot.y + plot.height + margin.bottom,
    plot,
    bar,
  };
}

/**
 * The figure's size in CSS pixels: `width` and `height` where given; otherwise the default
 * width, or the container's where that is narrower (never below 200), and a height of three
 * quarters of the width (the default 560 × 420).
 *
 * @param {number | null | undefined} width
 * @param {number | null | undefined} height
 * @param {number} container  the container's width (0: unknown)
 * @returns {[number, number]}
 */
export function figureSize(width, height, container) {
  const fallback = CONSTANTS.figure.width;
  const w = width ?? (container > 0 ? Math.max(200, Math.min(fallback, Math.floor(container))) : fallback);
  return [w, height ?? Math.max(150, Math.round((w * CONSTANTS.figure.height) / CONSTANTS.figure.width))];
}

/** Theme colours and font from JupyterLab's --jp-* CSS variables, with light fallbacks. */
/**
 * @param {Element} el
 * @returns {Theme}
 */
export function themeOf(el) {
  const style = getComputedStyle(el);
  /**
   * @param {string} name
   * @param {string} fallback
   */
  const v = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: v("--jp-ui-font-color1", "rgba(0, 0, 0, 0.87)"),
    muted: v("--jp-ui-font-color2", "rgba(0, 0, 0, 0.54)"),
    line: v("--jp-border-color1", "#bdbdbd"),
    background: v("--jp-layout-color0", "#ffffff"),
    font: v("--jp-ui-font-family", "system-ui, -apple-system, sans-serif"),
  };
}

/**
 * @typedef {{ text: string, muted: string, line: string, background: string, font: string }} Theme
 * @typedef {ReturnType<typeof figureLayout>} Layout
 * @typedef {{ x: string, y: string, colorbar: string, title?: string }} Labels
 * @typedef {{
 *   layout: Layout, xExtent: number[], yExtent: number[], labels: Labels, vmin: number,
 *   vmax: number, norm?: string, map: import("./colormaps.js").Colormap, nonfinite: number,
 *   theme: Theme,
 * }} Chrome  (vmin, vmax: the frame's encoded limits, log10 of the values' under a log norm)
 */

/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {number} x0
 * @param {number} y0
 * @param {number} x1
 * @param {number} y1
 */
function axisLine(ctx, x0, y0, x1, y1) {
  ctx.beginPath();
  ctx.moveTo(x0, y0);
  ctx.lineTo(x1, y1);
  ctx.stroke();
}

/**
 * Draw axes with ticks for the x/y extents, their labels and a colour bar for [vmin, vmax]
 * (with its label, if any) onto `ctx` (already scaled to CSS pixels). `chrome` = {layout,
 * xExtent, yExtent, labels, vmin, vmax, map, nonfinite, theme}.
 *
 * @param {CanvasRenderingContext2D} ctx
 * @param {Chrome} chrome
 */
export function drawChrome(ctx, chrome) {
  const { layout, xExtent, yExtent, labels, theme } = chrome;
  const { plot } = layout;
  ctx.clearRect(0, 0, layout.width, layout.height);
  ctx.lineWidth = 1;
  ctx.strokeStyle = theme.line;
  ctx.fillStyle = theme.text;
  ctx.font = `11px ${theme.font}`;
  ctx.strokeRect(plot.x - 0.5, plot.y - 0.5, plot.width + 1, plot.height + 1);

  const measure = (/** @type {string} */ text) => ctx.measureText(text).width;
  const xCount = Math.max(2, Math.floor(plot.width / 70));
  const xs = axisTicks(xExtent[0], xExtent[1], xCount, plot.width / xCount - 6, measure);
  ctx.textAlign = "center";
  ctx.textBaseline = "top";
  for (const { at, label } of xs.ticks) {
    const px = Math.round(plot.x + ((at - xExtent[0]) / (xExtent[1] - xExtent[0])) * plot.width) + 0.5;
    axisLine(ctx, px, plot.y + plot.height, px, plot.y + plot.height + 5);
    ctx.fillText(label, px, plot.y + plot.height + 8);
  }
  const yRoom = plot.x - TICK_GAP - Y_LABEL_ROOM;
  const ys = axisTicks(yExtent[0], yExtent[1], Math.max(2, Math.floor(plot.height / 50)), yRoom, measure);
  ctx.textAlign = "right";
  ctx.textBaseline = "middle";
  let widest = 0;
  for (const { at, label } of ys.ticks) {
    const py = Math.round(plot.y + plot.height - ((at - yExtent[0]) / (yExtent[1] - yExtent[0])) * plot.height) + 0.5;
    axisLine(ctx, plot.x - 5, py, plot.x, py);
    ctx.fillText(label, plot.x - TICK_GAP, py, yRoom);
    widest = Math.max(widest, Math.min(yRoom, measure(label)));
  }

  ctx.font = `10px ${theme.font}`;
  ctx.fillStyle = theme.muted;
  ctx.textBaseline = "bottom";
  const xOffsetWidth = xs.offset ? ctx.measureText(xs.offset).width + 8 : 0;
  if (xs.offset) {
    ctx.textAlign = "right";
    ctx.fillText(xs.offset, layout.width - 4, layout.height - 4, layout.width - 8);
  }
  if (ys.offset) {
    ctx.textAlign = "left";
    ctx.textBaseline = "alphabetic";
    ctx.fillText(ys.offset, 2, offsetLine(layout, labels), layout.width / 2 - 4);
    ctx.textBaseline = "bottom";
  }
  ctx.fillStyle = theme.text;

  ctx.font = `italic 12px ${theme.font}`;
  ctx.textAlign = "center";
  const xLabelRoom = Math.min(plot.width, 2 * (layout.width - xOffsetWidth - (plot.x + plot.width / 2)));
  ctx.fillText(labels.x, plot.x + plot.width / 2, layout.height - 4, Math.max(1, xLabelRoom));

  const yLabelAt = Math.max(7, Math.min(14, plot.x - TICK_GAP - widest - 9));
  sideways(ctx, labels.y, yLabelAt, plot.y + plot.height / 2, plot.height);
  if (labels.colorbar) {
    const { bar } = layout;
    sideways(ctx, labels.colorbar, layout.width - 8, bar.y + bar.height / 2, bar.height);
  }
  if (labels.title) {
    ctx.font = `600 13px ${theme.font}`;
    ctx.fillText(labels.title, plot.x + plot.width / 2, plot.y - 8, layout.width - 8);
  }

  drawColourBar(ctx, chrome);
}

/**
 * The baseline of the y axis's and the colour bar's offsets ("−0.745 + tick × 10⁻⁶"): above
 * the plot, clear of the top tick label and of a title.
 *
 * @param {Layout} layout
 * @param {Labels} labels
 */
function offsetLine(layout, labels) {
  return layout.plot.y - (labels.title ? TITLE_ROOM : 0) - 5;
}

/**
 * Text turned a quarter to the left, centred on (x, y), squeezed to at most `room` pixels.
 *
 * @param {CanvasRenderingContext2D} ctx
 * @param {string} text
 * @param {number} x
 * @param {number} y
 * @param {number} room
 */
function sideways(ctx, text, x, y, room) {
  ctx.save();
  ctx.translate(x, y);
  ctx.rotate(-Math.PI / 2);
  ctx.textBaseline = "middle";
  ctx.fillText(text, 0, 0, room);
  ctx.restore();
}

/**
 * @param {CanvasRenderingContext2D} ctx
 * @param {Chrome} chrome
 */
function drawColourBar(ctx, { layout, labels, vmin, vmax, norm, map, nonfinite, theme }) {
  const { bar } = layout;
  const swatch = nonfinite > 0 ? 16 : 0;
  const height = bar.height - swatch;
  for (let row = 0; row < height; row++) {
    ctx.fillStyle = cssColour(map, Math.floor(((height - 1 - row) / height) * 256));
    ctx.fillRect(bar.x, bar.y + row, bar.width, 1);
  }
  ctx.strokeStyle = theme.line;
  ctx.strokeRect(bar.x - 0.5, bar.y - 0.5, bar.width + 1, height + 1);
  ctx.fillStyle = theme.text;
  ctx.font = `11px ${theme.font}`;
  ctx.textAlign = "left";
  ctx.textBaseline = "middle";
  const left = bar.x + bar.width + 6;
  const room = layout.width - left - (labels.colorbar ? Y_LABEL_ROOM : 2);
  if (vmax > vmin) {
    const count = Math.max(2, Math.floor(height / 50));
    const scale =
      norm === "log"
        ? { ticks: scaleTicks(vmin, vmax, norm, count), offset: null }
        : axisTicks(vmin, vmax, count, room, (text) => ctx.measureText(text).width);
    for (const { at, label } of scale.ticks) {
      const py = Math.round(bar.y + height - ((at - vmin) / (vmax - vmin)) * height) + 0.5;
      ctx.strokeStyle = theme.line;
      axisLine(ctx, bar.x + bar.width, py, bar.x + bar.width + 4, py);
      ctx.fillText(label, left, py, room);
    }
    if (scale.offset) {
      ctx.save();
      ctx.font = `10px ${theme.font}`;
      ctx.fillStyle = theme.muted;
      ctx.textAlign = "right";
      ctx.textBaseline = "alphabetic";
      ctx.fillText(scale.offset, layout.width - 2, offsetLine(layout, labels), layout.width / 2 - 4);
      ctx.restore();
    }
  } else if (Number.isFinite(vmin)) {
    ctx.fillText(formatTick(norm === "log" ? 10 ** vmin : vmin, 0), bar.x + bar.width + 6, bar.y + height / 2);
  }
  if (swatch) {
    ctx.fillStyle = map.badCss;
    ctx.fillRect(bar.x, bar.y + bar.height - 10, bar.width, 10);
    ctx.fillStyle = theme.muted;
    ctx.fillText("no value", bar.x + bar.width + 6, bar.y + bar.height - 5);
  }
}
