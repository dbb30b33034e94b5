import assert from "node:assert/strict";
import { test } from "node:test";
import {
  clampInput,
  movedRange,
  nearestStep,
  niceStep,
  rangeDigits,
  sliderStep,
  stepsWith,
} from "../lib/grid_controls.js";
import { steppedValue } from "../lib/keyboard.js";

test("resolution steps", () => {
  const steps = [1, 8, 64, 128];
  assert.equal(nearestStep(steps, 100), 3);
  assert.equal(nearestStep(steps, 64), 2);
  assert.deepEqual(stepsWith(steps, 100), [1, 8, 64, 100, 128]);
  assert.deepEqual(stepsWith(steps, 64), steps);
});

test("a range end cannot cross the other end or leave the limits", () => {
  assert.deepEqual(movedRange([0, 1], 0, 2, 0.1, [-5, 5]), [0.9, 1]);
  assert.deepEqual(movedRange([0, 1], 1, -3, 0.1, [-5, 5]), [0, 0.1]);
  assert.deepEqual(movedRange([0, 1], 0, -9, 0.1, [-5, 5]), [-5, 1]);
  assert.deepEqual(movedRange([0, 1], 1, 3, 0.1, [-5, 5]), [0, 3]);
});

test("slider step and typed-in numbers", () => {
  assert.equal(sliderStep(0, 2, 200), 0.01);
  assert.equal(sliderStep(0.1, 3, 200), 0.01);
  assert.equal(sliderStep(-15, 15, 400), 0.05);
  assert.deepEqual([0.0145, 0.05, 3, 70].map(niceStep), [0.01, 0.05, 2, 50]);
  assert.equal(clampInput("1.5", 0, 3), 1.5);
  assert.equal(clampInput("−1", -5, 5), -1);
  assert.equal(clampInput("9", 0, 3), 3);
  assert.equal(clampInput("abc", 0, 3), null);
  assert.equal(clampInput(" ", 0, 3), null);
});

test("steppedValue moves by the slider step and stays on its grid and in bounds", () => {
  assert.equal(steppedValue("ArrowRight", 2, 0.1, 3, 0.01), 2.01);
  assert.equal(steppedValue("ArrowLeft", 0.1, 0.1, 3, 0.01), 0.1);
  assert.equal(steppedValue("PageUp", 2.95, 0.1, 3, 0.01), 3);
  assert.equal(steppedValue("ArrowDown", 1.01, 0, 3, 0.01), 1);
  assert.equal(steppedValue("Home", 2, 0.1, 3, 0.01), 0.1);
  assert.equal(steppedValue("End", 2, 0.1, 3, 0.01), 3);
  assert.equal(steppedValue("a", 2, 0.1, 3, 0.01), null);
});

test("a range's ends are written with the digits that tell them apart", () => {
  assert.equal(rangeDigits([-3, 3]), 6);
  assert.equal(rangeDigits([1, 1]), 6);
  const deep = /** @type {[number, number]} */ ([-0.745300000001, -0.74529999999]);
  const digits = rangeDigits(deep);
  const written = deep.map((v) => Number(v.toPrecision(digits)));
  assert.notEqual(written[0], written[1]);
  assert.ok(Math.abs(written[0] - deep[0]) < (deep[1] - deep[0]) / 1000);
  assert.equal(rangeDigits([1e6, 1e6 + 1e-9]), 17);
});
