// Pure helpers that turn the plan description sent by Python into display text.

/**
 * @typedef {{ path: string, shape: number[], example_shape: number[] | null, axis: number | null, arg_index?: number }} PlanLeaf
 * @typedef {{
 *   inputs?: PlanLeaf[], outputs?: PlanLeaf[], error_args?: number[], batch_size?: number | null,
 *   error?: string | null, jax_code?: string,
 * }} Plan  a VmapPlan as PlanView receives it
 * @typedef {{ size: number, axis: number, batch: boolean }} Chip
 */

/**
 * "(3, 1)" for [3, 1]; "()" for a scalar.
 *
 * @param {number[] | null | undefined} shape
 */
export function formatShape(shape) {
  if (shape === null || shape === undefined) return "?";
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(", ")})`;
}

/**
 * Split a shape into dimension chips, marking the batch axis.
 * Returns [{size, axis, batch}] with one entry per dimension.
 */
/**
 * @param {number[] | null | undefined} shape
 * @param {number | null} batchAxis
 * @returns {Chip[]}
 */
export function dimensionChips(shape, batchAxis) {
  return (shape ?? []).map((size, axis) => ({ size, axis, batch: axis === batchAxis }));
}

/** "batch · axis 1 · size 3", or "passed whole" for an un-mapped input. */
/**
 * @param {number | null | undefined} axis
 * @param {number | null | undefined} size
 */
export function axisLabel(axis, size) {
  if (axis === null || axis === undefined) return "passed whole (None)";
  return `batch · axis ${axis} · size ${size}`;
}

/**
 * The label of every input leaf of a plan, in order.
 *
 * @param {Plan} plan
 */
export function inputSummaries(plan) {
  return (plan.inputs ?? []).map((leaf) => ({
    path: leaf.path,
    shape: formatShape(leaf.shape),
    exampleShape: formatShape(leaf.example_shape),
    label:
      leaf.example_shape === null
        ? "not checked (see the error)"
        : axisLabel(leaf.axis, leaf.axis === null ? null : leaf.shape[leaf.axis]),
    atFault: leaf.arg_index !== undefined && (plan.error_args ?? []).includes(leaf.arg_index),
    chips: dimensionChips(leaf.shape, leaf.axis),
  }));
}

/**
 * The label of every output leaf of a plan, in order.
 *
 * @param {Plan} plan
 */
export function outputSummaries(plan) {
  return (plan.outputs ?? []).map((leaf) => ({
    path: leaf.path,
    shape: formatShape(leaf.shape),
    exampleShape: formatShape(leaf.example_shape),
    label: leaf.axis === null ? "not batched (out_axes None)" : axisLabel(leaf.axis, plan.batch_size),
    chips: dimensionChips(leaf.shape, leaf.axis),
  }));
}
