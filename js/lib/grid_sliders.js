// GridExplorer's sliders: one per parameter, both ends of the x and y ranges, and the
// resolution. Each move asks for a new frame through `request(values)`; `sync()` shows the
// model's values again (Python's answer, or a change made from Python).
import { h } from "./dom.js";
import { movedRange, nearestStep, rangeDigits, sliderStep, stepsWith } from "./grid_controls.js";
import { sliderRow } from "./slider_row.js";

/** Slider steps across an x or y range's limits. */
export const RANGE_STEPS = 400;

/** @typedef {import("./slider_row.js").SliderRow} SliderRow */
/** @typedef {import("./types.js").ParamSpec} ParamSpec */
/**
 * @typedef {{
 *   _specs: ParamSpec[], params: Record<string, number>, x_range: [number, number],
 *   y_range: [number, number], x_limits: [number, number], y_limits: [number, number],
 *   resolution: number, _resolution_steps: number[],
 * }} SliderState
 * @typedef {{ get<K extends keyof SliderState>(key: K): SliderState[K] }} SliderModel
 */

/**
 * The slider rows, appended to `container`.
 *
 * @param {HTMLElement} container
 * @param {{
 *   model: SliderModel, names: string[], uid: (name: string) => string,
 *   request: (values: Record<string, unknown>) => void, signal: AbortSignal,
 * }} options
 */
export function gridSliders(container, { model, names, uid, request, signal }) {
  /** @type {Map<string, SliderRow>} */
  const params = new Map();
  const paramsHeading = h("div", { className: "vw-ge-section", text: "parameters" });
  container.append(paramsHeading);
  for (const spec of model.get("_specs")) {
    const row = sliderRow({
      id: uid(spec.name),
      name: spec.name,
      lo: spec.lo,
      hi: spec.hi,
      step: spec.step,
      value: model.get("params")[spec.name],
      onValue: (v) => request({ params: { [spec.name]: v } }),
      signal,
    });
    params.set(spec.name, row);
    container.append(...row.nodes);
  }
  if (params.size === 0) paramsHeading.remove();

  container.append(h("div", { className: "vw-ge-section", text: "grid" }));
  /** @type {Record<"x_range" | "y_range", SliderRow[]>} */
  const ranges = { x_range: [], y_range: [] };
  /** @param {"x_range" | "y_range"} axis */
  const limitsOf = (axis) => model.get(axis === "x_range" ? "x_limits" : "y_limits");
  for (const [axis, name] of /** @type {const} */ ([
    ["x_range", names[0]],
    ["y_range", names[1]],
  ])) {
    for (const which of [0, 1]) {
      const [lo, hi] = limitsOf(axis);
      const row = sliderRow({
        id: uid(`${axis}-${which}`),
        name: `${name} ${which === 0 ? "min" : "max"}`,
        lo,
        hi,
        step: sliderStep(lo, hi, RANGE_STEPS),
        value: model.get(axis)[which],
        onValue: (v, typed) => {
          const current = /** @type {[number, number]} */ (ranges[axis].map((r) => r.value));
          const [min, max] = limitsOf(axis);
          const step = sliderStep(min, max, RANGE_STEPS);
          // A typed end may make the range as narrow as Python can resolve; a dragged one
          // keeps a slider step from the other end.
          let next = movedRange(current, which, v, typed ? 0 : step, [min, max]);
          if (!(next[1] > next[0])) next = movedRange(current, which, v, step, [min, max]);
          ranges[axis][which].set(next[which]);
          fitBoxes();
          request({ [axis]: next });
        },
        digits: () => rangeDigits(model.get(axis)),
        signal,
      });
      ranges[axis].push(row);
      container.append(...row.nodes);
    }
  }

  let steps = stepsWith(model.get("_resolution_steps"), model.get("resolution"));
  const resolution = sliderRow({
    id: uid("resolution"),
    name: "resolution",
    lo: 0,
    hi: steps.length - 1,
    step: 1,
    value: nearestStep(steps, model.get("resolution")),
    onValue: (k) => request({ resolution: steps[k] }),
    format: (k) => `${steps[k]} × ${steps[k]}`,
    signal,
  });
  container.append(...resolution.nodes);

  /** Show the model's values (and limits) on every slider. */
  function sync() {
    const values = model.get("params");
    for (const [name, row] of params) if (name in values) row.set(values[name]);
    for (const axis of /** @type {const} */ (["x_range", "y_range"])) {
      const [lo, hi] = limitsOf(axis);
      for (const which of [0, 1]) {
        ranges[axis][which].setLimits(lo, hi, sliderStep(lo, hi, RANGE_STEPS));
        ranges[axis][which].set(model.get(axis)[which]);
      }
    }
    steps = stepsWith(model.get("_resolution_steps"), model.get("resolution"));
    resolution.setLimits(0, steps.length - 1, 1);
    resolution.set(nearestStep(steps, model.get("resolution")));
    fitBoxes();
  }

  /** Widen the number boxes' column for the longest value they write (a deep zoom's). */
  function fitBoxes() {
    const boxes = [...params.values(), ...ranges.x_range, ...ranges.y_range].map((row) => row.nodes[2]);
    const longest = Math.max(0, ...boxes.map((box) => (box instanceof HTMLInputElement ? box.value.length : 0)));
    container.style.setProperty("--vw-ge-number-width", `max(76px, ${longest + 2}ch)`);
  }
  fitBoxes();

  return { sync };
}
