// The steps of an AxisExplorer animation when the function uses collectives: every call
// runs up to the first collective, the collective combines all of them at once, every call
// goes on to the next one, ..., and only the last part writes the output (as the loop code
// does: one pass per part). Without collectives a step is one call, as before.
import { levelIndices, totalCalls } from "./axis_animation.js";

/** @typedef {import("./types.js").Collective} Collective */
/**
 * @typedef {{ kind: "call", call: number, indices: number[], part: number, parts: number }
 *   | { kind: "collective", collective: Collective, part: number }} Moment
 */

/**
 * Number of steps: every call once per part, plus one step per collective.
 *
 * @param {number[]} sizes  batch size of every level, outermost first
 * @param {Collective[]} collectives  in program order
 */
export function totalSteps(sizes, collectives) {
  const calls = totalCalls(sizes);
  return calls === 0 ? 0 : calls * (collectives.length + 1) + collectives.length;
}

/**
 * What step `step` shows.
 *
 * @param {number} step
 * @param {number[]} sizes
 * @param {Collective[]} collectives
 * @returns {Moment}
 */
export function momentAt(step, sizes, collectives) {
  const calls = totalCalls(sizes);
  const part = Math.floor(step / (calls + 1));
  const call = step % (calls + 1);
  if (call === calls && part < collectives.length) return { kind: "collective", collective: collectives[part], part };
  const parts = collectives.length + 1;
  return { kind: "call", call, indices: levelIndices(call, sizes), part: Math.min(part, parts - 1), parts };
}

/**
 * The step at which the animation reaches collective number `k`.
 *
 * @param {number} k
 * @param {number[]} sizes
 */
export function collectiveStep(k, sizes) {
  const calls = totalCalls(sizes);
  return (k + 1) * (calls + 1) - 1;
}

/**
 * "'i'" for the name i; names that are not strings as Python would print them.
 *
 * @param {unknown} name
 */
export const axisNameText = (name) => (typeof name === "string" ? `'${name}'` : String(name));

/**
 * "psum over 'i'" (or "over 'i', 'j'" for a collective over several names).
 *
 * @param {Pick<Collective, "name" | "axis_names">} c
 */
export const collectiveLabel = (c) => `${c.name} over ${c.axis_names.map(axisNameText).join(", ")}`;

/**
 * The player's text for `moment`: "call 2 of 3", "call 2 of 3 · until psum over 'i'",
 * "call 2 of 3 · after psum over 'i'", or "psum over 'i' · all 3 calls at once".
 *
 * @param {Moment} moment
 * @param {number} calls
 * @param {Collective[]} collectives
 */
export function momentText(moment, calls, collectives) {
  if (moment.kind === "collective") return `${collectiveLabel(moment.collective)} · all calls at once`;
  const head = `call ${moment.call + 1} of ${calls}`;
  if (moment.parts === 1) return head;
  const next = collectives[moment.part];
  return next
    ? `${head} · until ${collectiveLabel(next)}`
    : `${head} · after ${collectiveLabel(collectives[moment.part - 1])}`;
}
