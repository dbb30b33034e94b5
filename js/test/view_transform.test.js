import assert from "node:assert/strict";
import { test } from "node:test";
import {
  applyKeyAction,
  boxZoom,
  cssTransform,
  cssTransformText,
  dataAt,
  keyAction,
  pan,
  pixelOf,
  requestedRanges,
  shownView,
  tooNarrow,
  wheelFactor,
  zoomAt,
} from "../lib/view_transform.js";

/** @typedef {import("../lib/view_transform.js").View} View */

const plot = { width: 400, height: 300 };
/** @type {View} */
const view = { x: [-2, 1], y: [-1.5, 1.5] };

/**
 * @param {View} actual
 * @param {View} expected
 * @param {number} [tol]
 */
function assertView(actual, expected, tol = 1e-12) {
  for (const axis of /** @type {const} */ (["x", "y"])) {
    for (const k of [0, 1]) {
      const [a, e] = [actual[axis][k], expected[axis][k]];
      assert.ok(Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)), `${axis}[${k}]: ${a} vs ${e}`);
    }
  }
}

test("pixels and data points map both ways; pixel row 0 is y_hi", () => {
  assert.deepEqual(dataAt(view, plot, 0, 0), [-2, 1.5]);
  assert.deepEqual(dataAt(view, plot, 400, 300), [1, -1.5]);
  assert.deepEqual(dataAt(view, plot, 200, 150), [-0.5, 0]);
  assert.deepEqual(pixelOf(view, plot, -0.5, 0), [200, 150]);
});

test("zoom around the pointer keeps the data point under it", () => {
  for (const [px, py] of [
    [0, 0],
    [123.4, 56.7],
    [400, 300],
    [399, 1],
  ]) {
    const before = dataAt(view, plot, px, py);
    for (const factor of [1.1, 2, 0.5, 1 / 3, 1000]) {
      const after = dataAt(zoomAt(view, plot, px, py, factor), plot, px, py);
      assert.ok(Math.abs(after[0] - before[0]) <= 1e-12, `x at ${px},${py} ×${factor}`);
      assert.ok(Math.abs(after[1] - before[1]) <= 1e-12, `y at ${px},${py} ×${factor}`);
    }
  }
  const zoomed = zoomAt(view, plot, 200, 150, 2);
  assertView(zoomed, { x: [-1.25, 0.25], y: [-0.75, 0.75] });
});

test("zoom in then out returns the view", () => {
  const inAndOut = zoomAt(zoomAt(view, plot, 87, 222, 3.7), plot, 87, 222, 1 / 3.7);
  assertView(inAndOut, view);
  let deep = view;
  for (let k = 0; k < 20; k++) deep = zoomAt(deep, plot, 310, 40, 1.5);
  for (let k = 0; k < 20; k++) deep = zoomAt(deep, plot, 310, 40, 1 / 1.5);
  assertView(deep, view, 1e-10);
});

test("pan by the plot's size shifts by the view's size, the picture following the pointer", () => {
  assertView(pan(view, plot, 400, 0), { x: [-5, -2], y: [-1.5, 1.5] });
  assertView(pan(view, plot, -400, 0), { x: [1, 4], y: [-1.5, 1.5] });
  assertView(pan(view, plot, 0, 300), { x: [-2, 1], y: [1.5, 4.5] });
  const moved = pan(view, plot, 37, -12);
  const point = dataAt(view, plot, 100, 100);
  const under = dataAt(moved, plot, 137, 88);
  assert.ok(Math.abs(under[0] - point[0]) < 1e-12 && Math.abs(under[1] - point[1]) < 1e-12);
  assertView(pan(pan(view, plot, 37, -12), plot, -37, 12), view);
});

test("box zoom maps the rectangle's corners, in any drag direction", () => {
  const rect = { x0: 100, y0: 60, x1: 300, y1: 240 };
  const zoomed = /** @type {View} */ (boxZoom(view, plot, rect));
  assertView(zoomed, { x: [-1.25, 0.25], y: [-0.9, 0.9] });
  const [left, top] = dataAt(view, plot, 100, 60);
  const [right, bottom] = dataAt(view, plot, 300, 240);
  assertView(zoomed, { x: [left, right], y: [bottom, top] });
  assertView(/** @type {View} */ (boxZoom(view, plot, { x0: 300, y0: 240, x1: 100, y1: 60 })), zoomed);
  assertView(/** @type {View} */ (boxZoom(view, plot, { x0: 300, y0: 60, x1: 100, y1: 240 })), zoomed);
  assert.equal(boxZoom(view, plot, { x0: 10, y0: 10, x1: 13, y1: 200 }), null);
  assert.equal(boxZoom(view, plot, { x0: 10, y0: 10, x1: 200, y1: 13.9 }), null);
  assert.notEqual(boxZoom(view, plot, { x0: 10, y0: 10, x1: 14, y1: 14 }), null);
  assertView(/** @type {View} */ (boxZoom(view, plot, { x0: -50, y0: -50, x1: 500, y1: 400 })), view);
});

test("wheel factor: smooth, by delta mode, clamped", () => {
  assert.equal(wheelFactor(0, 0), 1);
  assert.equal(wheelFactor(-300, 0), 2);
  assert.equal(wheelFactor(300, 0), 0.5);
  assert.ok(Math.abs(wheelFactor(-100, 0) - 2 ** (1 / 3)) < 1e-12);
  assert.equal(wheelFactor(-3, 1), wheelFactor(-48, 0));
  assert.equal(wheelFactor(-0.5, 2), wheelFactor(-200, 0));
  assert.equal(wheelFactor(-1e6, 0), 4);
  assert.equal(wheelFactor(1e6, 0), 0.25);
  assert.equal(wheelFactor(5, 2), 0.25);
  assert.equal(wheelFactor(-Infinity, 0), 4);
  assert.equal(wheelFactor(Infinity, 1), 0.25);
  assert.ok(wheelFactor(-1, 0) > 1 && wheelFactor(1, 0) < 1);
});

