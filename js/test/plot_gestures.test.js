import assert from "node:assert/strict";
import { afterEach, beforeEach, test } from "node:test";
import { attachGestures } from "../lib/plot_gestures.js";
import { boxZoom, dataAt, pan, zoomAt } from "../lib/view_transform.js";

/** @typedef {import("../lib/view_transform.js").View} View */

const BOX = { left: 10, top: 20, width: 400, height: 300 };
const plot = { width: BOX.width, height: BOX.height };

/** Just enough of an element: events, a box, pointer capture, a parent for the band. */
class FakeElement extends EventTarget {
  /** @param {FakeElement | null} parent */
  constructor(parent = null) {
    super();
    /** @type {Record<string, string>} */
    this.style = {};
    /** @type {Record<string, string>} */
    this.dataset = {};
    this.tabIndex = -1;
    this.className = "";
    this.clientLeft = 0;
    this.clientTop = 0;
    this.scrollLeft = 0;
    this.scrollTop = 0;
    this.focused = false;
    this.parentElement = parent;
    /** @type {FakeElement[]} */
    this.children = [];
    this.captured = new Set();
    this.ownerDocument = { createElement: () => new FakeElement() };
  }
  getBoundingClientRect() {
    return this.parentElement ? BOX : { left: 0, top: 0, width: 600, height: 500 };
  }
  /** @param {string} name */
  hasAttribute(name) {
    return name === "tabindex" && this.tabIndex >= 0;
  }
  /** @param {number} id */
  setPointerCapture(id) {
    this.captured.add(id);
  }
  /** @param {number} id */
  releasePointerCapture(id) {
    this.captured.delete(id);
  }
  /** @param {number} id */
  hasPointerCapture(id) {
    return this.captured.has(id);
  }
  focus() {
    this.focused = true;
  }
  /** @param {FakeElement} child */
  appendChild(child) {
    this.children.push(child);
    child.parentElement = this;
  }
  remove() {
    const parent = this.parentElement;
    if (parent) parent.children = parent.children.filter((c) => c !== this);
  }
}

/**
 * Dispatch a synthetic event carrying `props`; returns it.
 *
 * @param {EventTarget} target
 * @param {string} type
 * @param {Record<string, unknown>} [props]
 */
function fire(target, type, props = {}) {
  const event = new Event(type, { cancelable: true });
  Object.assign(
    event,
    { button: 0, pointerId: 1, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false },
    props,
  );
  target.dispatchEvent(event);
  return event;
}

/** Animation frames run only when the test says so. */
let frames = new Map();
let nextFrame = 1;
function runFrames() {
  const due = [...frames.values()];
  frames = new Map();
  for (const callback of due) callback(0);
}

beforeEach(() => {
  frames = new Map();
  globalThis.requestAnimationFrame = (callback) => {
    frames.set(nextFrame, callback);
    return nextFrame++;
  };
  globalThis.cancelAnimationFrame = (id) => {
    frames.delete(id);
  };
});

afterEach(() => {
  // @ts-expect-error
  delete globalThis.requestAnimationFrame;
  // @ts-expect-error
  delete globalThis.cancelAnimationFrame;
});

/**
 * A plot inside a parent, with gestures whose callbacks record what they hear.
 *
 * @param {import("../lib/plot_gestures.js").GestureOptions} [options]
 */
function setup(options = { idleMs: 0 }) {
  const parent = new FakeElement();
  const element = new FakeElement(parent);
  /** @type {View} */
  let view = { x: [-2, 1], y: [-1.5, 1.5] };
  const log = {
    previews: /** @type {View[]} */ ([]),
    views: /** @type {View[]} */ ([]),
    commits: /** @type {View[]} */ ([]),
    homes: 0,
  };
  const controller = new AbortController();
  attachGestures(
    /** @type {any} */ (element),
    {
      view: () => view,
      onPreview: (next) => {
        view = next;
        log.previews.push(next);
      },
      onView: (next) => log.views.push(next),
      onCommit: (next) => log.commits.push(next),
      onHome: () => {
        log.homes += 1;
      },
    },
    controller.signal,
    options,
  );
  return {
    element,
    parent,
    log,
    controller,
    start: view,
    get view() {
      return view;
    },
  };
}

/** Client coordinates of plot pixel (px, py). */
const at = (/** @type {number} */ px, /** @type {number} */ py) => ({ clientX: BOX.left + px, clientY: BOX.top + py });

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

