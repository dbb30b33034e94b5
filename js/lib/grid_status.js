// GridExplorer's status line ("128 × 128 · kernel 1.2 ms · 1 compile · 3 frames") and its
// error line (Python's `error`: why the last request was refused or failed).
import { h } from "./dom.js";
import { formatMs } from "./grid_ticks.js";

/** @typedef {import("./types.js").GridStatus} GridStatus */
/** @typedef {import("./types.js").FrameMeta} FrameMeta */

/**
 * @param {number} count
 * @param {string} noun
 */
const plural = (count, noun) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/**
 * The status text for Python's last status and the frame drawn (if any).
 *
 * @param {GridStatus} status
 * @param {FrameMeta | null | undefined} meta
 */
export function statusText(status, meta) {
  const parts = [];
  if (meta) parts.push(`${meta.nx} × ${meta.ny}`);
  parts.push(`kernel ${formatMs(status.kernel_ms)}`);
  parts.push(plural(status.compiles, "compile"), plural(status.frames, "frame"));
  if (meta && meta.nonfinite > 0 && meta.nonfinite === meta.nx * meta.ny) parts.push("no finite values");
  else if (meta && meta.nonfinite > 0) parts.push(`${meta.nonfinite} NaN/inf`);
  return parts.join(" · ");
}

export function gridStatus() {
  const status = h("div", { className: "vw-ge-status", "aria-live": "polite" });
  const error = h("div", { className: "vw-ge-error", role: "alert" });
  return {
    nodes: [status, error],
    /**
     * @param {GridStatus} s
     * @param {FrameMeta | null | undefined} meta
     * @param {string} reason
     */
    show(s, meta, reason) {
      status.textContent = statusText(s, meta);
      error.textContent = reason;
    },
    /** @param {string} reason */
    fail(reason) {
      error.textContent = reason;
    },
  };
}
