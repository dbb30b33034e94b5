// GridExplorer's Save PNG: the figure drawn at twice its size into a PNG file. A grid finer
// than this view's pixels is fetched at the PNG's size first (without a kernel, as on an
// embedded page, no sharper frame comes: after SHARP_FRAME_TIMEOUT_MS it uses what it has).
// A view closed meanwhile neither asks Python for anything nor saves.
import { drawChrome } from "./grid_draw.js";
import { sentShape } from "./grid_render.js";
import { later } from "./lifetime.js";

export const SHARP_FRAME_TIMEOUT_MS = 2000;
export const PNG_SCALE = 2;

/** @typedef {import("./grid_figure.js").GridFigure} GridFigure */
/** @typedef {import("./grid_figure.js").Frame} Frame */

/**
 * Whether `frame` holds at least `pixels` columns and rows (or the whole grid).
 *
 * @param {Frame} frame
 * @param {[number, number]} pixels
 */
export function isSharp(frame, [width, height]) {
  const { nx, ny } = frame.meta;
  const { sx, sy } = sentShape(frame.meta);
  return sx >= Math.min(nx, width) && sy >= Math.min(ny, height);
}

/**
 * Resolves once `figure` draws a frame of at least `pixels`, or after `timeoutMs`, or when
 * `signal` aborts; `want(size)` asks Python for such frames and `want(null)` for the usual.
 *
 * @param {GridFigure} figure
 * @param {[number, number]} pixels
 * @param {{ want: (size: [number, number] | null) => void, timeoutMs: number, signal: AbortSignal }} options
 * @returns {Promise<void>}
 */
export function sharpFrame(figure, pixels, { want, timeoutMs, signal }) {
  const frame = figure.frame;
  if (!frame || isSharp(frame, pixels) || signal.aborted) return Promise.resolve();
  want(pixels);
  return new Promise((resolve) => {
    const finish = () => {
      stopTimer();
      stopListening();
      signal.removeEventListener("abort", finish);
      if (!signal.aborted) want(null);
      resolve();
    };
    const stopTimer = later(signal, finish, timeoutMs);
    const stopListening = figure.onDrawn((drawn) => {
      if (isSharp(drawn, pixels)) finish();
    });
    signal.addEventListener("abort", finish, { once: true });
  });
}

/**
 * The figure at `scale` as a canvas: background, chrome and the heatmap.
 *
 * @param {GridFigure} figure
 * @param {number} scale
 */
export function figureCanvas(figure, scale) {
  const { layout } = figure;
  const out = document.createElement("canvas");
  out.width = layout.width * scale;
  out.height = layout.height * scale;
  const ctx = /** @type {CanvasRenderingContext2D} */ (out.getContext("2d"));
  ctx.setTransform(scale, 0, 0, scale, 0, 0);
  ctx.fillStyle = figure.theme.background;
  ctx.fillRect(0, 0, layout.width, layout.height);
  if (figure.frame) {
    drawChrome(ctx, figure.chromeState());
    const sharp = document.createElement("canvas");
    figure.paintInto(sharp, scale);
    ctx.imageSmoothingEnabled = false;
    ctx.drawImage(sharp, layout.plot.x, layout.plot.y, layout.plot.width, layout.plot.height);
  }
  return out;
}

/**
 * Make `button` save the figure as grid_explorer.png.
 *
 * @param {HTMLButtonElement} button
 * @param {GridFigure} figure
 * @param {{ want: (size: [number, number] | null) => void, signal: AbortSignal }} options
 */
export function savePng(button, figure, { want, signal }) {
  button.addEventListener(
    "click",
    async () => {
      button.disabled = true;
      await sharpFrame(figure, figure.plotPixels(PNG_SCALE), { want, timeoutMs: SHARP_FRAME_TIMEOUT_MS, signal });
      button.disabled = false;
      if (signal.aborted) return;
      figureCanvas(figure, PNG_SCALE).toBlob((blob) => {
        if (!blob || signal.aborted) return;
        const link = document.createElement("a");
        link.download = "grid_explorer.png";
        link.href = URL.createObjectURL(blob);
        link.click();
        setTimeout(() => URL.revokeObjectURL(link.href), 1000);
      }, "image/png");
    },
    { signal },
  );
}
