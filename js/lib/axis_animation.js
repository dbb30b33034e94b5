// Pure state of the AxisExplorer animation: which call of the batch is shown, and whether it
// plays. Calls are numbered 0 … total−1 in row-major order of the vmap levels.

export const SPEEDS = [0.5, 1, 2, 4];
/** Milliseconds per call at speed 1. */
export const BASE_INTERVAL_MS = 900;

/**
 * @typedef {{ step: number, total: number, playing: boolean, speed: number }} AnimationState
 * @typedef {{ type: string, speed?: number, total?: number }} Action
 */

/**
 * The starting state for a batch of `total` calls.
 *
 * @param {number} total
 * @returns {AnimationState}
 */
export function initialState(total) {
  return { step: 0, total: Math.max(0, total), playing: false, speed: 1 };
}

/**
 * @param {number} step
 * @param {number} total
 */
const clampStep = (step, total) => Math.min(Math.max(0, step), Math.max(0, total - 1));

/**
 * The next state after `action`: {type: "play" | "pause" | "toggle" | "next" | "prev" |
 * "first" | "last" | "tick"}, {type: "speed", speed}, or {type: "total", total} (a new plan).
 *
 * @param {AnimationState} state
 * @param {Action} action
 * @returns {AnimationState}
 */
export function reduce(state, action) {
  const last = Math.max(0, state.total - 1);
  switch (action.type) {
    case "play":
      if (state.total === 0) return state;
      return { ...state, playing: true, step: state.step >= last ? 0 : state.step };
    case "pause":
      return { ...state, playing: false };
    case "toggle":
      return reduce(state, { type: state.playing ? "pause" : "play" });
    case "next":
      return { ...state, playing: false, step: clampStep(state.step + 1, state.total) };
    case "prev":
      return { ...state, playing: false, step: clampStep(state.step - 1, state.total) };
    case "first":
      return { ...state, playing: false, step: 0 };
    case "last":
      return { ...state, playing: false, step: last };
    case "tick": {
      if (!state.playing) return state;
      const step = clampStep(state.step + 1, state.total);
      return { ...state, step, playing: step < last };
    }
    case "speed":
      return action.speed !== undefined && SPEEDS.includes(action.speed) ? { ...state, speed: action.speed } : state;
    case "total": {
      const total = Math.max(0, action.total ?? 0);
      return { ...state, total, step: clampStep(state.step, total), playing: state.playing && total > 0 };
    }
    default:
      return state;
  }
}

/**
 * The batch index of every level at call number `step` (sizes listed outermost first).
 *
 * @param {number} step
 * @param {number[]} sizes
 * @returns {number[]}
 */
export function levelIndices(step, sizes) {
  const indices = new Array(sizes.length).fill(0);
  let rest = step;
  for (let k = sizes.length - 1; k >= 0; k--) {
    indices[k] = sizes[k] > 0 ? rest % sizes[k] : 0;
    rest = sizes[k] > 0 ? Math.floor(rest / sizes[k]) : 0;
  }
  return indices;
}

/**
 * Number of calls the levels make together.
 *
 * @param {number[]} sizes
 */
export function totalCalls(sizes) {
  return sizes.length === 0 ? 0 : sizes.reduce((a, b) => a * b, 1);
}

/**
 * Milliseconds between calls at `speed`.
 *
 * @param {number} speed
 */
export function intervalMs(speed) {
  return BASE_INTERVAL_MS / speed;
}
