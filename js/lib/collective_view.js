// AxisExplorer's picture of the collectives the function uses: the list of them in program
// order (which one the animation is at) and, for the current or next one, the calls and the
// arrows of what flows between them (collective_layout.js), animated when the step reaches it.
import { levelName } from "./axis_selectors.js";
import { BOX, flowLayout, permPairs } from "./collective_layout.js";
import { collectiveLabel } from "./collective_timeline.js";
import { binLabel, formatShape } from "./diagram_layout.js";
import { h } from "./dom.js";

/** @typedef {import("./types.js").Diagram} Diagram */
/** @typedef {import("./types.js").Collective} Collective */
/** @typedef {import("./collective_timeline.js").Moment} Moment */

const SVG = "http://www.w3.org/2000/svg";

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {string} [text]
 */
function svg(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/**
 * What the calls of `c` receive, in a few words, and the sentence under the picture.
 *
 * @param {Collective} c
 * @param {number} size
 * @returns {{ receives: (range: [number, number]) => string, caption: string }}
 */
function words(c, size) {
  const shape = c.out_shapes?.[0];
  switch (c.name) {
    case "all_gather":
      return {
        receives: () => `all ${size}`,
        caption: `each call receives every call's value, stacked${shape ? ` (shape ${formatShape(shape)})` : ""}`,
      };
    case "axis_index":
      return { receives: (r) => `index ${binLabel(r)}`, caption: "each call gets its own index along the axis" };
    case "ppermute":
      return { receives: () => "receives", caption: "each call sends its value to another call, as perm says" };
    default:
      return {
        receives: () => "result",
        caption: `every call's value flows in; the one result flows back to every call`,
      };
  }
}

/**
 * The picture of collective `c` of diagram `d`: an SVG of the calls and arrows.
 *
 * @param {Diagram} d
 * @param {Collective} c
 */
function picture(d, c) {
  const level = d.levels[c.level];
  const layout = flowLayout(c.name, level.size, permPairs(c.params?.perm), collectiveLabel(c).length);
  const { receives, caption } = words(c, level.size);
  const pad = 8;
  const root = svg("svg", {
    class: "vw-collective-svg",
    width: layout.width + 2 * pad,
    height: layout.height + 2 * pad,
    viewBox: `${-pad} ${-pad} ${layout.width + 2 * pad} ${layout.height + 2 * pad}`,
    role: "img",
    "aria-label": `${collectiveLabel(c)}: ${caption}`,
  });
  for (const l of layout.links) {
    const g = svg("g", { class: `vw-flow vw-flow-${l.phase}` });
    g.append(
      svg("line", { x1: l.from[0], y1: l.from[1], x2: l.to[0], y2: l.to[1] }),
      svg("polygon", { points: l.head }),
    );
    root.append(g);
  }
  /**
   * @param {{ x: number, y: number, w: number, h: number }} b
   * @param {string} cls
   * @param {string} line1
   * @param {string} line2
   */
  const box = (b, cls, line1, line2) => {
    const g = svg("g", { class: cls });
    g.append(
      svg("rect", { x: b.x, y: b.y, width: b.w, height: b.h, rx: 4 }),
      svg("text", { x: b.x + b.w / 2, y: b.y + 14 }, line1),
      svg("text", { x: b.x + b.w / 2, y: b.y + 27, class: "vw-sub" }, line2),
    );
    root.append(g);
  };
  layout.sources.forEach((b, k) => {
    box(b, "vw-call-box vw-source", `${level.index} = ${binLabel(layout.ranges[k])}`, "sends");
  });
  if (layout.node) {
    const g = svg("g", { class: "vw-node" });
    const n = layout.node;
    g.append(
      svg("rect", { x: n.x, y: n.y, width: n.w, height: n.h, rx: BOX.node / 2 }),
      svg("text", { x: n.x + n.w / 2, y: n.y + n.h / 2 + 4 }, collectiveLabel(c)),
    );
    root.append(g);
  }
  layout.targets.forEach((b, k) => {
    const range = layout.ranges[k];
    box(b, "vw-call-box vw-target", `${level.index} = ${binLabel(range)}`, receives(range));
  });
  return { svg: root, caption };
}

/**
 * "psum over 'j' · inner vmap, index j: within each i, ..." for a nest; the caption alone
 * for a single vmap.
 *
 * @param {Diagram} d
 * @param {Collective} c
 * @param {string} caption
 */
function fullCaption(d, c, caption) {
  if (d.depth === 1) return caption;
  const others = d.levels.filter((_, k) => k !== c.level).map((l) => l.index);
  const where = `${levelName(d.depth, c.level)} (index ${d.levels[c.level].index})`;
  return `over the ${where}: for each ${others.join(", ")} separately, ${caption}`;
}

/**
 * The collectives panel, drawn into `el`: `draw(d)` for a new diagram, `show(moment)` at
 * every step.
 *
 * @param {HTMLElement} el
 */
export function collectiveView(el) {
  const list = h("ol", { className: "vw-collective-list" });
  const figure = h("figure", { className: "vw-collective" });
  const caption = h("figcaption", { className: "vw-collective-caption" });
  el.append(h("div", { className: "vw-heading", text: "collectives: all calls at once" }), list, figure);
  /** @type {{ chip: HTMLElement, c: Collective, svg: SVGElement, caption: string }[]} */
  let items = [];

  /** @param {Diagram} d */
  function draw(d) {
    const collectives = d.error ? [] : (d.collectives ?? []);
    el.hidden = collectives.length === 0;
    items = collectives.map((c) => {
      const chip = h("li", { className: `vw-collective-chip vw-level-${c.level}` }, [
        h("code", { text: collectiveLabel(c) }),
        d.depth > 1 ? ` · ${levelName(d.depth, c.level)}, index ${d.levels[c.level].index}` : "",
      ]);
      chip.dataset.collective = c.name;
      chip.dataset.level = String(c.level);
      const drawn = picture(d, c);
      return { chip, c, svg: drawn.svg, caption: fullCaption(d, c, drawn.caption) };
    });
    list.replaceChildren(...items.map((i) => i.chip));
  }

  /** @param {Moment} moment */
  function show(moment) {
    if (items.length === 0) return;
    const now = moment.kind === "collective" ? moment.part : -1;
    const shown = Math.min(moment.part, items.length - 1);
    items.forEach(({ chip }, k) => {
      chip.dataset.state = k === now ? "now" : k < moment.part ? "done" : "next";
    });
    const item = items[shown];
    figure.dataset.collective = item.c.name;
    figure.dataset.level = String(item.c.level);
    figure.dataset.axisNames = item.c.axis_names.map(String).join(",");
    figure.className = `vw-collective vw-level-${item.c.level}${now >= 0 ? " vw-collective-now" : ""}`;
    const when =
      now >= 0
        ? ""
        : moment.part > shown
          ? " (done: the calls go on with its result)"
          : " (next: once every call reaches it)";
    caption.textContent = `${collectiveLabel(item.c)}: ${item.caption}${when}`;
    if (figure.firstChild !== item.svg) figure.replaceChildren(item.svg, caption);
  }

  return { draw, show };
}
