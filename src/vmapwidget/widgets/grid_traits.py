"""The synced traits of GridExplorer (what Python and the browser share), in one place.

Public traits are the widget's API (settable from Python; validated here, without side
effects: a bad value raises :class:`~vmapwidget.widgets.errors.InvalidWidgetValue`);
underscored ones are the wire format the frontend reads: the slider specs, the axis names,
the frame (binary buffers and their header, see :mod:`vmapwidget.grid_frames`) and the
status of the last reply. The browser may write only ``_browser_writable``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets

from vmapwidget.color_range import (
    ALLOWED,
    MAX_LEVELS,
    MIN_LEVELS,
    NORMS,
    check_color_range,
    check_levels,
    check_scale,
)
from vmapwidget.constants import COLORMAPS
from vmapwidget.errors import short
from vmapwidget.grid_frames import ENCODINGS
from vmapwidget.grid_specs import ParamSpec
from vmapwidget.grid_state import GridState
from vmapwidget.kernels import MAX_RESOLUTION, check_range, check_resolution
from vmapwidget.widgets._guard import GuardedWidget
from vmapwidget.widgets._static import bundle
from vmapwidget.widgets.errors import InvalidGridValue

__all__ = ["GridTraits"]


if TYPE_CHECKING:
    _TraitType = traitlets.TraitType[Any, Any]
else:  # traitlets before 5.10 has no generic TraitType
    _TraitType = traitlets.TraitType


class ColorRangeTrait(_TraitType):
    """``"auto"``, ``"symmetric"`` or a ``(lo, hi)`` pair (see :mod:`vmapwidget.color_range`)."""

    def validate(self, obj: Any, value: Any) -> Any:
        try:
            return check_color_range(value)
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None


class ChoiceTrait(_TraitType):
    """One of ``choices`` (an :class:`InvalidGridValue` naming them otherwise)."""

    def __init__(self, choices: tuple[Any, ...], default: Any, **kwargs: Any) -> None:
        super().__init__(default, **kwargs)
        self.choices = choices

    def validate(self, obj: Any, value: Any) -> Any:
        if isinstance(value, type(self.default_value)) and value in self.choices:
            return value
        allowed = ", ".join(repr(c) for c in self.choices)
        raise InvalidGridValue(f"{self.name} must be one of {allowed}, got {short(repr(value))}")


class LevelsTrait(_TraitType):
    """None (continuous colours) or a number of colour bands."""

    def validate(self, obj: Any, value: Any) -> int | None:
        try:
            return check_levels(value)
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None


class SizeTrait(_TraitType):
    """None (follow the container) or a size in CSS pixels from ``lo`` to ``hi``."""

    def __init__(self, lo: int, hi: int, **kwargs: Any) -> None:
        super().__init__(None, allow_none=True, **kwargs)
        self.lo, self.hi = lo, hi

    def validate(self, obj: Any, value: Any) -> int | None:
        if value is None or (
            isinstance(value, int) and not isinstance(value, bool) and self.lo <= value <= self.hi
        ):
            return value
        raise InvalidGridValue(
            f"{self.name} must be None or an int from {self.lo} to {self.hi} (CSS pixels), "
            f"got {short(repr(value))}"
        )


class StrictBool(_TraitType):
    """True or False, nothing else."""

    def validate(self, obj: Any, value: Any) -> bool:
        if isinstance(value, bool):
            return value
        raise InvalidGridValue(f"{self.name} must be True or False, got {short(repr(value))}")


FIGURE_WIDTHS, FIGURE_HEIGHTS = (200, 4000), (150, 4000)
"""The widths and heights a figure may have (CSS pixels)."""

MAX_LABEL = 200
"""The longest axis label, colour bar label or title accepted (characters)."""


class LabelTrait(_TraitType):
    """A text drawn on the figure: a string of at most :data:`MAX_LABEL` characters."""

    default_value = ""

    def validate(self, obj: Any, value: Any) -> str:
        if isinstance(value, str) and len(value) <= MAX_LABEL:
            return value
        got = short(repr(value))
        raise InvalidGridValue(
            f"{self.name} must be a string of at most {MAX_LABEL} characters, got {got}"
        )


class GridTraits(GuardedWidget):
    """GridExplorer's traits and their validation; ``specs``, ``dtype`` and ``state`` (the
    picture drawn) are the widget's."""

    specs: dict[str, ParamSpec]
    dtype: np.dtype[Any]

    _esm = bundle("grid_explorer")
    _css = bundle("grid_explorer", "css")

    params = traitlets.Dict(help="Current parameter values {name: float}; settable.").tag(sync=True)
    x_range = traitlets.Tuple(traitlets.Float(), traitlets.Float(), help="(lo, hi) of x.").tag(
        sync=True
    )
    y_range = traitlets.Tuple(traitlets.Float(), traitlets.Float(), help="(lo, hi) of y.").tag(
        sync=True
    )
    resolution = traitlets.Int(help=f"Grid points per axis, 1 … {MAX_RESOLUTION}.").tag(sync=True)
    colormap = ChoiceTrait(COLORMAPS, "viridis", help="Colour map name.").tag(sync=True)
    color_range = ColorRangeTrait("auto", help=f"What the colours span: {ALLOWED}.").tag(sync=True)
    norm = ChoiceTrait(NORMS, "linear", help="How values map to colours: linear or log10.").tag(
        sync=True
    )
    levels = LevelsTrait(
        None, allow_none=True, help=f"None, or {MIN_LEVELS}–{MAX_LEVELS} filled colour bands."
    ).tag(sync=True)
    contours = StrictBool(False, help="Draw labelled iso-lines over the heatmap.").tag(sync=True)
    sections = StrictBool(False, help="Show f along x and y through the pointer (hover).").tag(
        sync=True
    )
    show_devices = StrictBool(
        False, help="Outline the cells each device computes (with devices=)."
    ).tag(sync=True)
    aspect = ChoiceTrait(("auto", "equal"), "auto", help="'equal': one x unit = one y unit.").tag(
        sync=True
    )
    width = SizeTrait(
        *FIGURE_WIDTHS, help="Figure width in CSS pixels (None: the container's)."
    ).tag(sync=True)
    height = SizeTrait(
        *FIGURE_HEIGHTS, help="Figure height in CSS pixels (None: the default)."
    ).tag(sync=True)
    title = LabelTrait(help="The title above the plot (default: none).").tag(sync=True)
    xlabel = LabelTrait(help="The x axis label (default: x's parameter name).").tag(sync=True)
    ylabel = LabelTrait(help="The y axis label (default: y's parameter name).").tag(sync=True)
    colorbar_label = LabelTrait(help="The colour bar's label (default: none).").tag(sync=True)
    x_limits = traitlets.Tuple(
        traitlets.Float(), traitlets.Float(), help="Span of the x range sliders."
    ).tag(sync=True)
    y_limits = traitlets.Tuple(
        traitlets.Float(), traitlets.Float(), help="Span of the y range sliders."
    ).tag(sync=True)
    error = traitlets.Unicode("", help="The last error, shown in the status line.").tag(sync=True)
    encoding = ChoiceTrait((*ENCODINGS, "auto"), "auto", help="Wire encoding of frames.")

    formula = traitlets.Unicode(
        None, allow_none=True, help="The formula drawn (None for a Python function)."
    ).tag(sync=True)
    editable_formula = traitlets.Bool(
        False, help="Show a text box where the page's visitor edits the formula (live)."
    ).tag(sync=True)

    _browser_writable = frozenset({"colormap", "color_range", "show_devices"})
    _specs: traitlets.List[dict[str, Any]] = traitlets.List().tag(sync=True)
    _axis_names = traitlets.Tuple(traitlets.Unicode(), traitlets.Unicode()).tag(sync=True)
    _resolution_steps: traitlets.List[int] = traitlets.List().tag(sync=True)
    _frame = traitlets.Bytes().tag(sync=True)
    _mask = traitlets.Bytes().tag(sync=True)
    _frame_meta = traitlets.Dict().tag(sync=True)
    _status = traitlets.Dict().tag(sync=True)
    _home: traitlets.List[list[float]] = traitlets.List(
        help="[x_range, y_range] it was made with (Home)."
    ).tag(sync=True)
    _dtype = traitlets.Unicode("float32", help="The dtype f is evaluated in.").tag(sync=True)
    _device_layout = traitlets.Dict(
        help="{n: [nx, ny], devices, blocks: [[device id, i0, i1, j0, j1], ...]}"
    ).tag(sync=True)

    @property
    def state(self) -> GridState:
        """The parameters, ranges and resolution of the picture drawn."""
        raise NotImplementedError

    @traitlets.default("xlabel")
    def _default_xlabel(self) -> str:
        return str(self._axis_names[0])

    @traitlets.default("ylabel")
    def _default_ylabel(self) -> str:
        return str(self._axis_names[1])

    @property
    def axis_names(self) -> tuple[str, str]:
        """The names of f's first two parameters (the heatmap's axis labels)."""
        return self._axis_names

    @property
    def color_limits(self) -> tuple[float, float]:
        """The (lo, hi) the picture drawn is coloured against (see ``color_range``)."""
        lo, hi = self._frame_meta["limits"]
        return (lo, hi)

    @traitlets.validate("color_range", "norm")
    def _valid_scale(self, proposal: dict[str, Any]) -> Any:
        name, value = proposal["trait"].name, proposal["value"]
        try:
            check_scale(
                value if name == "color_range" else self.color_range,
                value if name == "norm" else self.norm,
            )
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None
        return value

    @traitlets.validate("params")
    def _valid_params(self, proposal: dict[str, Any]) -> dict[str, float]:
        values = proposal["value"]
        unknown = [n for n in values if n not in self.specs]
        if unknown:
            raise InvalidGridValue(
                f"unknown parameter(s) {unknown}; the parameters are {list(self.specs)}"
            )
        merged = {**self.state.params, **values}
        try:
            return {n: self.specs[n].check(merged[n]) for n in self.specs}
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None

    @traitlets.validate("x_range", "y_range", "x_limits", "y_limits")
    def _valid_range(self, proposal: dict[str, Any]) -> tuple[float, float]:
        name = proposal["trait"].name
        try:
            return check_range(proposal["value"], name.replace("_", " "), self.dtype)
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None

    @traitlets.validate("resolution")
    def _valid_resolution(self, proposal: dict[str, Any]) -> int:
        try:
            return check_resolution(proposal["value"])
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None
