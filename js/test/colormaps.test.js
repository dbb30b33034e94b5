import assert from "node:assert/strict";
import { test } from "node:test";
import { COLORMAP_NAMES, colormap, cssColour, packRGBA, parseColour } from "../lib/colormaps.js";

test("every colour map has 256 entries and a bad colour absent from the map", () => {
  assert.deepEqual(COLORMAP_NAMES, ["viridis", "plasma", "magma", "cividis", "coolwarm", "gray"]);
  for (const name of COLORMAP_NAMES) {
    const map = colormap(name);
    assert.equal(map.rgb.length, 768);
    assert.equal(map.pixels.length, 256);
    assert.ok(!map.pixels.includes(map.bad), name);
  }
});

test("viridis matches matplotlib at its ends", () => {
  const map = colormap("viridis");
  assert.equal(cssColour(map, 0), "rgb(68, 1, 84)");
  assert.equal(cssColour(map, 255), "rgb(253, 231, 37)");
  assert.equal(cssColour(map, 999), "rgb(253, 231, 37)");
});

test("pixels are packed little-endian RGBA with opaque alpha", () => {
  assert.equal(packRGBA(1, 2, 3), 0xff030201);
  assert.deepEqual(parseColour("#ff8000"), [255, 128, 0]);
  assert.equal(colormap("no such map").name, "viridis");
});
