// AxisExplorer: arrays drawn as cells, the batch axes marked, and an animation of the calls
// jax.vmap makes. Python sends the whole description (trait `diagram`); this module wires
// the pieces in lib/ that draw it and keeps only the animation state. Selector choices and
// formula edits go to Python as custom messages {type: "set_axis" | "set_formula", vid,
// request, ...}, at most one of each in flight (latest wins); Python answers each with
// {type: "applied" | "rejected", for: "axes" | "formula", vid, request, ...}, and only the
// view named by vid takes the answer (the same widget may be shown in several views).
import { totalCalls } from "./lib/axis_animation.js";
import { drawCall, drawCollectiveCall, drawDeviceCalls } from "./lib/axis_call.js";
import { axisPlayer } from "./lib/axis_player.js";
import { axisSelectors } from "./lib/axis_selectors.js";
import { codeBlock } from "./lib/code_block.js";
import { collectiveLabel, momentAt, momentText, totalSteps } from "./lib/collective_timeline.js";
import { collectiveView } from "./lib/collective_view.js";
import { devicePicker } from "./lib/device_picker.js";
import { deviceSplit } from "./lib/device_split.js";
import { errorText } from "./lib/diagram_layout.js";
import { h } from "./lib/dom.js";
import { formulaBox } from "./lib/formula_box.js";
import { claimKeys } from "./lib/keyboard.js";
import { syncLeaves } from "./lib/leaf_view.js";
import { listenTo, viewLifetime } from "./lib/lifetime.js";
import { isFor, LatestWins, replaceRequest, viewId } from "./lib/request_queue.js";
import { unbatchedView } from "./lib/unbatched_view.js";

/** @typedef {import("./lib/types.js").Diagram} Diagram */
/** @typedef {import("./lib/leaf_view.js").LeafView} LeafView */
/**
 * @typedef {{
 *   diagram: Diagram, unbatched: import("./lib/types.js").Unbatched | null,
 *   formula: string | null, editable_formula: boolean, _formula_names: string[],
 *   devices?: number, _device_choices?: number[],
 * }} State
 */

