import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { h, syncChildren } from "../lib/dom.js";
import { installDom } from "./dom_env.js";

beforeEach(() => installDom());

test("h sets className, text and hidden as properties, other props as attributes", () => {
  const el = h("div", { className: "vw-a vw-b", text: "hi", hidden: true, role: "status", "aria-live": "polite" });
  assert.equal(el.tagName, "DIV");
  assert.equal(el.className, "vw-a vw-b");
  assert.equal(el.textContent, "hi");
  assert.equal(el.hidden, true);
  assert.equal(el.getAttribute("role"), "status");
  assert.equal(el.getAttribute("aria-live"), "polite");
  assert.equal(h("span", { title: undefined, text: null }).hasAttribute("title"), false);
});

test("h appends children, nodes or strings", () => {
  const el = h("p", {}, [h("b", { text: "x" }), " = ", "1"]);
  assert.equal(el.innerHTML, "<b>x</b> = 1");
});

test("controls keep their keys from JupyterLab's shortcuts", () => {
  for (const tag of /** @type {const} */ (["input", "button", "select", "textarea"])) {
    assert.equal(h(tag).dataset.lmSuppressShortcuts, "true", tag);
  }
  assert.equal(h("div").dataset.lmSuppressShortcuts, undefined);
});

test("syncChildren moves only what changed", () => {
  const parent = h("div");
  const [a, b, c] = ["a", "b", "c"].map((text) => h("span", { text }));
  syncChildren(parent, [a, b, c]);
  assert.equal(parent.textContent, "abc");
  syncChildren(parent, [c, a]);
  assert.equal(parent.textContent, "ca");
  assert.equal(b.parentNode, null);
});
