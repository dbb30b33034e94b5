"""Static export: a self-contained HTML page that shows widgets' last state, no kernel needed.

The page inlines each widget's ES module, stylesheet and synced state (binary traits as
base64), and a runtime (js/export_runtime.js, bundled into static/) that gives each module a
small in-page model, so the last picture (heatmap, diagram, code) is drawn by the same
frontend code as in JupyterLab. Controls stay live only where they are pure
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
from importlib import resources
from pathlib import Path
from typing import Any

import anywidget

__all__ = ["export_html"]


def _runtime() -> str:
    """The page's runtime: js/export_runtime.js, bundled into static/ by ``npm run build``."""
    path = resources.files("vmapwidget").joinpath("static/export_runtime.js")
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} is missing: the frontend was not built. From a source checkout run "
            "`npm install && npm run build` (pip install . does this for you)."
        )
    return path.read_text(encoding="utf-8")


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
    page = _PAGE.format(title=html_lib.escape(title), widgets="\n".join(blocks), runtime=_runtime())
    if path is not None:
        Path(path).write_text(page, encoding="utf-8")
    return page
