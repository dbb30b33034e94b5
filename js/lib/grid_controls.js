// Pure helpers behind GridExplorer's sliders: resolution steps and range handles.
import { digitsApart } from "./grid_ticks.js";

/** Index of the step closest to `value` (ties go to the smaller step). */
/**
 * @param {number[]} steps
 * @param {number} value
 */
export function nearestStep(steps, value) {
  let best = 0;
  for (let k = 1; k < steps.length; k++) {
    if (Math.abs(steps[k] - value) < Math.abs(steps[best] - value)) best = k;
  }
  return best;
}

/** The resolution steps with `current` inserted in order if it is not one of them. */
/**
 * @param {number[]} steps
 * @param {number} current
 */
export function stepsWith(steps, current) {
  return steps.includes(current) ? steps.slice() : [...steps, current].sort((a, b) => a - b);
}

/**
 * A range after moving one end: `which` is 0 (lo) or 1 (hi). The moved end is clamped so
 * the range keeps at least `minGap` between its ends and stays inside `limits`.
 */
/**
 * @param {[number, number]} range
 * @param {number} which
 * @param {number} value
 * @param {number} minGap
 * @param {[number, number]} limits
 * @returns {[number, number]}
 */
export function movedRange([lo, hi], which, value, minGap, [min, max]) {
  if (which === 0) return [Math.max(min, Math.min(value, hi - minGap)), hi];
  return [lo, Math.min(max, Math.max(value, lo + minGap))];
}

/** The largest 1, 2 or 5 × 10^k not above `raw`, so round values lie on the slider grid. */
/** @param {number} raw */
export function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  const multiple = [5, 2, 1].find((m) => m * power <= raw * (1 + 1e-9)) ?? 1;
  return Number((multiple * power).toPrecision(12));
}

/** The arrow-key step of a slider spanning [lo, hi]: a nice step near (hi - lo) / steps. */
/**
 * @param {number} lo
 * @param {number} hi
 * @param {number} [steps]
 */
export function sliderStep(lo, hi, steps = 200) {
  return niceStep((hi - lo) / steps);
}

/** Clamp a typed-in number to a slider's [lo, hi]; null if it is not a finite number. */
/**
 * @param {unknown} text
 * @param {number} lo
 * @param {number} hi
 * @returns {number | null}
 */
export function clampInput(text, lo, hi) {
  const value = Number(String(text).replace("−", "-"));
  if (String(text).trim() === "" || !Number.isFinite(value)) return null;
  return Math.max(lo, Math.min(hi, value));
}

/**
 * Significant digits that write both ends of `range` apart: 6, or more for a deep zoom (up
 * to 17), with three to spare across the range.
 *
 * @param {[number, number]} range
 */
export function rangeDigits(range) {
  return digitsApart(range, Math.abs(range[1] - range[0]) / 1000, 6);
}
