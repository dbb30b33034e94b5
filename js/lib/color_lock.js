// The toolbar's Lock button: fixes `color_range` to the limits of the picture drawn, so that
// a parameter change shows as a change of colour (not only of the colour bar's numbers), and
// unlocks it again to the mode it had ("auto" or "symmetric"). Python validates the value.
import { h } from "./dom.js";

/**
 * @typedef {string | [number, number]} ColorRange
 * @typedef {{ get(name: string): any, set(name: string, value: unknown): void, save_changes(): void }} Model
 */

/**
 * The range to ask for when the button is pressed: the limits drawn when unlocked (null if
 * they span nothing), `unlocked` when locked.
 *
 * @param {ColorRange} current
 * @param {{ vmin: number, vmax: number } | null | undefined} meta
 * @param {string} unlocked
 * @returns {ColorRange | null}
 */
export function toggledRange(current, meta, unlocked) {
  if (Array.isArray(current)) return unlocked;
  if (!meta || !(meta.vmax > meta.vmin)) return null;
  return [meta.vmin, meta.vmax];
}

/**
 * @param {Model} model
 * @param {{ signal: AbortSignal }} options
 */
export function colorLock(model, { signal }) {
  const button = h("button", { type: "button", className: "vw-ge-lock" });
  let unlocked = "auto"; // the mode to go back to; sync() keeps it
  const sync = () => {
    const range = model.get("color_range");
    const locked = Array.isArray(range);
    if (!locked) unlocked = range;
    button.textContent = locked ? "Unlock colours" : "Lock colours";
    button.title = locked
      ? `Colours fixed to ${range[0].toPrecision(4)} … ${range[1].toPrecision(4)}: click to follow each frame again`
      : "Fix the colours to this picture's range, so that parameter changes show";
    button.setAttribute("aria-pressed", String(locked));
  };
  button.addEventListener(
    "click",
    () => {
      const next = toggledRange(model.get("color_range"), model.get("_frame_meta"), unlocked);
      if (next === null) return;
      model.set("color_range", next);
      model.save_changes();
      sync();
    },
    { signal },
  );
  sync();
  return { button, sync };
}
