// GridExplorer's figure: the heatmap canvas (one pixel per cell, or per device pixel where
// cells are finer) inside axes, ticks and a colour bar drawn on a second canvas, in the
// notebook's theme. It draws the frames it is given and knows nothing of Python.
//
// For tools that act on the picture (hover, zoom, pan): `plot` is the heatmap's canvas,
// `plotBox` the clipping box around it (the canvas may be transformed inside it),
// `frame` the frame drawn, `paintInto(canvas, scale)` draws that frame into any canvas
// (to show it transformed, or in a PNG), and `onDrawn` hears of every new frame.
import { banded, colormap } from "./colormaps.js";
import { drawContours } from "./contours.js";
import { drawDeviceBlocks } from "./device_overlay.js";
import { h } from "./dom.js";
import { drawChrome, figureLayout, figureSize, themeOf } from "./grid_draw.js";
import { extent, frameArrays, paintPixels } from "./grid_render.js";

/** @typedef {import("./types.js").FrameMeta} FrameMeta */
/** @typedef {{ meta: FrameMeta, arrays: ReturnType<typeof frameArrays> }} Frame */
/** @typedef {ReturnType<typeof themeOf>} Theme */
/** @typedef {import("./grid_draw.js").Layout} Layout */

/**
 * A frame from its header and buffers, or null when it is not newer than `drawn`.
 *
 * @param {FrameMeta | null | undefined} meta
 * @param {DataView | null | undefined} data
 * @param {DataView | null | undefined} mask
 * @param {Frame | null} drawn
 * @returns {Frame | null}
 */
export function newerFrame(meta, data, mask, drawn) {
  if (!meta || meta.id === undefined || (drawn && meta.id <= drawn.meta.id)) return null;
  return { meta, arrays: frameArrays(meta, data, mask) };
}

/**
 * `labels()` gives the texts drawn beside the axes, above the plot and by the colour bar;
 * `contours()` whether iso-lines are drawn over the heatmap, `devices()` the device blocks
 * to outline over it (null: none); `size()` the figure's width
 * and height in CSS pixels (null: follow the container) and its aspect ("equal": one unit
 * of x as long as one of y). `relayout()` applies a changed size; the figure also follows
 * its container's width and, with an equal aspect, each frame's ranges. `onResize` hears
 * of every new layout.
 *
 * @param {{
 *   labels: () => import("./grid_draw.js").Labels, colormapName: () => string,
 *   contours: () => boolean, themeHost: HTMLElement, signal: AbortSignal,
 *   size?: () => { width?: number | null, height?: number | null, aspect?: string },
 *   devices?: () => import("./device_overlay.js").DeviceLayout | null,
 * }} options
 */
