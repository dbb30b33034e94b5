// Each widget's render wires its modules to one lifetime: after the cleanup it returns, no
// model callback, listener or timer of that view is left, and it sends nothing more (but
// GridExplorer's closing {type: "view", pixels: null}).
import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import axisExplorer from "../axis_explorer.js";
import gridExplorer from "../grid_explorer.js";
import planView from "../plan_view.js";
import { installDom } from "./dom_env.js";

/** @type {any} */
let win;
beforeEach(() => {
  win = installDom();
});

/** A model of `state` that records what the view registers and sends. */
function fakeModel(state) {
  const callbacks = new Map();
  const sent = [];
  return {
    sent,
    callbacks,
    get: (/** @type {string} */ name) => state[name],
    set: (/** @type {string} */ name, /** @type {unknown} */ value) => {
      state[name] = value;
    },
    save_changes() {},
    send: (/** @type {unknown} */ m) => sent.push(m),
    on(/** @type {string} */ name, /** @type {Function} */ callback) {
      if (!callbacks.has(name)) callbacks.set(name, new Set());
      callbacks.get(name).add(callback);
    },
    off(/** @type {string} */ name, /** @type {Function} */ callback) {
      callbacks.get(name)?.delete(callback);
    },
    emit(/** @type {string} */ name, /** @type {unknown[]} */ ...args) {
      for (const callback of callbacks.get(name) ?? []) callback(...args);
    },
    get registered() {
      return [...callbacks.values()].reduce((n, set) => n + set.size, 0);
    },
  };
}

const DIAGRAM = {
  depth: 1,
  levels: [{ index: "b", size: 3 }],
  inputs: [{ path: "x", shape: [3], dtype: "int32", values: ["1", "2", "3"], axes: [0], arg: 0, fault: false }],
  outputs: [{ path: "out", shape: [3], dtype: "int32", values: ["2", "4", "6"], axes: [0] }],
  call: [{ text: "f(x[" }, { level: 0 }, { text: "])" }],
  writes: [{ text: "out[" }, { level: 0 }, { text: "]" }],
  error: null,
  error_side: null,
  error_level: null,
  error_args: [],
  jax_code: "jax.vmap(f)(x)",
  loop_code: "for b in range(3): ...",
  selectors: [
    {
      kind: "in_axes",
      level: 0,
      arg: 0,
      name: "x",
      known: true,
      options: [null, 0],
      value: 0,
      text: "0",
      editable: true,
    },
    {
      kind: "out_axes",
      level: 0,
      arg: null,
      name: "out",
      known: true,
      options: [null, 0],
      value: 0,
      text: "0",
      editable: true,
    },
  ],
};

test("AxisExplorer: two views, requests named by view, replies taken by their view only", (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const state = { diagram: DIAGRAM, unbatched: null, formula: "x * 2", editable_formula: true, _formula_names: ["x"] };
  const model = fakeModel(state);
  const els = [document.createElement("div"), document.createElement("div")];
  document.body.append(...els);
  const cleanups = els.map((el) => axisExplorer.render(/** @type {any} */ ({ model, el })));
  const boxes = els.map((el) => /** @type {HTMLInputElement} */ (el.querySelector(".vw-formula")));
  for (const box of boxes) {
    box.value = "x +";
    box.dispatchEvent(new win.Event("input"));
  }
  const [a, b] = model.sent;
  assert.equal(a.request, 1);
  assert.equal(b.request, 1);
  assert.notEqual(a.vid, b.vid);
  model.emit("msg:custom", { type: "rejected", for: "formula", vid: a.vid, request: 1, reason: "bad", column: 3 });
  assert.equal(els[0].querySelector(".vw-formula-error")?.textContent, "not applied: bad");
  assert.equal(els[1].querySelector(".vw-formula-error")?.textContent, "", "the other view is not marked");
  // The play timer, and every callback, ends with the view.
  /** @type {HTMLButtonElement} */ (els[0].querySelector('[aria-label="play"]')).click();
  assert.equal(els[0].querySelector(".vw-step")?.textContent, "call 1 of 3");
  for (const cleanup of cleanups) /** @type {() => void} */ (cleanup)();
  t.mock.timers.tick(10_000);
  assert.equal(els[0].querySelector(".vw-step")?.textContent, "call 1 of 3");
  assert.equal(model.registered, 0);
  const before = model.sent.length;
  boxes[0].dispatchEvent(new win.Event("input"));
  assert.equal(model.sent.length, before);
});

test("GridExplorer: the view registers, and after cleanup only says it closed", () => {
  const state = {
    _axis_names: ["x", "y"],
    _specs: [{ name: "a", lo: 0, hi: 1, step: 0.01 }],
    params: { a: 0.5 },
    x_range: [0, 1],
    y_range: [0, 1],
    x_limits: [0, 1],
    y_limits: [0, 1],
    resolution: 64,
    _resolution_steps: [16, 64, 256],
    colormap: "viridis",
    formula: null,
    editable_formula: false,
    error: "",
    _status: { vid: null, seq: null, kernel_ms: 1, compiles: 1, frames: 1 },
    _frame_meta: null,
    _frame: null,
    _mask: null,
  };
  const model = fakeModel(state);
  const el = document.createElement("div");
  document.body.append(el);
  const cleanup = /** @type {() => void} */ (gridExplorer.render(/** @type {any} */ ({ model, el })));
  assert.equal(model.sent[0].type, "view");
  const slider = /** @type {HTMLInputElement} */ (el.querySelector('input[type="range"]'));
  slider.value = "0.7";
  slider.dispatchEvent(new win.Event("input"));
  assert.deepEqual(model.sent.at(-1), { type: "request", vid: model.sent[0].vid, params: { a: 0.7 }, seq: 1 });
  assert.match(el.querySelector(".vw-ge-status")?.textContent ?? "", /kernel 1\.0 ms/);
  cleanup();
  assert.equal(model.registered, 0);
  assert.deepEqual(model.sent.at(-1), { type: "view", vid: model.sent[0].vid, pixels: null });
  const count = model.sent.length;
  slider.dispatchEvent(new win.Event("input"));
  assert.equal(model.sent.length, count);
});

test("PlanView: draws the plan and lets go of the model", () => {
  const plan = {
    jax_code: "jax.vmap(f)(x)",
    inputs: [{ path: "x", shape: [3, 2], example_shape: [2], axis: 0, arg_index: 0 }],
    outputs: [{ path: "out", shape: [3, 2], example_shape: [2], axis: 0 }],
    batch_size: 3,
    error: null,
    error_args: [],
  };
  const model = fakeModel({ plan });
  const el = document.createElement("div");
  const cleanup = /** @type {() => void} */ (planView.render(/** @type {any} */ ({ model, el })));
  assert.equal(el.querySelector(".vw-jax-code")?.textContent, "jax.vmap(f)(x)");
  assert.equal(el.querySelectorAll(".vw-batch").length, 2);
  assert.equal(el.querySelector("style"), null, "the stylesheet comes from _css, once per class");
  cleanup();
  assert.equal(model.registered, 0);
});
