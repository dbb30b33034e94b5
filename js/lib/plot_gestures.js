// Zoom and pan gestures on GridExplorer's plot, turned into views (view_transform.js does
// the math): the wheel zooms around the pointer, a drag pans, a shift-drag (or a drag in
// "box" mode) zooms to the rectangle it draws, two pointers pinch, a double-click goes home,
// and the focused plot takes +/−, the arrows and 0.
//
// Every change goes to `onPreview` at once (transform the picture shown) and to `onView` at
// most once per animation frame, and once more when a gesture ends (send a request; the
// queue keeps the latest). `onCommit` hears the view a gesture settled on (one Back/Forward
// entry per drag, per box, per burst of wheel events or key presses). Listeners, the
// animation frame, the idle timer and the rubber band all go when `signal` aborts.
//
// `element` must not itself be transformed (pixels are measured from its box): put the
// heatmap canvas inside it and transform the canvas.
import { applyKeyAction, boxZoom, keyAction, pan, wheelFactor, zoomAt } from "./view_transform.js";

/** @typedef {import("./view_transform.js").View} View */
/** @typedef {import("./view_transform.js").PlotSize} PlotSize */

/**
 * @typedef {{
 *   view: () => View,
 *   onPreview: (view: View) => void,
 *   onView: (view: View) => void,
 *   onCommit?: (view: View) => void,
 *   onHome: () => void,
 * }} GestureCallbacks
 *   `view()` is the view now shown: the caller sets it in onPreview (and when the view
 *   changes elsewhere: Python, Back/Forward, home)
 *
 * @typedef {{
 *   mode?: () => "pan" | "box",
 *   idleMs?: number,
 *   bandClass?: string,
 * }} GestureOptions
 *   `mode`: what a plain drag does (a toolbar's choice; shift-drag always draws a box);
 *   `idleMs`: how long after the last wheel event or key press onCommit is called;
 *   `bandClass`: the rubber band's class name
 */

/** The default pause, in ms, that ends a burst of wheel events or key presses. */
export const IDLE_MS = 300;

/**
 * Turn gestures on `element` into views for `callbacks` until `signal` aborts.
 *
 * @param {HTMLElement} element
 * @param {GestureCallbacks} callbacks
 * @param {AbortSignal} signal
 * @param {GestureOptions} [options]
 */
