"""Static export: a self-contained HTML page that shows widgets' last state, no kernel needed.

The page inlines each widget's ES module and synced state (binary traits as base64) and gives
the module a small in-page model, so the last picture (heatmap, diagram, code) is drawn by
the same frontend code as in JupyterLab. Controls stay live only where they are pure
frontend state (the animation, the colour map, hover); nothing can reach a kernel.

>>> import jax.numpy as jnp
>>> from vmapwidget import PlanView
>>> html = export_html([PlanView(lambda x: x * 2, jnp.ones((3, 2)))])
>>> html.startswith("<!DOCTYPE html>")
True
"""

from __future__ import annotations

import base64
import html as html_lib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import anywidget

__all__ = ["export_html"]

_RUNTIME = """
const decode = (text) => {
  const bytes = Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  return new DataView(bytes.buffer);
};

class StaticModel {
  constructor(state, buffers) {
    this.state = { ...state };
    for (const [key, text] of Object.entries(buffers)) this.state[key] = decode(text);
    this.listeners = new Map();
  }
  get(name) { return this.state[name]; }
  set(name, value) {
    this.state[name] = value;
    for (const callback of this.listeners.get(`change:${name}`) ?? []) callback();
  }
  save_changes() {}
  send() {}
  on(event, callback) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event).add(callback);
  }
  off(event, callback) {
    if (!event) { this.listeners.clear(); return; }
    if (callback) this.listeners.get(event)?.delete(callback);
    else this.listeners.delete(event);
  }
}

const experimental = {
  invoke: async () => { throw new Error("static page: there is no kernel"); },
};

for (const holder of document.querySelectorAll("script.vw-static-state")) {
  const { esm, css, state, buffers } = JSON.parse(holder.textContent);
  const el = document.getElementById(holder.dataset.target);
  try {
    if (css) {
      const style = document.createElement("style");
      style.textContent = css;
      document.head.append(style);
    }
    const url = URL.createObjectURL(new Blob([esm], { type: "text/javascript" }));
    const module = await import(url);
    const definition = module.default ?? module;
    const widget = typeof definition === "function" ? await definition() : definition;
    const model = new StaticModel(state, buffers);
    await widget.initialize?.({ model, experimental });
    await widget.render({ model, el, experimental });
    el.dataset.rendered = "true";
  } catch (error) {
    el.textContent = `This widget could not be shown: ${error}`;
    el.classList.add("vw-static-error");
    console.error(error);
  }
}
"""

_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 24px; background: #fff; color: #222; }}
.vw-static-widget {{ margin-bottom: 24px; }}
.vw-static-error {{ color: #b00020; }}
</style>
</head>
<body>
<h1 style="font-size: 18px">{title}</h1>
{widgets}
<script type="module">{runtime}</script>
</body>
</html>
"""


def _widget_payload(widget: anywidget.AnyWidget) -> dict[str, Any]:
    if not isinstance(widget, anywidget.AnyWidget):
        raise TypeError(f"export_html takes anywidget widgets, got {type(widget).__name__}")
    state = widget.get_state()
    buffers = {
        key: base64.b64encode(bytes(value)).decode("ascii")
        for key, value in state.items()
        if isinstance(value, (bytes, bytearray, memoryview))
    }
    plain = {key: value for key, value in state.items() if key not in buffers}
    return {
        "esm": plain.pop("_esm", ""),
        "css": plain.pop("_css", ""),
        "state": plain,
        "buffers": buffers,
    }


def _script_json(payload: dict[str, Any]) -> str:
    """JSON that is safe inside a <script> element."""
    return json.dumps(payload).replace("<", "\\u003c").replace(">", "\\u003e")


def export_html(
    widgets: Iterable[anywidget.AnyWidget],
    path: str | Path | None = None,
    title: str = "vmapwidget",
) -> str:
    """An HTML page showing ``widgets`` as they are now; written to ``path`` when given."""
    blocks = []
    for index, widget in enumerate(widgets):
        target = f"vw-static-{index}"
        blocks.append(
            f'<div class="vw-static-widget" id="{target}"></div>\n'
            f'<script type="application/json" class="vw-static-state" data-target="{target}">'
            f"{_script_json(_widget_payload(widget))}</script>"
        )
    page = _PAGE.format(title=html_lib.escape(title), widgets="\n".join(blocks), runtime=_RUNTIME)
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page
