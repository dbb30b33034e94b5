// AxisExplorer: arrays drawn as cells, the batch axes marked, and an animation of the calls
// jax.vmap makes. Python sends the whole description (trait `diagram`); this module draws it
// and keeps only the animation state (which call is shown, playing, speed).
import css from "./axis_explorer.css";
import {
  axisCaption,
  binLabel,
  cellValue,
  drawAsColumn,
  formatShape,
  inputCellState,
  layoutLeaf,
  levelOfAxis,
  outputCellState,
  segmentsText,
  wholeBadge,
} from "./lib/diagram_layout.js";
import {
  SPEEDS,
  initialState,
  intervalMs,
  levelIndices,
  reduce,
  totalCalls,
} from "./lib/axis_animation.js";
import { nextOption, requestQueue } from "./lib/axis_requests.js";

function h(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined && text !== null) el.textContent = text;
  // Keys pressed on the widget's controls are theirs (arrows move between radio options,
  // Enter/Space press buttons): the notebook's shortcuts must not take them. Lumino checks
  // this attribute on the focused element itself.
  if (["input", "button", "select"].includes(tag)) el.dataset.lmSuppressShortcuts = "true";
  return el;
}

const levelName = (depth, level) =>
  depth === 1 ? "vmap" : `${level === 0 ? "outer" : level === depth - 1 ? "inner" : "level " + level} vmap`;

/** One array drawn as cells; kept across redraws while its shape stays, so colours glide. */
const leafKey = (leaf, column) =>
  `${leaf.path}|${leaf.shape.join(",")}|${leaf.values ? "v" : "-"}|${column ? "col" : "row"}`;

class LeafView {
  constructor(leaf, role, column) {
    this.role = role;
    this.key = leafKey(leaf, column);
    this.layout = layoutLeaf(leaf, undefined, undefined, column);
    this.el = h("figure", `vw-leaf vw-enter vw-role-${role}`);
    this.el.dataset.path = leaf.path;
    const caption = h("figcaption", "vw-leaf-caption");
    this.badge = h("span", "vw-badge");
    this.faultMark = h("span", "vw-fault-mark", "at fault");
    caption.append(
      h("code", "vw-leaf-path", leaf.path),
      h("span", "vw-leaf-shape", `shape ${formatShape(leaf.shape)}`),
      h("span", "vw-leaf-dtype", leaf.dtype),
      this.badge,
      this.faultMark,
    );
    const frame = h("div", "vw-leaf-frame");
    this.colCaption = h("div", "vw-colcap");
    this.rowCaption = h("div", "vw-rowcap");
    const body = h("div", "vw-leaf-body");
    frame.append(h("div", "vw-corner"), this.colCaption, this.rowCaption, body);
    this.sliceAxesCaption = h("div", "vw-slicecap");
    this.el.append(caption, this.sliceAxesCaption, frame);
    this.ticks = [];
    this.sliceCaptions = [];
    this.cellEls = [];
    const { rows, cols, slices, sliceAxes, rowAxis, colAxis, binned } = this.layout;
    this.el.classList.toggle("vw-binned", binned || !leaf.values);
    slices.forEach((ranges, slice) => {
      const sliceEl = h("div", "vw-slice");
      if (sliceAxes.length > 0) {
        const cap = h("div", "vw-slice-caption");
        this.sliceCaptions.push({ el: sliceEl, cap, ranges });
        sliceEl.append(cap);
      }
      const grid = h("div", "vw-grid");
      grid.style.gridTemplateColumns = `auto repeat(${cols.length}, minmax(var(--vw-cell), max-content))`;
      grid.append(h("div", "vw-tick vw-tick-corner"));
      cols.forEach((range) => {
        const tick = h("div", "vw-tick vw-tick-col", colAxis === null ? "" : binLabel(range));
        this.ticks.push({ el: tick, axis: colAxis, range });
        grid.append(tick);
      });
      rows.forEach((range, row) => {
        const tick = h("div", "vw-tick vw-tick-row", rowAxis === null ? "" : binLabel(range));
        this.ticks.push({ el: tick, axis: rowAxis, range });
        grid.append(tick);
        cols.forEach((_, col) => {
          const cell = this.layout.cells.find((c) => c.slice === slice && c.row === row && c.col === col);
          const el = h("div", "vw-cell", cell.value ?? "");
          el.title = `${leaf.path}[${cell.ranges.map(binLabel).join(", ")}]`;
          this.cellEls.push({ el, cell });
          grid.append(el);
        });
      });
      sliceEl.append(grid);
      body.append(sliceEl);
    });
    this.update(leaf, []);
  }

