// One array of the AxisExplorer diagram drawn as cells: captions, batch-axis bands, and the
// cells each call reads (inputs) or writes (outputs). A view is kept across redraws while
// its leaf's shape stays, so colours glide instead of flashing.

import { cellDevice, deviceIndex, stepIndices } from "./device_split.js";
import {
  axisCaption,
  binLabel,
  cellValue,
  drawAsColumn,
  formatShape,
  inputCellState,
  layoutLeaf,
  levelOfAxis,
  outputCellState,
  wholeBadge,
} from "./diagram_layout.js";
import { h, syncChildren } from "./dom.js";

/** @typedef {import("./types.js").Leaf} Leaf */
/** @typedef {import("./types.js").Level} Level */
/** @typedef {import("./types.js").Range} Range */
/** @typedef {"input" | "output" | "plain"} Role */
/** @typedef {ReturnType<typeof layoutLeaf>} Layout */
/** @typedef {Layout["cells"][number]} Cell */
/** @typedef {import("./device_split.js").Split} Split */

/** Device tints cycle through this many colours (axis_explorer.css). */
const DEVICE_COLOURS = 8;

/**
 * What decides whether a view can be reused: path, shape, values or not, row or column.
 *
 * @param {Leaf} leaf
 * @param {boolean} column
 */
export const leafKey = (leaf, column) =>
  `${leaf.path}|${leaf.shape.join(",")}|${leaf.values ? "v" : "-"}|${column ? "col" : "row"}`;

/**
 * @param {HTMLElement} el
 * @param {number} level
 */
function setLevelClass(el, level) {
  el.className = el.className.replace(/ ?vw-batch vw-level-\d/g, "");
  if (level >= 0) el.className += ` vw-batch vw-level-${level}`;
}

export class LeafView {
  /**
   * @param {Leaf} leaf
   * @param {Role} role
   * @param {boolean} column
   */
  constructor(leaf, role, column) {
    this.role = role;
    this.key = leafKey(leaf, column);
    this.layout = layoutLeaf(leaf, undefined, undefined, column);
    this.leaf = leaf;
    /** @type {Level[]} */
    this.levels = [];
    this.el = h("figure", { className: `vw-leaf vw-enter vw-role-${role}` });
    this.el.dataset.path = leaf.path;
    this.badge = h("span", { className: "vw-badge" });
    this.faultMark = h("span", { className: "vw-fault-mark", text: "at fault" });
    const caption = h("figcaption", { className: "vw-leaf-caption" }, [
      h("code", { className: "vw-leaf-path", text: leaf.keyword ? `${leaf.path}=` : leaf.path }),
      h("span", { className: "vw-leaf-shape", text: `shape ${formatShape(leaf.shape)}` }),
      h("span", { className: "vw-leaf-dtype", text: leaf.dtype }),
      this.badge,
      this.faultMark,
    ]);
    this.colCaption = h("div", { className: "vw-colcap" });
    this.rowCaption = h("div", { className: "vw-rowcap" });
    const body = h("div", { className: "vw-leaf-body" });
    const frame = h("div", { className: "vw-leaf-frame" }, [
      h("div", { className: "vw-corner" }),
      this.colCaption,
      this.rowCaption,
      body,
    ]);
    this.sliceAxesCaption = h("div", { className: "vw-slicecap" });
    this.el.append(caption, this.sliceAxesCaption, frame);
    /** @type {{ el: HTMLElement, axis: number | null, range: Range, level: number }[]} */
    this.ticks = [];
    /** @type {{ el: HTMLElement, cap: HTMLElement, ranges: Range[] }[]} */
    this.sliceCaptions = [];
    /** @type {{ el: HTMLElement, cell: Cell, title: string }[]} */
    this.cellEls = [];
    /** @type {Split | null} */
    this.split = null;
    const { rows, cols, slices, sliceAxes, rowAxis, colAxis, binned } = this.layout;
    this.el.classList.toggle("vw-binned", binned || !leaf.values);
    slices.forEach((ranges, slice) => {
      body.append(this.sliceEl(leaf, slice, ranges, { rows, cols, sliceAxes, rowAxis, colAxis }));
    });
    this.update(leaf, []);
  }

