import assert from "node:assert/strict";
import { test } from "node:test";
import { initialState, reduce } from "../lib/axis_animation.js";
import {
  axisNameText,
  collectiveLabel,
  collectiveStep,
  momentAt,
  momentText,
  totalSteps,
} from "../lib/collective_timeline.js";

const psum = { level: 0, name: "psum", axis_names: ["i"], out_shapes: [[]], params: {}, step: 1 };
const gather = { level: 0, name: "all_gather", axis_names: ["i"], out_shapes: [[3]], params: {}, step: 2 };

test("without collectives every step is one call, as before", () => {
  assert.equal(totalSteps([3], []), 3);
  assert.deepEqual(momentAt(2, [3], []), { kind: "call", call: 2, indices: [2], part: 0, parts: 1 });
  assert.equal(momentText(momentAt(0, [3], []), 3, []), "call 1 of 3");
  assert.equal(totalSteps([], [psum]), 0, "no calls, no steps");
});

test("every call runs up to the collective, the collective runs once, then every call again", () => {
  const kinds = Array.from({ length: totalSteps([3], [psum]) }, (_, s) => momentAt(s, [3], [psum]));
  assert.deepEqual(
    kinds.map((m) => (m.kind === "call" ? `${m.part}:${m.call}` : "psum")),
    ["0:0", "0:1", "0:2", "psum", "1:0", "1:1", "1:2"],
  );
  assert.equal(collectiveStep(0, [3]), 3);
  assert.equal(momentText(kinds[1], 3, [psum]), "call 2 of 3 · until psum over 'i'");
  assert.equal(momentText(kinds[3], 3, [psum]), "psum over 'i' · all calls at once");
  assert.equal(momentText(kinds[6], 3, [psum]), "call 3 of 3 · after psum over 'i'");
});

test("two collectives make three parts; in a nest a call is one pair of indices", () => {
  const sizes = [2, 3];
  assert.equal(totalSteps(sizes, [psum, gather]), 6 * 3 + 2);
  const second = momentAt(collectiveStep(1, sizes), sizes, [psum, gather]);
  assert.equal(second.kind === "collective" && second.collective.name, "all_gather");
  assert.deepEqual(momentAt(7 + 4, sizes, [psum, gather]), {
    kind: "call",
    call: 4,
    indices: [1, 1],
    part: 1,
    parts: 3,
  });
  assert.equal(
    momentText(momentAt(8, sizes, [psum, gather]), 6, [psum, gather]),
    "call 2 of 6 · until all_gather over 'i'",
  );
});

test("the player reaches the collective step and stops at the last", () => {
  let s = reduce(initialState(totalSteps([2], [psum])), { type: "last" });
  assert.equal(s.step, 4);
  s = reduce(s, { type: "first" });
  for (let k = 0; k < collectiveStep(0, [2]); k++) s = reduce(s, { type: "next" });
  assert.equal(momentAt(s.step, [2], [psum]).kind, "collective");
});

test("labels quote string axis names as Python prints them", () => {
  assert.equal(axisNameText("i"), "'i'");
  assert.equal(axisNameText(3), "3");
  assert.equal(collectiveLabel({ name: "psum", axis_names: ["i", "j"] }), "psum over 'i', 'j'");
});
