import assert from "node:assert/strict";
import { beforeEach, test } from "node:test";
import { cellDevice, deviceSplit, stepIndices } from "../lib/device_split.js";
import { LeafView } from "../lib/leaf_view.js";
import { installDom } from "./dom_env.js";

beforeEach(() => {
  installDom();
});

// What Python sends for jax.vmap(lambda x, w: x @ w, in_axes=(0, None)) on x of shape (4, 3)
// over 2 devices (describe_sharding(...).to_json(), checked against real jax in Python).
const SHARDING = {
  mesh_axis: "batch",
  devices: [0, 1],
  inputs: [
    {
      path: "x",
      shape: [4, 3],
      axis: 0,
      spec: ["batch"],
      shards: [
        [
          0,
          [
            [0, 2],
            [0, 3],
          ],
        ],
        [
          1,
          [
            [2, 4],
            [0, 3],
          ],
        ],
      ],
    },
    {
      path: "w",
      shape: [3],
      axis: null,
      spec: [],
      shards: [
        [0, [[0, 3]]],
        [1, [[0, 3]]],
      ],
    },
  ],
  outputs: [
    {
      path: "out",
      shape: [4],
      axis: 0,
      spec: ["batch"],
      shards: [
        [0, [[0, 2]]],
        [1, [[2, 4]]],
      ],
    },
  ],
  error: null,
  code: "",
};
const LEVELS = [{ index: "b", size: 4 }];
const DIAGRAM = { sharding: SHARDING, levels: LEVELS, error: null };

test("a split needs a sharding without error, one level and a batch that divides", () => {
  const split = /** @type {any} */ (deviceSplit(/** @type {any} */ (DIAGRAM)));
  assert.equal(split.count, 2);
  assert.equal(split.per, 2);
  assert.deepEqual(split.ids, [0, 1]);
  assert.deepEqual([...split.leaves.keys()], ["x", "w", "out"]);
  assert.deepEqual(stepIndices(split, 1), [1, 3]);
  assert.equal(deviceSplit(/** @type {any} */ ({ ...DIAGRAM, sharding: { ...SHARDING, error: "uneven" } })), null);
  assert.equal(deviceSplit(/** @type {any} */ ({ ...DIAGRAM, sharding: null })), null);
  assert.equal(deviceSplit(/** @type {any} */ ({ ...DIAGRAM, levels: [...LEVELS, ...LEVELS] })), null);
  assert.equal(deviceSplit(/** @type {any} */ ({ ...DIAGRAM, sharding: { ...SHARDING, devices: [0] } })), null);
});

test("a cell belongs to the shard that holds its first element; a replicated leaf to none", () => {
  const [x, w] = SHARDING.inputs;
  assert.equal(
    cellDevice(/** @type {any} */ (x), [
      [0, 1],
      [2, 3],
    ]),
    0,
  );
  assert.equal(
    cellDevice(/** @type {any} */ (x), [
      [3, 4],
      [0, 1],
    ]),
    1,
  );
  assert.equal(cellDevice(/** @type {any} */ (w), [[1, 2]]), null);
  assert.equal(cellDevice(undefined, [[0, 1]]), null);
});

/** The state of each cell of `view`, row by row, as "state@device". */
const states = (/** @type {LeafView} */ view) =>
  view.cellEls.map(({ el }) => `${el.dataset.state}@${el.dataset.device ?? "-"}`);

test("painted side by side: step t lights call t on device 0 and call 2 + t on device 1", () => {
  const split = deviceSplit(/** @type {any} */ (DIAGRAM));
  const x = new LeafView({ path: "x", shape: [4, 3], dtype: "float32", values: null, axes: [0] }, "input", false);
  x.update({ path: "x", shape: [4, 3], dtype: "float32", values: null, axes: [0] }, LEVELS);
  x.setDevices(split);
  x.paint([1]);
  // Rows 1 and 3 are read now (one per device); rows 0-1 sit on device 0, rows 2-3 on device 1.
  const rows = states(x)
    .map((s, k) => (k % 3 === 0 ? s : null))
    .filter(Boolean);
  assert.deepEqual(rows, ["idle@0", "active@0", "idle@1", "active@1"]);
  assert.match(x.cellEls[6].el.title, /on device 1$/);
  const out = new LeafView({ path: "out", shape: [4], dtype: "float32", values: null, axes: [0] }, "output", false);
  out.update({ path: "out", shape: [4], dtype: "float32", values: null, axes: [0] }, LEVELS);
  out.setDevices(split);
  out.paint([1]);
  assert.deepEqual(states(out), ["done@0", "current@0", "done@1", "current@1"]);
  out.paint([0]);
  assert.deepEqual(states(out), ["current@0", "pending@0", "current@1", "pending@1"]);
  out.setDevices(null); // back to one device: one call at a time, no tint
  out.paint([1]);
  assert.deepEqual(states(out), ["done@-", "current@-", "pending@-", "pending@-"]);
});
