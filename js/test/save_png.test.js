// Save PNG asks Python for a sharper frame and then for the view's own size again; a view
// closed meanwhile must not register itself with Python again (it once did, when the
// sharp-frame timeout fired after the view had gone).
import assert from "node:assert/strict";
import { test } from "node:test";
import { gridLink } from "../lib/grid_link.js";
import { isSharp, SHARP_FRAME_TIMEOUT_MS, sharpFrame } from "../lib/save_png.js";

/** A frame of an nx × ny grid sent as sx × sy. */
const frame = (nx, ny, sx = nx, sy = ny) => ({ meta: { id: 1, nx, ny, sx, sy }, arrays: {} });

/** The part of a figure sharpFrame uses: the frame drawn and its "drawn" listeners. */
function fakeFigure(drawn) {
  const listeners = new Set();
  return {
    frame: drawn,
    onDrawn(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    draw(next) {
      this.frame = next;
      for (const listener of listeners) listener(next);
    },
  };
}

function view() {
  const sent = [];
  const lifetime = new AbortController();
  const model = { send: (/** @type {any} */ m) => sent.push(m) };
  const link = gridLink(model, { vid: "v1", pixels: [416, 362], signal: lifetime.signal });
  return { sent, lifetime, link };
}

/** A view showing a 1000² grid sampled to its plot, waiting for a frame sharp enough for a PNG. */
function waitForSharp() {
  const { sent, link, lifetime } = view();
  const figure = fakeFigure(frame(1000, 1000, 416, 362));
  const done = sharpFrame(/** @type {any} */ (figure), [832, 724], {
    want: link.wantPixels,
    timeoutMs: SHARP_FRAME_TIMEOUT_MS,
    signal: lifetime.signal,
  });
  return { sent, lifetime, figure, done };
}

test("a frame is sharp when it holds the pixels asked for, or the whole grid", () => {
  assert.equal(isSharp(frame(1000, 1000, 416, 362), [832, 724]), false);
  assert.equal(isSharp(frame(1000, 1000, 832, 724), [832, 724]), true);
  assert.equal(isSharp(frame(64, 64), [832, 724]), true);
});

test("the link registers the view, and unregisters it once when the view goes", () => {
  const { sent, lifetime, link } = view();
  assert.deepEqual(sent, [{ type: "view", vid: "v1", pixels: [416, 362] }]);
  lifetime.abort();
  link.wantPixels([832, 724]);
  link.request({ resolution: 8 });
  assert.deepEqual(sent.at(-1), { type: "view", vid: "v1", pixels: null });
  assert.equal(sent.length, 2);
});

test("a sharp frame arriving ends the wait and restores the view's own size", async () => {
  const { sent, lifetime, figure, done } = waitForSharp();
  assert.deepEqual(sent.at(-1).pixels, [832, 724]);
  figure.draw(frame(1000, 1000, 832, 724));
  await done;
  assert.deepEqual(sent.at(-1).pixels, [416, 362]);
  lifetime.abort();
});

test("a view closed while Save PNG waits is not registered again by the timeout", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { sent, lifetime, done } = waitForSharp();
  lifetime.abort();
  t.mock.timers.tick(SHARP_FRAME_TIMEOUT_MS * 2);
  await done;
  assert.deepEqual(sent.at(-1), { type: "view", vid: "v1", pixels: null }, "the view stays closed");
  assert.deepEqual(
    sent.map((m) => m.pixels),
    [[416, 362], [832, 724], null],
  );
});

test("without a kernel the wait ends after the timeout with what is drawn", async (t) => {
  t.mock.timers.enable({ apis: ["setTimeout"] });
  const { sent, done } = waitForSharp();
  t.mock.timers.tick(SHARP_FRAME_TIMEOUT_MS);
  await done;
  assert.deepEqual(sent.at(-1).pixels, [416, 362]);
});

test("replies: a _status for this view releases its request; others' do not", () => {
  const { sent, link } = view();
  link.request({ resolution: 8 });
  link.request({ resolution: 16 });
  assert.equal(link.acknowledge({ vid: "v2", seq: 1, kernel_ms: 0, compiles: 0, frames: 0 }), false);
  assert.equal(sent.length, 2);
  assert.equal(link.acknowledge({ vid: "v1", seq: 1, kernel_ms: 0, compiles: 0, frames: 0 }), true);
  assert.deepEqual(sent.at(-1), { type: "request", vid: "v1", resolution: 16, seq: 2 });
});
