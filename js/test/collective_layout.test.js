import assert from "node:assert/strict";
import { test } from "node:test";
import { arrowHead, BOX, flowLayout, flowOf, MAX_BOXES, permPairs } from "../lib/collective_layout.js";

test("a reduction takes every call's value in and sends the result to every call", () => {
  const l = flowLayout("psum", 4);
  assert.equal(l.flow, "reduce");
  assert.equal(l.sources.length, 4);
  assert.equal(l.targets.length, 4);
  assert.ok(l.node);
  assert.deepEqual(
    l.links.map((k) => k.phase),
    ["in", "in", "in", "in", "out", "out", "out", "out"],
  );
  for (const k of l.links.filter((k) => k.phase === "in")) assert.equal(k.to[1], l.node.y);
  for (const k of l.links.filter((k) => k.phase === "out")) assert.equal(k.from[1], l.node.y + l.node.h);
  assert.ok(
    l.targets.every((t) => t.y > l.node.y + l.node.h),
    "results below the node",
  );
});

test("all_gather flows through its node; axis_index draws only the receiving calls", () => {
  assert.equal(flowOf("all_gather"), "gather");
  assert.equal(flowLayout("all_gather", 3).links.length, 6);
  const index = flowLayout("axis_index", 3);
  assert.deepEqual([index.sources.length, index.node, index.links.length, index.targets.length], [0, null, 0, 3]);
  assert.equal(index.height, BOX.h);
});

test("ppermute joins each source to its destination, no node", () => {
  assert.deepEqual(permPairs("((0, 1), (1, 2), (2, 0))"), [
    [0, 1],
    [1, 2],
    [2, 0],
  ]);
  const l = flowLayout("ppermute", 3, permPairs("((0, 1), (1, 2), (2, 0))"));
  assert.equal(l.node, null);
  assert.deepEqual(
    l.links.map((k) => [k.from[0], k.to[0]]),
    [
      [l.sources[0].x + BOX.w / 2, l.targets[1].x + BOX.w / 2],
      [l.sources[1].x + BOX.w / 2, l.targets[2].x + BOX.w / 2],
      [l.sources[2].x + BOX.w / 2, l.targets[0].x + BOX.w / 2],
    ],
  );
});

test("many calls are drawn in bins; the node is wide enough for its label and centred", () => {
  const l = flowLayout("pmax", 100, [], 40);
  assert.equal(l.sources.length, MAX_BOXES);
  assert.deepEqual(l.ranges[0], [0, 12]);
  const narrow = flowLayout("all_gather", 2, [], 19);
  assert.ok(narrow.node && narrow.node.w >= 19 * 7 && narrow.width >= narrow.node.w);
  const mid = narrow.width / 2;
  assert.equal((narrow.sources[0].x + narrow.sources[1].x + BOX.w) / 2, mid, "rows centred under the node");
});

test("an arrowhead ends at the point it points to", () => {
  const [tip, ...base] = arrowHead([0, 0], [0, 10]).split(" ");
  assert.equal(tip, "0,10");
  assert.ok(base.every((p) => Number(p.split(",")[1]) < 10));
});
