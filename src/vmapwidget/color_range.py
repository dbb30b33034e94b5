"""What a heatmap's colours stand for: the ``color_range`` option and the limits it gives.

``"auto"`` colours each frame against its own finite min and max; ``"symmetric"`` centres
the range on 0 (±max|f|, for diverging maps); a fixed ``(lo, hi)`` keeps the colours of a
value the same from frame to frame, so an amplitude change shows. Values outside the limits
are drawn in the end colours.

>>> check_color_range([-1, 2])
(-1.0, 2.0)
>>> color_limits((-0.5, 2.0), "auto"), color_limits((-0.5, 2.0), "symmetric")
((-0.5, 2.0), (-2.0, 2.0))
>>> color_limits(None, (0.0, 1.0)), color_limits(None, "auto")
((0.0, 1.0), (0.0, 0.0))
"""

from __future__ import annotations

import math
from typing import Any

from vmapwidget.errors import short

ColorRange = str | tuple[float, float]

COLOR_RANGE_MODES = ("auto", "symmetric")
ALLOWED = "'auto', 'symmetric' or a (lo, hi) pair of finite numbers with lo < hi"

__all__ = ["ALLOWED", "COLOR_RANGE_MODES", "ColorRange", "check_color_range", "color_limits"]


def check_color_range(value: Any) -> ColorRange:
    """``value`` as a colour range (a mode name or a float pair); ValueError otherwise."""
    if isinstance(value, str):
        if value in COLOR_RANGE_MODES:
            return value
        raise ValueError(f"color_range must be {ALLOWED}, got {short(repr(value))}")
    if isinstance(value, (list, tuple)) and len(value) == 2:
        lo, hi = (_finite_number(v) for v in value)
        if lo is not None and hi is not None and lo < hi:
            return (lo, hi)
    raise ValueError(f"color_range must be {ALLOWED}, got {short(repr(value))}")


def _finite_number(value: Any) -> float | None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def color_limits(
    bounds: tuple[float, float] | None, color_range: ColorRange
) -> tuple[float, float]:
    """The (lo, hi) a grid whose finite values span ``bounds`` (None: no finite values) is
    coloured against."""
    if isinstance(color_range, tuple):
        return color_range
    if bounds is None:
        return (0.0, 0.0)
    if color_range == "symmetric":
        reach = max(abs(bounds[0]), abs(bounds[1]))
        return (-reach, reach)
    return bounds
