// A titled block of code with a Copy button (the clipboard, or a selection and execCommand
// where the clipboard API is refused, as on plain http pages).
import { h } from "./dom.js";
import { later } from "./lifetime.js";

/** How long the button says "Copied". */
export const COPIED_MS = 1200;

/**
 * @param {string} title
 * @param {AbortSignal} signal
 * @returns {{ block: HTMLElement, pre: HTMLPreElement, button: HTMLButtonElement }}
 */
export function codeBlock(title, signal) {
  const button = h("button", { className: "vw-copy", type: "button", text: "Copy" });
  const pre = h("pre", { className: "vw-code" });
  const head = h("div", { className: "vw-code-head" }, [
    h("span", { className: "vw-code-title", text: title }),
    button,
  ]);
  const block = h("div", { className: "vw-code-block" }, [head, pre]);
  let restore = () => {};
  button.addEventListener(
    "click",
    async () => {
      const text = pre.textContent ?? "";
      try {
        await navigator.clipboard.writeText(text);
      } catch {
        const range = document.createRange();
        range.selectNodeContents(pre);
        const selection = window.getSelection();
        selection?.removeAllRanges();
        selection?.addRange(range);
        document.execCommand("copy");
      }
      button.textContent = "Copied";
      restore();
      restore = later(signal, () => (button.textContent = "Copy"), COPIED_MS);
    },
    { signal },
  );
  return { block, pre, button };
}
