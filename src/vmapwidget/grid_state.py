"""What determines one GridExplorer picture, and the validation of a requested change.

>>> from vmapwidget.grid_specs import ParamSpec
>>> state = GridState({"a": 1.0}, (-1.0, 1.0), (-1.0, 1.0), 64)
>>> specs = {"a": ParamSpec("a", 0.0, 2.0, 1.0)}
>>> requested_state(state, {"params": {"a": 1.5}, "resolution": 128}, specs).resolution
128
>>> requested_state(state, {"params": {"a": 9}}, specs)
Traceback (most recent call last):
...
ValueError: parameter 'a' = 9 is outside its slider range [0, 2]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from vmapwidget.errors import short
from vmapwidget.grid_specs import ParamSpec
from vmapwidget.kernels import check_range, check_resolution

__all__ = ["STATE_FIELDS", "GridState", "requested_state"]

STATE_FIELDS = frozenset({"params", "x_range", "y_range", "resolution"})
"""The fields of a request that change the state."""


@dataclass(frozen=True)
class GridState:
    """Everything that determines one picture."""

    params: dict[str, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int


def requested_state(
    state: GridState,
    request: Mapping[str, Any],
    specs: Mapping[str, ParamSpec],
    dtype: Any = np.float32,
) -> GridState:
    """``state`` with the changes a request asks for (fields of STATE_FIELDS; others are
    ignored here), each validated. ValueError names the first bad value."""
    if "params" in request:
        values = request["params"]
        if not isinstance(values, dict) or any(n not in specs for n in values):
            raise ValueError(f"params must map {list(specs)} to numbers, got {short(values)}")
        params = {**state.params, **{n: specs[n].check(v) for n, v in values.items()}}
        state = replace(state, params=params)
    if "x_range" in request:
        state = replace(state, x_range=check_range(request["x_range"], "x range", dtype))
    if "y_range" in request:
        state = replace(state, y_range=check_range(request["y_range"], "y range", dtype))
    if "resolution" in request:
        state = replace(state, resolution=check_resolution(request["resolution"]))
    return state
