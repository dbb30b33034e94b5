// A DOM for node tests of the modules that build elements (happy-dom), installed as the
// globals a browser has. Each call gives a fresh document.
import { Window } from "happy-dom";

const GLOBALS = [
  "document",
  "Event",
  "KeyboardEvent",
  "HTMLElement",
  "HTMLInputElement",
  "MutationObserver",
  "Node",
  "getComputedStyle",
  "requestAnimationFrame",
  "cancelAnimationFrame",
];

/** Install a fresh window's globals; returns the window. */
export function installDom() {
  const window = new Window({ url: "http://localhost/" });
  globalThis.window = /** @type {any} */ (window);
  for (const name of GLOBALS) {
    const value = /** @type {any} */ (window)[name];
    globalThis[/** @type {any} */ (name)] =
      typeof value === "function" && /^[a-z]/.test(name) ? value.bind(window) : value;
  }
  return window;
}
