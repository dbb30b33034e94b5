// GridExplorer's link to Python, one per view. Requests go as {type: "request", vid, seq,
// ...values} through a latest-wins queue (a lost reply is forgotten after REPLY_TIMEOUT_MS);
// a `_status` naming this view and seq releases it. The view also tells Python its plot's
// size in device pixels ({type: "view", vid, pixels}; null when it closes), so a grid finer
// than every open view is sent sampled to the largest. {type: "stop", vid} ends the
// refinement of a heavy frame. Once `signal` aborts nothing more is sent but the closing null.
import { isFor, LatestWins } from "./request_queue.js";

export const REPLY_TIMEOUT_MS = 10000;

/** @typedef {import("./types.js").GridStatus} GridStatus */

/**
 * @param {{ send(content: unknown): void }} model
 * @param {{ vid: string, pixels: [number, number], signal: AbortSignal }} options
 */
export function gridLink(model, { vid, pixels, signal }) {
  const flow = new LatestWins((message) => model.send({ type: "request", vid, ...message }), {
    timeoutMs: REPLY_TIMEOUT_MS,
    signal,
  });
  /** @param {[number, number] | null} size */
  const sendPixels = (size) => {
    try {
      model.send({ type: "view", vid, pixels: size });
    } catch {
      // No kernel (a static export): the frame already in the state is all there is.
    }
  };
  let own = pixels;
  let wanted = own;
  sendPixels(wanted);
  signal.addEventListener("abort", () => sendPixels(null), { once: true });
  return {
    flow,
    /** @param {Record<string, unknown>} values */
    request: (values) => flow.request(values),
    /** Ask Python to stop refining the picture (what is drawn stays). */
    stop() {
      if (signal.aborted) return;
      try {
        model.send({ type: "stop", vid });
      } catch {
        // No kernel: nothing is being refined.
      }
    },
    /**
     * Ask for frames of at least `size` pixels (a PNG at twice the size), or, with null,
     * for this view's own size again. Nothing once the view is gone.
     *
     * @param {[number, number] | null} size
     */
    wantPixels(size) {
      if (signal.aborted) return;
      wanted = size ?? own;
      sendPixels(wanted);
    },
    /**
     * This view's plot has a new size in device pixels: frames follow it (unless a PNG
     * asked for a larger size meanwhile).
     *
     * @param {[number, number]} size
     */
    resize(size) {
      if (signal.aborted || (size[0] === own[0] && size[1] === own[1])) return;
      const asked = wanted !== own;
      own = size;
      if (!asked) {
        wanted = own;
        sendPixels(wanted);
      }
    },
    /**
     * Python's `_status` arrived: release our request it answers. True when it is ours.
     *
     * @param {GridStatus | null | undefined} status
     */
    acknowledge(status) {
      if (!isFor(status, vid)) return false;
      flow.done(status?.seq);
      return true;
    },
  };
}
