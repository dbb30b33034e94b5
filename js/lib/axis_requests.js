// Selector input: which option a key moves to, and flow control for the changes it makes:
// at most one request in flight; while one is, the newest choice replaces any older queued
// one (latest wins), and it is sent when the reply comes.

/**
 * A queue that sends through `send(message)`; `reply(request)` marks a request answered
 * (`null`: whichever is in flight, for replies that lost their request number).
 */
export function requestQueue(send) {
  let next = 1;
  let inFlight = null;
  let queued = null;
  const dispatch = (message) => {
    inFlight = next++;
    send({ ...message, request: inFlight });
  };
  return {
    submit(message) {
      if (inFlight === null) dispatch(message);
      else queued = message;
    },
    reply(request) {
      if (request !== null && request !== inFlight) return;
      inFlight = null;
      if (queued !== null) {
        const message = queued;
        queued = null;
        dispatch(message);
      }
    },
    get busy() {
      return inFlight !== null;
    },
  };
}

const STEPS = { ArrowLeft: -1, ArrowUp: -1, ArrowRight: 1, ArrowDown: 1 };

/**
 * The option a key moves to from option `index` of `count`, as in a radio group (arrows wrap
 * around, Home and End jump to the ends), or null for keys that do not move.
 */
export function nextOption(key, index, count) {
  if (count === 0) return null;
  if (key === "Home") return 0;
  if (key === "End") return count - 1;
  if (!(key in STEPS)) return null;
  return (index + STEPS[key] + count) % count;
}
