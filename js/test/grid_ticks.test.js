import assert from "node:assert/strict";
import { test } from "node:test";
import { formatMs, formatPower, formatTick, formatValue, logTicks, niceTicks, scaleTicks } from "../lib/grid_ticks.js";

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
