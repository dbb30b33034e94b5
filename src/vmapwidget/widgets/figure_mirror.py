"""``explorer.figure``: GridExplorer's bqplot mirror, made on first use (bqplot loads then)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import bqplot

__all__ = ["FigureMirror"]


class FigureMirror:
    """Gives a widget that has ``grid``, ``x``, ``y``, ``axis_names`` and ``on_frame`` a
    ``figure`` property (see :func:`vmapwidget.widgets.grid_figure.mirror_figure`)."""

    _figure: Any = None

    @property
    def figure(self) -> bqplot.Figure:
        """A bqplot Figure whose HeatMap mirrors this widget (created on first use).

        For dashboards built from bqplot widgets; GridExplorer itself draws on a canvas,
        which is much faster (see benchmarks/README.md).
        """
        if self._figure is None:
            from vmapwidget.widgets.grid_figure import mirror_figure

            self._figure = mirror_figure(self)  # type: ignore[arg-type]
        return self._figure
