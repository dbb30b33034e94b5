"""The package's exceptions: one base class, so ``except VmapWidgetError`` catches them all.

Every error is also the builtin a caller would expect (a ``ValueError``), so code written
against earlier releases keeps working.

>>> from vmapwidget.errors import GridFunctionError, VmapWidgetError
>>> issubclass(GridFunctionError, VmapWidgetError) and issubclass(GridFunctionError, ValueError)
True
"""

from __future__ import annotations

from typing import Any

__all__ = ["MAX_QUOTE", "GridFunctionError", "MemoryBudgetError", "VmapWidgetError", "short"]

MAX_QUOTE = 200
"""Longest text (or repr) of an untrusted value quoted in a log line or an error message."""


def short(text: Any) -> str:
    """``text`` (or its repr, if not a str) cut to MAX_QUOTE characters, noting the length.

    >>> short("x" * 1000)[-14:]
    '… (1000 chars)'
    """
    text = text if isinstance(text, str) else repr(text)
    if len(text) <= MAX_QUOTE:
        return text
    return f"{text[:MAX_QUOTE]}… ({len(text)} chars)"


class VmapWidgetError(ValueError):
    """Base class of every error vmapwidget raises about its input."""


class GridFunctionError(VmapWidgetError):
    """The user's function cannot be evaluated on a grid (it raised, or is not pointwise)."""


class MemoryBudgetError(GridFunctionError):
    """Evaluating the function needs more memory than the budget allows, even one point."""
