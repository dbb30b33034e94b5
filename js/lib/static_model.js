// The in-page model of a static export (vmapwidget.export_html): a widget's last synced state
// with its binary traits decoded from base64, events for the frontend's own changes (the
// colour map, say), and no kernel: messages sent go nowhere.

/** @typedef {(...args: any[]) => void} Callback */

/**
 * The bytes of a base64 text, as anywidget hands binary traits to a widget.
 *
 * @param {string} text
 */
export function decode(text) {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new DataView(bytes.buffer);
}

export class StaticModel {
  /**
   * @param {Record<string, unknown>} state  the synced traits but the binary ones
   * @param {Record<string, string>} buffers  the binary traits, base64
   */
  constructor(state, buffers) {
    /** @type {Record<string, any>} */
    this.state = { ...state };
    for (const [key, text] of Object.entries(buffers)) this.state[key] = decode(text);
    /** @type {Map<string, Set<Callback>>} */
    this.listeners = new Map();
    /** @type {any} */
    this.widget_manager = null;
  }

  /** @param {string} name */
  get(name) {
    return this.state[name];
  }

  /**
   * @param {string} name
   * @param {unknown} value
   */
  set(name, value) {
    this.state[name] = value;
    for (const callback of this.listeners.get(`change:${name}`) ?? []) callback();
  }

  save_changes() {}

  /** @param {unknown} _content */
  send(_content) {}

  /**
   * @param {string} event
   * @param {Callback} callback
   */
  on(event, callback) {
    let callbacks = this.listeners.get(event);
    if (!callbacks) {
      callbacks = new Set();
      this.listeners.set(event, callbacks);
    }
    callbacks.add(callback);
  }

  /**
   * @param {string | null} [event]  none: forget every callback
   * @param {Callback | null} [callback]  none: forget every callback of `event`
   */
  off(event, callback) {
    if (!event) {
      this.listeners.clear();
      return;
    }
    if (callback) this.listeners.get(event)?.delete(callback);
    else this.listeners.delete(event);
  }
}

/**
 * Stylesheets to add to a page for widgets' `css`: each distinct one once (anywidget, too,
 * loads one stylesheet per widget class, however many views it has).
 *
 * @param {(string | null | undefined)[]} sheets
 * @returns {string[]}
 */
export function distinctSheets(sheets) {
  return [...new Set(sheets.filter(isSheet))];
}

/**
 * @param {string | null | undefined} css
 * @returns {css is string}
 */
function isSheet(css) {
  return typeof css === "string" && css !== "";
}
