// AxisExplorer's player: first/prev/play/next/last buttons, speed, "call k of n", the legend.
// It owns the animation state (axis_animation.js) and its timer, and calls `paint()` after
// every change of step.
import { initialState, intervalMs, reduce, SPEEDS } from "./axis_animation.js";
import { h } from "./dom.js";
import { later } from "./lifetime.js";

/** @typedef {ReturnType<typeof initialState>} AnimationState */
/** @typedef {Parameters<typeof reduce>[1]} Action */

const LEGEND = [
  ["active", "read by this call"],
  ["computing", "computing, not written yet"],
  ["current", "written by this call"],
  ["done", "written by earlier calls"],
  ["pending", "not computed yet"],
  ["whole", "passed whole to every call"],
];

/**
 * `describe(step)` names what a step shows (default: "call k of n").
 *
 * @param {{
 *   status: HTMLElement, paint: (state: AnimationState) => void, signal: AbortSignal,
 *   describe?: (step: number, total: number) => string,
 * }} options
 */
export function axisPlayer({ status, paint, signal, describe = (step, total) => `call ${step + 1} of ${total}` }) {
  const el = h("div", { className: "vw-player" });
  let state = initialState(0);
  let stopTimer = () => {};

  /** @param {Action} action */
  function dispatch(action) {
    state = reduce(state, action);
    stopTimer();
    if (state.playing) stopTimer = later(signal, () => dispatch({ type: "tick" }), intervalMs(state.speed));
    show();
    paint(state);
  }

  /**
   * @param {string} label
   * @param {string} title
   * @param {string} type
   */
  const button = (label, title, type) => {
    const b = h("button", { className: "vw-btn", type: "button", title, "aria-label": title, text: label });
    b.addEventListener("click", () => dispatch({ type }), { signal });
    el.append(b);
    return b;
  };
  const buttons = [button("⇤", "first call", "first"), button("◀ prev", "previous call", "prev")];
  const playButton = button("▶ play", "play", "toggle");
  buttons.push(playButton, button("next ▶", "next call", "next"), button("⇥", "last call", "last"));
  const speed = h(
    "select",
    { className: "vw-speed", "aria-label": "speed" },
    SPEEDS.map((s) => h("option", { value: String(s), text: `${s}×` })),
  );
  speed.value = "1";
  speed.addEventListener("change", () => dispatch({ type: "speed", speed: Number(speed.value) }), { signal });
  const stepText = h("span", { className: "vw-step" });
  el.append(speed, stepText, status);
  const legend = h(
    "div",
    { className: "vw-legend" },
    LEGEND.map(([cellState, text]) => {
      const swatch = h("span", { className: "vw-cell vw-swatch" });
      swatch.dataset.state = cellState;
      const item = h("span", { className: "vw-legend-item" }, [swatch, text]);
      item.dataset.state = cellState;
      return item;
    }),
  );
  const computing = /** @type {HTMLElement} */ (legend.querySelector('[data-state="computing"]'));
  computing.hidden = true;

  function show() {
    const ready = state.total > 0;
    legend.hidden = !ready;
    for (const b of buttons) b.disabled = !ready;
    speed.disabled = !ready;
    playButton.textContent = state.playing ? "❚❚ pause" : "▶ play";
    playButton.title = state.playing ? "pause" : "play";
    playButton.setAttribute("aria-label", playButton.title);
    playButton.setAttribute("aria-pressed", String(state.playing));
    stepText.textContent = ready ? describe(state.step, state.total) : "no calls: vmap fails";
  }

  return {
    el,
    legend,
    dispatch,
    /** @param {boolean} on  whether the legend lists "computing" (functions with collectives) */
    showComputing(on) {
      computing.hidden = !on;
    },
    get state() {
      return state;
    },
  };
}