export function attachGestures(element, callbacks, signal, options = {}) {
  if (signal.aborted) return;
  const idleMs = options.idleMs ?? IDLE_MS;
  const bandClass = options.bandClass ?? "vw-ge-band";
  const listen = { signal };
  const active = { signal, passive: false };

  /** @type {Map<number, { x: number, y: number }>} */
  const pointers = new Map();
  /**
   * The gesture in progress: where it started (view, plot box, pointer) and where it is.
   *
   * @type {{
   *   kind: "pan" | "box" | "pinch", start: View, last: View, moved: boolean,
   *   box: DOMRect, x0: number, y0: number, d0: number,
   * } | null}
   */
  let drag = null;
  /** @type {HTMLElement | null} */
  let band = null;
  let frame = 0;
  /** @type {View | null} */
  let pending = null;
  /** @type {View | null} */
  let sent = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let idleTimer = null;
  /** @type {View | null} */
  let uncommitted = null;

  const touchAction = element.style.touchAction;
  element.style.touchAction = "none";
  if (!element.hasAttribute("tabindex")) element.tabIndex = 0;
  element.dataset.lmSuppressShortcuts = "true";

  /** @param {View} view */
  function send(view) {
    sent = view;
    callbacks.onView(view);
  }

  function flushFrame() {
    frame = 0;
    if (pending) send(pending);
    pending = null;
  }

  /**
   * onView on the next animation frame, with the latest view by then.
   *
   * @param {View} view
   */
  function sendSoon(view) {
    pending = view;
    if (!frame) frame = requestAnimationFrame(flushFrame);
  }

  /**
   * onView now, unless the last animation frame sent this very view already.
   *
   * @param {View} view
   */
  function sendNow(view) {
    if (frame) cancelAnimationFrame(frame);
    const flushed = !frame && sent === view;
    frame = 0;
    pending = null;
    if (!flushed) send(view);
  }

  function commitPending() {
    if (idleTimer !== null) clearTimeout(idleTimer);
    idleTimer = null;
    const view = uncommitted;
    uncommitted = null;
    if (view) callbacks.onCommit?.(view);
  }

  /**
   * onCommit once no wheel event or key press followed for idleMs.
   *
   * @param {View} view
   */
  function commitSoon(view) {
    if (idleTimer !== null) clearTimeout(idleTimer);
    uncommitted = view;
    idleTimer = setTimeout(commitPending, idleMs);
  }

  /** @param {View} view */
  function commitNow(view) {
    commitPending();
    callbacks.onCommit?.(view);
  }

  /** @param {View} view */
  function moveTo(view) {
    if (!drag) return;
    drag.last = view;
    drag.moved = true;
    callbacks.onPreview(view);
    sendSoon(view);
  }

  /** @param {DOMRect} box */
  function sizeOf(box) {
    return { width: box.width, height: box.height };
  }

  /**
   * A pointer's position in plot pixels.
   *
   * @param {{ clientX: number, clientY: number }} event
   * @param {DOMRect} box
   */
  function local(event, box) {
    return { x: event.clientX - box.left, y: event.clientY - box.top };
  }

  /** The two pointers' midpoint and distance. */
  function pinchOf() {
    const [a, b] = [...pointers.values()];
    return { x: (a.x + b.x) / 2, y: (a.y + b.y) / 2, d: Math.hypot(a.x - b.x, a.y - b.y) };
  }

  /**
   * Start a gesture from the current pointers, continuing from `view`.
   *
   * @param {"pan" | "box" | "pinch"} kind
   * @param {View} view
   * @param {DOMRect} box
   * @param {boolean} moved
   */
  function start(kind, view, box, moved) {
    removeBand();
    const at = kind === "pinch" ? pinchOf() : { ...[...pointers.values()][0], d: 0 };
    drag = { kind, start: view, last: view, moved, box, x0: at.x, y0: at.y, d0: Math.max(at.d, 1) };
  }

  /** @param {{ x: number, y: number }} at */
  function drawBand(at) {
    if (!drag) return;
    const parent = element.parentElement;
    if (!parent) return;
    if (!band) {
      band = element.ownerDocument.createElement("div");
      band.className = bandClass;
      Object.assign(band.style, {
        position: "absolute",
        pointerEvents: "none",
        boxSizing: "border-box",
        border: "1px dashed currentColor",
        background: "rgba(127, 127, 127, 0.2)",
      });
      parent.appendChild(band);
    }
    const outer = parent.getBoundingClientRect();
    const dx = drag.box.left - outer.left - parent.clientLeft + parent.scrollLeft;
    const dy = drag.box.top - outer.top - parent.clientTop + parent.scrollTop;
    /** @param {number} v @param {number} max */
    const clip = (v, max) => Math.max(0, Math.min(max, v));
    const [x0, x1] = [drag.x0, at.x].map((v) => clip(v, drag?.box.width ?? 0));
    const [y0, y1] = [drag.y0, at.y].map((v) => clip(v, drag?.box.height ?? 0));
    Object.assign(band.style, {
      left: `${dx + Math.min(x0, x1)}px`,
      top: `${dy + Math.min(y0, y1)}px`,
      width: `${Math.abs(x1 - x0)}px`,
      height: `${Math.abs(y1 - y0)}px`,
    });
  }

  function removeBand() {
    band?.remove();
    band = null;
  }

  /**
   * The gesture ended (the last pointer went up, or was cancelled).
   *
   * @param {{ x: number, y: number } | null} at  where the pointer went up; null if cancelled
   */
  function finish(at) {
    const ended = drag;
    drag = null;
    removeBand();
    if (!ended) return;
    let view = ended.moved ? ended.last : null;
    if (ended.kind === "box") {
      const rect = { x0: ended.x0, y0: ended.y0, x1: at?.x ?? ended.x0, y1: at?.y ?? ended.y0 };
      view = at ? boxZoom(ended.start, sizeOf(ended.box), rect) : null;
      if (view) callbacks.onPreview(view);
    }
    if (!view) return;
    sendNow(view);
    commitNow(view);
  }

  element.addEventListener(
    "pointerdown",
    (event) => {
      if (event.button !== 0 || pointers.size >= 2) return;
      event.preventDefault();
      element.focus({ preventScroll: true });
      try {
        element.setPointerCapture(event.pointerId);
      } catch {
        // a pointer that is no longer active: the gesture still works while it is inside
      }
      const box = drag ? drag.box : element.getBoundingClientRect();
      pointers.set(event.pointerId, local(event, box));
      commitPending();
      if (pointers.size === 2) {
        start("pinch", drag?.kind === "box" || !drag ? callbacks.view() : drag.last, box, drag?.moved ?? false);
        return;
      }
      const boxMode = event.shiftKey || options.mode?.() === "box";
      start(boxMode ? "box" : "pan", callbacks.view(), box, false);
    },
    listen,
  );

  element.addEventListener(
    "pointermove",
    (event) => {
      if (!drag || !pointers.has(event.pointerId)) return;
      const at = local(event, drag.box);
      pointers.set(event.pointerId, at);
      const plot = sizeOf(drag.box);
      if (drag.kind === "pan") moveTo(pan(drag.start, plot, at.x - drag.x0, at.y - drag.y0));
      else if (drag.kind === "box") drawBand(at);
      else {
        const now = pinchOf();
        const shifted = pan(drag.start, plot, now.x - drag.x0, now.y - drag.y0);
        moveTo(zoomAt(shifted, plot, now.x, now.y, Math.max(now.d, 1) / drag.d0));
      }
    },
    listen,
  );

  /**
   * @param {PointerEvent} event
   * @param {boolean} cancelled
   */
  function pointerEnded(event, cancelled) {
    if (!pointers.has(event.pointerId)) return;
    const at = drag ? local(event, drag.box) : null;
    pointers.delete(event.pointerId);
    if (element.hasPointerCapture?.(event.pointerId)) element.releasePointerCapture(event.pointerId);
    if (drag?.kind === "pinch" && pointers.size === 1) {
      start("pan", drag.last, drag.box, drag.moved);
      return;
    }
    if (pointers.size === 0) finish(cancelled ? null : at);
  }

  element.addEventListener("pointerup", (event) => pointerEnded(event, false), listen);
  element.addEventListener("pointercancel", (event) => pointerEnded(event, true), listen);
  element.addEventListener("lostpointercapture", (event) => pointerEnded(event, true), listen);

  element.addEventListener(
    "wheel",
    (event) => {
      event.preventDefault();
      if (drag || event.deltaY === 0) return;
      const box = element.getBoundingClientRect();
      const at = local(event, box);
      const view = zoomAt(callbacks.view(), sizeOf(box), at.x, at.y, wheelFactor(event.deltaY, event.deltaMode));
      callbacks.onPreview(view);
      sendSoon(view);
      commitSoon(view);
    },
    active,
  );

  element.addEventListener(
    "dblclick",
    (event) => {
      event.preventDefault();
      goHome();
    },
    listen,
  );

  element.addEventListener(
    "keydown",
    (event) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return;
      const action = keyAction(event.key);
      if (!action) return;
      event.preventDefault();
      event.stopPropagation();
      if (drag) return;
      if (action.kind === "home") {
        goHome();
        return;
      }
      const view = applyKeyAction(callbacks.view(), action);
      callbacks.onPreview(view);
      sendNow(view);
      commitSoon(view);
    },
    listen,
  );

  function goHome() {
    drag = null;
    removeBand();
    commitPending();
    if (frame) cancelAnimationFrame(frame);
    frame = 0;
    pending = null;
    sent = null;
    callbacks.onHome();
  }

  signal.addEventListener(
    "abort",
    () => {
      if (frame) cancelAnimationFrame(frame);
      if (idleTimer !== null) clearTimeout(idleTimer);
      frame = 0;
      idleTimer = null;
      removeBand();
      for (const id of pointers.keys()) {
        if (element.hasPointerCapture?.(id)) element.releasePointerCapture(id);
      }
      pointers.clear();
      drag = null;
      element.style.touchAction = touchAction;
    },
    { once: true },
  );
}
