// Pure helpers behind GridExplorer's sliders: resolution steps and range handles.

/** Index of the step closest to `value` (ties go to the smaller step). */
export function nearestStep(steps, value) {
  let best = 0;
  for (let k = 1; k < steps.length; k++) {
    if (Math.abs(steps[k] - value) < Math.abs(steps[best] - value)) best = k;
  }
  return best;
}

/** The resolution steps with `current` inserted in order if it is not one of them. */
export function stepsWith(steps, current) {
  return steps.includes(current) ? steps.slice() : [...steps, current].sort((a, b) => a - b);
}

/**
 * A range after moving one end: `which` is 0 (lo) or 1 (hi). The moved end is clamped so
 * the range keeps at least `minGap` between its ends and stays inside `limits`.
 */
export function movedRange([lo, hi], which, value, minGap, [min, max]) {
  if (which === 0) return [Math.max(min, Math.min(value, hi - minGap)), hi];
  return [lo, Math.min(max, Math.max(value, lo + minGap))];
}

/** The largest 1, 2 or 5 × 10^k not above `raw`, so round values lie on the slider grid. */
export function niceStep(raw) {
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const multiple = [5, 2, 1].find((m) => m * power <= raw * (1 + 1e-9)) ?? 1;
  return Number((multiple * power).toPrecision(12));
}

/** The arrow-key step of a slider spanning [lo, hi]: a nice step near (hi - lo) / steps. */
export function sliderStep(lo, hi, steps = 200) {
  return niceStep((hi - lo) / steps);
}

/** Clamp a typed-in number to a slider's [lo, hi]; null if it is not a finite number. */
export function clampInput(text, lo, hi) {
  const value = Number(String(text).replace("−", "-"));
  if (String(text).trim() === "" || !Number.isFinite(value)) return null;
  return Math.max(lo, Math.min(hi, value));
}

const KEY_STEPS = { ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10 };

/**
 * The value a slider moves to for a key press, or null for keys that don't move it.
 * Done in JS because some notebook front ends cancel the arrow keys before the slider sees them.
 */
export function steppedValue(key, value, lo, hi, step) {
  if (key === "Home") return lo;
  if (key === "End") return hi;
  if (!(key in KEY_STEPS)) return null;
  const raw = value + KEY_STEPS[key] * step;
  const snapped = lo + Math.round((raw - lo) / step) * step;
  return Math.max(lo, Math.min(hi, Number(snapped.toPrecision(12))));
}
