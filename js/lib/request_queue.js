// Flow control for live updates, shared by both explorers: at most one request in flight;
// while it is, newer values replace older ones (latest wins); the last value is always sent.
// Every view names itself (`vid`) and numbers its own requests: a reply counts only for the
// view it names, as the same widget may be displayed several times.
import { later } from "./lifetime.js";

/**
 * @typedef {Record<string, any>} Message
 * @typedef {(older: Message | null, newer: Message) => Message} Merge
 */

/**
 * Merge a partial request into another: later keys win, `params` merged name by name.
 *
 * @type {Merge}
 */
export function mergeRequest(older, newer) {
  const merged = { ...(older ?? {}), ...newer };
  if (older?.params && newer.params) merged.params = { ...older.params, ...newer.params };
  return merged;
}

/**
 * The newest request replaces the queued one whole (for requests that are not partial).
 *
 * @type {Merge}
 */
export const replaceRequest = (_older, newer) => newer;

let views = 0;

/** A new view id: unique in this page (a counter) and across pages (random). */
export function viewId() {
  views += 1;
  return `v${views}-${Math.random().toString(36).slice(2, 10)}`;
}

/**
 * Whether a reply (a custom message or a status) is meant for view `vid`.
 *
 * @param {{ vid?: unknown } | null | undefined} reply
 * @param {string} vid
 */
export function isFor(reply, vid) {
  return reply?.vid === vid;
}

/**
 * @typedef {{
 *   merge?: Merge,
 *   seqKey?: string,
 *   timeoutMs?: number | null,
 *   signal?: AbortSignal,
 * }} QueueOptions
 */

export class LatestWins {
  /**
   * `send(message)` is called with {...values, [seqKey]: seq} whenever a request may go out.
   * With `timeoutMs`, a request whose reply never comes is forgotten after that long (the
   * next one goes out); timers end with `signal`.
   *
   * @param {(message: Message) => void} send
   * @param {QueueOptions} [options]
   */
  constructor(send, { merge = mergeRequest, seqKey = "seq", timeoutMs = null, signal } = {}) {
    this.send = send;
    this.merge = merge;
    this.seqKey = seqKey;
    this.timeoutMs = timeoutMs;
    this.signal = signal ?? new AbortController().signal;
    this.seq = 0;
    /** @type {number | null} */
    this.inFlight = null;
    /** @type {Message | null} */
    this.pending = null;
    this.sent = 0;
    this.coalesced = 0;
    this.cancelTimeout = () => {};
  }

  /**
   * Ask for `values` (a partial state); sent now if nothing is in flight, else queued.
   *
   * @param {Message} values
   */
  request(values) {
    if (this.signal.aborted) return;
    if (this.pending !== null) this.coalesced += 1;
    this.pending = this.merge(this.pending, values);
    this.pump();
  }

  /**
   * The reply to request `seq` arrived; send what was queued meanwhile. True if it was ours.
   *
   * @param {unknown} seq
   */
  done(seq) {
    if (seq === null || seq === undefined || seq !== this.inFlight) return false;
    this.release();
    return true;
  }

  /** Forget the request in flight (its reply is lost) and send what is queued. */
  reset() {
    this.release();
  }

  /** True while a request is in flight or queued. */
  get busy() {
    return this.inFlight !== null || this.pending !== null;
  }

  /** @private */
  release() {
    this.cancelTimeout();
    this.inFlight = null;
    this.pump();
  }

  /** @private */
  pump() {
    if (this.inFlight !== null || this.pending === null || this.signal.aborted) return;
    this.seq += 1;
    const message = { ...this.pending, [this.seqKey]: this.seq };
    this.pending = null;
    this.inFlight = this.seq;
    this.sent += 1;
    if (this.timeoutMs !== null) this.cancelTimeout = later(this.signal, () => this.reset(), this.timeoutMs);
    this.send(message);
  }
}
