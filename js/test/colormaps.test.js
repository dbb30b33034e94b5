import assert from "node:assert/strict";
import { test } from "node:test";
import { banded, bandIndex, COLORMAP_NAMES, colormap, cssColour, packRGBA, parseColour } from "../lib/colormaps.js";

test("every colour map has 256 entries and a bad colour absent from the map", () => {
  const maps = ["viridis", "plasma", "magma", "cividis", "coolwarm", "gray", "turbo", "twilight", "RdBu"];
  assert.deepEqual(COLORMAP_NAMES, [...maps, ...maps.map((name) => `${name}_r`)]);
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

test("a name ending in _r is its map reversed, with the same bad colour", () => {
  for (const name of ["viridis", "turbo", "twilight", "RdBu"]) {
    const map = colormap(name);
    const reversed = colormap(`${name}_r`);
    assert.equal(reversed.name, `${name}_r`);
    for (const i of [0, 1, 127, 200, 255]) assert.equal(cssColour(reversed, i), cssColour(map, 255 - i));
    assert.equal(reversed.badCss, map.badCss);
  }
  assert.equal(colormap("nope_r").name, "viridis");
});

test("the new maps match matplotlib at their ends and middle", () => {
  assert.equal(cssColour(colormap("turbo"), 0), "rgb(48, 18, 59)");
  assert.equal(cssColour(colormap("RdBu"), 0), "rgb(103, 0, 31)");
  assert.equal(cssColour(colormap("RdBu"), 255), "rgb(5, 48, 97)");
  // twilight is cyclic: its two ends are (nearly) the same colour
  const t = colormap("twilight");
  assert.ok(Math.abs(t.rgb[0] - t.rgb[765]) < 8 && Math.abs(t.rgb[2] - t.rgb[767]) < 8);
});

test("levels draw the map in equal bands whose colours span the whole map", () => {
  const map = colormap("viridis");
  const four = banded(map, 4);
  assert.equal(banded(map, null), map);
  assert.equal(banded(map, 4), four);
  // Index i is in band floor(i * 4 / 256); band b has the map's colour at b / 3.
  const expected = [0, 85, 170, 255];
  for (let i = 0; i < 256; i++) assert.equal(four.pixels[i], map.pixels[expected[Math.floor(i / 64)]]);
  assert.equal(new Set(four.pixels).size, 4);
  assert.equal(four.bad, map.bad);
  assert.deepEqual(Array.from(four.rgb.subarray(0, 3)), Array.from(map.rgb.subarray(0, 3)));
  assert.equal(new Set(banded(map, 256).pixels).size, new Set(map.pixels).size);
  assert.equal(bandIndex(85, 3), 0);
  assert.equal(bandIndex(86, 3), 128);
  assert.equal(bandIndex(255, 3), 255);
});
