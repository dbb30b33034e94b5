// AxisExplorer with devices > 1: the batch of one vmap split over N devices, as Python's
// describe_sharding says (the diagram's `sharding`). Device k of N holds the k-th of N equal
// slices of every batch axis and makes those calls; all devices run side by side, so the
// animation has batch / N steps and step t shows call k·(batch / N) + t on every device k.
// This module is the arithmetic; leaf_view.js tints and paints the cells with it.

/**
 * @typedef {[number, [number, number][]]} Shard  [device id, [start, stop] per dimension]
 * @typedef {{ path: string, shape: number[], axis: number | null, shards: Shard[] }} ShardedLeaf
 * @typedef {{
 *   mesh_axis: string, devices: number[], inputs: ShardedLeaf[], outputs: ShardedLeaf[],
 *   error: string | null, code: string,
 * }} Sharding  what Python's ShardingPlan.to_json() sends
 * @typedef {{ count: number, per: number, ids: number[], leaves: Map<string, ShardedLeaf> }} Split
 */

/**
 * The split a diagram shows, or null: no sharding, an error, one device, or not one level.
 *
 * @param {{ sharding?: Sharding | null, levels?: { size: number }[], error?: string | null }} d
 * @returns {Split | null}
 */
export function deviceSplit(d) {
  const sharding = d.sharding;
  const levels = d.levels ?? [];
  if (!sharding || sharding.error || d.error || levels.length !== 1) return null;
  const count = sharding.devices.length;
  const size = levels[0].size;
  if (count < 2 || size % count !== 0) return null;
  const leaves = new Map();
  for (const leaf of [...sharding.inputs, ...sharding.outputs]) leaves.set(leaf.path, leaf);
  return { count, per: size / count, ids: sharding.devices, leaves };
}

/**
 * Which shard of `leaf` (its place in mesh order, 0 … N-1) holds the cell covering
 * `ranges`, or null when every device holds the whole array (replicated) or none holds the
 * cell's first element.
 *
 * @param {ShardedLeaf | undefined} leaf
 * @param {[number, number][]} ranges
 * @returns {number | null}
 */
export function cellDevice(leaf, ranges) {
  if (!leaf || leaf.shards.length === 0) return null;
  const { shape, shards } = leaf;
  const whole = (/** @type {Shard} */ [, index]) =>
    index.every(([start, stop], axis) => start === 0 && stop === shape[axis]);
  if (shards.every(whole)) return null;
  const k = shards.findIndex(([, index]) =>
    index.every(([start, stop], axis) => start <= ranges[axis][0] && ranges[axis][0] < stop),
  );
  return k < 0 ? null : k;
}

/**
 * The batch index device `k` works on at animation step `step`.
 *
 * @param {Split} split
 * @param {number} k
 * @param {number} step
 */
export function deviceIndex(split, k, step) {
  return k * split.per + step;
}

/**
 * The batch indices all devices work on at `step`, in mesh order.
 *
 * @param {Split} split
 * @param {number} step
 */
export function stepIndices(split, step) {
  return Array.from({ length: split.count }, (_, k) => deviceIndex(split, k, step));
}
