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

/**
 * Significant digits that write values `spacing` apart within [lo, hi] as different numbers:
 * at least `least`, at most 17 (all a float64 has).
 *
 * @param {[number, number]} range
 * @param {number} spacing
 * @param {number} least
 */
export function digitsApart([lo, hi], spacing, least) {
  const size = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(spacing > 0) || !Number.isFinite(size / spacing)) return least;
  return Math.max(least, Math.min(17, Math.ceil(Math.log10(size / spacing)) + 1));
}

/** Milliseconds for the status line: "0.05 ms", "3.2 ms", "120 ms". */
/** @param {number} ms */
export function formatMs(ms) {
  if (!Number.isFinite(ms)) return "–";
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 100) return `${ms.toFixed(1)} ms`;
  return `${Math.round(ms)} ms`;
}

/**
 * 10^k as a tick label: "0.01", "0.1", "1", "10", "100", "1000", then "10⁴", "10⁻³".
 *
 * @param {number} k
 */
export function formatPower(k) {
  if (k >= -2 && k <= 3) return String(10 ** k);
  const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹";
  const exponent = String(Math.abs(k))
    .split("")
    .map((d) => digits[Number(d)])
    .join("");
  return `10${k < 0 ? "⁻" : ""}${exponent}`;
}

/**
 * Ticks of a log axis spanning log10 values [lo, hi]: {at, label} with `at` the log10 of
 * the tick's value. Whole decades (every n-th, to keep at most `maxTicks`) when the span
 * holds two or more; otherwise nice ticks of the values themselves.
 *
 * @param {number} lo
 * @param {number} hi
 * @param {number} [maxTicks]
 * @returns {{ at: number, label: string }[]}
 */
export function logTicks(lo, hi, maxTicks = 6) {
  if (!(hi > lo) || !Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  const first = Math.ceil(lo - 1e-9);
  const last = Math.floor(hi + 1e-9);
  if (last - first >= 1) {
    const every = Math.max(1, Math.ceil((last - first + 1) / Math.max(1, maxTicks)));
    const ticks = [];
    for (let k = first; k <= last; k += every) ticks.push({ at: k, label: formatPower(k) });
    return ticks;
  }
  const { ticks, step } = niceTicks(10 ** lo, 10 ** hi, maxTicks);
  return ticks.filter((t) => t > 0).map((t) => ({ at: Math.log10(t), label: formatTick(t, step) }));
}

/**
 * The colour bar's ticks for a frame's encoded limits [vmin, vmax] under `norm`, as
 * {at (in encoded units), label}.
 *
 * @param {number} vmin
 * @param {number} vmax
 * @param {string | undefined} norm
 * @param {number} maxTicks
 * @returns {{ at: number, label: string }[]}
 */
export function scaleTicks(vmin, vmax, norm, maxTicks) {
  if (norm === "log") return logTicks(vmin, vmax, maxTicks);
  const { ticks, step } = niceTicks(vmin, vmax, maxTicks);
  return ticks.map((t) => ({ at: t, label: formatTick(t, step) }));
}

/**
 * An axis's ticks over [lo, hi] as {at, label}, with labels at most `room` pixels wide as
 * `width(text)` measures them. When the plain labels are wider (a deep zoom: "−0.7450012"),
 * or two of them read the same ("1.00e+6"), they count from the first tick in units of 10^k,
 * and `offset` says so ("−0.745001 + tick × 10⁻⁶"); null when the labels are the values.
 *
 * @param {number} lo
 * @param {number} hi
 * @param {number} maxTicks
 * @param {number} room
 * @param {(text: string) => number} width
 * @returns {{ ticks: { at: number, label: string }[], offset: string | null }}
 */
export function axisTicks(lo, hi, maxTicks, room, width) {
  const { ticks, step } = niceTicks(lo, hi, maxTicks);
  const plain = ticks.map((t) => ({ at: t, label: formatTick(t, step) }));
  const distinct = new Set(plain.map(({ label }) => label)).size === plain.length;
  if (step <= 0 || ticks.length < 2 || (distinct && plain.every(({ label }) => width(label) <= room))) {
    return { ticks: plain, offset: null };
  }
  const k = Math.floor(Math.log10(step) + 1e-9);
  const unit = 10 ** k;
  // Count from zero when zero is near (the labels stay short); else from the first tick.
  const base = Math.abs(ticks[0]) <= hi - lo ? 0 : ticks[0];
  const steps = Math.round((step / unit) * 10) / 10; // 1, 2, 2.5 or 5
  const counted = ticks.map((t) => ({
    at: t,
    label: formatTick(Math.round(((t - base) / unit) * 1e6) / 1e6, steps),
  }));
  if (base === 0) return { ticks: counted, offset: `tick × ${formatPower(k)}` };
  const magnitude = Math.floor(Math.log10(Math.abs(base)));
  const written =
    magnitude < -4 || magnitude >= 15
      ? base.toExponential(Math.min(100, Math.max(0, magnitude - k)))
      : base.toFixed(Math.min(100, Math.max(0, -k)));
  return { ticks: counted, offset: `${written.replaceAll("-", "−")} + tick × ${formatPower(k)}` };
}
