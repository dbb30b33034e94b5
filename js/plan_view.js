// PlanView: a card that shows what jax.vmap does with the given in_axes/out_axes.
import { h } from "./lib/dom.js";
import { listenTo, viewLifetime } from "./lib/lifetime.js";
import { inputSummaries, outputSummaries } from "./lib/shapes.js";

/** @typedef {ReturnType<typeof inputSummaries>[number] | ReturnType<typeof outputSummaries>[number]} Summary */
/** @typedef {import("./lib/shapes.js").Plan} Plan */

/** @param {Summary} summary */
function shapeRow(summary) {
  const atFault = "atFault" in summary && summary.atFault;
  const chips = h(
    "span",
    { className: "vw-chips" },
    summary.chips.map((chip) =>
      h("span", {
        className: `vw-chip${chip.batch ? " vw-batch" : ""}`,
        text: String(chip.size),
        title: chip.batch ? `batch axis ${chip.axis}` : `axis ${chip.axis}`,
      }),
    ),
  );
  if (summary.chips.length === 0) chips.append(h("span", { className: "vw-chip vw-scalar", text: "scalar" }));
  return h("div", { className: `vw-row${atFault ? " vw-fault" : ""}` }, [
    h("code", { className: "vw-path", text: summary.path }),
    chips,
    h("span", { className: "vw-label", text: summary.label }),
  ]);
}

/**
 * @param {HTMLElement} root
 * @param {Plan} plan
 */
function draw(root, plan) {
  const heading = (/** @type {string} */ text) => h("div", { className: "vw-heading", text });
  const outputs = plan.error
    ? [h("div", { className: "vw-error", text: plan.error })]
    : outputSummaries(plan).map(shapeRow);
  root.replaceChildren(
    h("code", { className: "vw-jax-code", text: plan.jax_code ?? "" }),
    h("div", { className: "vw-section" }, [heading("inputs"), ...inputSummaries(plan).map(shapeRow)]),
    h("div", { className: "vw-section" }, [heading("output"), ...outputs]),
  );
}

/** @type {import("@anywidget/types").Render<{ plan: Plan }>} */
function render({ model, el, signal: host }) {
  const { signal, cleanup } = viewLifetime(host);
  const root = h("div", { className: "vw-plan-view" });
  el.append(root);
  const redraw = () => draw(root, model.get("plan"));
  listenTo(model, signal, [["change:plan", redraw]]);
  redraw();
  return cleanup;
}

export default { render };