  /** New axes (and values) for the same shape: captions and bands move, cells stay. */
  update(leaf, levels) {
    this.leaf = leaf;
    this.levels = levels;
    const { shape, rowAxis, colAxis } = this.layout;
    const axes = leaf.axes ?? [];
    const setCaption = (el, axis) => {
      el.textContent = axis === null ? "" : axisCaption(shape, axes, axis, levels);
      const level = axis === null ? -1 : levelOfAxis(axes, axis);
      el.className = el.className.replace(/ ?vw-batch vw-level-\d/g, "");
      if (level >= 0) el.className += ` vw-batch vw-level-${level}`;
    };
    setCaption(this.colCaption, colAxis);
    setCaption(this.rowCaption, rowAxis);
    for (const tick of this.ticks) {
      const level = tick.axis === null ? -1 : levelOfAxis(axes, tick.axis);
      tick.level = level;
      tick.el.classList.toggle("vw-band", level >= 0);
      tick.el.dataset.level = level;
    }
    const sliceAxes = this.layout.sliceAxes;
    this.sliceAxesCaption.hidden = sliceAxes.length === 0;
    this.sliceAxesCaption.replaceChildren(
      ...sliceAxes.map((a) => {
        const level = levelOfAxis(axes, a);
        const text = `2-D slices along ${axisCaption(shape, axes, a, levels)}`;
        return h("div", level >= 0 ? `vw-batch vw-level-${level}` : "", text);
      }),
    );
    for (const { el, cap, ranges } of this.sliceCaptions) {
      const index = ranges.map(binLabel).join(", ");
      const batchAxes = this.layout.sliceAxes.filter((a) => levelOfAxis(axes, a) >= 0);
      cap.textContent = `${leaf.path}[${index}, :, :]`;
      cap.title = batchAxes.map((a) => axisCaption(shape, axes, a, levels)).join("; ");
      el.classList.toggle("vw-band", batchAxes.length > 0);
    }
    const badge = wholeBadge(this.role, axes, levels);
    this.badge.textContent = badge ?? "";
    this.badge.hidden = badge === null;
    this.faultMark.hidden = !leaf.fault;
    this.el.classList.toggle("vw-fault", Boolean(leaf.fault));
    const mapped = axes.findIndex((a) => a !== null);
    this.el.dataset.level = mapped;
    if (leaf.values) this.cellEls.forEach(({ el, cell }) => (el.textContent = cellValue(leaf, cell.ranges) ?? ""));
  }

  /** Colour the cells the call at `indices` reads (inputs) or writes (outputs). */
  paint(indices) {
    const axes = this.leaf.axes ?? [];
    const animated = this.levels.length > 0 && this.role !== "plain";
    for (const { el, cell } of this.cellEls) {
      let state = "plain";
      if (animated) {
        state = this.role === "input" ? inputCellState(cell, axes, indices) : outputCellState(cell, axes, indices);
      }
      el.dataset.state = state;
    }
    for (const tick of this.ticks) {
      const on = animated && tick.level >= 0 && tick.range[0] <= indices[tick.level] && indices[tick.level] < tick.range[1];
      tick.el.classList.toggle("vw-tick-now", on);
    }
    for (const { el, ranges } of this.sliceCaptions) {
      const on =
        animated &&
        this.layout.sliceAxes.every((a, k) => {
          const level = levelOfAxis(axes, a);
          return level < 0 || (ranges[k][0] <= indices[level] && indices[level] < ranges[k][1]);
        }) &&
        this.layout.sliceAxes.some((a) => levelOfAxis(axes, a) >= 0);
      el.classList.toggle("vw-slice-now", on);
    }
  }
}

