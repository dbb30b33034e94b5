// The line under AxisExplorer's inputs naming the call shown: "call b = 1: f(x[:, 1], y[1])
// → out[:, 1]", the current index of each level marked in its colour, and the pattern of
// every call below it.
import { stepIndices } from "./device_split.js";
import { segmentsText } from "./diagram_layout.js";
import { h } from "./dom.js";

/** @typedef {import("./types.js").Diagram} Diagram */
/** @typedef {import("./types.js").Segment} Segment */

/**
 * Draw the call at batch indices `indices` of diagram `d` into `el` (empty when vmap fails).
 *
 * @param {HTMLElement} el
 * @param {Diagram} d
 * @param {number[]} indices
 */
export function drawCall(el, d, indices) {
  el.replaceChildren();
  if (!d.call || (d.levels ?? []).length === 0) return;
  const levels = d.levels;
  const who = levels.map((l, k) => `${l.index} = ${indices[k]}`).join(", ");
  const code = h("code", { className: "vw-call-code" });
  /** @param {Segment[]} segments */
  const writeSegments = (segments) => {
    for (const s of segments) {
      if ("text" in s) code.append(s.text);
      else code.append(h("mark", { className: `vw-level-${s.level}`, text: String(indices[s.level]) }));
    }
  };
  writeSegments(d.call);
  code.append(" → ");
  writeSegments(d.writes ?? []);
  const line = h("div", { className: "vw-call-line" }, [
    h("span", { className: "vw-call-index", text: `call ${who}:` }),
    code,
  ]);
  const pattern = h("div", {
    className: "vw-call-pattern",
    text: `each call: ${segmentsText(d.call, levels)} → ${segmentsText(d.writes, levels)}`,
  });
  el.append(line, pattern);
}

/**
 * The line shown while a collective runs: every call at once, nothing read or written.
 *
 * @param {HTMLElement} el
 * @param {string} label  e.g. "psum over 'i'"
 */
export function drawCollectiveCall(el, label) {
  el.replaceChildren(
    h("div", { className: "vw-call-line" }, [
      h("span", { className: "vw-call-index", text: "all calls at once:" }),
      h("code", { className: "vw-call-code", text: label }),
    ]),
    h("div", { className: "vw-call-pattern", text: "no call can go on until every call has reached it" }),
  );
}

/**
 * The calls of every device at animation step `step` of `split`: one line per device (its
 * id and its call), then the pattern of every call.
 *
 * @param {HTMLElement} el
 * @param {Diagram} d
 * @param {import("./device_split.js").Split} split
 * @param {number} step
 */
export function drawDeviceCalls(el, d, split, step) {
  const lines = [];
  let pattern = null;
  for (const [k, index] of stepIndices(split, step).entries()) {
    const part = h("div");
    drawCall(part, d, [index]);
    const line = part.querySelector(".vw-call-line");
    if (!line) return drawCall(el, d, [index]);
    const label = /** @type {HTMLElement} */ (line.querySelector(".vw-call-index"));
    label.textContent = `device ${split.ids[k]}, call ${d.levels[0].index} = ${index}:`;
    lines.push(line);
    pattern = part.querySelector(".vw-call-pattern");
  }
  el.replaceChildren(...lines, ...(pattern ? [pattern] : []));
}
