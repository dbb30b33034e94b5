import assert from "node:assert/strict";
import { test } from "node:test";
import { axisLabel, dimensionChips, formatShape, inputSummaries, outputSummaries } from "../lib/shapes.js";

test("formatShape writes Python tuple syntax", () => {
  assert.equal(formatShape([3, 1]), "(3, 1)");
  assert.equal(formatShape([3]), "(3,)");
  assert.equal(formatShape([]), "()");
  assert.equal(formatShape(null), "?");
});

test("dimensionChips marks exactly the batch axis", () => {
  assert.deepEqual(dimensionChips([1, 3], 1), [
    { size: 1, axis: 0, batch: false },
    { size: 3, axis: 1, batch: true },
  ]);
  assert.ok(dimensionChips([2, 2], null).every((c) => !c.batch));
});

test("axisLabel names axis and size, or says the input is passed whole", () => {
  assert.equal(axisLabel(1, 3), "batch · axis 1 · size 3");
  assert.equal(axisLabel(null, null), "passed whole (None)");
});

const tutorialPlan = {
  batch_size: 3,
  error_args: [],
  inputs: [
    { arg_index: 0, path: "x", shape: [1, 3], example_shape: [1], axis: 1 },
    { arg_index: 1, path: "y", shape: [3, 1], example_shape: [1], axis: 0 },
  ],
  outputs: [{ path: "out", shape: [1, 3], example_shape: [1], axis: 1 }],
};

test("inputSummaries labels each input of the tutorial's (1, 0) example", () => {
  const [x, y] = inputSummaries(tutorialPlan);
  assert.equal(x.label, "batch · axis 1 · size 3");
  assert.equal(y.label, "batch · axis 0 · size 3");
  assert.equal(x.exampleShape, "(1,)");
  assert.equal(x.atFault, false);
});

test("inputSummaries flags the argument at fault", () => {
  const plan = { ...tutorialPlan, error: "sizes differ", error_args: [1] };
  assert.deepEqual(
    inputSummaries(plan).map((s) => s.atFault),
    [false, true],
  );
});

test("outputSummaries puts the batch where out_axes says", () => {
  const [out] = outputSummaries(tutorialPlan);
  assert.equal(out.shape, "(1, 3)");
  assert.equal(out.label, "batch · axis 1 · size 3");
  const unbatched = outputSummaries({
    ...tutorialPlan,
    outputs: [{ path: "out", shape: [2], example_shape: [2], axis: null }],
  });
  assert.equal(unbatched[0].label, "not batched (out_axes None)");
});

test("inputs left unchecked beside an error are not called un-mapped", () => {
  const plan = {
    error: "bad axis",
    error_args: [0],
    inputs: [{ arg_index: 0, path: "x", shape: [1, 3], example_shape: null, axis: null }],
  };
  assert.equal(inputSummaries(plan)[0].label, "not checked (see the error)");
});