/** Draw `leaves` into `container`, reusing the views whose shape did not change. */
function syncLeaves(container, views, leaves, role, levels, outputs = []) {
  const next = new Map();
  const children = [];
  for (const leaf of leaves) {
    const column = role === "input" && drawAsColumn(leaf, outputs);
    let view = views.get(leaf.path);
    if (!view || view.key !== leafKey(leaf, column)) view = new LeafView(leaf, role, column);
    view.update(leaf, levels);
    next.set(leaf.path, view);
    children.push(view.el);
  }
  syncChildren(container, children);
  views.clear();
  for (const [k, v] of next) views.set(k, v);
}

/** Make `wanted` the children of `parent`, moving only what changed, so focus survives. */
function syncChildren(parent, wanted) {
  wanted.forEach((child, i) => {
    if (parent.children[i] !== child) parent.insertBefore(child, parent.children[i] ?? null);
  });
  while (parent.children.length > wanted.length) parent.lastElementChild.remove();
}

function codeBlock(title) {
  const block = h("div", "vw-code-block");
  const head = h("div", "vw-code-head");
  const button = h("button", "vw-copy", "Copy");
  button.type = "button";
  const pre = h("pre", "vw-code");
  head.append(h("span", "vw-code-title", title), button);
  block.append(head, pre);
  button.addEventListener("click", async () => {
    const text = pre.textContent;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const range = document.createRange();
      range.selectNodeContents(pre);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      document.execCommand("copy");
    }
    button.textContent = "Copied";
    setTimeout(() => (button.textContent = "Copy"), 1200);
  });
  return { block, pre, button };
}

function optionText(value) {
  return value === null ? "None" : String(value);
}