test("the plot becomes focusable, claims its keys and touches", () => {
  const { element, controller } = setup();
  assert.equal(element.tabIndex, 0);
  assert.equal(element.dataset.lmSuppressShortcuts, "true");
  assert.equal(element.style.touchAction, "none");
  controller.abort();
  assert.equal(element.style.touchAction, undefined);
});

test("a drag pans: a preview on every move, onView once per animation frame and at the end", () => {
  const { element, log, start } = setup();
  fire(element, "pointerdown", at(100, 100));
  assert.equal(element.focused, true);
  assert.ok(element.captured.has(1));
  fire(element, "pointermove", at(130, 90));
  fire(element, "pointermove", at(160, 80));
  assert.equal(log.previews.length, 2);
  assert.deepEqual(log.previews[1], pan(start, plot, 60, -20));
  assert.equal(log.views.length, 0, "nothing sent before the animation frame");
  runFrames();
  assert.deepEqual(log.views, [log.previews[1]]);
  fire(element, "pointermove", at(200, 100));
  fire(element, "pointerup", at(200, 100));
  assert.equal(frames.size, 0, "the pending frame is cancelled");
  assert.deepEqual(log.views, [log.previews[1], pan(start, plot, 100, 0)]);
  assert.deepEqual(log.commits, [pan(start, plot, 100, 0)]);
  assert.equal(element.captured.size, 0);
  fire(element, "pointermove", at(300, 100));
  assert.equal(log.previews.length, 3, "no pan after the pointer went up");
});

test("the end of a drag sends nothing twice, and a click without a move sends nothing", () => {
  const { element, log } = setup();
  fire(element, "pointerdown", at(100, 100));
  fire(element, "pointerup", at(100, 100));
  assert.deepEqual([log.previews.length, log.views.length, log.commits.length], [0, 0, 0]);
  fire(element, "pointerdown", at(100, 100));
  fire(element, "pointermove", at(120, 100));
  runFrames();
  fire(element, "pointerup", at(120, 100));
  assert.equal(log.views.length, 1);
  assert.equal(log.commits.length, 1);
});

test("a shift-drag draws a rubber band in the parent and zooms to its box", () => {
  const { element, parent, log, start } = setup();
  fire(element, "pointerdown", { ...at(300, 240), shiftKey: true });
  fire(element, "pointermove", at(200, 100));
  assert.equal(log.previews.length, 0, "the picture stays while the box is drawn");
  assert.equal(parent.children.length, 1);
  const band = parent.children[0];
  assert.equal(band.className, "vw-ge-band");
  assert.deepEqual(
    [band.style.left, band.style.top, band.style.width, band.style.height],
    ["210px", "120px", "100px", "140px"],
  );
  fire(element, "pointermove", at(100, 60));
  fire(element, "pointerup", at(100, 60));
  assert.equal(parent.children.length, 0, "the band goes");
  const expected = boxZoom(start, plot, { x0: 100, y0: 60, x1: 300, y1: 240 });
  assert.deepEqual(log.previews, [expected]);
  assert.deepEqual(log.views, [expected]);
  assert.deepEqual(log.commits, [expected]);
});

test("box mode makes a plain drag draw a box; a tiny box does nothing", () => {
  const { element, parent, log } = setup({ idleMs: 0, mode: () => "box" });
  fire(element, "pointerdown", at(100, 100));
  fire(element, "pointermove", at(102, 150));
  fire(element, "pointerup", at(102, 150));
  assert.equal(parent.children.length, 0);
  assert.deepEqual([log.previews.length, log.views.length, log.commits.length], [0, 0, 0]);
  fire(element, "pointerdown", at(100, 100));
  fire(element, "pointermove", at(200, 150));
  fire(element, "pointercancel", at(200, 150));
  assert.equal(parent.children.length, 0, "a cancelled box goes too");
  assert.equal(log.views.length, 0);
});

test("the wheel zooms around the pointer, per animation frame, committed once idle", async () => {
  const { element, log, start } = setup();
  const first = fire(element, "wheel", { ...at(100, 50), deltaY: -300, deltaMode: 0 });
  assert.equal(first.defaultPrevented, true);
  fire(element, "wheel", { ...at(100, 50), deltaY: -300, deltaMode: 0 });
  assert.deepEqual(log.previews[0], zoomAt(start, plot, 100, 50, 2));
  assert.equal(log.previews.length, 2);
  const [x, y] = dataAt(log.previews[1], plot, 100, 50);
  const [x0, y0] = dataAt(start, plot, 100, 50);
  assert.ok(Math.abs(x - x0) < 1e-12 && Math.abs(y - y0) < 1e-12);
  assert.ok(Math.abs(log.previews[1].x[1] - log.previews[1].x[0] - 0.75) < 1e-12);
  runFrames();
  assert.deepEqual(log.views, [log.previews[1]]);
  assert.equal(log.commits.length, 0);
  await tick();
  assert.deepEqual(log.commits, [log.previews[1]]);
});

