"""Thin anywidget classes over the core: traits, validation and wiring only."""

from vmapwidget.widgets.axis_explorer import AxisExplorer
from vmapwidget.widgets.grid_explorer import GridExplorer, InvalidGridValue
from vmapwidget.widgets.plan_view import PlanView

__all__ = ["AxisExplorer", "GridExplorer", "InvalidGridValue", "PlanView"]
