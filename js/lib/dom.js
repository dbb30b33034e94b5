// The one DOM helper of the frontend: h(tag, props, children) builds an element.

/**
 * @typedef {{
 *   className?: string,
 *   text?: string | number | null,
 *   hidden?: boolean,
 *   [attribute: string]: string | number | boolean | null | undefined,
 * }} Props
 */

/** Controls whose keys are theirs: JupyterLab's shortcuts must not take them (see keyboard.js). */
const CONTROLS = new Set(["input", "button", "select", "textarea"]);

/**
 * A new `tag` element: `className`, `text` (its textContent) and `hidden` are set as
 * properties, any other prop as an attribute (skipped when null or undefined); `children`
 * (nodes or strings) are appended.
 *
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Props} [props]
 * @param {(Node | string)[]} [children]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, props = {}, children = []) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (key === "className") el.className = String(value);
    else if (key === "text") el.textContent = String(value);
    else if (key === "hidden") el.hidden = Boolean(value);
    else el.setAttribute(key, String(value));
  }
  if (CONTROLS.has(tag)) el.dataset.lmSuppressShortcuts = "true";
  el.append(...children);
  return el;
}

/**
 * Make `wanted` the children of `parent`, moving only what changed, so focus survives.
 *
 * @param {Element} parent
 * @param {Element[]} wanted
 */
export function syncChildren(parent, wanted) {
  wanted.forEach((child, i) => {
    if (parent.children[i] !== child) parent.insertBefore(child, parent.children[i] ?? null);
  });
  while (parent.children.length > wanted.length) parent.lastElementChild?.remove();
}
