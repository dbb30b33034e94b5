import assert from "node:assert/strict";
import { test } from "node:test";
import { initialState, intervalMs, levelIndices, reduce, SPEEDS, totalCalls } from "../lib/axis_animation.js";
import { nextOption } from "../lib/keyboard.js";
import { LatestWins, replaceRequest } from "../lib/request_queue.js";

const run = (state, ...types) => types.reduce((s, type) => reduce(s, { type }), state);

test("stepping moves through the batch and stops at both ends", () => {
  let s = initialState(3);
  assert.equal(s.step, 0);
  s = run(s, "next", "next", "next");
  assert.equal(s.step, 2);
  s = run(s, "prev", "prev", "prev");
  assert.equal(s.step, 0);
  assert.equal(run(s, "last").step, 2);
  assert.equal(run(s, "last", "first").step, 0);
});

test("playing advances on each tick and pauses at the last call", () => {
  let s = run(initialState(3), "play");
  assert.equal(s.playing, true);
  s = run(s, "tick");
  assert.deepEqual([s.step, s.playing], [1, true]);
  s = run(s, "tick");
  assert.deepEqual([s.step, s.playing], [2, false]);
  assert.equal(run(s, "tick").step, 2);
  s = run(s, "play");
  assert.deepEqual([s.step, s.playing], [0, true], "play at the end starts over");
  assert.equal(run(s, "toggle").playing, false);
  assert.equal(run(s, "next").playing, false, "stepping pauses");
});

test("ticks do nothing while paused", () => {
  const s = initialState(4);
  assert.deepEqual(run(s, "tick"), s);
});

test("speed accepts only the listed speeds", () => {
  const s = initialState(3);
  assert.equal(reduce(s, { type: "speed", speed: 2 }).speed, 2);
  assert.equal(reduce(s, { type: "speed", speed: 3 }).speed, 1);
  assert.ok(SPEEDS.every((v, i) => i === 0 || v > SPEEDS[i - 1]));
  assert.equal(intervalMs(2), intervalMs(1) / 2);
});

test("a new plan keeps the step when it still exists", () => {
  let s = run(initialState(5), "last");
  s = reduce(s, { type: "total", total: 3 });
  assert.deepEqual([s.step, s.total], [2, 3]);
  s = reduce(run(s, "play"), { type: "total", total: 0 });
  assert.deepEqual([s.step, s.playing], [0, false]);
  assert.equal(run(s, "play").playing, false, "nothing to play when vmap fails");
});

test("unknown actions leave the state alone", () => {
  const s = initialState(2);
  assert.equal(reduce(s, { type: "nonsense" }), s);
});

test("call numbers map to one index per level, outermost first", () => {
  assert.deepEqual(levelIndices(2, [3]), [2]);
  assert.deepEqual(levelIndices(0, [4, 5]), [0, 0]);
  assert.deepEqual(levelIndices(6, [4, 5]), [1, 1]);
  assert.deepEqual(levelIndices(19, [4, 5]), [3, 4]);
  assert.equal(totalCalls([4, 5]), 20);
  assert.equal(totalCalls([]), 0);
});

test("selector requests: one in flight, the latest queued choice wins", () => {
  const sent = [];
  // AxisExplorer's queues: whole messages (the newest replaces the queued one), numbered
  // in `request`; a reply without a number releases whichever request is in flight.
  const flow = new LatestWins((m) => sent.push(m), { merge: replaceRequest, seqKey: "request" });
  const queue = {
    submit: (/** @type {object} */ m) => flow.request(m),
    reply: (/** @type {number | null} */ r) => (r === null ? flow.reset() : flow.done(r)),
    get busy() {
      return flow.busy;
    },
  };
  queue.submit({ value: 0 });
  queue.submit({ value: 1 });
  queue.submit({ value: 2 });
  assert.deepEqual(sent, [{ value: 0, request: 1 }]);
  assert.equal(queue.busy, true);
  queue.reply(99);
  assert.equal(sent.length, 1, "a stale reply changes nothing");
  queue.reply(1);
  assert.deepEqual(sent.at(-1), { value: 2, request: 2 });
  queue.reply(null);
  assert.equal(queue.busy, false);
  assert.equal(sent.length, 2);
});

test("arrow keys move between selector options and wrap around", () => {
  assert.equal(nextOption("ArrowRight", 0, 5), 1);
  assert.equal(nextOption("ArrowDown", 4, 5), 0);
  assert.equal(nextOption("ArrowLeft", 0, 5), 4);
  assert.equal(nextOption("ArrowUp", 2, 5), 1);
  assert.equal(nextOption("Home", 3, 5), 0);
  assert.equal(nextOption("End", 0, 5), 4);
  assert.equal(nextOption("a", 0, 5), null);
  assert.equal(nextOption("ArrowRight", 0, 0), null);
});
