import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { collectiveStep, momentAt } from "../lib/collective_timeline.js";
import { collectiveView } from "../lib/collective_view.js";
import { installDom } from "./dom_env.js";

beforeEach(() => {
  installDom();
});

const use = (level, name, axis) => ({ level, name, axis_names: [axis], out_shapes: [[4]], params: {}, step: 0 });
/** A nest as Python describes it: i outside (3 calls), j inside (4 calls). */
const nest = {
  depth: 2,
  levels: [
    { index: "i", size: 3 },
    { index: "j", size: 4 },
  ],
  error: null,
  collectives: [use(1, "psum", "j"), use(0, "all_gather", "i")],
};

test("the chips list each collective with its level; the picture is the next one's", () => {
  const el = document.createElement("div");
  const view = collectiveView(el);
  view.draw(/** @type {any} */ (nest));
  const sizes = [3, 4];
  view.show(momentAt(0, sizes, nest.collectives));
  const chips = [...el.querySelectorAll(".vw-collective-chip")];
  assert.deepEqual(
    chips.map((c) => c.textContent),
    ["psum over 'j' · inner vmap, index j", "all_gather over 'i' · outer vmap, index i"],
  );
  assert.deepEqual(
    chips.map((c) => /** @type {HTMLElement} */ (c).dataset.state),
    ["next", "next"],
  );
  const figure = /** @type {HTMLElement} */ (el.querySelector(".vw-collective"));
  assert.equal(figure.dataset.collective, "psum");
  assert.equal(figure.dataset.level, "1");
  assert.equal(figure.classList.contains("vw-collective-now"), false);
  assert.equal(figure.querySelectorAll(".vw-source").length, 4, "one box per call of j");
  assert.match(figure.textContent ?? "", /for each i separately/);
});

test("at the collective's step it is the one drawn, live; afterwards it is done", () => {
  const el = document.createElement("div");
  const view = collectiveView(el);
  view.draw(/** @type {any} */ (nest));
  const sizes = [3, 4];
  view.show(momentAt(collectiveStep(1, sizes), sizes, nest.collectives));
  const figure = /** @type {HTMLElement} */ (el.querySelector(".vw-collective"));
  assert.equal(figure.dataset.collective, "all_gather");
  assert.equal(figure.dataset.level, "0");
  assert.ok(figure.classList.contains("vw-collective-now"));
  assert.equal(figure.querySelectorAll(".vw-target").length, 3, "one box per call of i");
  assert.match(figure.querySelector(".vw-node")?.textContent ?? "", /all_gather over 'i'/);
  const states = [...el.querySelectorAll(".vw-collective-chip")].map(
    (c) => /** @type {HTMLElement} */ (c).dataset.state,
  );
  assert.deepEqual(states, ["done", "now"]);
});

test("no collectives (or an error): the panel is hidden", () => {
  const el = document.createElement("div");
  const view = collectiveView(el);
  view.draw(/** @type {any} */ ({ ...nest, collectives: [] }));
  assert.equal(el.hidden, true);
  view.draw(/** @type {any} */ ({ ...nest, error: "bad" }));
  assert.equal(el.hidden, true);
  view.draw(/** @type {any} */ (nest));
  assert.equal(el.hidden, false);
});
