// GridExplorer's status line ("128 × 128 · kernel 1.2 ms · 1 compile · 3 frames", or while a
// heavy frame is refined "refining 256 × 256 (level 2 of 3) · 43% · 120 / 280 ms"), its Stop
// button (shown while a frame is being refined) and its error line (Python's `error`: why
// the last request was refused or failed).
import { h } from "./dom.js";
import { formatMs } from "./grid_ticks.js";

/** @typedef {import("./types.js").GridStatus} GridStatus */
/** @typedef {import("./types.js").FrameMeta} FrameMeta */
/** @typedef {import("./types.js").Progress} Progress */

/**
 * True while the picture is still being refined (and nobody stopped it).
 *
 * @param {Progress | undefined} progress
 */
export const refining = (progress) => !!progress && progress.final === false && !progress.stopped;

/**
 * The progress part of the status line, or "" for a finished picture.
 *
 * @param {Progress | undefined} p
 */
export function progressText(p) {
  if (p?.final !== false) return "";
  const percent = `${Math.floor((p.done ?? 0) * 100)}%`;
  if (p.stopped) return `stopped at ${percent}`;
  const level = (p.levels ?? 1) > 1 ? ` (level ${p.level} of ${p.levels})` : "";
  const times = `${formatMs(p.elapsed_ms ?? 0)} / ${formatMs(p.expected_ms ?? 0)}`;
  return `refining ${p.resolution} × ${p.resolution}${level} · ${percent} · ${times}`;
}

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
  const progress = progressText(status.progress);
  if (progress) parts.push(progress);
  else if (meta) parts.push(`${meta.nx} × ${meta.ny}`);
  const devices = (status.devices ?? 1) > 1 ? ` on ${status.devices} devices` : "";
  parts.push(`kernel ${formatMs(status.kernel_ms)}${devices}`);
  parts.push(plural(status.compiles, "compile"), plural(status.frames, "frame"));
  if (meta && meta.nonfinite > 0 && meta.nonfinite === meta.nx * meta.ny) parts.push("no finite values");
  else if (meta && meta.nonfinite > 0) parts.push(`${meta.nonfinite} NaN/inf`);
  if (meta?.nonpositive) parts.push(`${meta.nonpositive} ≤ 0 (log scale)`);
  return parts.join(" · ");
}

/**
 * @param {{ onStop: () => void, signal: AbortSignal }} options
 */
export function gridStatus({ onStop, signal }) {
  const status = h("div", { className: "vw-ge-status", "aria-live": "polite" });
  const error = h("div", { className: "vw-ge-error", role: "alert" });
  const stop = h("button", {
    type: "button",
    text: "Stop",
    className: "vw-ge-stop",
    title: "Stop refining this picture (keeps what is drawn)",
  });
  stop.hidden = true;
  stop.addEventListener("click", onStop, { signal });
  return {
    nodes: [status, error],
    stop,
    /**
     * @param {GridStatus} s
     * @param {FrameMeta | null | undefined} meta
     * @param {string} reason
     */
    show(s, meta, reason) {
      status.textContent = statusText(s, meta);
      error.textContent = reason;
      stop.hidden = !refining(s.progress);
    },
    /** @param {string} reason */
    fail(reason) {
      error.textContent = reason;
    },
  };
}
