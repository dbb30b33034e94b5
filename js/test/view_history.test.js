import assert from "node:assert/strict";
import { test } from "node:test";
import { HISTORY_LIMIT, viewHistory } from "../lib/view_history.js";

/** @typedef {import("../lib/view_transform.js").View} View */

/**
 * A view [k, k + 1] × [0, 1].
 *
 * @param {number} k
 * @returns {View}
 */
const v = (k) => ({ x: [k, k + 1], y: [0, 1] });

test("a new history is at its first view, which is home", () => {
  const history = viewHistory(v(0));
  assert.deepEqual(history.current, v(0));
  assert.deepEqual(history.homeView, v(0));
  assert.equal(history.canBack, false);
  assert.equal(history.canForward, false);
  assert.equal(history.back(), null);
  assert.equal(history.forward(), null);
  assert.equal(history.home(), null, "home from home goes nowhere");
  assert.equal(history.length, 1);
});

test("push, back and forward walk the views; a push drops the forward part", () => {
  const history = viewHistory(v(0));
  for (const k of [1, 2, 3]) assert.deepEqual(history.push(v(k)), v(k));
  assert.deepEqual(history.current, v(3));
  assert.equal(history.canBack, true);
  assert.equal(history.canForward, false);
  assert.deepEqual(history.back(), v(2));
  assert.deepEqual(history.back(), v(1));
  assert.equal(history.canForward, true);
  assert.deepEqual(history.forward(), v(2));
  assert.deepEqual(history.back(), v(1));
  assert.deepEqual(history.push(v(7)), v(7));
  assert.equal(history.canForward, false);
  assert.equal(history.forward(), null);
  assert.deepEqual(history.back(), v(1));
  assert.deepEqual(history.back(), v(0));
  assert.equal(history.back(), null);
  assert.deepEqual(history.current, v(0));
});

test("pushing the current view again is ignored (and keeps the forward part)", () => {
  const history = viewHistory(v(0));
  history.push(v(1));
  history.push(v(2));
  history.back();
  assert.equal(history.push(v(1)), null);
  assert.equal(history.canForward, true);
  assert.deepEqual(history.forward(), v(2));
  assert.equal(history.length, 3);
});

test("home pushes the first view, so Back returns to where the user was", () => {
  const history = viewHistory(v(0));
  history.push(v(1));
  history.push(v(2));
  assert.deepEqual(history.home(), v(0));
  assert.deepEqual(history.current, v(0));
  assert.equal(history.canForward, false);
  assert.deepEqual(history.back(), v(2));
  assert.deepEqual(history.back(), v(1));
});

test("the history is bounded: the oldest views go, home stays", () => {
  const history = viewHistory(v(0), 5);
  for (let k = 1; k <= 12; k++) history.push(v(k));
  assert.equal(history.length, 5);
  const seen = [history.current];
  while (history.canBack) seen.push(/** @type {View} */ (history.back()));
  assert.deepEqual(seen, [12, 11, 10, 9, 8].map(v));
  while (history.canForward) history.forward();
  assert.deepEqual(history.home(), v(0));
  assert.equal(history.length, 5);
  assert.deepEqual(history.back(), v(12));
  const big = viewHistory(v(0));
  for (let k = 1; k <= 3 * HISTORY_LIMIT; k++) big.push(v(k));
  assert.equal(big.length, HISTORY_LIMIT);
  assert.equal(HISTORY_LIMIT, 100);
});

test("views are copied in and out: changing one changes no entry", () => {
  const start = v(0);
  const history = viewHistory(start);
  start.x[0] = 99;
  const next = v(1);
  history.push(next);
  next.x[0] = 99;
  const current = history.current;
  current.y[1] = 99;
  assert.deepEqual(history.current, v(1));
  assert.deepEqual(history.back(), v(0));
});