test("keyboard: +/= and -/_ zoom around the centre, arrows pan by a tenth, 0 is home", () => {
  assert.deepEqual(keyAction("+"), { kind: "zoom", factor: 2 });
  assert.deepEqual(keyAction("="), keyAction("+"));
  assert.deepEqual(keyAction("-"), { kind: "zoom", factor: 0.5 });
  assert.deepEqual(keyAction("_"), keyAction("-"));
  assert.deepEqual(keyAction("0"), { kind: "home" });
  for (const key of ["a", "Enter", "toString", "constructor", "1", " "]) assert.equal(keyAction(key), null);
  /** @param {string} key */
  const after = (key) => {
    const action = keyAction(key);
    assert.ok(action && action.kind !== "home");
    return applyKeyAction(view, action);
  };
  assertView(after("+"), { x: [-1.25, 0.25], y: [-0.75, 0.75] });
  assertView(after("-"), { x: [-3.5, 2.5], y: [-3, 3] });
  assertView(after("ArrowRight"), { x: [-1.7, 1.3], y: [-1.5, 1.5] });
  assertView(after("ArrowLeft"), { x: [-2.3, 0.7], y: [-1.5, 1.5] });
  assertView(after("ArrowUp"), { x: [-2, 1], y: [-1.2, 1.8] });
  assertView(after("ArrowDown"), { x: [-2, 1], y: [-1.8, 1.2] });
});

test("cssTransform: identity onto itself, the zoom's scale onto a zoomed view", () => {
  assert.deepEqual(cssTransform(view, view, plot), { scaleX: 1, scaleY: 1, translateX: 0, translateY: 0 });
  assert.equal(cssTransformText(cssTransform(view, view, plot)), "");
  const [px, py] = [123, 77];
  const zoomed = zoomAt(view, plot, px, py, 2.5);
  const t = cssTransform(view, zoomed, plot);
  assert.ok(Math.abs(t.scaleX - 2.5) < 1e-12 && Math.abs(t.scaleY - 2.5) < 1e-12);
  // The pointer's pixel is a fixed point of the transform: the picture zooms around it.
  assert.ok(Math.abs(t.translateX + px * t.scaleX - px) < 1e-9);
  assert.ok(Math.abs(t.translateY + py * t.scaleY - py) < 1e-9);
  // Every pixel of the old picture lands where its data point lies in the new view.
  for (const [qx, qy] of [
    [0, 0],
    [400, 300],
    [250, 20],
  ]) {
    const [x, y] = dataAt(view, plot, qx, qy);
    const [nx, ny] = pixelOf(zoomed, plot, x, y);
    assert.ok(Math.abs(t.translateX + qx * t.scaleX - nx) < 1e-9);
    assert.ok(Math.abs(t.translateY + qy * t.scaleY - ny) < 1e-9);
  }
  const panned = cssTransform(view, pan(view, plot, 30, -20), plot);
  assert.ok(Math.abs(panned.translateX - 30) < 1e-12 && Math.abs(panned.translateY + 20) < 1e-12);
  assert.equal(
    cssTransformText({ scaleX: 2, scaleY: 3, translateX: -4, translateY: 5 }),
    "translate(-4px, 5px) scale(2, 3)",
  );
});

test("tooNarrow: float32 gives out long before float64", () => {
  const at = (/** @type {number} */ width) => ({ x: [1, 1 + width], y: [-1, 1] });
  assert.equal(tooNarrow(view, 256), false);
  // step = width / 255 against 4 × eps × |coordinate| ≈ 4 × 1.19e-7 × 1
  assert.equal(tooNarrow(at(1e-3), 256, "float32"), false);
  assert.equal(tooNarrow(at(1e-5), 256, "float32"), true);
  assert.equal(tooNarrow(at(1e-5), 256, "float64"), false);
  assert.equal(tooNarrow(at(1e-12), 256, "float64"), false);
  assert.equal(tooNarrow(at(1e-14), 256, "float64"), true);
  const eps32 = 2 ** -23;
  const edge = 4 * eps32 * 255;
  assert.equal(tooNarrow({ x: [1 - edge * 0.99, 1], y: [-1, 1] }, 256), true);
  assert.equal(tooNarrow({ x: [1 - edge * 1.01, 1], y: [-1, 1] }, 256), false);
  assert.equal(tooNarrow({ x: [-1, 1], y: [1e6, 1e6 + 1] }, 256, "float32"), true);
  assert.equal(tooNarrow({ x: [0, 1e-30], y: [-1, 1] }, 256, "float32"), false);
  assert.equal(tooNarrow({ x: [1, 1], y: [-1, 1] }, 256, "float64"), true);
});

test("shownView and requestedRanges convert between grid ranges and the plot's extent", () => {
  const shown = shownView([0, 1], [-1, 1], 5, 3);
  assertView(shown, { x: [-0.125, 1.125], y: [-1.5, 1.5] });
  const back = requestedRanges(shown, 5, 3);
  assert.deepEqual(back, { x_range: [0, 1], y_range: [-1, 1] });
  assert.deepEqual(requestedRanges(view, 1, 1), { x_range: view.x, y_range: view.y });
});