  /**
   * The cells of one 2-D slice, with their tick rows and columns.
   *
   * @param {Leaf} leaf
   * @param {number} slice
   * @param {Range[]} ranges
   * @param {Pick<Layout, "rows" | "cols" | "sliceAxes" | "rowAxis" | "colAxis">} layout
   * @private
   */
  sliceEl(leaf, slice, ranges, { rows, cols, sliceAxes, rowAxis, colAxis }) {
    const sliceEl = h("div", { className: "vw-slice" });
    if (sliceAxes.length > 0) {
      const cap = h("div", { className: "vw-slice-caption" });
      this.sliceCaptions.push({ el: sliceEl, cap, ranges });
      sliceEl.append(cap);
    }
    const grid = h("div", { className: "vw-grid" });
    grid.style.gridTemplateColumns = `auto repeat(${cols.length}, minmax(var(--vw-cell), max-content))`;
    grid.append(h("div", { className: "vw-tick vw-tick-corner" }));
    /**
     * @param {string} className
     * @param {number | null} axis
     * @param {Range} range
     */
    const tick = (className, axis, range) => {
      const el = h("div", { className, text: axis === null ? "" : binLabel(range) });
      this.ticks.push({ el, axis, range, level: -1 });
      return el;
    };
    for (const range of cols) grid.append(tick("vw-tick vw-tick-col", colAxis, range));
    rows.forEach((range, row) => {
      grid.append(tick("vw-tick vw-tick-row", rowAxis, range));
      cols.forEach((_, col) => {
        const cell = /** @type {Cell} */ (
          this.layout.cells.find((c) => c.slice === slice && c.row === row && c.col === col)
        );
        const el = h("div", { className: "vw-cell", text: cell.value ?? "" });
        el.title = `${leaf.path}[${cell.ranges.map(binLabel).join(", ")}]`;
        this.cellEls.push({ el, cell, title: el.title });
        grid.append(el);
      });
    });
    sliceEl.append(grid);
    return sliceEl;
  }

  /**
   * New axes (and values) for the same shape: captions and bands move, cells stay.
   *
   * @param {Leaf} leaf
   * @param {Level[]} levels
   */
  update(leaf, levels) {
    this.leaf = leaf;
    this.levels = levels;
    const { shape, rowAxis, colAxis, sliceAxes } = this.layout;
    const axes = leaf.axes ?? [];
    /**
     * @param {HTMLElement} el
     * @param {number | null} axis
     */
    const setCaption = (el, axis) => {
      el.textContent = axis === null ? "" : axisCaption(shape, axes, axis, levels, leaf.keyword);
      setLevelClass(el, axis === null ? -1 : levelOfAxis(axes, axis));
    };
    setCaption(this.colCaption, colAxis);
    setCaption(this.rowCaption, rowAxis);
    for (const tick of this.ticks) {
      const level = tick.axis === null ? -1 : levelOfAxis(axes, tick.axis);
      tick.level = level;
      tick.el.classList.toggle("vw-band", level >= 0);
      tick.el.dataset.level = String(level);
    }
    this.sliceAxesCaption.hidden = sliceAxes.length === 0;
    this.sliceAxesCaption.replaceChildren(
      ...sliceAxes.map((a) => {
        const level = levelOfAxis(axes, a);
        const text = `2-D slices along ${axisCaption(shape, axes, a, levels)}`;
        return h("div", { className: level >= 0 ? `vw-batch vw-level-${level}` : "", text });
      }),
    );
    const batchAxes = sliceAxes.filter((a) => levelOfAxis(axes, a) >= 0);
    for (const { el, cap, ranges } of this.sliceCaptions) {
      cap.textContent = `${leaf.path}[${ranges.map(binLabel).join(", ")}, :, :]`;
      cap.title = batchAxes.map((a) => axisCaption(shape, axes, a, levels)).join("; ");
      el.classList.toggle("vw-band", batchAxes.length > 0);
    }
    const badge = leaf.keyword ? "keyword argument" : wholeBadge(this.role, axes, levels);
    this.badge.textContent = badge ?? "";
    this.badge.hidden = badge === null;
    this.faultMark.hidden = !leaf.fault;
    this.el.classList.toggle("vw-fault", Boolean(leaf.fault));
    this.el.dataset.level = String(axes.findIndex((a) => a !== null));
    if (leaf.values) {
      for (const { el, cell } of this.cellEls) el.textContent = cellValue(leaf, cell.ranges) ?? "";
    }
  }

