// One slider row of GridExplorer's controls: a label, a range input and a number box (or a
// read-only output with `format`). `onValue(value, typed)` is called on the visitor's input
// only (`typed`: from the number box). The row keeps its exact value: a range input snaps
// what it holds to its step, which a deep zoom is far below.
import { h } from "./dom.js";
import { clampInput } from "./grid_controls.js";

/**
 * @typedef {{
 *   nodes: HTMLElement[],
 *   slider: HTMLInputElement,
 *   readonly value: number,
 *   set(value: number): void,
 *   setLimits(min: number, max: number, step: number): void,
 * }} SliderRow
 */

/**
 * @param {{
 *   id: string, name: string, lo: number, hi: number, step: number, value: number,
 *   onValue: (value: number, typed: boolean) => void,
 *   format?: ((value: number) => string) | null, digits?: () => number, signal: AbortSignal,
 * }} options
 * @returns {SliderRow}
 */
export function sliderRow({ id, name, lo, hi, step, value, onValue, format = null, digits = () => 6, signal }) {
  const label = h("label", { for: id, text: name });
  const slider = h("input", { id, type: "range", min: lo, max: hi, step, "aria-label": name });
  slider.value = String(value);
  let exact = value;
  const readout = format ? h("output", { className: "vw-ge-readout", for: id }) : null;
  const box = format
    ? null
    : h("input", { className: "vw-ge-number", type: "number", step, "aria-label": `${name} value` });
  /** @param {number} v */
  const show = (v) => {
    if (format && readout) readout.textContent = format(v);
    else if (box) {
      box.value = String(Number(Number(v).toPrecision(digits())));
      box.title = box.value;
    }
  };
  show(value);
  slider.addEventListener(
    "input",
    () => {
      exact = slider.valueAsNumber;
      show(exact);
      onValue(exact, false);
    },
    { signal },
  );
  box?.addEventListener(
    "change",
    () => {
      const v = clampInput(box.value, Number(slider.min), Number(slider.max));
      if (v === null) return show(exact);
      slider.value = String(v);
      exact = v;
      show(v);
      onValue(v, true);
    },
    { signal },
  );
  return {
    nodes: [label, slider, /** @type {HTMLElement} */ (readout ?? box)],
    slider,
    get value() {
      return exact;
    },
    set(v) {
      slider.value = String(v);
      exact = v;
      show(v);
    },
    setLimits(min, max, stepSize) {
      slider.min = String(min);
      slider.max = String(max);
      slider.step = String(stepSize);
    },
  };
}
