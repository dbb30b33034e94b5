import assert from "node:assert/strict";
import { test } from "node:test";
import { CONSTANTS } from "../lib/constants.js";
import { figureLayout, figureSize, TITLE_ROOM } from "../lib/grid_draw.js";

const { margin } = CONSTANTS.figure;

test("the default figure is 560 × 420 with a 416 × 362 plot; a title takes room above it", () => {
  const plain = figureLayout();
  assert.deepEqual([plain.width, plain.height, plain.plot.width, plain.plot.height], [560, 420, 416, 362]);
  const titled = figureLayout(560, 420, { title: true });
  assert.equal(titled.plot.y, margin.top + TITLE_ROOM);
  assert.equal(titled.plot.height, 362 - TITLE_ROOM);
  assert.equal(titled.height, 420);
  assert.equal(titled.bar.height, titled.plot.height);
});

test("an equal aspect makes a unit of x as long as a unit of y, and the figure shrinks with it", () => {
  const square = figureLayout(560, 420, { equal: [2, 2] });
  assert.equal(square.plot.width, square.plot.height);
  assert.equal(square.plot.height, 362);
  assert.equal(square.width, margin.left + 362 + margin.right);
  assert.equal(square.bar.x, square.plot.x + 362 + 18);
  const wide = figureLayout(560, 420, { equal: [10, 1] });
  assert.equal(wide.plot.width, 416);
  assert.equal(wide.plot.height, Math.round(416 / 10));
  assert.equal(wide.height, wide.plot.y + wide.plot.height + margin.bottom);
  // Degenerate spans leave the box as it is.
  assert.deepEqual(figureLayout(560, 420, { equal: [0, 1] }), figureLayout());
  assert.deepEqual(figureLayout(560, 420, { equal: [1, Number.NaN] }), figureLayout());
});

test("without a size the figure takes the default width, or the container's where narrower", () => {
  assert.deepEqual(figureSize(null, null, 0), [560, 420]);
  assert.deepEqual(figureSize(null, null, 1400), [560, 420]);
  assert.deepEqual(figureSize(null, null, 320.7), [320, 240]);
  assert.deepEqual(figureSize(null, null, 90), [200, 150]);
  assert.deepEqual(figureSize(900, null, 320), [900, 675]);
  assert.deepEqual(figureSize(null, 300, 1400), [560, 300]);
  assert.deepEqual(figureSize(1200, 800, 10), [1200, 800]);
});
