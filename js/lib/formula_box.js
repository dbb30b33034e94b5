// The formula text box both explorers show while the notebook's author allows editing
// (trait `editable_formula`): every edit goes to Python, which parses it (never eval) and
// answers; a refused formula gets its column marked under the box, the caret left alone.
import { h } from "./dom.js";

/**
 * "   ^" under column `column` (1-based) of a refused formula; "" without a column.
 *
 * @param {unknown} column
 */
export function caretMark(column) {
  return Number.isInteger(column) && /** @type {number} */ (column) > 0
    ? `${" ".repeat(/** @type {number} */ (column) - 1)}^`
    : "";
}

/**
 * "f(x, y) =": the label before the box.
 *
 * @param {string[]} names
 */
export function formulaLabel(names) {
  return `f(${names.join(", ")}) =`;
}

/**
 * @typedef {{
 *   nodes: HTMLElement[],
 *   box: HTMLInputElement,
 *   show(editable: boolean): void,
 *   setNames(names: string[]): void,
 *   sync(text: string | null | undefined): void,
 *   mark(column: unknown, reason?: string | null): void,
 * }} FormulaBox
 */

/**
 * A label, the text box and the caret line (and, with `errorLine`, a line for the reason),
 * class names prefixed with `prefix` ("vw" → vw-formula, vw-formula-label, …).
 * `onInput(text)` is called on every edit until `signal` aborts.
 *
 * @param {{ id: string, prefix: string, errorLine?: boolean, onInput: (text: string) => void, signal: AbortSignal }} options
 * @returns {FormulaBox}
 */
export function formulaBox({ id, prefix, errorLine = false, onInput, signal }) {
  const box = h("input", {
    id,
    className: `${prefix}-formula`,
    type: "text",
    spellcheck: "false",
    autocomplete: "off",
    "aria-label": "formula",
  });
  const label = h("label", { for: id, className: `${prefix}-formula-label` });
  const caret = h("pre", { className: `${prefix}-formula-mark` });
  const error = errorLine ? h("div", { className: `${prefix}-formula-error`, role: "alert" }) : null;
  box.addEventListener("input", () => onInput(box.value), { signal });
  return {
    nodes: error ? [label, box, caret, error] : [label, box, caret],
    box,
    show(editable) {
      for (const node of [label, box, caret, error]) if (node) node.hidden = !editable;
    },
    setNames(names) {
      label.textContent = formulaLabel(names);
    },
    // The box follows the trait, except while the visitor types in it.
    sync(text) {
      if (document.activeElement !== box) box.value = text ?? "";
    },
    // A refused formula: its column marked (when known) and, with an error line, the reason.
    mark(column, reason = null) {
      const mark = caretMark(column);
      const invalid = Boolean(reason) || mark !== "";
      box.classList.toggle(`${prefix}-formula-invalid`, invalid);
      box.setAttribute("aria-invalid", String(invalid));
      caret.textContent = mark;
      if (error) error.textContent = reason ?? "";
    },
  };
}
