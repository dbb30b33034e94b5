// GridExplorer: a live heatmap of f(x, y, *params) on a canvas, with its own sliders.
// Slider input → one custom message {type: "request", vid, seq, ...} (at most one in flight,
// newer values coalesced) → Python answers with one state update carrying the frame
// (binary buffer) and a _status naming the request it answers → pixels. Each view also
// tells Python its plot's size in device pixels ({type: "view", vid, pixels}; null when it
// closes): finer grids are sent sampled to the largest open view (lib/grid_link.js).
// With editable_formula on, a text box sends {formula: text} through the same flow; Python
// parses it and answers with the new picture, or an error whose column we mark.
// This module wires the pieces in lib/: figure, tooltip, sliders, toolbar, status.
import { colorLock } from "./lib/color_lock.js";
import { COLORMAP_NAMES } from "./lib/colormaps.js";
import { deviceToggle, isDeviceLayout } from "./lib/device_overlay.js";
import { h } from "./lib/dom.js";
import { formulaBox } from "./lib/formula_box.js";
import { gridFigure, newerFrame } from "./lib/grid_figure.js";
import { gridLink } from "./lib/grid_link.js";
import { gridSections } from "./lib/grid_sections.js";
import { gridSliders } from "./lib/grid_sliders.js";
import { gridStatus } from "./lib/grid_status.js";
import { gridTooltip } from "./lib/grid_tooltip.js";
import { gridZoom } from "./lib/grid_zoom.js";
import { claimKeys } from "./lib/keyboard.js";
import { listenTo, nextFrame, viewLifetime } from "./lib/lifetime.js";
import { viewId } from "./lib/request_queue.js";
import { savePng } from "./lib/save_png.js";

/**
 * @typedef {import("./lib/grid_sliders.js").SliderState & {
 *   _axis_names: [string, string], colormap: string, color_range: string | [number, number],
 *   xlabel?: string, ylabel?: string, colorbar_label?: string, title?: string,
 *   contours?: boolean, width?: number | null, height?: number | null, aspect?: string,
 *   sections?: boolean, show_devices?: boolean, _device_layout?: unknown,
 *   formula: string | null,
 *   editable_formula: boolean, error: string, _status: import("./lib/types.js").GridStatus,
 *   _frame_meta: import("./lib/types.js").FrameMeta | null, _frame: DataView | null,
 *   _mask: DataView | null, _dtype?: string, _home?: [number, number][],
 * }} State
 */