  /**
   * Tint each cell by the device that holds it (`split`: the batch over several devices, as
   * Python's describe_sharding says; null: one device), and paint the calls of all devices
   * side by side from then on.
   *
   * @param {Split | null} split
   */
  setDevices(split) {
    this.split = split;
    const sharded = split?.leaves.get(this.leaf.path);
    for (const { el, cell, title } of this.cellEls) {
      const k = split ? cellDevice(sharded, cell.ranges) : null;
      if (k === null || !split) {
        delete el.dataset.device;
        el.title = title;
      } else {
        el.dataset.device = String(k % DEVICE_COLOURS);
        el.title = `${title} · on device ${split.ids[k]}`;
      }
    }
  }

  /**
   * Colour the cells the call at `indices` reads (inputs) or writes (outputs); before its last
   * collective a call writes nothing yet (`writing` false: its cells are "computing").
   * Index -1 at every level: no call (a collective is running). With the batch over several
   * devices `indices` is [step]: device k's call k·(batch / N) + step, for every k at once.
   *
   * @param {number[]} indices
   * @param {boolean} [writing]
   */
  paint(indices, writing = true) {
    const axes = this.leaf.axes ?? [];
    const animated = this.levels.length > 0 && this.role !== "plain";
    const split = this.split && indices[0] >= 0 ? this.split : null;
    const axis = axes[0] ?? null;
    /** @param {Cell} cell  the indices of the call on the device that holds `cell` */
    const callOf = (cell) => {
      if (!split || axis === null) return indices;
      const k = Math.min(split.count - 1, Math.floor(cell.ranges[axis][0] / split.per));
      return [deviceIndex(split, k, indices[0])];
    };
    const running = split ? stepIndices(split, indices[0]) : null;
    /**
     * @param {number} level
     * @param {[number, number]} range
     */
    const now = (level, range) =>
      (running && level === 0 ? running : [indices[level]]).some((i) => range[0] <= i && i < range[1]);
    for (const { el, cell } of this.cellEls) {
      let state = "plain";
      if (animated) {
        const at = callOf(cell);
        state = this.role === "input" ? inputCellState(cell, axes, at) : outputCellState(cell, axes, at);
        if (this.role === "output" && !writing) state = state === "current" ? "computing" : "pending";
      }
      el.dataset.state = state;
    }
    for (const tick of this.ticks) {
      const on = animated && tick.level >= 0 && now(tick.level, tick.range);
      tick.el.classList.toggle("vw-tick-now", on);
    }
    const sliceAxes = this.layout.sliceAxes;
    const batched = sliceAxes.some((a) => levelOfAxis(axes, a) >= 0);
    for (const { el, ranges } of this.sliceCaptions) {
      const on =
        animated &&
        batched &&
        sliceAxes.every((a, k) => {
          const level = levelOfAxis(axes, a);
          return level < 0 || now(level, ranges[k]);
        });
      el.classList.toggle("vw-slice-now", on);
    }
  }
}

/**
 * Draw `leaves` into `container`, reusing the views (by path) whose shape did not change.
 *
 * @param {HTMLElement} container
 * @param {Map<string, LeafView>} views
 * @param {Leaf[]} leaves
 * @param {Role} role
 * @param {Level[]} levels
 * @param {Leaf[]} [outputs]  the outputs, for inputs drawn as a column beside them
 */
export function syncLeaves(container, views, leaves, role, levels, outputs = []) {
  const next = new Map();
  for (const leaf of leaves) {
    const column = role === "input" && drawAsColumn(leaf, outputs);
    let view = views.get(leaf.path);
    if (!view || view.key !== leafKey(leaf, column)) view = new LeafView(leaf, role, column);
    view.update(leaf, levels);
    next.set(leaf.path, view);
  }
  syncChildren(
    container,
    [...next.values()].map((view) => view.el),
  );
  views.clear();
  for (const [k, v] of next) views.set(k, v);
}
