// AxisExplorer's devices control: a select of 1, 2, 4, … devices (Python's _device_choices;
// hidden when there is only 1), writing the `devices` trait, and the line under it that names
// the devices in their tint, or says why the batch cannot be split over them.
import { h } from "./dom.js";

/** @typedef {{ get(name: string): any, set(name: string, value: unknown): void, save_changes(): void }} Model */

/**
 * @param {Model} model
 * @param {{ onPick: () => void, signal: AbortSignal }} options
 */
export function devicePicker(model, { onPick, signal }) {
  const select = h("select", { className: "vw-devices", "aria-label": "devices" });
  const row = h("label", { className: "vw-device-row" }, [h("span", { text: "devices" }), select]);
  const note = h("div", { className: "vw-device-note" });
  select.addEventListener(
    "change",
    () => {
      model.set("devices", Number(select.value));
      model.save_changes();
      onPick();
    },
    { signal },
  );

  /** Follow the choices and the value Python has. */
  function sync() {
    const choices = /** @type {number[]} */ (model.get("_device_choices") ?? [1]);
    const value = String(model.get("devices") ?? 1);
    if (
      select.options.length !== choices.length ||
      [...select.options].some((o, k) => o.value !== String(choices[k]))
    ) {
      select.replaceChildren(...choices.map((n) => h("option", { value: String(n), text: String(n) })));
    }
    select.value = value;
    row.hidden = choices.length <= 1;
  }

  /**
   * Name the devices of `split` in their tint, or say what went wrong (`error`), or nothing.
   *
   * @param {import("./device_split.js").Split | null} split
   * @param {string | null} error
   * @param {string} index  the vmap level's index name, e.g. "b"
   */
  function explain(split, error, index) {
    note.hidden = !split && !error;
    note.classList.toggle("vw-device-error", Boolean(error));
    if (error) {
      note.textContent = `not split over devices: ${error}`;
      return;
    }
    if (!split) {
      note.replaceChildren();
      return;
    }
    const per = split.per;
    note.replaceChildren(
      h("span", {
        text: `${split.count} devices side by side: device k makes the calls ${index} = k·${per} … k·${per} + ${per - 1}; `,
      }),
      ...split.ids.map((id, k) =>
        h("span", { className: "vw-legend-item" }, [
          h("span", { className: "vw-cell vw-swatch", "data-device": String(k % 8) }),
          h("span", { text: `device ${id}` }),
        ]),
      ),
    );
  }

  sync();
  return { row, note, sync, explain };
}
