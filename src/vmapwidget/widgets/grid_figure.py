"""A bqplot Figure that mirrors a GridExplorer, for dashboards composed of bqplot widgets.

GridExplorer draws on its own canvas (bqplot's ``HeatMap`` re-encodes a PNG in the browser
on every update: 1.4 s per frame at 1024², see benchmarks/README.md). Where a bqplot Figure
is wanted, ``explorer.figure`` gives one whose ``HeatMap`` follows every frame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import bqplot
import numpy as np

if TYPE_CHECKING:
    from vmapwidget.widgets.grid_explorer import GridExplorer


def _data(explorer: GridExplorer) -> dict[str, np.ndarray]:
    meta = explorer._frame_meta
    return {
        "x": np.linspace(*meta["x_range"], meta["nx"]),
        "y": np.linspace(*meta["y_range"], meta["ny"]),
        "color": explorer.grid.T,
    }


def mirror_figure(explorer: GridExplorer) -> bqplot.Figure:
    """A bqplot Figure with a HeatMap, axes and colour axis that follow ``explorer``."""
    x_scale, y_scale = bqplot.LinearScale(), bqplot.LinearScale()
    colour = bqplot.ColorScale(scheme=explorer.colormap)
    heatmap = bqplot.HeatMap(
        scales={"x": x_scale, "y": y_scale, "color": colour}, **_data(explorer)
    )
    names = explorer._axis_names

    def update(_change: Any) -> None:
        with heatmap.hold_sync():
            for name, value in _data(explorer).items():
                setattr(heatmap, name, value)

    def recolour(change: dict[str, Any]) -> None:
        colour.scheme = change["new"]

    explorer.observe(update, "_frame_meta")
    explorer.observe(recolour, "colormap")
    axes = [
        bqplot.Axis(scale=x_scale, label=names[0]),
        bqplot.Axis(scale=y_scale, orientation="vertical", label=names[1]),
        bqplot.ColorAxis(scale=colour, orientation="vertical", side="right"),
    ]
    return bqplot.Figure(marks=[heatmap], axes=axes, padding_y=0.0)