test("keys on the focused plot zoom, pan and go home, and stop there", async () => {
  const { element, log, start } = setup();
  let stopped = 0;
  const props = { stopPropagation: () => stopped++ };
  const plus = fire(element, "keydown", { ...props, key: "+" });
  assert.equal(plus.defaultPrevented, true);
  assert.equal(stopped, 1);
  assert.deepEqual(log.previews, [{ x: [-1.25, 0.25], y: [-0.75, 0.75] }]);
  assert.deepEqual(log.views, log.previews, "a key press is sent at once");
  fire(element, "keydown", { ...props, key: "ArrowRight" });
  assert.equal(log.views.length, 2);
  await tick();
  assert.equal(log.commits.length, 1, "a burst of key presses is one history entry");
  fire(element, "keydown", { ...props, key: "0" });
  assert.equal(log.homes, 1);
  const other = fire(element, "keydown", { ...props, key: "a" });
  const modified = fire(element, "keydown", { ...props, key: "+", ctrlKey: true });
  assert.equal(other.defaultPrevented || modified.defaultPrevented, false);
  assert.equal(stopped, 3, "other keys and Ctrl+… pass on to the notebook");
  assert.notDeepEqual(log.previews[0], start);
});

test("a double-click goes home", () => {
  const { element, log } = setup();
  fire(element, "dblclick");
  assert.equal(log.homes, 1);
});

test("two pointers pinch: spreading them zooms around their midpoint", () => {
  const { element, log, start } = setup();
  fire(element, "pointerdown", { ...at(150, 100), pointerId: 1 });
  fire(element, "pointerdown", { ...at(250, 100), pointerId: 2 });
  fire(element, "pointermove", { ...at(100, 100), pointerId: 1 });
  fire(element, "pointermove", { ...at(300, 100), pointerId: 2 });
  const expected = zoomAt(start, plot, 200, 100, 2);
  const last = log.previews[log.previews.length - 1];
  for (const k of [0, 1]) {
    assert.ok(Math.abs(last.x[k] - expected.x[k]) < 1e-12);
    assert.ok(Math.abs(last.y[k] - expected.y[k]) < 1e-12);
  }
  fire(element, "pointerup", { ...at(100, 100), pointerId: 1 });
  assert.equal(log.commits.length, 0, "one finger still down: the gesture goes on as a pan");
  fire(element, "pointermove", { ...at(310, 100), pointerId: 2 });
  assert.deepEqual(log.previews[log.previews.length - 1], pan(last, plot, 10, 0));
  fire(element, "pointerup", { ...at(310, 100), pointerId: 2 });
  assert.equal(log.commits.length, 1);
});

test("aborting the signal releases every listener, the frame and the timer", async () => {
  const { element, parent, log, controller } = setup({ idleMs: 0 });
  fire(element, "wheel", { ...at(100, 50), deltaY: -100, deltaMode: 0 });
  fire(element, "pointerdown", { ...at(100, 100), shiftKey: false, pointerId: 3 });
  fire(element, "pointerup", { ...at(100, 100), pointerId: 3 });
  fire(element, "pointerdown", { ...at(100, 100), shiftKey: true });
  fire(element, "pointermove", at(200, 200));
  assert.equal(parent.children.length, 1);
  const counts = [log.previews.length, log.views.length, log.commits.length];
  fire(element, "wheel", { ...at(100, 50), deltaY: -100, deltaMode: 0 });
  controller.abort();
  assert.equal(frames.size, 0);
  assert.equal(parent.children.length, 0);
  assert.equal(element.captured.size, 0);
  fire(element, "pointermove", at(250, 250));
  fire(element, "pointerup", at(250, 250));
  const wheel = fire(element, "wheel", { ...at(100, 50), deltaY: -100, deltaMode: 0 });
  fire(element, "keydown", { key: "+" });
  fire(element, "dblclick");
  await tick();
  assert.equal(wheel.defaultPrevented, false);
  assert.deepEqual([log.previews.length, log.views.length, log.commits.length], counts);
  assert.equal(log.homes, 0);
});
