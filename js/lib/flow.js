// Flow control for live updates: at most one request in flight; while it is in flight newer
// values replace older ones (latest wins, merged key by key); the last value is always sent.

/** Merge a partial request into another: later keys win, `params` merged name by name. */
export function mergeRequest(older, newer) {
  const merged = { ...(older ?? {}), ...newer };
  if (older?.params && newer.params) merged.params = { ...older.params, ...newer.params };
  return merged;
}

export class LatestWins {
  /** `send(message)` is called with {seq, ...values} whenever a request may go out. */
  constructor(send) {
    this.send = send;
    this.seq = 0;
    this.inFlight = null;
    this.pending = null;
    this.sent = 0;
    this.coalesced = 0;
  }

  /** Ask for `values` (a partial state); sent now if nothing is in flight, else queued. */
  request(values) {
    if (this.pending !== null) this.coalesced += 1;
    this.pending = mergeRequest(this.pending, values);
    this.pump();
  }

  /** The reply to request `seq` arrived; send what was queued meanwhile. True if it was ours. */
  done(seq) {
    if (seq === null || seq === undefined || seq !== this.inFlight) return false;
    this.inFlight = null;
    this.pump();
    return true;
  }

  /** Forget the request in flight (its reply is lost) and send what is queued. */
  reset() {
    this.inFlight = null;
    this.pump();
  }

  /** True while a request is in flight or queued. */
  get busy() {
    return this.inFlight !== null || this.pending !== null;
  }

  pump() {
    if (this.inFlight !== null || this.pending === null) return;
    this.seq += 1;
    const message = { ...this.pending, seq: this.seq };
    this.pending = null;
    this.inFlight = this.seq;
    this.sent += 1;
    this.send(message);
  }
}
