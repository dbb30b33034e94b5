import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { caretMark, formulaBox, formulaLabel } from "../lib/formula_box.js";
import { installDom } from "./dom_env.js";

/** @type {any} */
let win;
beforeEach(() => {
  win = installDom();
});

test("the caret marks the refused column; the label names the variables", () => {
  assert.equal(caretMark(4), "   ^");
  assert.equal(caretMark(1), "^");
  assert.equal(caretMark(null), "");
  assert.equal(caretMark(0), "");
  assert.equal(caretMark(2.5), "");
  assert.equal(formulaLabel(["x", "y"]), "f(x, y) =");
});

/** @param {object} options */
function box(options) {
  const edits = [];
  const lifetime = new AbortController();
  const formula = formulaBox({
    id: "f1",
    prefix: "vw",
    onInput: (t) => edits.push(t),
    signal: lifetime.signal,
    ...options,
  });
  document.body.append(...formula.nodes);
  return { formula, edits, lifetime };
}

test("edits go out until the view goes", () => {
  const { formula, edits, lifetime } = box({});
  formula.box.value = "x + y";
  formula.box.dispatchEvent(new win.Event("input"));
  lifetime.abort();
  formula.box.value = "x - y";
  formula.box.dispatchEvent(new win.Event("input"));
  assert.deepEqual(edits, ["x + y"]);
});

test("a refusal marks the box, its column and (with an error line) the reason", () => {
  const { formula } = box({ errorLine: true });
  assert.deepEqual(
    formula.nodes.map((n) => n.className),
    ["vw-formula-label", "vw-formula", "vw-formula-mark", "vw-formula-error"],
  );
  formula.mark(4, "not applied: invalid syntax at column 4");
  assert.equal(formula.box.getAttribute("aria-invalid"), "true");
  assert.ok(formula.box.classList.contains("vw-formula-invalid"));
  assert.equal(formula.nodes[2].textContent, "   ^");
  assert.equal(formula.nodes[3].textContent, "not applied: invalid syntax at column 4");
  formula.mark(null, null);
  assert.equal(formula.box.getAttribute("aria-invalid"), "false");
  assert.equal(formula.nodes[2].textContent, "");
  assert.equal(formula.nodes[3].textContent, "");
});

test("without an error line only a known column marks the box (GridExplorer's box)", () => {
  const { formula } = box({ prefix: "vw-ge" });
  assert.equal(formula.nodes.length, 3);
  formula.mark(null);
  assert.equal(formula.box.getAttribute("aria-invalid"), "false");
  formula.mark(2);
  assert.ok(formula.box.classList.contains("vw-ge-formula-invalid"));
  formula.show(false);
  assert.ok(formula.nodes.every((n) => n.hidden));
});

test("the box follows the trait except while the visitor types in it", () => {
  const { formula } = box({});
  formula.sync("x * y");
  assert.equal(formula.box.value, "x * y");
  formula.box.focus();
  formula.sync("x / y");
  assert.equal(formula.box.value, "x * y");
});