/** @type {import("@anywidget/types").Render<State>} */
function render({ model, el, signal: host }) {
  const { signal, cleanup } = viewLifetime(host);
  const vid = viewId();
  const root = h("div", { className: "vw-axis-explorer" });
  el.append(root);
  claimKeys(root, signal);

  /** @param {Record<string, unknown>} message */
  const send = (message) => model.send({ ...message, vid });
  const axes = new LatestWins(send, { merge: replaceRequest, seqKey: "request", signal });
  const formulas = new LatestWins(send, { merge: replaceRequest, seqKey: "request", signal });

  const status = h("div", { className: "vw-status", role: "status" });
  const selectors = h("div", { className: "vw-selectors" });
  const inputsEl = h("div", { className: "vw-leaves vw-inputs" });
  const callEl = h("div", { className: "vw-call", "aria-live": "polite" });
  const collectivesEl = h("div", { className: "vw-collectives" });
  const outputsEl = h("div", { className: "vw-leaves vw-outputs" });
  const errorEl = h("div", { className: "vw-error", role: "alert" });
  const unbatchedEl = h("div", { className: "vw-unbatched" });
  const jaxBlock = codeBlock("jax.vmap", signal);
  const loopBlock = codeBlock("the Python loop it replaces", signal);
  const shardBlock = codeBlock("jax.sharding: the batch over the devices", signal);
  const main = h("div", { className: "vw-main" }, [
    h("div", { className: "vw-diagram" }, [
      h("div", { className: "vw-heading", text: "inputs" }),
      inputsEl,
      callEl,
      collectivesEl,
      h("div", { className: "vw-heading", text: "output" }),
      outputsEl,
      errorEl,
      unbatchedEl,
    ]),
    h("div", { className: "vw-code-panel" }, [jaxBlock.block, shardBlock.block, loopBlock.block]),
  ]);
  const formula = formulaBox({
    id: `vw-formula-${vid}`,
    prefix: "vw",
    errorLine: true,
    onInput: (text) => formulas.request({ type: "set_formula", text }),
    signal,
  });
  const formulaRow = h("div", { className: "vw-formula-row" }, formula.nodes);

  /** @type {{ inputs: Map<string, LeafView>, outputs: Map<string, LeafView>, unbatched: Map<string, LeafView> }} */
  const views = { inputs: new Map(), outputs: new Map(), unbatched: new Map() };
  const diagram = () => model.get("diagram") ?? /** @type {Diagram} */ ({});
  const sizes = () => (diagram().levels ?? []).map((l) => l.size);
  const collectives = () => (diagram().error ? [] : (diagram().collectives ?? []));
  /** @type {import("./lib/device_split.js").Split | null} */
  let split = null;
  const describe = (/** @type {number} */ step) =>
    split
      ? `step ${step + 1} of ${split.per}: ${split.count} calls at once, one per device`
      : momentText(momentAt(step, sizes(), collectives()), totalCalls(sizes()), collectives());
  const player = axisPlayer({ status, paint, signal, describe });
  const collectiveEls = collectiveView(collectivesEl);
  const axisChoices = axisSelectors(selectors, {
    id: vid,
    choose: (choice) => {
      status.textContent = "updating…";
      axes.request({ type: "set_axis", ...choice });
    },
    signal,
  });
  const unbatched = unbatchedView(unbatchedEl, views.unbatched);
  const devices = devicePicker(model, { onPick: () => (status.textContent = "updating…"), signal });
  root.append(formulaRow, selectors, devices.row, player.el, player.legend, devices.note, main);

  // The text box is shown only while the notebook's author allows editing.
  function showFormula() {
    formulaRow.hidden = !model.get("editable_formula");
    formula.setNames(model.get("_formula_names") ?? []);
    formula.sync(model.get("formula"));
  }

  /** @param {import("./lib/axis_player.js").AnimationState} anim */
  function paint(anim) {
    const d = diagram();
    if (split) {
      for (const view of [...views.inputs.values(), ...views.outputs.values()]) view.paint([anim.step]);
      drawDeviceCalls(callEl, d, split, anim.step);
      root.dataset.step = String(anim.step);
      root.dataset.moment = "devices";
      return;
    }
    const moment = momentAt(anim.step, sizes(), collectives());
    const indices = moment.kind === "call" ? moment.indices : sizes().map(() => -1);
    const writing = moment.kind === "call" && moment.part === moment.parts - 1;
    for (const group of Object.values(views)) for (const view of group.values()) view.paint(indices, writing);
    if (moment.kind === "call") drawCall(callEl, d, indices);
    else drawCollectiveCall(callEl, collectiveLabel(moment.collective));
    collectiveEls.show(moment);
    root.dataset.step = String(anim.step);
    root.dataset.moment = moment.kind;
  }

  function redraw() {
    const d = diagram();
    root.classList.toggle("vw-has-error", Boolean(d.error));
    axisChoices.draw(d);
    syncLeaves(inputsEl, views.inputs, d.inputs ?? [], "input", d.levels ?? [], d.outputs);
    syncLeaves(outputsEl, views.outputs, d.outputs ?? [], "output", d.levels ?? []);
    split = deviceSplit(d);
    for (const view of [...views.inputs.values(), ...views.outputs.values()]) view.setDevices(split);
    devices.sync();
    devices.explain(split, d.error ? null : (d.sharding?.error ?? null), d.levels?.[0]?.index ?? "b");
    shardBlock.block.hidden = !d.sharding?.code || Boolean(d.sharding.error);
    shardBlock.pre.textContent = d.sharding?.code ?? "";
    outputsEl.hidden = Boolean(d.error);
    errorEl.hidden = !d.error;
    errorEl.textContent = d.error ? errorText(d.error, d.error_side) : "";
    jaxBlock.pre.textContent = d.jax_code ?? "";
    loopBlock.pre.textContent =
      d.loop_code ??
      (d.error
        ? "# no loop: this choice of axes fails (see the error)"
        : collectives().length > 0
          ? "# no loop written out for collectives in a nest of vmaps"
          : "# the loop is written out for array arguments and outputs only");
    unbatched.drawVmapped(d);
    collectiveEls.draw(d);
    player.showComputing(collectives().length > 0);
    if (!axes.busy) status.textContent = "";
    player.dispatch({ type: "total", total: split ? split.per : totalSteps(sizes(), collectives()) });
  }

  /**
   * A reply releases its request (or, without a request number, whichever is in flight).
   *
   * @param {LatestWins} queue
   * @param {unknown} request
   */
  const release = (queue, request) => (request === null || request === undefined ? queue.reset() : queue.done(request));

  /** @param {any} msg */
  function onMessage(msg) {
    if ((msg?.type !== "rejected" && msg?.type !== "applied") || !isFor(msg, vid)) return;
    if (msg.for === "formula") {
      release(formulas, msg.request);
      if (msg.type === "rejected") formula.mark(msg.column, `not applied: ${msg.reason}`);
      else if (!formulas.busy) formula.mark(null, null);
      return;
    }
    release(axes, msg.request);
    if (msg.type === "rejected") {
      status.textContent = `not applied: ${msg.reason}`;
      axisChoices.draw(diagram());
    } else if (!axes.busy) {
      status.textContent = "";
    }
  }

  listenTo(model, signal, [
    ["change:diagram", redraw],
    ["change:devices", devices.sync],
    ["change:_device_choices", devices.sync],
    ["change:unbatched", () => unbatched.draw(model.get("unbatched"), diagram())],
    ["change:formula", showFormula],
    ["change:editable_formula", showFormula],
    ["msg:custom", onMessage],
  ]);
  showFormula();
  redraw();
  unbatched.draw(model.get("unbatched"), diagram());
  return cleanup;
}

export default { render };