function render({ model, el }) {
  // Radio groups are named per document: each view needs names no other view uses (the
  // module may be evaluated once per widget, so a module-level counter is not enough).
  const id = Math.random().toString(36).slice(2);
  const style = h("style");
  style.textContent = css;
  const root = h("div", "vw-axis-explorer");
  el.append(style, root);

  const selectorsEl = h("div", "vw-selectors");
  const status = h("div", "vw-status");
  status.setAttribute("role", "status");
  const main = h("div", "vw-main");
  const diagramEl = h("div", "vw-diagram");
  const inputsEl = h("div", "vw-leaves vw-inputs");
  const callEl = h("div", "vw-call");
  callEl.setAttribute("aria-live", "polite");
  const outputsEl = h("div", "vw-leaves vw-outputs");
  const errorEl = h("div", "vw-error");
  errorEl.setAttribute("role", "alert");
  const unbatchedEl = h("div", "vw-unbatched");
  const inputsHead = h("div", "vw-heading", "inputs");
  const outputsHead = h("div", "vw-heading", "output");
  diagramEl.append(inputsHead, inputsEl, callEl, outputsHead, outputsEl, errorEl, unbatchedEl);
  const codeEl = h("div", "vw-code-panel");
  const jaxBlock = codeBlock("jax.vmap");
  const loopBlock = codeBlock("the Python loop it replaces");
  codeEl.append(jaxBlock.block, loopBlock.block);
  main.append(diagramEl, codeEl);

  const player = h("div", "vw-player");
  const button = (label, title, action) => {
    const b = h("button", "vw-btn", label);
    b.type = "button";
    b.title = title;
    b.setAttribute("aria-label", title);
    b.addEventListener("click", () => dispatch({ type: action }));
    player.append(b);
    return b;
  };
  const buttons = [button("⇤", "first call", "first"), button("◀ prev", "previous call", "prev")];
  const playButton = button("▶ play", "play", "toggle");
  buttons.push(playButton, button("next ▶", "next call", "next"), button("⇥", "last call", "last"));
  const speed = h("select", "vw-speed");
  speed.setAttribute("aria-label", "speed");
  for (const s of SPEEDS) {
    const option = h("option", "", `${s}×`);
    option.value = String(s);
    speed.append(option);
  }
  speed.value = "1";
  speed.addEventListener("change", () => dispatch({ type: "speed", speed: Number(speed.value) }));
  const stepText = h("span", "vw-step");
  player.append(speed, stepText, status);
  const legend = h("div", "vw-legend");
  for (const [state, text] of [
    ["active", "read by this call"],
    ["current", "written by this call"],
    ["done", "written by earlier calls"],
    ["pending", "not computed yet"],
    ["whole", "passed whole to every call"],
  ]) {
    const swatch = h("span", "vw-cell vw-swatch");
    swatch.dataset.state = state;
    const item = h("span", "vw-legend-item");
    item.append(swatch, text);
    legend.append(item);
  }
  const formulaBox = h("input", "vw-formula");
  Object.assign(formulaBox, { type: "text", spellcheck: false, autocomplete: "off" });
  formulaBox.id = `vw-formula-${id}`;
  formulaBox.setAttribute("aria-label", "formula");
  const formulaLabel = h("label", "vw-formula-label");
  formulaLabel.htmlFor = formulaBox.id;
  const formulaMark = h("pre", "vw-formula-mark");
  const formulaError = h("div", "vw-formula-error");
  formulaError.setAttribute("role", "alert");
  const formulaRow = h("div", "vw-formula-row");
  formulaRow.append(formulaLabel, formulaBox, formulaMark, formulaError);
  root.append(formulaRow, selectorsEl, player, legend, main);

  const views = { inputs: new Map(), outputs: new Map(), unbatched: new Map() };
  const selectorViews = new Map();
  let anim = initialState(0);
  let timer = null;

  const queue = requestQueue((message) => model.send(message));
  const formulaQueue = requestQueue((message) => model.send(message));

  // The text box is shown only while the notebook's author allows editing.
  function showFormula() {
    formulaRow.hidden = !model.get("editable_formula");
    formulaLabel.textContent = `f(${(model.get("_formula_names") ?? []).join(", ")}) =`;
    if (document.activeElement !== formulaBox) formulaBox.value = model.get("formula") ?? "";
  }

  // Mark the column of a refused formula under the text box (without moving the caret).
  function markFormula(column, reason) {
    const bad = Number.isInteger(column) && column > 0;
    formulaBox.classList.toggle("vw-formula-invalid", Boolean(reason));
    formulaBox.setAttribute("aria-invalid", String(Boolean(reason)));
    formulaMark.textContent = bad ? `${" ".repeat(column - 1)}^` : "";
    formulaError.textContent = reason ?? "";
  }

  formulaBox.addEventListener("input", () =>
    formulaQueue.submit({ type: "set_formula", text: formulaBox.value }),
  );
  const diagram = () => model.get("diagram") ?? {};
  const levels = () => diagram().levels ?? [];
  const indices = () => levelIndices(anim.step, levels().map((l) => l.size));

  function dispatch(action) {
    anim = reduce(anim, action);
    clearTimeout(timer);
    if (anim.playing) timer = setTimeout(() => dispatch({ type: "tick" }), intervalMs(anim.speed));
    paint();
  }

  const selectorRows = [];

  function drawSelectors(d) {
    const seen = new Set();
    while (selectorRows.length < d.depth) {
      const level = selectorRows.length;
      const title = h("span", `vw-sel-level vw-level-${level}`, levelName(d.depth, level));
      selectorRows.push({ el: h("div", "vw-sel-row"), title });
    }
    syncChildren(selectorsEl, selectorRows.slice(0, d.depth).map((r) => r.el));
    selectorRows.slice(0, d.depth).forEach((row, level) => {
      const wanted = [row.title];
      for (const sel of d.selectors.filter((s) => s.level === level)) {
        const key = `${sel.kind}|${sel.level}|${sel.arg}`;
        seen.add(key);
        const extra = sel.options.includes(sel.value) ? null : sel.value;
        const signature = JSON.stringify([sel.options, extra, sel.editable, sel.editable || sel.text]);
        let view = selectorViews.get(key);
        if (!view || view.signature !== signature) {
          view = buildSelector(sel, key);
          view.signature = signature;
          selectorViews.set(key, view);
        }
        const fault =
          d.error_level === level &&
          d.error_side === sel.kind &&
          (sel.kind === "out_axes" || d.error_args.includes(sel.arg));
        view.el.classList.toggle("vw-fault", fault);
        checkSelector(view, sel.value);
        wanted.push(view.el);
      }
      syncChildren(row.el, wanted);
    });
    for (const key of [...selectorViews.keys()]) if (!seen.has(key)) selectorViews.delete(key);
  }

  function buildSelector(sel, key) {
    const fieldset = h("fieldset", `vw-sel vw-sel-${sel.kind}`);
    fieldset.dataset.kind = sel.kind;
    fieldset.dataset.level = sel.level;
    if (sel.arg !== null) fieldset.dataset.arg = sel.arg;
    const legend = h("legend", "", sel.kind === "in_axes" ? `in_axes · ${sel.name}` : "out_axes");
    fieldset.append(legend);
    const radios = [];
    if (!sel.editable) {
      const text = h("code", "vw-sel-readonly", sel.text);
      text.title = "a pytree spec given from Python: shown read-only";
      fieldset.append(text);
      return { el: fieldset, radios };
    }
    const options = [...sel.options];
    if (!options.includes(sel.value)) options.push(sel.value);
    const name = `vw-ax-${id}-${key}`;
    for (const value of options) {
      const label = h("label", "vw-opt");
      const radio = h("input");
      radio.type = "radio";
      radio.name = name;
      radio.value = optionText(value);
      label.append(radio, h("span", "", optionText(value)));
      if (sel.known && !sel.options.includes(value)) {
        label.classList.add("vw-opt-invalid");
        label.title = "not a valid axis for this argument";
      }
      radio.addEventListener("change", () => {
        if (!radio.checked) return;
        status.textContent = "updating…";
        queue.submit({ type: "set_axis", kind: sel.kind, level: sel.level, arg: sel.arg, value });
      });
      radios.push({ radio, value });
      fieldset.append(label);
    }
    // Arrow keys move between options as in any radio group; done here because a notebook
    // around the widget may claim arrow keys for itself.
    fieldset.addEventListener("keydown", (event) => {
      const index = radios.findIndex(({ radio }) => radio === event.target);
      const target = nextOption(event.key, index, radios.length);
      if (index < 0 || target === null) return;
      event.preventDefault();
      event.stopPropagation();
      const { radio } = radios[target];
      radio.checked = true;
      radio.focus();
      radio.dispatchEvent(new Event("change"));
    });
    return { el: fieldset, radios };
  }

  function checkSelector(view, value) {
    for (const { radio, value: v } of view.radios) radio.checked = v === value;
  }

  function drawCode(d) {
    jaxBlock.pre.textContent = d.jax_code ?? "";
    loopBlock.pre.textContent =
      d.loop_code ??
      (d.error
        ? "# no loop: this choice of axes fails (see the error)"
        : "# the loop is written out for array arguments and outputs only");
  }

  const withoutBody = h("div", "vw-compare-body");
  const withoutTitle = h("div", "vw-compare-title");
  const withTitle = h("div", "vw-compare-title");
  const withBody = h("div", "vw-compare-body");
  const comparePair = h("div", "vw-compare-pair");
  const withoutBox = h("div", "vw-compare");
  const withBox = h("div", "vw-compare");
  withoutBox.append(withoutTitle, withoutBody);
  withBox.append(withTitle, withBody);
  comparePair.append(withoutBox, withBox);
  unbatchedEl.append(h("div", "vw-heading", "without vmap vs. with vmap"), comparePair);

  /** The whole batch passed to fun at once (sent once by Python), beside the vmapped output. */
  function drawUnbatched() {
    const u = model.get("unbatched");
    unbatchedEl.hidden = !u;
    if (!u) return;
    withoutTitle.textContent = `without vmap: ${u.call} on the whole batch`;
    withTitle.textContent = `with vmap: ${u.call} on each slice, results stacked`;
    if (u.error) {
      views.unbatched.clear();
      withoutBody.replaceChildren(h("div", "vw-error vw-error-inline", u.error));
    } else {
      const leaves = withoutBody.querySelector(".vw-leaves") ?? h("div", "vw-leaves");
      syncLeaves(leaves, views.unbatched, u.outputs, "plain", []);
      syncChildren(withoutBody, [leaves]);
    }
    drawVmapped();
  }

  function drawVmapped() {
    const d = diagram();
    const shapes = (d.outputs ?? []).map((o) => `${o.path} ${formatShape(o.shape)}`).join(", ");
    withBody.replaceChildren(
      d.error
        ? h("div", "vw-error vw-error-inline", "fails with this choice of axes (see above)")
        : h("code", "", `${shapes}: see the output above`),
    );
  }


  function redraw() {
    const d = diagram();
    root.classList.toggle("vw-has-error", Boolean(d.error));
    drawSelectors(d);
    syncLeaves(inputsEl, views.inputs, d.inputs ?? [], "input", d.levels ?? [], d.outputs);
    syncLeaves(outputsEl, views.outputs, d.outputs ?? [], "output", d.levels ?? []);
    outputsEl.hidden = Boolean(d.error);
    errorEl.hidden = !d.error;
    errorEl.textContent = d.error ? `vmap fails with this choice: ${d.error}` : "";
    drawCode(d);
    drawVmapped();
    if (!queue.busy) status.textContent = "";
    dispatch({ type: "total", total: totalCalls((d.levels ?? []).map((l) => l.size)) });
  }

  function drawCall(d, idx) {
    callEl.replaceChildren();
    if (!d.call || (d.levels ?? []).length === 0) return;
    const lv = d.levels;
    const who = lv.map((l, k) => `${l.index} = ${idx[k]}`).join(", ");
    const line = h("div", "vw-call-line");
    line.append(h("span", "vw-call-index", `call ${who}:`));
    const code = h("code", "vw-call-code");
    const writeSegments = (segments) => {
      for (const s of segments) {
        if ("text" in s) code.append(s.text);
        else code.append(h("mark", `vw-level-${s.level}`, String(idx[s.level])));
      }
    };
    writeSegments(d.call);
    code.append(" → ");
    writeSegments(d.writes ?? []);
    line.append(code);
    const pattern = h(
      "div",
      "vw-call-pattern",
      `each call: ${segmentsText(d.call, lv)} → ${segmentsText(d.writes, lv)}`,
    );
    callEl.append(line, pattern);
  }

  function paint() {
    const d = diagram();
    const idx = indices();
    for (const view of views.inputs.values()) view.paint(idx);
    for (const view of views.outputs.values()) view.paint(idx);
    for (const view of views.unbatched.values()) view.paint(idx);
    drawCall(d, idx);
    const ready = anim.total > 0;
    legend.hidden = !ready;
    for (const b of buttons) b.disabled = !ready;
    speed.disabled = !ready;
    playButton.textContent = anim.playing ? "❚❚ pause" : "▶ play";
    playButton.title = anim.playing ? "pause" : "play";
    playButton.setAttribute("aria-label", playButton.title);
    playButton.setAttribute("aria-pressed", String(anim.playing));
    stepText.textContent = ready ? `call ${anim.step + 1} of ${anim.total}` : "no calls: vmap fails";
    root.dataset.step = String(anim.step);
  }

  const onMessage = (msg) => {
    if (msg?.type !== "rejected" && msg?.type !== "applied") return;
    if (msg.for === "formula") {
      formulaQueue.reply(msg.request ?? null);
      if (msg.type === "rejected") markFormula(msg.column, `not applied: ${msg.reason}`);
      else if (!formulaQueue.busy) markFormula(null, null);
      return;
    }
    queue.reply(msg.request ?? null);
    if (msg.type === "rejected") {
      status.textContent = `not applied: ${msg.reason}`;
      drawSelectors(diagram());
    } else if (!queue.busy) {
      status.textContent = "";
    }
  };
  const events = [
    ["change:diagram", redraw],
    ["change:unbatched", drawUnbatched],
    ["change:formula", showFormula],
    ["change:editable_formula", showFormula],
    ["msg:custom", onMessage],
  ];
  for (const [name, handler] of events) model.on(name, handler);
  showFormula();
  redraw();
  drawUnbatched();
  return () => {
    clearTimeout(timer);
    for (const [name, handler] of events) model.off(name, handler);
  };
}

export default { render };
