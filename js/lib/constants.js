// The constants Python and the browser share, defined once in src/vmapwidget/constants.json
// (Python reads the same file in vmapwidget/constants.py). esbuild inlines the JSON into each
// bundle; node reads it as a JSON module in the tests.
import shared from "../../src/vmapwidget/constants.json" with { type: "json" };

/**
 * @typedef {{ left: number, right: number, top: number, bottom: number }} Margin
 * @typedef {{
 *   colormaps: string[],
 *   figure: { width: number, height: number, margin: Margin },
 *   max_frame_scale: number,
 *   encodings: string[],
 *   nonfinite_codes: { finite: number, nan: number, posinf: number, neginf: number, nonpositive: number },
 *   uint16_quanta: number,
 *   colormap_entries: number,
 * }} Constants
 */

/** @type {Constants} */
export const CONSTANTS = shared;

/** The value each non-finite code of a frame's mask stands for (0 is a finite cell; a cell
 * at or below 0 under a log norm is NaN here: its value is not sent). */
export const NONFINITE_VALUES = (() => {
  const { finite, nan, posinf, neginf, nonpositive } = CONSTANTS.nonfinite_codes;
  /** @type {number[]} */
  const values = [];
  values[finite] = 0;
  values[nan] = Number.NaN;
  values[posinf] = Number.POSITIVE_INFINITY;
  values[neginf] = Number.NEGATIVE_INFINITY;
  values[nonpositive] = Number.NaN;
  return values;
})();
