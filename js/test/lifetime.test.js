import assert from "node:assert/strict";
import { test } from "node:test";
import { later, listenTo, viewLifetime } from "../lib/lifetime.js";

test("later runs once after its delay, never after the signal aborts", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { signal, cleanup } = viewLifetime();
  let runs = 0;
  later(signal, () => runs++, 100);
  t.mock.timers.tick(100);
  assert.equal(runs, 1);
  later(signal, () => runs++, 100);
  cleanup();
  t.mock.timers.tick(1000);
  assert.equal(runs, 1);
  later(signal, () => runs++, 0);
  t.mock.timers.tick(10);
  assert.equal(runs, 1, "nothing starts on an aborted signal");
});

test("a cancelled timer does not run", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  let runs = 0;
  const cancel = later(new AbortController().signal, () => runs++, 10);
  cancel();
  t.mock.timers.tick(100);
  assert.equal(runs, 0);
});

test("listenTo pairs every model.on with a model.off when the view goes", () => {
  const calls = [];
  const model = {
    on: (/** @type {string} */ name) => calls.push(`on ${name}`),
    off: (/** @type {string} */ name) => calls.push(`off ${name}`),
  };
  const { signal, cleanup } = viewLifetime();
  listenTo(model, signal, [
    ["change:a", () => {}],
    ["msg:custom", () => {}],
  ]);
  assert.deepEqual(calls, ["on change:a", "on msg:custom"]);
  cleanup();
  cleanup();
  assert.deepEqual(calls, ["on change:a", "on msg:custom", "off change:a", "off msg:custom"]);
});

test("the host's signal ends the view too", () => {
  const host = new AbortController();
  const { signal } = viewLifetime(host.signal);
  host.abort();
  assert.equal(signal.aborted, true);
});
