"""Constants both languages use, read from ``constants.json`` (which the JS bundle imports).

>>> FIGURE_PLOT, MAX_FRAME_SHAPE
((416, 362), (832, 724))
>>> COLORMAPS[0], ENCODINGS
('viridis', ('uint16', 'uint8', 'float32'))
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

__all__ = [
    "COLORMAPS",
    "COLORMAP_ENTRIES",
    "CONSTANTS",
    "ENCODINGS",
    "FIGURE_PLOT",
    "MAX_FRAME_SHAPE",
    "NONFINITE_CODES",
    "UINT16_QUANTA",
    "max_frame_shape",
]

CONSTANTS: dict[str, Any] = json.loads(
    resources.files("vmapwidget").joinpath("constants.json").read_text(encoding="utf-8")
)
"""The whole file, as sent to the frontend."""

COLORMAPS: tuple[str, ...] = tuple(CONSTANTS["colormaps"])
"""Colour maps the frontend draws with (256 entries each, as in matplotlib)."""
COLORMAP_ENTRIES: int = CONSTANTS["colormap_entries"]
ENCODINGS: tuple[str, ...] = tuple(CONSTANTS["encodings"])
"""Wire encodings of the grid values (see :mod:`vmapwidget.grid_frames`)."""
NONFINITE_CODES: dict[str, int] = dict(CONSTANTS["nonfinite_codes"])
UINT16_QUANTA: int = CONSTANTS["uint16_quanta"]

_figure = CONSTANTS["figure"]
FIGURE_PLOT: tuple[int, int] = (
    _figure["width"] - _figure["margin"]["left"] - _figure["margin"]["right"],
    _figure["height"] - _figure["margin"]["top"] - _figure["margin"]["bottom"],
)
"""The plot's size in CSS pixels at the default figure size (figureLayout in js/lib)."""
MAX_FRAME_SHAPE: tuple[int, int] = (
    FIGURE_PLOT[0] * CONSTANTS["max_frame_scale"],
    FIGURE_PLOT[1] * CONSTANTS["max_frame_scale"],
)
"""Most columns × rows of the grid sent per frame: the plot at devicePixelRatio 2."""


def max_frame_shape(width: int | None, height: int | None) -> tuple[int, int]:
    """Most columns × rows sent per frame for a figure of ``width`` × ``height`` CSS pixels
    (None: the default size): its plot at devicePixelRatio 2, and never less than
    ``MAX_FRAME_SHAPE``.

    >>> max_frame_shape(None, None), max_frame_shape(1200, None)
    ((832, 724), (2112, 724))
    """
    scale = CONSTANTS["max_frame_scale"]
    margin = _figure["margin"]
    plot_w = (width or _figure["width"]) - margin["left"] - margin["right"]
    plot_h = (height or _figure["height"]) - margin["top"] - margin["bottom"]
    return max(MAX_FRAME_SHAPE[0], plot_w * scale), max(MAX_FRAME_SHAPE[1], plot_h * scale)
