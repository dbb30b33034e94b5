// Axis ticks and number formatting for the heatmap's axes, colour bar, tooltip and status.

/** Evenly spaced "nice" ticks (steps of 1, 2, 2.5 or 5 × 10^k) inside [lo, hi]. */
/**
 * @param {number} lo
 * @param {number} hi
 * @param {number} [maxTicks]
 * @returns {{ ticks: number[], step: number }}
 */
export function niceTicks(lo, hi, maxTicks = 6) {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) {
    return { ticks: Number.isFinite(lo) ? [lo] : [], step: 0 };
  }
  const raw = (hi - lo) / Math.max(1, maxTicks);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? 10 * power;
  const ticks = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    ticks.push(Math.abs(k * step) < step * 1e-9 ? 0 : k * step);
  }
  return { ticks, step };
}

/** A tick label with just enough decimals for `step`; exponent form for extreme values. */
/**
 * @param {number} value
 * @param {number} step
 */
export function formatTick(value, step) {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(Math.max(0, 2));
  const decimals = step > 0 ? Math.max(0, Math.min(10, -Math.floor(Math.log10(step) + 1e-9))) : 2;
  const text = value.toFixed(step > 0 && (step * 10 ** decimals) % 1 > 1e-6 ? decimals + 1 : decimals);
  return text.replaceAll("-", "−");
}

/** A measured value with `digits` significant digits; NaN and infinities by name. */
/**
 * @param {number} value
 * @param {number} [digits]
 */
export function formatValue(value, digits = 4) {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+inf";
  if (value === -Infinity) return "−inf";
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  const text =
    magnitude >= 1e5 || magnitude < 1e-3 ? value.toExponential(digits - 1) : String(Number(value.toPrecision(digits)));
  return text.replaceAll("-", "−");
}

/** Milliseconds for the status line: "0.05 ms", "3.2 ms", "120 ms". */
/** @param {number} ms */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}