/** @type {import("@anywidget/types").Render<State>} */
function render({ model, el, signal: host }) {
  const { signal, cleanup } = viewLifetime(host);
  const vid = viewId();
  /** @param {string} name */
  const uid = (name) => `${vid}-${name}`;
  const names = model.get("_axis_names");

  const labels = () => ({
    x: model.get("xlabel") ?? names[0],
    y: model.get("ylabel") ?? names[1],
    colorbar: model.get("colorbar_label") ?? "",
    title: model.get("title") ?? "",
  });
  const figure = gridFigure({
    labels,
    colormapName: () => model.get("colormap"),
    contours: () => model.get("contours") === true,
    size: () => ({ width: model.get("width"), height: model.get("height"), aspect: model.get("aspect") }),
    devices: () => {
      const layout = model.get("_device_layout");
      return model.get("show_devices") === true && isDeviceLayout(layout) ? layout : null;
    },
    themeHost: el,
    signal,
  });
  gridTooltip(figure, names, signal);
  const sections = gridSections(figure, names, { enabled: () => model.get("sections") === true, signal });
  const link = gridLink(model, { vid, pixels: figure.plotPixels(figure.dpr), signal });
  figure.onResize(() => link.resize(figure.plotPixels(figure.dpr)));

  const controls = h("div", { className: "vw-ge-controls" });
  const formula = formulaBox({
    id: uid("formula"),
    prefix: "vw-ge",
    onInput: (text) => link.request({ formula: text }),
    signal,
  });
  formula.setNames(names);
  formula.box.value = model.get("formula") ?? "";
  controls.append(...formula.nodes);
  const showFormula = () => formula.show(model.get("editable_formula"));
  showFormula();
  const sliders = gridSliders(controls, { model, names, uid, request: link.request, signal });

  const select = h(
    "select",
    { "aria-label": "colour map" },
    COLORMAP_NAMES.map((name) => h("option", { value: name, text: name })),
  );
  const save = h("button", { type: "button", text: "Save PNG", title: "Save the figure as a PNG file" });
  const status = gridStatus({ onStop: link.stop, signal });
  const lock = colorLock(model, { signal });
  const devices = deviceToggle(model, { signal });
  const zoom = gridZoom({
    figure,
    ranges: () => ({
      x: model.get("x_range"),
      y: model.get("y_range"),
      resolution: model.get("resolution"),
      dtype: model.get("_dtype") ?? "float32",
    }),
    home: () => {
      const start = model.get("_home");
      return start?.length === 2 ? { x: start[0], y: start[1] } : null;
    },
    request: link.request,
    fail: status.fail,
    signal,
  });
  const panel = h("div", { className: "vw-ge-panel" }, [
    controls,
    h("div", { className: "vw-ge-toolbar" }, [select, lock.button, devices.button, save, status.stop]),
    h("div", { className: "vw-ge-toolbar vw-ge-view-tools" }, zoom.nodes),
    ...status.nodes,
    sections.el,
  ]);
  const root = h("div", { className: "vw-grid-explorer" }, [figure.el, panel]);
  claimKeys(root, signal);
  el.replaceChildren(root);

  let drawn = 0;
  function drawFrame() {
    let frame;
    try {
      frame = newerFrame(model.get("_frame_meta"), model.get("_frame"), model.get("_mask"), figure.frame);
    } catch (err) {
      status.fail(`could not draw the frame: ${err instanceof Error ? err.message : err}`);
      return;
    }
    if (!frame) return;
    figure.show(frame);
    drawn += 1;
    root.dataset.drawn = String(drawn);
    figure.plot.dataset.partial = String(frame.meta.partial === true);
  }

  const showStatus = () => status.show(model.get("_status"), figure.frame?.meta, model.get("error"));

  // A reply releases the flow before its frame is drawn, so the next request (if any) is
  // already on its way while we paint. Both handlers acknowledge: the order in which a
  // state update's change events fire is not fixed.
  function onFrame() {
    link.acknowledge(model.get("_status"));
    drawFrame();
  }

  function onStatus() {
    const s = model.get("_status");
    const ours = link.acknowledge(s);
    drawFrame();
    showStatus();
    if (ours) {
      root.dataset.seq = String(s.seq);
      formula.mark(s.formula_column);
      if (s.error) {
        zoom.settle(); // the picture, and the sliders, go back to the view Python kept
        if (!link.flow.busy) sliders.sync();
      }
    }
  }

  select.value = model.get("colormap");
  select.addEventListener(
    "change",
    () => {
      model.set("colormap", select.value);
      model.save_changes();
    },
    { signal },
  );
  function onColormap() {
    select.value = model.get("colormap");
    figure.repaint();
  }
  savePng(save, figure, { want: link.wantPixels, signal });

  listenTo(model, signal, [
    ["change:_status", onStatus],
    ["change:_frame_meta", onFrame],
    ["change:colormap", onColormap],
    ["change:color_range", lock.sync],
    ["change:sections", sections.sync],
    ...["show_devices", "_device_layout"].map(
      (name) =>
        /** @type {[string, () => void]} */ ([
          `change:${name}`,
          () => {
            devices.sync();
            figure.repaint();
          },
        ]),
    ),
    ...["xlabel", "ylabel", "colorbar_label", "title", "contours", "width", "height", "aspect"].map(
      (name) => /** @type {[string, () => void]} */ ([`change:${name}`, figure.repaint]),
    ),
    ["change:error", showStatus],
    ["change:formula", () => formula.sync(model.get("formula"))],
    ["change:editable_formula", showFormula],
    ...["params", "x_range", "y_range", "resolution", "x_limits", "y_limits"].map(
      (name) =>
        /** @type {[string, () => void]} */ ([
          `change:${name}`,
          () => {
            if (link.flow.busy) return;
            sliders.sync();
            zoom.follow();
          },
        ]),
    ),
  ]);
  nextFrame(signal, () => {
    figure.refreshTheme();
    drawFrame();
    showStatus();
  });
  drawFrame();
  showStatus();
  return cleanup;
}

export default { render };
