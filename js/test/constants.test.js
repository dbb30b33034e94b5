// The tables the browser draws with agree with constants.json, which Python reads too.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";
import { COLORMAP_NAMES, colormap } from "../lib/colormaps.js";
import { CONSTANTS, NONFINITE_VALUES } from "../lib/constants.js";
import { figureLayout } from "../lib/grid_draw.js";
import { LEVELS, NONFINITE } from "../lib/grid_render.js";

const file = JSON.parse(readFileSync(new URL("../../src/vmapwidget/constants.json", import.meta.url), "utf8"));

test("constants.js is constants.json", () => {
  assert.deepEqual(CONSTANTS, file);
});

test("the colour map tables are the colour maps Python offers, with their entries", () => {
  assert.deepEqual(COLORMAP_NAMES, file.colormaps);
  for (const name of file.colormaps) {
    assert.equal(colormap(name).pixels.length, file.colormap_entries, name);
    assert.equal(colormap(name).rgb.length, 3 * file.colormap_entries, name);
  }
});

test("the figure's plot is the size Python derives frames from (FIGURE_PLOT)", () => {
  const { width, height, margin } = file.figure;
  const { plot } = figureLayout();
  assert.deepEqual(
    [plot.width, plot.height],
    [width - margin.left - margin.right, height - margin.top - margin.bottom],
  );
  assert.deepEqual([plot.width, plot.height], [416, 362]);
  assert.deepEqual([plot.x, plot.y], [margin.left, margin.top]);
});

test("the encodings the frontend decodes are the wire encodings", () => {
  assert.deepEqual([...Object.keys(LEVELS), "float32"].sort(), [...file.encodings].sort());
  assert.equal(LEVELS.uint16.quanta, file.uint16_quanta);
  assert.equal(LEVELS.uint16.quanta >> LEVELS.uint16.shift, file.colormap_entries);
  assert.equal(LEVELS.uint8.quanta >> LEVELS.uint8.shift, file.colormap_entries);
});

test("non-finite codes: 0 finite, 1 NaN, 2 +inf, 3 -inf, 4 at or below 0 (log norm)", () => {
  const codes = file.nonfinite_codes;
  assert.equal(NONFINITE, NONFINITE_VALUES);
  assert.equal(NONFINITE[codes.finite], 0);
  assert.ok(Number.isNaN(NONFINITE[codes.nan]));
  assert.equal(NONFINITE[codes.posinf], Number.POSITIVE_INFINITY);
  assert.equal(NONFINITE[codes.neginf], Number.NEGATIVE_INFINITY);
  assert.ok(Number.isNaN(NONFINITE[codes.nonpositive]));
  assert.deepEqual(NONFINITE, [0, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NaN]);
});
