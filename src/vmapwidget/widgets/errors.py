"""The error both explorers raise for a value set on them that they cannot accept."""

from __future__ import annotations

import traitlets

from vmapwidget.errors import VmapWidgetError

__all__ = ["InvalidGridValue", "InvalidWidgetValue"]


class InvalidWidgetValue(traitlets.TraitError, VmapWidgetError):
    """A value set on a widget (from Python or the browser) is not acceptable.

    A :class:`traitlets.TraitError` and a ``ValueError``, like every
    :class:`~vmapwidget.errors.VmapWidgetError`.
    """


InvalidGridValue = InvalidWidgetValue
"""The name GridExplorer's error had before AxisExplorer shared it (kept for users)."""
