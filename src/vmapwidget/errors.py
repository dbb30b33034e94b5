"""The package's exceptions: one base class, so ``except VmapWidgetError`` catches them all.

Every error is also the builtin a caller would expect (a ``ValueError``), so code written
against earlier releases keeps working.

>>> from vmapwidget.errors import GridFunctionError, VmapWidgetError
>>> issubclass(GridFunctionError, VmapWidgetError) and issubclass(GridFunctionError, ValueError)
True
"""

from __future__ import annotations

__all__ = ["GridFunctionError", "MemoryBudgetError", "VmapWidgetError"]


class VmapWidgetError(ValueError):
    """Base class of every error vmapwidget raises about its input."""


class GridFunctionError(VmapWidgetError):
    """The user's function cannot be evaluated on a grid (it raised, or is not pointwise)."""


class MemoryBudgetError(GridFunctionError):
    """Evaluating the function needs more memory than the budget allows, even one point."""
