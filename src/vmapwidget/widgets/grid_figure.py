"""A bqplot Figure that mirrors a GridExplorer, for dashboards composed of bqplot widgets.

GridExplorer draws on its own canvas (bqplot's ``HeatMap`` re-encodes a PNG in the browser
on every update: 1.4 s per frame at 1024², see benchmarks/README.md). Where a bqplot Figure
is wanted, ``explorer.figure`` gives one whose ``HeatMap`` follows every frame, at the
kernel's own grid coordinates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import bqplot
import numpy as np

__all__ = ["MirroredGrid", "mirror_figure"]


class MirroredGrid(Protocol):
    """What the mirror reads of the widget it follows (GridExplorer is one)."""

    @property
    def grid(self) -> np.ndarray: ...
    @property
    def x(self) -> np.ndarray: ...
    @property
    def y(self) -> np.ndarray: ...
    @property
    def axis_names(self) -> tuple[str, str]: ...
    @property
    def state(self) -> Any: ...
    @property
    def color_limits(self) -> tuple[float, float]: ...

    colormap: str
    color_range: Any

    def on_frame(self, callback: Callable[[], None]) -> None: ...
    def observe(self, handler: Callable[[dict[str, Any]], None], names: str) -> None: ...


def _data(explorer: MirroredGrid) -> dict[str, np.ndarray]:
    """HeatMap data at the kernel's coordinates. bqplot cannot draw a one-point axis, so
    one cell is drawn as two equal ones centred on the kernel's point."""
    x, y, color = explorer.x, explorer.y, explorer.grid.T
    if len(x) == 1:
        x, color = _doubled(x, explorer.state.x_range), np.repeat(color, 2, axis=1)
    if len(y) == 1:
        y, color = _doubled(y, explorer.state.y_range), np.repeat(color, 2, axis=0)
    return {"x": x, "y": y, "color": color}


def _doubled(point: np.ndarray, bounds: tuple[float, float]) -> np.ndarray:
    quarter = (bounds[1] - bounds[0]) / 4
    return np.array([point[0] - quarter, point[0] + quarter])


def _scheme(colormap: str) -> dict[str, Any]:
    """bqplot's ColorScale for one of our colour maps (a ``_r`` name is its map reversed)."""
    reversed_map = colormap.endswith("_r")
    return {"scheme": colormap[:-2] if reversed_map else colormap, "reverse": reversed_map}


def mirror_figure(explorer: MirroredGrid) -> bqplot.Figure:
    """A bqplot Figure with a HeatMap, axes and colour axis that follow ``explorer``."""
    x_scale, y_scale = bqplot.LinearScale(), bqplot.LinearScale()
    colour = bqplot.ColorScale(**_scheme(explorer.colormap))
    heatmap = bqplot.HeatMap(
        scales={"x": x_scale, "y": y_scale, "color": colour}, **_data(explorer)
    )
    names = explorer.axis_names

    def update() -> None:
        with heatmap.hold_sync():
            for name, value in _data(explorer).items():
                setattr(heatmap, name, value)
        rescale()

    def rescale(_change: Any = None) -> None:
        """Colours against the widget's limits, unless they are each frame's own."""
        fixed = explorer.color_range != "auto"
        with colour.hold_sync():
            colour.min, colour.max = explorer.color_limits if fixed else (None, None)

    def recolour(change: dict[str, Any]) -> None:
        with colour.hold_sync():
            for name, value in _scheme(change["new"]).items():
                setattr(colour, name, value)

    explorer.on_frame(update)
    explorer.observe(recolour, "colormap")
    explorer.observe(rescale, "color_range")
    rescale()
    axes = [
        bqplot.Axis(scale=x_scale, label=names[0]),
        bqplot.Axis(scale=y_scale, side="left", label=names[1]),
        bqplot.ColorAxis(scale=colour, side="right"),
    ]
    return bqplot.Figure(marks=[heatmap], axes=axes, padding_y=0.0)
