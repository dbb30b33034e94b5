"""Thin anywidget classes over the core: traits, validation and wiring only."""

from vmapwidget.widgets.axis_explorer import AxisExplorer
from vmapwidget.widgets.errors import InvalidGridValue, InvalidWidgetValue
from vmapwidget.widgets.grid_explorer import GridExplorer
from vmapwidget.widgets.plan_view import PlanView

__all__ = ["AxisExplorer", "GridExplorer", "InvalidGridValue", "InvalidWidgetValue", "PlanView"]
