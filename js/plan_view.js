// PlanView: a card that shows what jax.vmap does with the given in_axes/out_axes.
import css from "./plan_view.css";
import { inputSummaries, outputSummaries } from "./lib/shapes.js";

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = text;
  return el;
}

function shapeRow(summary) {
  const row = element("div", "vw-row" + (summary.atFault ? " vw-fault" : ""));
  row.append(element("code", "vw-path", summary.path));
  const chips = element("span", "vw-chips");
  for (const chip of summary.chips) {
    const c = element("span", "vw-chip" + (chip.batch ? " vw-batch" : ""), String(chip.size));
    c.title = chip.batch ? `batch axis ${chip.axis}` : `axis ${chip.axis}`;
    chips.append(c);
  }
  if (summary.chips.length === 0) chips.append(element("span", "vw-chip vw-scalar", "scalar"));
  row.append(chips, element("span", "vw-label", summary.label));
  return row;
}

function draw(root, plan) {
  root.replaceChildren();
  root.append(element("code", "vw-jax-code", plan.jax_code ?? ""));
  const inputs = element("div", "vw-section");
  inputs.append(element("div", "vw-heading", "inputs"));
  for (const s of inputSummaries(plan)) inputs.append(shapeRow(s));
  root.append(inputs);
  const outputs = element("div", "vw-section");
  outputs.append(element("div", "vw-heading", "output"));
  if (plan.error) {
    outputs.append(element("div", "vw-error", plan.error));
  } else {
    for (const s of outputSummaries(plan)) outputs.append(shapeRow(s));
  }
  root.append(outputs);
}

function render({ model, el }) {
  const style = element("style");
  style.textContent = css;
  const root = element("div", "vw-plan-view");
  el.append(style, root);
  const redraw = () => draw(root, model.get("plan"));
  model.on("change:plan", redraw);
  redraw();
  return () => model.off("change:plan", redraw);
}

export default { render };
