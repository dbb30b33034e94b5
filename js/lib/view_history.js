// GridExplorer's Back/Forward: a bounded history of the views the user settled on (one entry
// per finished gesture, not per animation frame), like a browser's: going somewhere new
// drops the forward part.
import { sameView } from "./view_transform.js";

/** @typedef {import("./view_transform.js").View} View */

/** How many views a history keeps; older ones are dropped (home stays reachable). */
export const HISTORY_LIMIT = 100;

/**
 * @param {View} view
 * @returns {View}
 */
function copied(view) {
  return { x: [view.x[0], view.x[1]], y: [view.y[0], view.y[1]] };
}

/**
 * A history starting at `initial`, which is also home. Every method that moves returns the
 * view moved to (a copy), or null when it cannot move (or, for push, when `view` is the
 * current view already).
 *
 * @param {View} initial
 * @param {number} [limit]
 */
export function viewHistory(initial, limit = HISTORY_LIMIT) {
  const homeView = copied(initial);
  /** @type {View[]} */
  let entries = [copied(initial)];
  let index = 0;
  const bound = Math.max(1, Math.floor(limit));

  /**
   * Go to `view`: it becomes the current entry and the forward part is dropped.
   *
   * @param {View} view
   * @returns {View | null}
   */
  function push(view) {
    if (sameView(view, entries[index])) return null;
    entries = entries.slice(0, index + 1);
    entries.push(copied(view));
    if (entries.length > bound) entries = entries.slice(entries.length - bound);
    index = entries.length - 1;
    return copied(view);
  }

  return {
    push,
    /** @returns {View | null} */
    back() {
      if (index === 0) return null;
      index -= 1;
      return copied(entries[index]);
    },
    /** @returns {View | null} */
    forward() {
      if (index === entries.length - 1) return null;
      index += 1;
      return copied(entries[index]);
    },
    /**
     * Go to the first view (pushed, so Back returns to where the user was); null when the
     * current view is home already.
     *
     * @returns {View | null}
     */
    home() {
      return push(homeView);
    },
    get canBack() {
      return index > 0;
    },
    get canForward() {
      return index < entries.length - 1;
    },
    /** @returns {View} */
    get current() {
      return copied(entries[index]);
    },
    /** @returns {View} */
    get homeView() {
      return copied(homeView);
    },
    get length() {
      return entries.length;
    },
  };
}

/** @typedef {ReturnType<typeof viewHistory>} ViewHistory */
