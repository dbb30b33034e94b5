import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { h } from "../lib/dom.js";
import { claimKeys, isWidgetKey, radioKeys } from "../lib/keyboard.js";
import { installDom } from "./dom_env.js";

/** @type {any} */
let win;
beforeEach(() => {
  win = installDom();
});

/** @param {string} key @param {object} [extra] */
const press = (key, extra = {}) => new win.KeyboardEvent("keydown", { key, bubbles: true, cancelable: true, ...extra });

test("unmodified keys but Escape are the widget's", () => {
  assert.equal(isWidgetKey(press("a")), true);
  assert.equal(isWidgetKey(press("ArrowLeft")), true);
  assert.equal(isWidgetKey(press("Escape")), false);
  assert.equal(isWidgetKey(press("s", { ctrlKey: true })), false);
  assert.equal(isWidgetKey(press("Enter", { shiftKey: true })), false);
});

test("keys stop at the widget's root; a slider steps itself; all ends with the signal", () => {
  const root = h("div");
  const slider = h("input", { type: "range", min: 0, max: 1, step: 0.1 });
  slider.value = "0.5";
  root.append(slider);
  document.body.append(root);
  let outside = 0;
  document.addEventListener("keydown", () => outside++);
  let inputs = 0;
  slider.addEventListener("input", () => inputs++);
  const lifetime = new AbortController();
  claimKeys(root, lifetime.signal);
  assert.equal(root.dataset.lmSuppressShortcuts, "true");
  slider.dispatchEvent(press("ArrowRight"));
  assert.equal(slider.value, "0.6");
  assert.equal(inputs, 1);
  slider.dispatchEvent(press("Escape"));
  assert.equal(outside, 1, "Escape reaches the notebook");
  lifetime.abort();
  slider.dispatchEvent(press("ArrowRight"));
  assert.equal(slider.value, "0.6", "no stepping after the view goes");
  assert.equal(inputs, 1);
  assert.equal(outside, 2);
});

test("arrow keys move between a group's radios and wrap around", () => {
  const group = h("fieldset");
  const radios = [0, 1, 2].map((v) => h("input", { type: "radio", name: "g", value: v }));
  group.append(...radios);
  document.body.append(group);
  const changed = [];
  for (const radio of radios) radio.addEventListener("change", () => changed.push(radio.value));
  const lifetime = new AbortController();
  radioKeys(group, radios, lifetime.signal);
  radios[0].checked = true;
  radios[0].dispatchEvent(press("ArrowLeft"));
  assert.equal(radios[2].checked, true);
  radios[2].dispatchEvent(press("Home"));
  assert.equal(radios[0].checked, true);
  assert.deepEqual(changed, ["2", "0"]);
  lifetime.abort();
  radios[0].dispatchEvent(press("ArrowRight"));
  assert.deepEqual(changed, ["2", "0"]);
});
