// The runtime of a static export page (vmapwidget.export_html inlines it): for every
// <script class="vw-static-state"> it loads the widget's ES module from the page and renders
// it into its target with a StaticModel of the saved state. Each distinct stylesheet is
// added once.
import { distinctSheets, StaticModel } from "./lib/static_model.js";

/** @typedef {{ esm: string, css: string, state: Record<string, unknown>, buffers: Record<string, string> }} Payload */

const experimental = {
  invoke: async () => {
    throw new Error("static page: there is no kernel");
  },
};

/**
 * @param {Payload} payload
 * @param {HTMLElement} el
 */
async function show({ esm, state, buffers }, el) {
  const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
  const module = await import(url);
  const definition = module.default ?? module;
  const widget = typeof definition === "function" ? await definition() : definition;
  const model = new StaticModel(state, buffers);
  await widget.initialize?.({ model, experimental });
  await widget.render({ model, el, experimental });
  el.dataset.rendered = "true";
}

async function main() {
  const scripts = /** @type {NodeListOf<HTMLScriptElement>} */ (document.querySelectorAll("script.vw-static-state"));
  const holders = [...scripts].map((holder) => ({
    payload: /** @type {Payload} */ (JSON.parse(holder.textContent ?? "{}")),
    el: document.getElementById(holder.dataset.target ?? ""),
  }));
  for (const css of distinctSheets(holders.map((h) => h.payload.css))) {
    const style = document.createElement("style");
    style.textContent = css;
    document.head.append(style);
  }
  for (const { payload, el } of holders) {
    if (!el) continue;
    try {
      await show(payload, el);
    } catch (error) {
      el.textContent = `This widget could not be shown: ${error}`;
      el.classList.add("vw-static-error");
      console.error(error);
    }
  }
}

main();
