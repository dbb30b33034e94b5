// GridExplorer's device overlay (show_devices): the outline of each block of cells one device
// computes, labelled with the device's id. Python reads the blocks off the compiled kernel's
// output sharding (`_device_layout`); this module only draws them, over the heatmap and in
// the saved PNG. The toolbar's Devices button switches it on and off.
import { h } from "./dom.js";

/**
 * @typedef {[number, number, number, number, number]} Block  [device id, i0, i1, j0, j1]: the
 *   cells grid[i0:i1, j0:j1] of the full-resolution grid
 * @typedef {{ n: [number, number], devices: number, blocks: Block[] }} DeviceLayout
 * @typedef {{ device: number, x: number, y: number, width: number, height: number }} Rect
 * @typedef {{ get(name: string): any, set(name: string, value: unknown): void, save_changes(): void }} Model
 */

/**
 * Whether `layout` is a device layout that can be drawn (anything else is ignored).
 *
 * @param {unknown} layout
 * @returns {layout is DeviceLayout}
 */
export function isDeviceLayout(layout) {
  if (!layout || typeof layout !== "object") return false;
  const { n, blocks } = /** @type {DeviceLayout} */ (layout);
  return Array.isArray(n) && n.length === 2 && n.every((v) => v > 0) && Array.isArray(blocks);
}

/**
 * Each block as a rectangle of a plot `width` × `height` pixels (x to the right, y up: the
 * grid's j = 0 is the bottom row).
 *
 * @param {DeviceLayout} layout
 * @param {number} width
 * @param {number} height
 * @returns {Rect[]}
 */
export function deviceRects({ n: [nx, ny], blocks }, width, height) {
  return blocks.map(([device, i0, i1, j0, j1]) => {
    const x0 = (i0 / nx) * width;
    const y0 = height - (j1 / ny) * height;
    return { device, x: x0, y: y0, width: ((i1 - i0) / nx) * width, height: ((j1 - j0) / ny) * height };
  });
}

/**
 * Outline every block in `ctx` (a plot canvas of width × height device pixels at `scale` per
 * CSS pixel): a dark line under a light one, so that it shows on every colour map, and the
 * device's id in the corner of blocks large enough to hold it.
 *
 * @param {CanvasRenderingContext2D} ctx
 * @param {DeviceLayout} layout
 * @param {number} width
 * @param {number} height
 * @param {number} scale
 * @param {string} font
 */
export function drawDeviceBlocks(ctx, layout, width, height, scale, font) {
  const rects = deviceRects(layout, width, height);
  ctx.save();
  for (const [colour, lineWidth] of [
    ["rgba(0, 0, 0, 0.75)", 3 * scale],
    ["rgba(255, 255, 255, 0.95)", 1.25 * scale],
  ]) {
    ctx.strokeStyle = /** @type {string} */ (colour);
    ctx.lineWidth = /** @type {number} */ (lineWidth);
    for (const r of rects)
      ctx.strokeRect(r.x + 1.5 * scale, r.y + 1.5 * scale, r.width - 3 * scale, r.height - 3 * scale);
  }
  ctx.font = `${Math.round(11 * scale)}px ${font}`;
  ctx.textBaseline = "top";
  const pad = 3 * scale;
  for (const r of rects) {
    const text = `device ${r.device}`;
    const textWidth = ctx.measureText(text).width;
    if (textWidth + 4 * pad > r.width || 15 * scale + 2 * pad > r.height) continue;
    ctx.fillStyle = "rgba(0, 0, 0, 0.7)";
    ctx.fillRect(r.x + pad, r.y + pad, textWidth + 2 * pad, 13 * scale + pad);
    ctx.fillStyle = "#ffffff";
    ctx.fillText(text, r.x + 2 * pad, r.y + 1.5 * pad);
  }
  ctx.restore();
}

/**
 * The toolbar's Devices button: sets `show_devices`; shown only where the kernel runs on more
 * than one device (or the overlay is already on).
 *
 * @param {Model} model
 * @param {{ signal: AbortSignal }} options
 */
export function deviceToggle(model, { signal }) {
  const button = h("button", { type: "button", className: "vw-ge-devices", text: "Devices" });
  const sync = () => {
    const layout = model.get("_device_layout");
    const shown = model.get("show_devices") === true;
    const count = isDeviceLayout(layout) ? layout.devices : 1;
    button.hidden = !shown && !(count > 1);
    button.setAttribute("aria-pressed", String(shown));
    button.title = shown
      ? "Hide the outlines of the cells each device computes"
      : `Outline the cells each of the ${count} devices computes`;
  };
  button.addEventListener(
    "click",
    () => {
      model.set("show_devices", model.get("show_devices") !== true);
      model.save_changes();
      sync();
    },
    { signal },
  );
  sync();
  return { button, sync };
}
