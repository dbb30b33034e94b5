// Zoom and pan for GridExplorer: gestures on the plot (plot_gestures.js), a Back/Forward
// history of views (view_history.js) and the toolbar buttons Home, Back, Forward and Box.
//
// A gesture transforms the picture on screen at once (a CSS transform of the heatmap
// canvas, from the view it was drawn for to the view wanted) and asks Python for the new
// x/y ranges through the view's request queue; each new frame re-derives the transform, so
// it fades to none as the recomputed pixels (coarse, then fine) arrive. The grid's shape
// never changes, so nothing recompiles. A view too narrow for the dtype's resolution is
// not requested: the error line says so.
import { h } from "./dom.js";
import { attachGestures } from "./plot_gestures.js";
import { viewHistory } from "./view_history.js";
import { cssTransform, cssTransformText, requestedRanges, sameView, shownView, tooNarrow } from "./view_transform.js";

/** @typedef {import("./view_transform.js").View} View */
/** @typedef {import("./types.js").FrameMeta} FrameMeta */

/**
 * The same view up to rounding (a range that went to Python and came back).
 *
 * @param {View} a
 * @param {View} b
 */
function nearView(a, b) {
  const close = (/** @type {[number, number]} */ p, /** @type {[number, number]} */ q) => {
    const tolerance = 1e-9 * Math.abs(p[1] - p[0]);
    return Math.abs(p[0] - q[0]) <= tolerance && Math.abs(p[1] - q[1]) <= tolerance;
  };
  return sameView(a, b) || (close(a.x, b.x) && close(a.y, b.y));
}

/** Largest magnitude of a range end Python accepts (vmapwidget.kernels.MAX_ABS_COORDINATE). */
const MAX_ABS_COORDINATE = 1e15;

/**
 * @param {{
 *   figure: import("./grid_figure.js").GridFigure,
 *   ranges: () => { x: [number, number], y: [number, number], resolution: number, dtype: string },
 *   home: () => { x: [number, number], y: [number, number] } | null,
 *   request: (values: Record<string, unknown>) => void,
 *   fail: (reason: string) => void,
 *   signal: AbortSignal,
 * }} options
 */
export function gridZoom({ figure, ranges, home, request, fail, signal }) {
  /** @param {{ x: [number, number], y: [number, number], resolution: number }} r */
  const viewOf = (r) => shownView(r.x, r.y, r.resolution, r.resolution);
  let target = viewOf(ranges());
  const start = home();
  const history = viewHistory(start ? viewOf({ ...start, resolution: ranges().resolution }) : target);
  history.push(target);
  /** @type {"pan" | "box"} */
  let mode = "pan";

  const button = (/** @type {string} */ text, /** @type {string} */ title) =>
    h("button", { type: "button", text, title, className: "vw-ge-view-button" });
  const homeButton = button("Home", "Back to the first view (double-click, or 0 on the plot)");
  const back = button("Back", "The previous view");
  const forward = button("Forward", "The next view");
  const boxMode = button("Box", "Drag a box to zoom into it (or shift-drag)");
  boxMode.setAttribute("aria-pressed", "false");
  const nodes = [homeButton, back, forward, boxMode];

  const drawnView = () => {
    const meta = figure.frame?.meta;
    return meta ? shownView(meta.x_range, meta.y_range, meta.nx, meta.ny) : target;
  };
  const applyTransform = () => {
    const box = { width: figure.layout.plot.width, height: figure.layout.plot.height };
    figure.plot.style.transform = cssTransformText(cssTransform(drawnView(), target, box));
  };
  const showButtons = () => {
    back.disabled = !history.canBack;
    forward.disabled = !history.canForward;
  };

  /** @param {View} view */
  function preview(view) {
    target = view;
    applyTransform();
  }

  /** @param {View} view */
  function send(view) {
    const { resolution, dtype } = ranges();
    const { x_range, y_range } = requestedRanges(view, resolution, resolution);
    const asked = { x: x_range, y: y_range };
    if (Math.max(...x_range.map(Math.abs), ...y_range.map(Math.abs)) > MAX_ABS_COORDINATE) {
      fail(`zoomed out past ±${MAX_ABS_COORDINATE.toExponential()}: the ranges stop there`);
      return settle();
    }
    if (tooNarrow(asked, resolution, dtype)) {
      const hint = dtype === "float32" ? "; GridExplorer(..., dtype='float64') with jax_enable_x64 goes deeper" : "";
      fail(`zoomed past what ${dtype} can resolve at ${resolution} points${hint}`);
      return settle();
    }
    request({ x_range, y_range });
  }

  /** @param {View | null} view */
  function go(view) {
    if (!view) return;
    preview(view);
    send(view);
    showButtons();
  }

  /** Forget a view Python refused: show the picture as drawn again. */
  function settle() {
    target = drawnView();
    applyTransform();
  }

  attachGestures(
    figure.plotBox,
    {
      view: () => target,
      onPreview: preview,
      onView: send,
      onCommit: (view) => {
        history.push(view);
        showButtons();
      },
      onHome: () => go(history.home()),
    },
    signal,
    { mode: () => mode },
  );
  homeButton.addEventListener("click", () => go(history.home()), { signal });
  back.addEventListener("click", () => go(history.back()), { signal });
  forward.addEventListener("click", () => go(history.forward()), { signal });
  boxMode.addEventListener(
    "click",
    () => {
      mode = mode === "pan" ? "box" : "pan";
      boxMode.setAttribute("aria-pressed", String(mode === "box"));
    },
    { signal },
  );
  showButtons();
  figure.onDrawn(applyTransform);
  figure.onResize(applyTransform);
  signal.addEventListener("abort", () => figure.plot.style.removeProperty("transform"), { once: true });

  return {
    nodes,
    /** The ranges changed elsewhere (Python, a slider): that view becomes the target. */
    follow() {
      const view = viewOf(ranges());
      if (nearView(view, target)) return;
      target = view;
      history.push(view);
      showButtons();
      applyTransform();
    },
    settle,
  };
}
