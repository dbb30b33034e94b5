// AxisExplorer's selectors: one row per vmap level, one radio group per editable in_axes
// entry and out_axes (a read-only text for pytree specs). Groups are rebuilt only when their
// options change, so focus and keyboard navigation survive redraws. vmap's axis_name and
// axis_size, when given, follow as read-only text (marked when an error blames them).
import { vmapOptions } from "./diagram_layout.js";
import { h, syncChildren } from "./dom.js";
import { radioKeys } from "./keyboard.js";

/** @typedef {import("./types.js").Diagram} Diagram */
/** @typedef {import("./types.js").Selector} Selector */
/** @typedef {{ kind: string, level: number, arg: number | null, value: number | null }} Choice */
/** @typedef {{ el: HTMLFieldSetElement, radios: { radio: HTMLInputElement, value: number | null }[], signature: string, lifetime: AbortController }} SelectorView */

/**
 * "vmap" for a single level; "outer vmap", "inner vmap", "level k vmap" in a nest.
 *
 * @param {number} depth
 * @param {number} level
 */
export const levelName = (depth, level) =>
  depth === 1 ? "vmap" : `${level === 0 ? "outer" : level === depth - 1 ? "inner" : `level ${level}`} vmap`;

/** @param {number | null} value */
export const optionText = (value) => (value === null ? "None" : String(value));

/**
 * Whether selector `sel` is the one the diagram's error blames.
 *
 * @param {Diagram} d
 * @param {Selector} sel
 */
export const isAtFault = (d, sel) =>
  d.error_level === sel.level &&
  d.error_side === sel.kind &&
  (sel.kind === "out_axes" || (sel.arg !== null && d.error_args.includes(sel.arg)));

/**
 * The selectors of a diagram, drawn into `container`. `choose(choice)` is called when the
 * visitor picks an option (until `signal` aborts); `draw(d)` redraws them for a diagram.
 *
 * @param {HTMLElement} container
 * @param {{ id: string, choose: (choice: Choice) => void, signal: AbortSignal }} options
 */
export function axisSelectors(container, { id, choose, signal }) {
  /** @type {Map<string, SelectorView>} */
  const views = new Map();
  /** @type {{ el: HTMLElement, title: HTMLElement }[]} */
  const rows = [];

  /**
   * @param {Selector} sel
   * @param {string} key
   * @returns {SelectorView}
   */
  function build(sel, key) {
    // Each group's listeners end when it is replaced or when the view goes.
    const lifetime = new AbortController();
    signal.addEventListener("abort", () => lifetime.abort(), { once: true, signal: lifetime.signal });
    const fieldset = h("fieldset", { className: `vw-sel vw-sel-${sel.kind}` });
    fieldset.dataset.kind = sel.kind;
    fieldset.dataset.level = String(sel.level);
    if (sel.arg !== null) fieldset.dataset.arg = String(sel.arg);
    fieldset.append(h("legend", { text: sel.kind === "in_axes" ? `in_axes · ${sel.name}` : "out_axes" }));
    /** @type {SelectorView["radios"]} */
    const radios = [];
    const view = { el: fieldset, radios, signature: "", lifetime };
    if (!sel.editable) {
      const text = h("code", { className: "vw-sel-readonly", text: sel.text });
      text.title = "a pytree spec given from Python: shown read-only";
      fieldset.append(text);
      return view;
    }
    const options = sel.options.includes(sel.value) ? [...sel.options] : [...sel.options, sel.value];
    // Radio groups are named per document: each view needs names no other view uses.
    const name = `vw-ax-${id}-${key}`;
    for (const value of options) {
      const radio = h("input", { type: "radio", name, value: optionText(value) });
      const label = h("label", { className: "vw-opt" }, [radio, h("span", { text: optionText(value) })]);
      if (sel.known && !sel.options.includes(value)) {
        label.classList.add("vw-opt-invalid");
        label.title = "not a valid axis for this argument";
      }
      radio.addEventListener(
        "change",
        () => {
          if (radio.checked) choose({ kind: sel.kind, level: sel.level, arg: sel.arg, value });
        },
        { signal: lifetime.signal },
      );
      radios.push({ radio, value });
      fieldset.append(label);
    }
    radioKeys(
      fieldset,
      radios.map((r) => r.radio),
      lifetime.signal,
    );
    return view;
  }

  /** @param {Diagram} d */
  function draw(d) {
    const seen = new Set();
    while (rows.length < d.depth) {
      const level = rows.length;
      const title = h("span", { className: `vw-sel-level vw-level-${level}`, text: levelName(d.depth, level) });
      rows.push({ el: h("div", { className: "vw-sel-row" }), title });
    }
    const shown = rows.slice(0, d.depth);
    syncChildren(
      container,
      shown.map((r) => r.el),
    );
    shown.forEach((row, level) => {
      const wanted = [row.title];
      for (const sel of d.selectors.filter((s) => s.level === level)) {
        const key = `${sel.kind}|${sel.level}|${sel.arg}`;
        seen.add(key);
        const extra = sel.options.includes(sel.value) ? null : sel.value;
        const signature = JSON.stringify([sel.options, extra, sel.editable, sel.editable || sel.text]);
        let view = views.get(key);
        if (!view || view.signature !== signature) {
          view?.lifetime.abort();
          view = build(sel, key);
          view.signature = signature;
          views.set(key, view);
        }
        view.el.classList.toggle("vw-fault", isAtFault(d, sel));
        for (const { radio, value } of view.radios) radio.checked = value === sel.value;
        wanted.push(view.el);
      }
      for (const option of vmapOptions(d, level)) {
        const el = h("code", { className: "vw-sel-readonly vw-vmap-option", text: option.text });
        el.dataset.kind = option.kind;
        el.title = "given from Python: shown read-only";
        el.classList.toggle("vw-fault", d.error_side === option.kind && (d.error_level ?? 0) === level);
        wanted.push(el);
      }
      syncChildren(row.el, wanted);
    });
    for (const [key, view] of [...views]) {
      if (!seen.has(key)) {
        view.lifetime.abort();
        views.delete(key);
      }
    }
  }

  return { draw };
}
