// One slider row of GridExplorer's controls: a label, a range input and a number box (or a
// read-only output with `format`). `onValue(value)` is called on the visitor's input only.
import { h } from "./dom.js";
import { clampInput } from "./grid_controls.js";

/**
 * @typedef {{
 *   nodes: HTMLElement[],
 *   slider: HTMLInputElement,
 *   set(value: number): void,
 *   setLimits(min: number, max: number, step: number): void,
 * }} SliderRow
 */

/**
 * @param {{
 *   id: string, name: string, lo: number, hi: number, step: number, value: number,
 *   onValue: (value: number) => void, format?: ((value: number) => string) | null,
 *   signal: AbortSignal,
 * }} options
 * @returns {SliderRow}
 */
export function sliderRow({ id, name, lo, hi, step, value, onValue, format = null, signal }) {
  const label = h("label", { for: id, text: name });
  const slider = h("input", { id, type: "range", min: lo, max: hi, step, "aria-label": name });
  slider.value = String(value);
  const readout = format ? h("output", { className: "vw-ge-readout", for: id }) : null;
  const box = format
    ? null
    : h("input", { className: "vw-ge-number", type: "number", step, "aria-label": `${name} value` });
  /** @param {number} v */
  const show = (v) => {
    if (format && readout) readout.textContent = format(v);
    else if (box) box.value = String(Number(Number(v).toPrecision(6)));
  };
  show(value);
  slider.addEventListener(
    "input",
    () => {
      show(slider.valueAsNumber);
      onValue(slider.valueAsNumber);
    },
    { signal },
  );
  box?.addEventListener(
    "change",
    () => {
      const v = clampInput(box.value, Number(slider.min), Number(slider.max));
      if (v === null) return show(slider.valueAsNumber);
      slider.value = String(v);
      show(v);
      onValue(v);
    },
    { signal },
  );
  return {
    nodes: [label, slider, /** @type {HTMLElement} */ (readout ?? box)],
    slider,
    set(v) {
      slider.value = String(v);
      show(v);
    },
    setLimits(min, max, stepSize) {
      slider.min = String(min);
      slider.max = String(max);
      slider.step = String(stepSize);
    },
  };
}
