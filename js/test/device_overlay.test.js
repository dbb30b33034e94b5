import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { deviceRects, deviceToggle, isDeviceLayout } from "../lib/device_overlay.js";
import { installDom } from "./dom_env.js";

beforeEach(() => {
  installDom();
});

// What Python sends for a 2 × 2 mesh over a 6 × 4 grid (x's rows over mesh axis 0, y's over 1).
const TWO_BY_TWO = {
  n: [6, 4],
  devices: 4,
  blocks: [
    [0, 0, 3, 0, 2],
    [1, 0, 3, 2, 4],
    [2, 3, 6, 0, 2],
    [3, 3, 6, 2, 4],
  ],
};

test("blocks become plot rectangles: x to the right, the grid's first y row at the bottom", () => {
  const rects = deviceRects(/** @type {any} */ (TWO_BY_TWO), 600, 400);
  assert.deepEqual(rects, [
    { device: 0, x: 0, y: 200, width: 300, height: 200 },
    { device: 1, x: 0, y: 0, width: 300, height: 200 },
    { device: 2, x: 300, y: 200, width: 300, height: 200 },
    { device: 3, x: 300, y: 0, width: 300, height: 200 },
  ]);
  const area = rects.reduce((sum, r) => sum + r.width * r.height, 0);
  assert.equal(area, 600 * 400); // the blocks tile the plot
});

test("only a well-formed layout is drawn", () => {
  assert.equal(isDeviceLayout(TWO_BY_TWO), true);
  for (const bad of [null, {}, "x", { n: [0, 4], blocks: [] }, { n: [4], blocks: [] }, { n: [4, 4] }]) {
    assert.equal(isDeviceLayout(bad), false, JSON.stringify(bad));
  }
});

/** A model of the two traits the button reads and writes. */
function model(state) {
  const saved = [];
  return {
    saved,
    get: (/** @type {string} */ name) => state[name],
    set: (/** @type {string} */ name, /** @type {unknown} */ value) => {
      state[name] = value;
    },
    save_changes: () => saved.push(state.show_devices),
  };
}

test("the Devices button shows with several devices and switches show_devices", () => {
  const lifetime = new AbortController();
  const m = model({ show_devices: false, _device_layout: TWO_BY_TWO });
  const { button } = deviceToggle(m, { signal: lifetime.signal });
  assert.equal(button.hidden, false);
  assert.equal(button.getAttribute("aria-pressed"), "false");
  assert.match(button.title, /each of the 4 devices/);
  button.click();
  assert.deepEqual(m.saved, [true]);
  assert.equal(button.getAttribute("aria-pressed"), "true");
  button.click();
  assert.deepEqual(m.saved, [true, false]);
  lifetime.abort();
  button.click(); // a closed view no longer writes
  assert.deepEqual(m.saved, [true, false]);
});

test("with one device the button hides, unless the overlay is already on", () => {
  const lifetime = new AbortController();
  const one = { n: [8, 8], devices: 1, blocks: [[0, 0, 8, 0, 8]] };
  const off = deviceToggle(model({ show_devices: false, _device_layout: one }), { signal: lifetime.signal });
  assert.equal(off.button.hidden, true);
  const on = deviceToggle(model({ show_devices: true, _device_layout: one }), { signal: lifetime.signal });
  assert.equal(on.button.hidden, false);
  const garbage = deviceToggle(model({ show_devices: false, _device_layout: "junk" }), { signal: lifetime.signal });
  assert.equal(garbage.button.hidden, true);
});
