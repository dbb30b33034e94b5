"""What a heatmap's colours stand for: ``color_range``, ``norm`` and ``levels``.

``"auto"`` colours each frame against its own finite min and max; ``"symmetric"`` centres
the range on 0 (±max|f|, for diverging maps); a fixed ``(lo, hi)`` keeps the colours of a
value the same from frame to frame, so an amplitude change shows. Values outside the limits
are drawn in the end colours. ``norm="log"`` spaces the colours by log10 of the (positive)
values; ``levels=N`` draws N equal bands of the limits (as ``contourf(levels=N)``).

>>> check_color_range([-1, 2])
(-1.0, 2.0)
>>> color_limits((-0.5, 2.0), "auto"), color_limits((-0.5, 2.0), "symmetric")
((-0.5, 2.0), (-2.0, 2.0))
>>> color_limits(None, (0.0, 1.0)), color_limits(None, "auto")
((0.0, 1.0), (0.0, 0.0))
>>> check_scale("symmetric", "log")
Traceback (most recent call last):
ValueError: norm='log' needs color_range 'auto' or a (lo, hi) pair with 0 < lo < hi, got 'symmetric'
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

from vmapwidget.errors import short

ColorRange = str | tuple[float, float]

COLOR_RANGE_MODES = ("auto", "symmetric")
ALLOWED = "'auto', 'symmetric' or a (lo, hi) pair of finite numbers with lo < hi"
NORMS = ("linear", "log")
MIN_LEVELS, MAX_LEVELS = 2, 256

__all__ = [
    "ALLOWED",
    "COLOR_RANGE_MODES",
    "MAX_LEVELS",
    "MIN_LEVELS",
    "NORMS",
    "ColorRange",
    "ColorScale",
    "check_color_range",
    "check_levels",
    "check_norm",
    "check_scale",
    "color_limits",
]


class ColorScale(NamedTuple):
    """How a picture's values become colours (each field checked by its ``check_*``)."""

    color_range: ColorRange = "auto"
    norm: str = "linear"
    levels: int | None = None


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


def check_norm(value: Any) -> str:
    """``value`` as a norm name; ValueError naming the allowed ones otherwise."""
    if isinstance(value, str) and value in NORMS:
        return value
    raise ValueError(f"norm must be one of 'linear', 'log', got {short(repr(value))}")


def check_levels(value: Any) -> int | None:
    """``value`` as a number of colour bands (None: continuous colours); ValueError otherwise."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and MIN_LEVELS <= value <= MAX_LEVELS:
        return value
    raise ValueError(
        f"levels must be None or an int from {MIN_LEVELS} to {MAX_LEVELS}, got {short(repr(value))}"
    )


def check_scale(color_range: ColorRange, norm: str) -> None:
    """Refuse a colour range the norm cannot draw: a log norm needs positive limits."""
    if norm == "log" and not (
        color_range == "auto" or (isinstance(color_range, tuple) and color_range[0] > 0)
    ):
        raise ValueError(
            "norm='log' needs color_range 'auto' or a (lo, hi) pair with 0 < lo < hi, "
            f"got {short(repr(color_range))}"
        )


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
