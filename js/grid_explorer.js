// GridExplorer: a live heatmap of f(x, y, *params) on a canvas, with its own sliders.
// Slider input → one custom message {type: "request", vid, seq, ...} (at most one in flight,
// newer values coalesced) → Python answers with one state update carrying the frame
// (binary buffer) and a _status naming the request it answers → pixels. Each view also
// tells Python its plot's size in device pixels ({type: "view", vid, pixels}; null when it
// closes): finer grids are sent sampled to the largest open view.
// With editable_formula on, a text box sends {formula: text} through the same flow; Python
// parses it and answers with the new picture, or an error whose column we mark.
import css from "./grid_explorer.css";
import { COLORMAP_NAMES, colormap } from "./lib/colormaps.js";
import { LatestWins } from "./lib/flow.js";
import {
  clampInput,
  movedRange,
  nearestStep,
  sliderStep,
  steppedValue,
  stepsWith,
} from "./lib/grid_controls.js";
import { drawChrome, figureLayout, themeOf } from "./lib/grid_draw.js";
import {
  cellAt,
  extent,
  frameArrays,
  gridIndex,
  gridPoint,
  paintPixels,
  sentShape,
  valueAt,
} from "./lib/grid_render.js";
import { formatMs, formatValue } from "./lib/grid_ticks.js";

const REPLY_TIMEOUT_MS = 10000;
// Without a kernel (an embedded page) no sharper frame comes: Save PNG uses what it has.
const SHARP_FRAME_TIMEOUT_MS = 2000;
let views = 0;

function element(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "className" || key === "textContent" || key === "title") el[key] = value;
    else el.setAttribute(key, value);
  }
  el.append(...children);
  return el;
}

/** A slider row: label, range input and a number box; `onValue(value)` on user input. */
function sliderRow(id, name, { lo, hi, step, value }, onValue, format = null) {
  const label = element("label", { for: id, textContent: name });
  const slider = element("input", { id, type: "range", min: lo, max: hi, step, "aria-label": name });
  slider.value = value;
  const box = format
    ? element("output", { className: "vw-ge-readout", for: id })
    : element("input", { className: "vw-ge-number", type: "number", step, "aria-label": `${name} value` });
  const show = (v) => {
    if (format) box.textContent = format(v);
    else box.value = String(Number(Number(v).toPrecision(6)));
  };
  show(value);
  slider.addEventListener("input", () => {
    show(slider.valueAsNumber);
    onValue(slider.valueAsNumber);
  });
  if (!format) {
    box.addEventListener("change", () => {
      const v = clampInput(box.value, Number(slider.min), Number(slider.max));
      if (v === null) return show(slider.valueAsNumber);
      slider.value = v;
      show(v);
      onValue(v);
    });
  }
  return {
    nodes: [label, slider, box],
    slider,
    set(v) {
      slider.value = v;
      show(v);
    },
    setLimits(min, max, stepSize) {
      slider.min = min;
      slider.max = max;
      slider.step = stepSize;
    },
  };
}

