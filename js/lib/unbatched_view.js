// "without vmap vs. with vmap": for a one-argument function, what calling it on the whole
// batch gives (sent once by Python, trait `unbatched`) beside what the vmapped call gives.
import { formatShape } from "./diagram_layout.js";
import { h, syncChildren } from "./dom.js";
import { syncLeaves } from "./leaf_view.js";

/** @typedef {import("./types.js").Diagram} Diagram */
/** @typedef {import("./types.js").Unbatched} Unbatched */
/** @typedef {import("./leaf_view.js").LeafView} LeafView */

/**
 * The comparison, drawn into `el`; `views` holds the leaf views of the unbatched outputs.
 *
 * @param {HTMLElement} el
 * @param {Map<string, LeafView>} views
 */
export function unbatchedView(el, views) {
  const withoutTitle = h("div", { className: "vw-compare-title" });
  const withoutBody = h("div", { className: "vw-compare-body" });
  const withTitle = h("div", { className: "vw-compare-title" });
  const withBody = h("div", { className: "vw-compare-body" });
  const pair = h("div", { className: "vw-compare-pair" }, [
    h("div", { className: "vw-compare" }, [withoutTitle, withoutBody]),
    h("div", { className: "vw-compare" }, [withTitle, withBody]),
  ]);
  el.append(h("div", { className: "vw-heading", text: "without vmap vs. with vmap" }), pair);

  /**
   * The vmapped side: the output shapes, or that this choice of axes fails.
   *
   * @param {Diagram} d
   */
  function drawVmapped(d) {
    const shapes = (d.outputs ?? []).map((o) => `${o.path} ${formatShape(o.shape)}`).join(", ");
    withBody.replaceChildren(
      d.error
        ? h("div", { className: "vw-error vw-error-inline", text: "vmap fails (see the error above)" })
        : h("code", { text: `${shapes}: see the output above` }),
    );
  }

  /**
   * @param {Unbatched | null | undefined} u
   * @param {Diagram} d
   */
  function draw(u, d) {
    el.hidden = !u;
    if (!u) return;
    withoutTitle.textContent = `without vmap: ${u.call} on the whole batch`;
    withTitle.textContent = `with vmap: ${u.call} on each slice, results stacked`;
    if (u.error) {
      views.clear();
      withoutBody.replaceChildren(h("div", { className: "vw-error vw-error-inline", text: u.error }));
    } else {
      const leaves =
        /** @type {HTMLElement | null} */ (withoutBody.querySelector(".vw-leaves")) ??
        h("div", { className: "vw-leaves" });
      syncLeaves(leaves, views, u.outputs, "plain", []);
      syncChildren(withoutBody, [leaves]);
    }
    drawVmapped(d);
  }

  return { draw, drawVmapped };
}
