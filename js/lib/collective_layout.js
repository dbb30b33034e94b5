// Pure geometry of a collective's picture: a row of the calls that send (top), the
// collective (middle) and a row of the calls that receive (bottom), joined by arrows. What
// flows where follows the collective's name; which collective, over which level, is Python's.
import { bins, MAX_BINS } from "./diagram_layout.js";

/** Boxes drawn per row at most; more calls are drawn in bins of several. */
export const MAX_BOXES = Math.min(8, MAX_BINS);
/** Sizes in px; `char` is the width of one character of the node's label (12px monospace, bold). */
export const BOX = { w: 64, h: 34, gap: 12, rowGap: 40, node: 30, char: 7.6 };

/** @typedef {import("./types.js").Range} Range */
/** @typedef {{ x: number, y: number, w: number, h: number }} Box */
/** @typedef {{ from: [number, number], to: [number, number], phase: "in" | "out", head: string }} Link */
/** @typedef {"reduce" | "gather" | "index" | "permute"} Flow */

/**
 * How values move in collective `name`: into one result and back to every call ("reduce":
 * psum, pmax, pmin, ...), every value to every call ("gather": all_gather), none (each call's
 * own index: "index"), or from one call to another ("permute": ppermute).
 *
 * @param {string} name
 * @returns {Flow}
 */
export function flowOf(name) {
  if (name === "all_gather") return "gather";
  if (name === "axis_index") return "index";
  if (name === "ppermute") return "permute";
  return "reduce";
}

/**
 * The (source, destination) pairs of a ppermute's `perm` parameter text, e.g. "((0, 1), (1, 0))".
 *
 * @param {string | undefined} text
 * @returns {[number, number][]}
 */
export function permPairs(text) {
  return [...(text ?? "").matchAll(/\(\s*(\d+)\s*,\s*(\d+)\s*\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/**
 * An arrowhead at `to`, pointing away from `from`, as SVG polygon points.
 *
 * @param {[number, number]} from
 * @param {[number, number]} to
 * @param {number} [size]
 */
export function arrowHead([x0, y0], [x1, y1], size = 7) {
  const len = Math.hypot(x1 - x0, y1 - y0) || 1;
  const [ux, uy] = [(x1 - x0) / len, (y1 - y0) / len];
  const [bx, by] = [x1 - ux * size, y1 - uy * size];
  const [px, py] = [-uy * size * 0.5, ux * size * 0.5];
  const r = (/** @type {number} */ v) => Math.round(v * 10) / 10;
  return `${r(x1)},${r(y1)} ${r(bx + px)},${r(by + py)} ${r(bx - px)},${r(by - py)}`;
}

/**
 * The bin (index into `ranges`) that holds call `index`.
 *
 * @param {Range[]} ranges
 * @param {number} index
 */
const binOf = (ranges, index) => ranges.findIndex(([s, e]) => s <= index && index < e);

/**
 * Boxes and arrows for collective `name` over `size` calls, its node wide enough for a
 * label of `labelLength` characters. `perm` lists a ppermute's pairs.
 *
 * @param {string} name
 * @param {number} size
 * @param {[number, number][]} [perm]
 * @param {number} [labelLength]
 */
export function flowLayout(name, size, perm = [], labelLength = 14) {
  const flow = flowOf(name);
  const ranges = bins(size, MAX_BOXES);
  const n = ranges.length;
  const rowWidth = n * BOX.w + (n - 1) * BOX.gap;
  const nodeWidth = Math.ceil(labelLength * BOX.char) + 24;
  const width = Math.max(rowWidth, nodeWidth);
  const left = (width - rowWidth) / 2;
  /** @param {number} y */
  const row = (y) => ranges.map((_, k) => ({ x: left + k * (BOX.w + BOX.gap), y, w: BOX.w, h: BOX.h }));
  const hasSources = flow !== "index";
  const hasNode = flow === "reduce" || flow === "gather";
  const sources = hasSources ? row(0) : [];
  const nodeY = BOX.h + BOX.rowGap;
  const node = hasNode ? { x: (width - nodeWidth) / 2, y: nodeY, w: nodeWidth, h: BOX.node } : null;
  const targetY = !hasSources ? 0 : hasNode ? nodeY + BOX.node + BOX.rowGap : BOX.h + BOX.rowGap * 1.5;
  const targets = row(targetY);
  /** @type {Link[]} */
  const links = [];
  /**
   * @param {[number, number]} from
   * @param {[number, number]} to
   * @param {"in" | "out"} phase
   */
  const link = (from, to, phase) => links.push({ from, to, phase, head: arrowHead(from, to) });
  /** @param {Box} b */
  const bottom = (b) => /** @type {[number, number]} */ ([b.x + b.w / 2, b.y + b.h]);
  /** @param {Box} b */
  const top = (b) => /** @type {[number, number]} */ ([b.x + b.w / 2, b.y]);
  if (node) {
    for (const s of sources) link(bottom(s), top(node), "in");
    for (const t of targets) link(bottom(node), top(t), "out");
  } else if (flow === "permute") {
    const seen = new Set();
    for (const [src, dst] of perm) {
      const [a, b] = [binOf(ranges, src), binOf(ranges, dst)];
      if (a < 0 || b < 0 || seen.has(`${a}>${b}`)) continue;
      seen.add(`${a}>${b}`);
      link(bottom(sources[a]), top(targets[b]), "in");
    }
  }
  return { flow, ranges, width, height: targetY + BOX.h, sources, node, targets, links };
}