function render({ model, el }) {
  views += 1;
  const vid = `v${views}-${Math.random().toString(36).slice(2, 10)}`;
  const layout = figureLayout();
  const dpr = window.devicePixelRatio || 1;

  const chrome = element("canvas", { className: "vw-ge-chrome" });
  chrome.width = Math.round(layout.width * dpr);
  chrome.height = Math.round(layout.height * dpr);
  Object.assign(chrome.style, { width: `${layout.width}px`, height: `${layout.height}px` });
  const image = element("canvas", { className: "vw-ge-image", role: "img" });
  Object.assign(image.style, {
    left: `${layout.plot.x}px`,
    top: `${layout.plot.y}px`,
    width: `${layout.plot.width}px`,
    height: `${layout.plot.height}px`,
  });
  const tooltip = element("div", { className: "vw-ge-tooltip" });
  tooltip.hidden = true;
  const figure = element("div", { className: "vw-ge-figure" }, [chrome, image, tooltip]);
  Object.assign(figure.style, { width: `${layout.width}px`, height: `${layout.height}px` });

  const controls = element("div", { className: "vw-ge-controls" });
  const select = element("select", { "aria-label": "colour map" });
  for (const name of COLORMAP_NAMES) select.append(element("option", { value: name, textContent: name }));
  const save = element("button", { type: "button", textContent: "Save PNG", title: "Save the figure as a PNG file" });
  const toolbar = element("div", { className: "vw-ge-toolbar" }, [select, save]);
  const status = element("div", { className: "vw-ge-status", "aria-live": "polite" });
  const error = element("div", { className: "vw-ge-error", role: "alert" });
  const panel = element("div", { className: "vw-ge-panel" }, [controls, toolbar, status, error]);
  const root = element("div", { className: "vw-grid-explorer" }, [
    element("style", { textContent: css }),
    figure,
    panel,
  ]);
  // Keys pressed in our controls are ours: JupyterLab binds the arrow keys in command mode.
  // Modified keys (Ctrl+S, Shift+Enter, …) and Escape still reach JupyterLab.
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  root.addEventListener("keydown", (event) => {
    const modified = event.ctrlKey || event.metaKey || event.altKey || event.shiftKey;
    if (!modified && event.key !== "Escape") event.stopPropagation();
  });
  el.replaceChildren(root);
  // Slider keys are handled on window in the capture phase, before any notebook front end
  // sees them: Notebook 7 cancels the arrow keys on document before they reach the slider.
  const stepSlider = (event) => {
    const slider = event.target;
    if (!(slider instanceof HTMLInputElement) || slider.type !== "range") return;
    if (!root.contains(slider) || event.ctrlKey || event.metaKey || event.altKey) return;
    const [lo, hi, step] = [Number(slider.min), Number(slider.max), Number(slider.step)];
    const next = steppedValue(event.key, slider.valueAsNumber, lo, hi, step);
    if (next === null || !Number.isFinite(step) || step <= 0) return;
    event.preventDefault();
    event.stopPropagation();
    if (next === slider.valueAsNumber) return;
    slider.value = next;
    slider.dispatchEvent(new Event("input", { bubbles: true }));
  };
  window.addEventListener("keydown", stepSlider, true);

  // -- flow control --------------------------------------------------------------------
  let timer = null;
  const flow = new LatestWins((message) => {
    model.send({ type: "request", vid, ...message });
    clearTimeout(timer);
    timer = setTimeout(() => flow.reset(), REPLY_TIMEOUT_MS);
  });
  const request = (values) => flow.request(values);
  // Python sends a grid finer than our plot's device pixels as a sample of that size.
  const sendPixels = (pixels) => {
    try {
      model.send({ type: "view", vid, pixels });
    } catch (err) {
      // No kernel (a static export): the frame already in the state is all there is.
    }
  };
  const plotPixels = (scale) => [Math.round(layout.plot.width * scale), Math.round(layout.plot.height * scale)];
  sendPixels(plotPixels(dpr));

  // -- controls ------------------------------------------------------------------------
  const names = model.get("_axis_names");
  const params = new Map();
  const ranges = {};
  const uid = (name) => `${vid}-${name}`;

  const formulaBox = element("input", {
    id: uid("formula"),
    className: "vw-ge-formula",
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    "aria-label": "formula",
  });
  const formulaMark = element("pre", { className: "vw-ge-formula-mark" });
  const formulaLabel = element("label", {
    for: uid("formula"),
    className: "vw-ge-formula-label",
    textContent: `f(${names.join(", ")}) =`,
  });
  formulaBox.value = model.get("formula") ?? "";
  formulaBox.addEventListener("input", () => request({ formula: formulaBox.value }));
  controls.append(formulaLabel, formulaBox, formulaMark);

  // The text box is shown only while the notebook's author allows editing.
  function showFormulaBox() {
    const hidden = !model.get("editable_formula");
    for (const node of [formulaLabel, formulaBox, formulaMark]) node.hidden = hidden;
  }
  showFormulaBox();

  // Mark the column of a refused formula under the text box (without moving the caret).
  function markFormula(column) {
    const bad = Number.isInteger(column) && column > 0;
    formulaBox.classList.toggle("vw-ge-formula-invalid", bad);
    formulaBox.setAttribute("aria-invalid", String(bad));
    formulaMark.textContent = bad ? `${" ".repeat(column - 1)}^` : "";
  }

  function syncFormula() {
    if (document.activeElement !== formulaBox) formulaBox.value = model.get("formula") ?? "";
  }

  const paramsHeading = element("div", { className: "vw-ge-section", textContent: "parameters" });
  controls.append(paramsHeading);
  for (const spec of model.get("_specs")) {
    const row = sliderRow(uid(spec.name), spec.name, { ...spec, value: model.get("params")[spec.name] }, (v) =>
      request({ params: { [spec.name]: v } }),
    );
    params.set(spec.name, row);
    controls.append(...row.nodes);
  }
  if (params.size === 0) paramsHeading.remove();

  controls.append(element("div", { className: "vw-ge-section", textContent: "grid" }));
  for (const [axis, name] of [["x_range", names[0]], ["y_range", names[1]]]) {
    const limitsKey = axis === "x_range" ? "x_limits" : "y_limits";
    ranges[axis] = [0, 1].map((which) => {
      const [lo, hi] = model.get(limitsKey);
      const row = sliderRow(
        uid(`${axis}-${which}`),
        `${name} ${which === 0 ? "min" : "max"}`,
        { lo, hi, step: sliderStep(lo, hi, 400), value: model.get(axis)[which] },
        (v) => {
          const current = ranges[axis].map((r) => r.slider.valueAsNumber);
          current[which] = v;
          const [min, max] = model.get(limitsKey);
          const next = movedRange(current, which, v, sliderStep(min, max, 400), [min, max]);
          ranges[axis][which].set(next[which]);
          request({ [axis]: next });
        },
      );
      controls.append(...row.nodes);
      return row;
    });
  }
  let steps = stepsWith(model.get("_resolution_steps"), model.get("resolution"));
  const resolutionRow = sliderRow(
    uid("resolution"),
    "resolution",
    { lo: 0, hi: steps.length - 1, step: 1, value: nearestStep(steps, model.get("resolution")) },
    (k) => request({ resolution: steps[k] }),
    (k) => `${steps[k]} × ${steps[k]}`,
  );
  controls.append(...resolutionRow.nodes);

  function syncControls() {
    if (flow.busy) return;
    const values = model.get("params");
    for (const [name, row] of params) if (name in values) row.set(values[name]);
    for (const axis of ["x_range", "y_range"]) {
      const [lo, hi] = model.get(axis === "x_range" ? "x_limits" : "y_limits");
      for (const which of [0, 1]) {
        ranges[axis][which].setLimits(lo, hi, sliderStep(lo, hi, 400));
        ranges[axis][which].set(model.get(axis)[which]);
      }
    }
    steps = stepsWith(model.get("_resolution_steps"), model.get("resolution"));
    resolutionRow.setLimits(0, steps.length - 1, 1);
    resolutionRow.set(nearestStep(steps, model.get("resolution")));
  }

  // -- drawing -------------------------------------------------------------------------
  const chromeCtx = chrome.getContext("2d");
  const imageCtx = image.getContext("2d");
  let frame = null;
  let chromeKey = "";
  let theme = themeOf(el);
  let drawn = 0;
  let onDrawn = null;

  function chromeState() {
    const meta = frame.meta;
    return {
      layout,
      xExtent: extent(meta.x_range, meta.nx),
      yExtent: extent(meta.y_range, meta.ny),
      names,
      vmin: meta.vmin,
      vmax: meta.vmax,
      nonfinite: meta.nonfinite,
      map: colormap(model.get("colormap")),
      theme,
    };
  }

  function drawChromeIfChanged() {
    const state = chromeState();
    const key = JSON.stringify([state.xExtent, state.yExtent, state.vmin, state.vmax, state.nonfinite > 0, state.map.name, theme]);
    if (key === chromeKey) return;
    chromeKey = key;
    chromeCtx.setTransform(dpr, 0, 0, dpr, 0, 0);
    drawChrome(chromeCtx, state);
  }

  // The canvas has one pixel per cell, or per device pixel where cells are finer than that.
  function paintInto(canvas, ctx, scale) {
    const { meta, arrays } = frame;
    const width = Math.min(meta.nx, Math.round(layout.plot.width * scale));
    const height = Math.min(meta.ny, Math.round(layout.plot.height * scale));
    if (canvas.width !== width || canvas.height !== height) {
      canvas.width = width;
      canvas.height = height;
    }
    const pixels = ctx.createImageData(width, height);
    paintPixels(new Uint32Array(pixels.data.buffer), meta, arrays, colormap(model.get("colormap")), width, height);
    ctx.putImageData(pixels, 0, 0);
  }

  function paint() {
    paintInto(image, imageCtx, dpr);
    drawChromeIfChanged();
  }

  function drawFrame() {
    const meta = model.get("_frame_meta");
    if (!meta || meta.id === undefined || (frame && meta.id <= frame.meta.id)) return;
    try {
      frame = { meta, arrays: frameArrays(meta, model.get("_frame"), model.get("_mask")) };
    } catch (err) {
      error.textContent = `could not draw the frame: ${err.message}`;
      return;
    }
    paint();
    drawn += 1;
    image.dataset.frameId = String(meta.id);
    image.setAttribute("aria-label", `heatmap of f over ${meta.nx} × ${meta.ny} grid`);
    root.dataset.drawn = String(drawn);
    onDrawn?.();
  }

  // Resolves once a frame has at least `pixels` columns and rows (or all the grid has), or
  // after `timeoutMs` with whatever is drawn.
  function sharpFrame(pixels, timeoutMs) {
    const sharp = () => {
      const { nx, ny } = frame.meta;
      const { sx, sy } = sentShape(frame.meta);
      return sx >= Math.min(nx, pixels[0]) && sy >= Math.min(ny, pixels[1]);
    };
    if (!frame || sharp()) return Promise.resolve();
    sendPixels(pixels);
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timeout);
        onDrawn = null;
        sendPixels(plotPixels(dpr));
        resolve();
      };
      const timeout = setTimeout(finish, timeoutMs);
      onDrawn = () => sharp() && finish();
    });
  }

  function showStatus() {
    const s = model.get("_status");
    const meta = frame?.meta;
    const parts = [];
    if (meta) parts.push(`${meta.nx} × ${meta.ny}`);
    parts.push(`kernel ${formatMs(s.kernel_ms)}`);
    parts.push(`${s.compiles} compile${s.compiles === 1 ? "" : "s"}`);
    parts.push(`${s.frames} frame${s.frames === 1 ? "" : "s"}`);
    if (meta && meta.nonfinite > 0 && meta.nonfinite === meta.nx * meta.ny) parts.push("no finite values");
    else if (meta && meta.nonfinite > 0) parts.push(`${meta.nonfinite} NaN/inf`);
    status.textContent = parts.join(" · ");
    error.textContent = model.get("error");
  }

  // A reply releases the flow before its frame is drawn, so the next request (if any) is
  // already on its way while we paint. Both handlers acknowledge: the order in which a
  // state update's change events fire is not fixed.
  function acknowledge() {
    const s = model.get("_status");
    if (s?.vid === vid && flow.done(s.seq) && !flow.busy) clearTimeout(timer);
  }

  function onFrame() {
    acknowledge();
    drawFrame();
  }

  function onStatus() {
    const s = model.get("_status");
    acknowledge();
    drawFrame();
    showStatus();
    if (s.vid === vid) {
      root.dataset.seq = String(s.seq);
      markFormula(s.formula_column);
    }
  }

  // -- tooltip, colour map, save -------------------------------------------------------
  image.addEventListener("pointermove", (event) => {
    if (!frame) return;
    const { meta, arrays } = frame;
    const { sx, sy } = sentShape(meta);
    const cell = cellAt(event.offsetX, event.offsetY, layout.plot.width, layout.plot.height, sx, sy);
    if (!cell) return (tooltip.hidden = true);
    const x = gridPoint(meta.x_range, meta.nx, gridIndex(meta.nx, sx, cell.i));
    const y = gridPoint(meta.y_range, meta.ny, gridIndex(meta.ny, sy, cell.j));
    const f = valueAt(meta, arrays, cell.i, cell.j);
    const approximate = meta.encoding === "uint8" && Number.isFinite(f);
    const value = `${approximate ? "≈ " : ""}${formatValue(f, approximate ? 3 : 4)}`;
    tooltip.textContent = `${names[0]} = ${formatValue(x)}, ${names[1]} = ${formatValue(y)}, f = ${value}`;
    tooltip.hidden = false;
    const left = layout.plot.x + event.offsetX + 14;
    tooltip.style.left = `${Math.min(left, layout.width - tooltip.offsetWidth)}px`;
    tooltip.style.top = `${layout.plot.y + event.offsetY + 14}px`;
  });
  image.addEventListener("pointerleave", () => (tooltip.hidden = true));

  select.value = model.get("colormap");
  select.addEventListener("change", () => {
    model.set("colormap", select.value);
    model.save_changes();
  });
  const onColormap = () => {
    select.value = model.get("colormap");
    if (frame) paint();
  };

  // The PNG is drawn at twice the figure's size; a grid finer than this view's pixels is
  // fetched at that size first.
  save.addEventListener("click", async () => {
    const scale = 2;
    save.disabled = true;
    await sharpFrame(plotPixels(scale), SHARP_FRAME_TIMEOUT_MS);
    save.disabled = false;
    const out = element("canvas");
    out.width = layout.width * scale;
    out.height = layout.height * scale;
    const ctx = out.getContext("2d");
    ctx.setTransform(scale, 0, 0, scale, 0, 0);
    ctx.fillStyle = theme.background;
    ctx.fillRect(0, 0, layout.width, layout.height);
    if (frame) {
      drawChrome(ctx, chromeState());
      const sharp = element("canvas");
      paintInto(sharp, sharp.getContext("2d"), scale);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(sharp, layout.plot.x, layout.plot.y, layout.plot.width, layout.plot.height);
    }
    out.toBlob((blob) => {
      const link = element("a", { download: "grid_explorer.png", href: URL.createObjectURL(blob) });
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 1000);
    }, "image/png");
  });

  // -- theme ---------------------------------------------------------------------------
  const themeWatcher = new MutationObserver(() => {
    theme = themeOf(el);
    if (frame) drawChromeIfChanged();
  });
  themeWatcher.observe(document.body, { attributes: true, attributeFilter: ["data-jp-theme-light", "data-jp-theme-name"] });

  const events = [
    ["change:_status", onStatus],
    ["change:_frame_meta", onFrame],
    ["change:colormap", onColormap],
    ["change:error", showStatus],
    ["change:formula", syncFormula],
    ["change:editable_formula", showFormulaBox],
    ...["params", "x_range", "y_range", "resolution", "x_limits", "y_limits"].map((name) => [`change:${name}`, syncControls]),
  ];
  for (const [name, handler] of events) model.on(name, handler);
  requestAnimationFrame(() => {
    theme = themeOf(el);
    chromeKey = "";
    drawFrame();
    if (frame) drawChromeIfChanged();
    showStatus();
  });
  drawFrame();
  showStatus();

  return () => {
    window.removeEventListener("keydown", stepSlider, true);
    sendPixels(null);
    clearTimeout(timer);
    themeWatcher.disconnect();
    for (const [name, handler] of events) model.off(name, handler);
  };
}

export default { render };