export function gridFigure({
  labels,
  colormapName,
  contours,
  size = () => ({}),
  devices = () => null,
  themeHost,
  signal,
}) {
  const dpr = window.devicePixelRatio || 1;
  const chrome = h("canvas", { className: "vw-ge-chrome" });
  const plot = h("canvas", { className: "vw-ge-image", role: "img" });
  // The canvas sits in a clipping box, so a transformed picture (zoom, pan) stays in the plot.
  const plotBox = h("div", { className: "vw-ge-plotbox" }, [plot]);
  const el = h("div", { className: "vw-ge-figure" }, [chrome, plotBox]);
  const chromeCtx = /** @type {CanvasRenderingContext2D} */ (chrome.getContext("2d"));
  const plotCtx = /** @type {CanvasRenderingContext2D} */ (plot.getContext("2d"));
  /** @type {Frame | null} */
  let frame = null;
  let chromeKey = "";
  let theme = themeOf(themeHost);
  /** @type {Set<(frame: Frame) => void>} */
  const drawnListeners = new Set();
  /** @type {Set<(layout: Layout) => void>} */
  const resizeListeners = new Set();
  let layout = figureLayout();
  let layoutKey = "";
  let containerWidth = 0;

  /** Size the canvases and boxes for the layout the options, container and frame give. */
  function place() {
    const { width, height, aspect } = size();
    const [w, hgt] = figureSize(width, height, containerWidth);
    const meta = frame?.meta;
    /** @type {[number, number] | null} */
    let equal = null;
    if (aspect === "equal" && meta) {
      const xs = extent(meta.x_range, meta.nx);
      const ys = extent(meta.y_range, meta.ny);
      equal = [xs[1] - xs[0], ys[1] - ys[0]];
    }
    const next = figureLayout(w, hgt, { title: Boolean(labels().title), equal });
    const key = JSON.stringify(next);
    if (key === layoutKey) return false;
    layoutKey = key;
    layout = next;
    const box = layout.plot;
    chrome.width = Math.round(layout.width * dpr);
    chrome.height = Math.round(layout.height * dpr);
    chromeKey = "";
    Object.assign(chrome.style, { width: `${layout.width}px`, height: `${layout.height}px` });
    Object.assign(plot.style, { width: `${box.width}px`, height: `${box.height}px` });
    Object.assign(plotBox.style, {
      left: `${box.x}px`,
      top: `${box.y}px`,
      width: `${box.width}px`,
      height: `${box.height}px`,
    });
    Object.assign(el.style, { width: `${layout.width}px`, height: `${layout.height}px` });
    for (const listener of resizeListeners) listener(layout);
    return true;
  }
  place();

  /** Everything the chrome shows, for the screen or a PNG. */
  function chromeState() {
    const meta = /** @type {Frame} */ (frame).meta;
    return {
      layout,
      xExtent: extent(meta.x_range, meta.nx),
      yExtent: extent(meta.y_range, meta.ny),
      labels: labels(),
      vmin: meta.vmin,
      vmax: meta.vmax,
      norm: meta.norm,
      nonfinite: meta.nonfinite + (meta.nonpositive ?? 0),
      map: banded(colormap(colormapName()), meta.levels),
      theme,
    };
  }

  function drawChromeIfChanged() {
    if (!frame) return;
    const state = chromeState();
    const key = JSON.stringify([
      state.xExtent,
      state.yExtent,
      state.vmin,
      state.vmax,
      state.norm,
      state.nonfinite > 0,
      state.map.name,
      state.labels,
      theme,
    ]);
    if (key === chromeKey) return;
    chromeKey = key;
    chromeCtx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawChrome(chromeCtx, state);
  }

  /**
   * Paint the frame into `canvas` at `scale` device pixels per CSS pixel of the plot: one
   * pixel per cell, or per device pixel where cells are finer than that.
   *
   * @param {HTMLCanvasElement} canvas
   * @param {number} scale
   */
  function paintInto(canvas, scale) {
    if (!frame) return;
    const { meta, arrays } = frame;
    const box = layout.plot;
    // Iso-lines and outlines need the plot's own pixels; without them a pixel per cell is enough.
    const lines = contours();
    const blocks = devices();
    const fine = lines || blocks !== null;
    const width = fine ? Math.round(box.width * scale) : Math.min(meta.nx, Math.round(box.width * scale));
    const height = fine ? Math.round(box.height * scale) : Math.min(meta.ny, Math.round(box.height * scale));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const ctx = /** @type {CanvasRenderingContext2D} */ (canvas === plot ? plotCtx : canvas.getContext("2d"));
    const pixels = ctx.createImageData(width, height);
    const map = banded(colormap(colormapName()), meta.levels);
    paintPixels(new Uint32Array(pixels.data.buffer), meta, arrays, map, width, height);
    ctx.putImageData(pixels, 0, 0);
    if (lines) drawContours(ctx, meta, arrays, width, height, scale, theme.font);
    if (blocks) drawDeviceBlocks(ctx, blocks, width, height, scale, theme.font);
  }

  /** Paint the frame again (a new colour map, labels or size) and its chrome where that changed. */
  function repaint() {
    place();
    if (!frame) return;
    paintInto(plot, dpr);
    drawChromeIfChanged();
  }

  /**
   * Draw `next` (a newer frame).
   *
   * @param {Frame} next
   */
  function show(next) {
    frame = next;
    repaint();
    plot.dataset.frameId = String(next.meta.id);
    plot.setAttribute("aria-label", `heatmap of f over ${next.meta.nx} × ${next.meta.ny} grid`);
    for (const listener of drawnListeners) listener(next);
  }

  /** Read the notebook's theme again (it changed, or the view was just attached). */
  function refreshTheme() {
    theme = themeOf(themeHost);
    chromeKey = "";
    drawChromeIfChanged();
  }

  const themeWatcher = new MutationObserver(refreshTheme);
  themeWatcher.observe(document.body, {
    attributes: true,
    attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"],
  });
  signal.addEventListener("abort", () => themeWatcher.disconnect(), { once: true });
  if (typeof ResizeObserver !== "undefined") {
    const container = new ResizeObserver((entries) => {
      const width = entries[entries.length - 1].contentRect.width;
      if (width === containerWidth) return;
      containerWidth = width;
      if (!size().width) repaint();
    });
    container.observe(themeHost);
    signal.addEventListener("abort", () => container.disconnect(), { once: true });
  }

  return {
    el,
    plot,
    plotBox,
    get layout() {
      return layout;
    },
    dpr,
    get frame() {
      return frame;
    },
    get theme() {
      return theme;
    },
    /**
     * The plot's size in device pixels at `scale`.
     *
     * @param {number} scale
     * @returns {[number, number]}
     */
    plotPixels: (scale) => [Math.round(layout.plot.width * scale), Math.round(layout.plot.height * scale)],
    chromeState,
    paintInto,
    repaint,
    relayout: repaint,
    show,
    refreshTheme,
    /**
     * Call `listener(frame)` after every new frame is drawn, until the returned function.
     *
     * @param {(frame: Frame) => void} listener
     */
    onDrawn(listener) {
      drawnListeners.add(listener);
      return () => drawnListeners.delete(listener);
    },
    /**
     * Call `listener(layout)` after every change of the figure's layout (its size).
     *
     * @param {(layout: Layout) => void} listener
     */
    onResize(listener) {
      resizeListeners.add(listener);
      return () => resizeListeners.delete(listener);
    },
  };
}

/** @typedef {ReturnType<typeof gridFigure>} GridFigure */
