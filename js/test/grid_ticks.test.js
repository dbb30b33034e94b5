import assert from "node:assert/strict";
import { test } from "node:test";
import {
  axisTicks,
  formatMs,
  formatPower,
  formatTick,
  formatValue,
  logTicks,
  niceTicks,
  scaleTicks,
} from "../lib/grid_ticks.js";

test("niceTicks picks 1-2-2.5-5 steps inside the range", () => {
  assert.deepEqual(niceTicks(-5, 5, 5), { ticks: [-4, -2, 0, 2, 4], step: 2 });
  assert.deepEqual(niceTicks(0, 1, 4).ticks, [0, 0.25, 0.5, 0.75, 1]);
  const { ticks } = niceTicks(-0.5050505, 10.50505, 6);
  assert.deepEqual(ticks, [0, 2, 4, 6, 8, 10]);
  assert.deepEqual(niceTicks(1, 1).ticks, [1]);
  assert.deepEqual(niceTicks(NaN, 1).ticks, []);
});

test("formatTick shows as many decimals as the step needs", () => {
  assert.equal(formatTick(0.25, 0.25), "0.25");
  assert.equal(formatTick(-2, 2), "−2");
  assert.equal(formatTick(0.5, 0.5), "0.5");
  assert.equal(formatTick(2e6, 1e6), "2.00e+6");
});

test("formatValue writes 4 significant digits and names non-finite values", () => {
  assert.equal(formatValue(Math.PI), "3.142");
  assert.equal(formatValue(-0.5), "−0.5");
  assert.equal(formatValue(12345678), "1.235e+7");
  assert.equal(formatValue(1e-6), "1.000e−6");
  assert.equal(formatValue(NaN), "NaN");
  assert.equal(formatValue(-Infinity), "−inf");
  assert.equal(formatMs(0.034), "0.03 ms");
  assert.equal(formatMs(12.34), "12.3 ms");
});

test("log ticks are whole decades when the range holds some, else nice values", () => {
  assert.deepEqual(
    logTicks(-2, 2, 6).map((t) => [t.at, t.label]),
    [
      [-2, "0.01"],
      [-1, "0.1"],
      [0, "1"],
      [1, "10"],
      [2, "100"],
    ],
  );
  assert.deepEqual(
    logTicks(0, 12, 4).map((t) => t.label),
    ["1", "10⁴", "10⁸", "10¹²"],
  );
  const within = logTicks(Math.log10(2), Math.log10(9), 4);
  assert.deepEqual(
    within.map((t) => t.label),
    ["2", "4", "6", "8"],
  );
  assert.ok(within.every((t) => Math.abs(10 ** t.at - Number(t.label)) < 1e-9));
  assert.deepEqual(logTicks(1, 1), []);
  assert.equal(formatPower(-5), "10⁻⁵");
  assert.equal(formatPower(3), "1000");
  assert.deepEqual(
    scaleTicks(0, 1, "linear", 2).map((t) => t.label),
    ["0", "0.5", "1.0"],
  );
});

/** A label's width at 6 px a character (what the tests' room is counted in). */
const chars = (/** @type {string} */ text) => 6 * text.length;

/**
 * The values an axis's labels stand for: each label, or offset + label × unit.
 *
 * @param {{ ticks: { label: string }[], offset: string | null }} axis
 */
function readBack({ ticks, offset }) {
  const number = (/** @type {string} */ text) => {
    const powered = text.match(/^10([⁻]?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)$/);
    if (!powered) return Number(text.replaceAll("−", "-"));
    const exponent = Number([...powered[2]].map((d) => "⁰¹²³⁴⁵⁶⁷⁸⁹".indexOf(d)).join(""));
    return 10 ** (powered[1] ? -exponent : exponent);
  };
  if (offset === null) return ticks.map(({ label }) => number(label));
  const [, base = "0", unit] = /** @type {RegExpMatchArray} */ (offset.match(/^(?:(.+) \+ )?tick × (.+)$/));
  return ticks.map(({ label }) => number(base) + number(label) * number(unit));
}

test("axisTicks keeps plain labels that fit, and counts from an offset when they do not", () => {
  const plain = axisTicks(-1.5, 1.5, 6, 34, chars);
  assert.equal(plain.offset, null);
  assert.deepEqual(
    plain.ticks.map((t) => t.label),
    ["−1.5", "−1.0", "−0.5", "0", "0.5", "1.0", "1.5"],
  );

  const deep = axisTicks(-0.7453, -0.74529, 6, 34, chars);
  assert.equal(deep.offset, "−0.745300 + tick × 10⁻⁶");
  assert.deepEqual(
    deep.ticks.map((t) => t.label),
    ["0", "2", "4", "6", "8", "10"],
  );
  for (const t of deep.ticks) assert.ok(chars(t.label) <= 34);
  const values = readBack(deep);
  for (const [i, t] of deep.ticks.entries()) assert.ok(Math.abs(values[i] - t.at) < 1e-12, `${values[i]} vs ${t.at}`);
});

test("axisTicks reads back to the tick values at float64 depth, for repeated and exponent labels", () => {
  const cases = [
    [-0.74530000001, -0.74529999999, 34], // 12 decimals: plain labels would be 15 characters
    [1e6, 1e6 + 0.5, 64], // plain labels all read "1.00e+6"
    [0, 5e-5, 34], // plain labels in exponent form, too wide
    [-760000, -740000, 34],
    [-1e-20, 1e-20, 34], // across zero: counted from zero
    [1e-25, 1.00001e-25, 34], // a tiny offset, written with its exponent
    [1e300, 1.0000001e300, 34],
  ];
  for (const [lo, hi, room] of cases) {
    const axis = axisTicks(lo, hi, 5, room, chars);
    assert.notEqual(axis.offset, null, `${lo} … ${hi}`);
    const labels = axis.ticks.map((t) => t.label);
    assert.equal(new Set(labels).size, labels.length, labels.join(" "));
    for (const label of labels) assert.ok(chars(label) <= room, label);
    const values = readBack(axis);
    const step = axis.ticks[1].at - axis.ticks[0].at;
    for (const [i, t] of axis.ticks.entries()) {
      assert.ok(Math.abs(values[i] - t.at) < step * 1e-6, `${values[i]} vs ${t.at}`);
    }
  }
  assert.equal(axisTicks(0, 5e-5, 5, 34, chars).offset, "tick × 10⁻⁵");
  assert.equal(axisTicks(-760000, -740000, 5, 34, chars).offset, "−760000 + tick × 1000");
  assert.equal(axisTicks(-1e-20, 1e-20, 5, 34, chars).offset, "tick × 10⁻²¹");
  assert.equal(axisTicks(1e-25, 1.00001e-25, 5, 34, chars).offset, "1.000000e−25 + tick × 10⁻³¹");
});

test("axisTicks leaves an empty or single-valued range to niceTicks", () => {
  const single = axisTicks(2, 2, 5, 1, chars);
  assert.deepEqual([single.ticks.map((t) => t.at), single.offset], [[2], null]);
  assert.deepEqual(axisTicks(Number.NaN, 1, 5, 34, chars), { ticks: [], offset: null });
});
