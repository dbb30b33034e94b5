"""Slider specifications for GridExplorer: f's extra parameters and the x/y range limits.

Parameters are given like mpl-interactions: ``name=(lo, hi)`` (starts at the midpoint) or
``name=(lo, hi, value)``. Every parameter of f after x and y needs one.

>>> specs = param_specs(lambda x, y, a, b=2: a * x + b * y, {"a": (0, 1), "b": (1, 3, 2.5)})
>>> [(s.name, s.lo, s.hi, s.value) for s in specs]
[('a', 0.0, 1.0, 0.5), ('b', 1.0, 3.0, 2.5)]
"""

from __future__ import annotations

import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from vmapwidget.errors import short
from vmapwidget.kernels import check_range

SLIDER_STEPS = 200
"""Arrow-key steps across a parameter slider's whole range."""

RESOLUTION_STEPS = (1, 2, 4, 8, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512, 768, 1024, 1536)
"""Resolutions offered by the resolution slider (plus the maximum and the current value)."""


@dataclass(frozen=True)
class ParamSpec:
    """One slider: the parameter's name, its range and its starting value."""

    name: str
    lo: float
    hi: float
    value: float

    @property
    def step(self) -> float:
        """The slider's arrow-key step: a 1-2-5 number near 1/SLIDER_STEPS of the range."""
        return nice_step((self.hi - self.lo) / SLIDER_STEPS)

    def check(self, value: Any) -> float:
        """``value`` as a float if it is a finite number within [lo, hi], else ValueError."""
        if isinstance(value, (bool, str, bytes)):
            raise ValueError(f"parameter {self.name!r} must be a number, got {value!r}")
        try:
            number = float(value)  # also numpy and jax scalars
        except (TypeError, ValueError, OverflowError):
            raise ValueError(f"parameter {self.name!r} must be a number, got {value!r}") from None
        if not math.isfinite(number):
            raise ValueError(f"parameter {self.name!r} must be finite, got {number}")
        if not self.lo <= number <= self.hi:
            raise ValueError(
                f"parameter {self.name!r} = {number:g} is outside its slider range "
                f"[{self.lo:g}, {self.hi:g}]"
            )
        return number

    def to_json(self) -> dict[str, Any]:
        """The description the frontend builds the slider from."""
        return {"name": self.name, "lo": self.lo, "hi": self.hi, "step": self.step}


def nice_step(raw: float) -> float:
    """The largest 1, 2 or 5 × 10^k not above ``raw`` (so round values lie on the grid).

    >>> nice_step(0.0145), nice_step(0.05), nice_step(3)
    (0.01, 0.05, 2.0)
    """
    power = 10.0 ** math.floor(math.log10(raw))
    multiple = max(m for m in (1, 2, 5) if m * power <= raw * (1 + 1e-9))
    return float(f"{multiple * power:.12g}")


def _parse_spec(name: str, spec: Any) -> ParamSpec:
    if isinstance(spec, (str, bytes)) or not isinstance(spec, Sequence) or len(spec) not in (2, 3):
        raise ValueError(
            f"parameter {name!r} needs a slider range (lo, hi) or (lo, hi, value), got {spec!r}"
        )
    lo, hi = check_range(spec[:2], f"parameter {name!r} range")
    provisional = ParamSpec(name, lo, hi, (lo + hi) / 2)
    value = provisional.check(spec[2]) if len(spec) == 3 else provisional.value
    return ParamSpec(name, lo, hi, value)


def extra_parameters(fun: Callable[..., Any]) -> tuple[list[str], list[str]] | None:
    """f's parameters after x and y as (required, optional), or None if not inspectable."""
    try:
        signature = inspect.signature(fun)
    except (TypeError, ValueError):
        return None
    params = list(signature.parameters.values())
    positional = [
        p
        for p in params
        if p.kind in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    ]
    if len(positional) < 2 and not any(p.kind is p.VAR_POSITIONAL for p in params):
        raise ValueError(
            "f must take x and y as its first two arguments, e.g. f(x, y, a); "
            f"its signature is {signature}"
        )
    rest = [p for p in params[2:] if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
    if any(p.kind is p.POSITIONAL_ONLY for p in rest):
        raise ValueError(f"f's parameters after x and y cannot be positional-only: {signature}")
    required = [p.name for p in rest if p.default is p.empty]
    optional = [p.name for p in rest if p.default is not p.empty]
    return required, optional


def param_specs(fun: Callable[..., Any], ranges: Mapping[str, Any]) -> list[ParamSpec]:
    """One ParamSpec per slider, in f's parameter order; clear errors for missing ranges.

    Parameters of f with a default value get a slider only when a range is given.
    """
    found = extra_parameters(fun)
    if found is not None:
        required, optional = found
        missing = [n for n in required if n not in ranges]
        if missing:
            example = ", ".join(f"{n}=(lo, hi)" for n in missing)
            raise ValueError(
                f"parameter(s) {missing} of f have no slider range: pass {example} "
                "(or (lo, hi, value))"
            )
        known = required + optional
        unknown = [n for n in ranges if n not in known]
        if unknown:
            raise ValueError(
                f"f has no parameter(s) {unknown}; its parameters after x and y are {known}"
            )
        order = [n for n in known if n in ranges]
    else:
        order = list(ranges)
    return [_parse_spec(n, ranges[n]) for n in order]


def keyword_caller(fun: Callable[..., Any], names: Sequence[str]) -> Callable[..., Any]:
    """f(x, y, *values) → fun(x, y, name=value, ...), so defaulted parameters may stay out."""
    names = tuple(names)

    def call(x: Any, y: Any, *values: Any) -> Any:
        return fun(x, y, **dict(zip(names, values, strict=True)))

    call.__name__ = getattr(fun, "__name__", "f")
    return call


def default_limits(bounds: tuple[float, float]) -> tuple[float, float]:
    """Limits of a range slider: the range widened by its own width on each side."""
    lo, hi = bounds
    width = hi - lo
    return lo - width, hi + width


def axis_names(fun: Callable[..., Any]) -> tuple[str, str]:
    """The names of f's first two parameters, for the axis labels ("x", "y" if unknown)."""
    try:
        names = list(inspect.signature(fun).parameters)
    except (TypeError, ValueError):
        return "x", "y"
    return (names[0], names[1]) if len(names) >= 2 else ("x", "y")


def slider_limits(bounds: tuple[float, float], limits: Any, what: str) -> tuple[float, float]:
    """The span of a range's sliders: ``limits`` checked to contain ``bounds``, or the
    default around them when None."""
    if limits is None:
        return default_limits(bounds)
    lo, hi = check_range(limits, what)
    if not lo <= bounds[0] < bounds[1] <= hi:
        raise ValueError(f"{what} ({lo:g}, {hi:g}) must contain the range {bounds}")
    return lo, hi


def widen_limits(limits: tuple[float, float], bounds: tuple[float, float]) -> tuple[float, float]:
    """``limits``, widened to contain ``bounds`` with a range's width to spare if they don't.

    >>> widen_limits((-1.0, 1.0), (0.0, 3.0))
    (-3.0, 6.0)
    """
    lo, hi = limits
    if bounds[0] >= lo and bounds[1] <= hi:
        return limits
    width = bounds[1] - bounds[0]
    return min(lo, bounds[0] - width), max(hi, bounds[1] + width)


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """``value`` if it is one of ``choices``, else a ValueError naming the option."""
    if not isinstance(value, str) or value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise ValueError(f"{name} must be one of {allowed}, got {short(repr(value))}")
    return value
