// One keyboard strategy for every widget. Keys pressed in a widget's controls are the
// widget's: JupyterLab binds letters and arrows in command mode and Notebook 7 cancels the
// arrow keys on the document before a slider sees them. So (1) every control and the
// widget's root carry data-lm-suppress-shortcuts (Lumino checks it), (2) unmodified keys
// other than Escape stop at the root, and (3) keys that move a control (slider steps, radio
// options) are applied by the widget itself: sliders in the capture phase on window, before
// any front end sees them; radio groups on the group.

const SLIDER_STEPS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

/**
 * The value a slider moves to for a key press, or null for keys that don't move it.
 *
 * @param {string} key
 * @param {number} value
 * @param {number} lo
 * @param {number} hi
 * @param {number} step
 * @returns {number | null}
 */
export function steppedValue(key, value, lo, hi, step) {
  if (key === "Home") return lo;
  if (key === "End") return hi;
  if (!(key in SLIDER_STEPS)) return null;
  const raw = value + SLIDER_STEPS[/** @type {keyof typeof SLIDER_STEPS} */ (key)] * step;
  const snapped = lo + Math.round((raw - lo) / step) * step;
  return Math.max(lo, Math.min(hi, Number(snapped.toPrecision(12))));
}

const OPTION_STEPS = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 };

/**
 * The option a key moves to from option `index` of `count`, as in a radio group (arrows wrap
 * around, Home and End jump to the ends), or null for keys that do not move.
 *
 * @param {string} key
 * @param {number} index
 * @param {number} count
 * @returns {number | null}
 */
export function nextOption(key, index, count) {
  if (count === 0) return null;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  if (!(key in OPTION_STEPS)) return null;
  return (index + OPTION_STEPS[/** @type {keyof typeof OPTION_STEPS} */ (key)] + count) % count;
}

/**
 * Whether a key event belongs to the widget: unmodified keys other than Escape. Modified keys
 * (Ctrl+S, Shift+Enter, …) and Escape still reach the notebook.
 *
 * @param {KeyboardEvent} event
 */
export function isWidgetKey(event) {
  const modified = event.ctrlKey || event.metaKey || event.altKey || event.shiftKey;
  return !modified && event.key !== "Escape";
}

/**
 * Claim the keys pressed inside `root` for the widget (points 1 to 3 above) until `signal`.
 *
 * @param {HTMLElement} root
 * @param {AbortSignal} signal
 */
export function claimKeys(root, signal) {
  root.dataset.lmSuppressShortcuts = "true";
  root.addEventListener(
    "keydown",
    (event) => {
      if (isWidgetKey(event)) event.stopPropagation();
    },
    { signal },
  );
  window.addEventListener("keydown", (event) => stepSlider(root, event), { capture: true, signal });
}

/**
 * @param {HTMLElement} root
 * @param {KeyboardEvent} event
 */
function stepSlider(root, event) {
  const slider = event.target;
  if (!(slider instanceof HTMLInputElement) || slider.type !== "range") return;
  if (!root.contains(slider) || event.ctrlKey || event.metaKey || event.altKey) return;
  const [lo, hi, step] = [Number(slider.min), Number(slider.max), Number(slider.step)];
  const next = steppedValue(event.key, slider.valueAsNumber, lo, hi, step);
  if (next === null || !Number.isFinite(step) || step <= 0) return;
  event.preventDefault();
  event.stopPropagation();
  if (next === slider.valueAsNumber) return;
  slider.value = String(next);
  slider.dispatchEvent(new Event("input", { bubbles: true }));
}

/**
 * Arrow keys, Home and End move between the radios of `group`, as in any radio group; done
 * here because a notebook around the widget may claim arrow keys for itself. The newly
 * checked radio gets a `change` event.
 *
 * @param {HTMLElement} group
 * @param {HTMLInputElement[]} radios
 * @param {AbortSignal} signal
 */
export function radioKeys(group, radios, signal) {
  group.addEventListener(
    "keydown",
    (event) => {
      const index = radios.indexOf(/** @type {HTMLInputElement} */ (event.target));
      const target = nextOption(event.key, index, radios.length);
      if (index < 0 || target === null) return;
      event.preventDefault();
      event.stopPropagation();
      const radio = radios[target];
      radio.checked = true;
      radio.focus();
      radio.dispatchEvent(new Event("change"));
    },
    { signal },
  );
}
