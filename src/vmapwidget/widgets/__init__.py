"""Thin anywidget classes over the core: traits, validation and wiring only."""

from vmapwidget.widgets.plan_view import PlanView

__all__ = ["PlanView"]
