// A view's lifetime is one AbortSignal: everything a view starts (listeners, timers, model
// callbacks, observers) ends when its signal aborts, which its render's cleanup does.

/**
 * Run `callback` once after `ms` unless `signal` aborts first. Returns a cancel function.
 *
 * @param {AbortSignal} signal
 * @param {() => void} callback
 * @param {number} ms
 * @returns {() => void}
 */
export function later(signal, callback, ms) {
  if (signal.aborted) return () => {};
  const cancel = () => {
    clearTimeout(timer);
    signal.removeEventListener("abort", cancel);
  };
  const timer = setTimeout(() => {
    cancel();
    callback();
  }, ms);
  signal.addEventListener("abort", cancel, { once: true });
  return cancel;
}

/**
 * Run `callback` on the next animation frame unless `signal` aborts first.
 *
 * @param {AbortSignal} signal
 * @param {() => void} callback
 */
export function nextFrame(signal, callback) {
  if (signal.aborted) return;
  const cancel = () => cancelAnimationFrame(id);
  const id = requestAnimationFrame(() => {
    signal.removeEventListener("abort", cancel);
    callback();
  });
  signal.addEventListener("abort", cancel, { once: true });
}

/**
 * @typedef {{
 *   on(name: string, callback: (...args: any[]) => void): void,
 *   off(name?: string | null, callback?: ((...args: any[]) => void) | null): void,
 * }} Events
 */

/**
 * `model.on` for every [event name, callback] pair, each `model.off` when `signal` aborts.
 *
 * @param {Events} model
 * @param {AbortSignal} signal
 * @param {[string, (...args: any[]) => void][]} pairs
 */
export function listenTo(model, signal, pairs) {
  if (signal.aborted) return;
  for (const [name, callback] of pairs) model.on(name, callback);
  signal.addEventListener(
    "abort",
    () => {
      for (const [name, callback] of pairs) model.off(name, callback);
    },
    { once: true },
  );
}

/**
 * A lifetime for one render: `signal` for everything the view starts, `cleanup` to return
 * from render (it aborts). When the host passes its own signal (anywidget ≥ 0.10), its
 * abort ends the view too.
 *
 * @param {AbortSignal} [host]
 * @returns {{ signal: AbortSignal, cleanup: () => void }}
 */
export function viewLifetime(host) {
  const controller = new AbortController();
  host?.addEventListener("abort", () => controller.abort(), { once: true });
  return { signal: controller.signal, cleanup: () => controller.abort() };
}
