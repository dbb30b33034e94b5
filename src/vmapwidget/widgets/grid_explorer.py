"""GridExplorer: a live heatmap of f(x, y, *params), driven by sliders, drawn on a canvas.

Data travels one way per interaction: the frontend sends the new slider values as a custom
message ``{"type": "request", "vid", "seq", ...}``; Python validates them, evaluates the grid
with the core's jit-compiled nested-vmap :class:`~vmapwidget.kernels.GridKernel` and answers
with one state update that carries the traits, the binary frame (see
:mod:`vmapwidget.widgets.grid_frames`) and a ``status`` naming the request it answers. The
frontend keeps at most one request in flight and coalesces newer values (latest wins).

Each view also says how many device pixels its plot has (``{"type": "view", "vid",
"pixels": [w, h]}`` when it opens, ``"pixels": null`` when it closes): a grid finer than
that is sent as a sample the size of the largest open view, at most ``MAX_FRAME_SHAPE``.

f may also be a formula such as ``"sin(a*x) * y"`` (see :mod:`vmapwidget.formula`). With
``editable_formula=True`` the frontend shows a text box, and a request may carry
``"formula": text``: Python parses it (never ``eval``), compiles it once and draws it; a bad
formula leaves the last good function and picture in place and reports the column.

Everything from the browser is validated: unknown fields, wrong types, NaN/inf, values out
of their slider range, a resolution above ``MAX_RESOLUTION`` (refused before any memory is
allocated) and stale or malformed ``vid``/``seq`` are refused with a logged warning and an
``error`` naming the problem; the only trait the browser may write is ``colormap``.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import traitlets

from vmapwidget.formula import MAX_FORMULA_LENGTH, FormulaError, parse_formula
from vmapwidget.kernels import (
    MAX_RESOLUTION,
    GridFunctionError,
    GridKernel,
    check_range,
    check_resolution,
)
from vmapwidget.widgets._guard import GuardedWidget, short
from vmapwidget.widgets._static import bundle
from vmapwidget.widgets.errors import InvalidGridValue
from vmapwidget.widgets.grid_frames import ENCODINGS, encode_grid
from vmapwidget.widgets.grid_specs import (
    RESOLUTION_STEPS,
    ParamSpec,
    axis_names,
    default_limits,
    extra_parameters,
    keyword_caller,
    param_specs,
)

if TYPE_CHECKING:
    import bqplot

__all__ = ["COLORMAPS", "GridExplorer", "InvalidGridValue"]

logger = logging.getLogger("vmapwidget")

COLORMAPS = ("viridis", "plasma", "magma", "cividis", "coolwarm", "gray")
"""Colour maps the frontend draws with (256 entries each, as in matplotlib)."""

MAX_ID_LENGTH = 64
MAX_VIEWS = 64
"""Views whose last request number is remembered (older views' numbers are forgotten)."""
MAX_SEQ = 2**53
"""Largest request number accepted (JavaScript's largest exact integer)."""
REQUEST_FIELDS = frozenset(
    {"type", "vid", "seq", "params", "x_range", "y_range", "resolution", "formula"}
)
AUTO_UINT8_CELLS = 512 * 512
"""Above this many cells the "auto" encoding sends uint8 (see benchmarks/README.md)."""
MAX_FRAME_SHAPE = (832, 724)
"""Most columns × rows of the grid sent per frame: twice the plot's 416 × 362 CSS pixels
(``figureLayout`` in js/lib/grid_draw.js), all that a display with devicePixelRatio 2 can
show. Finer grids are sampled to the largest open view's plot, in device pixels, or to this
before any view has said its size (see grid_frames); ``w.grid`` is whole."""
VIEW_FIELDS = frozenset({"type", "vid", "pixels"})


@dataclass(frozen=True)
class GridState:
    """Everything that determines one picture."""

    params: dict[str, float]
    x_range: tuple[float, float]
    y_range: tuple[float, float]
    resolution: int


class GridExplorer(GuardedWidget):
    """A live heatmap of ``f(x, y, *params)`` with sliders for every parameter.

    ``f`` is evaluated pointwise on a ``resolution × resolution`` grid spanning ``x`` and
    ``y`` by ``jit(vmap(vmap(f)))``, compiled once per grid size: moving a parameter or a
    range never recompiles. Every parameter of ``f`` after x and y needs a slider range,
    ``name=(lo, hi)`` or ``name=(lo, hi, value)``.

    >>> import jax.numpy as jnp
    >>> w = GridExplorer(lambda x, y, a: jnp.sin(a * x) * y, x=(-5, 5), y=(-2, 2),
    ...                  resolution=64, a=(0.1, 3.0, 1.0))
    >>> w.grid.shape, w.params
    ((64, 64), {'a': 1.0})
    >>> w.params = {"a": 2.5}
    >>> w.x_range = (-1, 1)
    >>> w.stats["compiles"], w.stats["frames"]
    (1, 3)

    f may be given as a formula of ``x``, ``y`` and the parameters that have a slider range;
    ``editable_formula=True`` lets the page's visitor edit it in a text box (see
    :mod:`vmapwidget.formula` for the language):

    >>> w = GridExplorer("sin(a*x) * y", x=(-5, 5), y=(-2, 2), resolution=16, a=(0.1, 3, 1))
    >>> w.formula = "cos(a*x) + y"
    >>> w.formula, w.stats["compiles"]
    ('cos(a*x) + y', 2)

    ``encoding`` picks how frames travel to the browser (see
    :mod:`vmapwidget.widgets.grid_frames`): ``"uint16"`` (exact colours, tooltip within
    1/131072 of the value range), ``"uint8"`` (the colour index itself: half the bytes, the
    same colours, tooltip to 1/512 of the range), ``"float32"``, or ``"auto"`` (the default:
    uint16 up to 512², uint8 above, where the bytes dominate the latency).

    Attributes
    ----------
    grid : numpy.ndarray
        The values currently drawn, shape ``(len(x), len(y))`` (read-only).
    stats : dict
        ``compiles``, ``kernel_ms``, ``compile_ms``, ``encode_ms``, ``frames``, ``bytes``
        (of the last frame) and ``nonfinite`` (cells that are NaN or ±inf). ``compiles``
        counts every compilation, of every function the widget has shown.
    formula : str or None
        The formula drawn, or None when f is a Python function; settable (a bad formula
        raises :class:`~vmapwidget.FormulaError` and changes nothing).
    """

    _esm = bundle("grid_explorer")

    params = traitlets.Dict(help="Current parameter values {name: float}; settable.").tag(sync=True)
    x_range = traitlets.Tuple(traitlets.Float(), traitlets.Float(), help="(lo, hi) of x.").tag(
        sync=True
    )
    y_range = traitlets.Tuple(traitlets.Float(), traitlets.Float(), help="(lo, hi) of y.").tag(
        sync=True
    )
    resolution = traitlets.Int(help=f"Grid points per axis, 1 … {MAX_RESOLUTION}.").tag(sync=True)
    colormap = traitlets.Enum(COLORMAPS, default_value="viridis", help="Colour map name.").tag(
        sync=True
    )
    x_limits = traitlets.Tuple(
        traitlets.Float(), traitlets.Float(), help="Span of the x range sliders."
    ).tag(sync=True)
    y_limits = traitlets.Tuple(
        traitlets.Float(), traitlets.Float(), help="Span of the y range sliders."
    ).tag(sync=True)
    error = traitlets.Unicode("", help="The last error, shown in the status line.").tag(sync=True)
    encoding = traitlets.Enum(
        (*ENCODINGS, "auto"), default_value="auto", help="Wire encoding of frames."
    )

    formula = traitlets.Unicode(
        None, allow_none=True, help="The formula drawn (None for a Python function)."
    ).tag(sync=True)
    editable_formula = traitlets.Bool(
        False, help="Show a text box where the page's visitor edits the formula (live)."
    ).tag(sync=True)

    _browser_writable = frozenset({"colormap"})
    _specs = traitlets.List().tag(sync=True)
    _axis_names = traitlets.Tuple(traitlets.Unicode(), traitlets.Unicode()).tag(sync=True)
    _resolution_steps = traitlets.List().tag(sync=True)
    _frame = traitlets.Bytes().tag(sync=True)
    _mask = traitlets.Bytes().tag(sync=True)
    _frame_meta = traitlets.Dict().tag(sync=True)
    _status = traitlets.Dict().tag(sync=True)

    def __init__(
        self,
        fun: Callable[..., Any] | str,
        *,
        x: tuple[float, float] = (-1.0, 1.0),
        y: tuple[float, float] = (-1.0, 1.0),
        resolution: int = 128,
        colormap: str = "viridis",
        encoding: str = "auto",
        x_limits: tuple[float, float] | None = None,
        y_limits: tuple[float, float] | None = None,
        editable_formula: bool = False,
        **param_ranges: Any,
    ) -> None:
        formula = fun if isinstance(fun, str) else None
        if formula is not None:
            fun = parse_formula(formula, ["x", "y", *param_ranges])
        if not callable(fun):
            raise TypeError(f"f must be callable or a formula, got {type(fun).__name__}")
        specs = param_specs(fun, param_ranges)
        x_range, y_range = check_range(x, "x range"), check_range(y, "y range")
        resolution = check_resolution(resolution)
        x_limits = self._limits(x_range, x_limits, "x limits")
        y_limits = self._limits(y_range, y_limits, "y limits")
        if colormap not in COLORMAPS:
            raise ValueError(f"colormap must be one of {COLORMAPS}, got {colormap!r}")
        if encoding not in (*ENCODINGS, "auto"):
            raise ValueError(f"encoding must be one of {(*ENCODINGS, 'auto')}, got {encoding!r}")
        self.specs: dict[str, ParamSpec] = {s.name: s for s in specs}
        names = [s.name for s in specs]
        kernel_fun = fun if extra_parameters(fun) is None else keyword_caller(fun, names)
        self.kernel = GridKernel(kernel_fun, names)
        self._python_kernel = None if formula is not None else self.kernel
        self._retired_compiles = 0
        self._proposed: tuple[GridKernel, dict[str, Any]] | None = None
        self._last_seq: OrderedDict[str, int] = OrderedDict()
        self._view_pixels: OrderedDict[str, tuple[int, int]] = OrderedDict()
        self._replies = 0
        self._frames = 0
        self._stats: dict[str, Any] = {}
        self._grid = np.zeros((0, 0), np.float32)
        self._figure: Any = None
        state = GridState({s.name: s.value for s in specs}, x_range, y_range, resolution)
        frame = self._render(state, encoding)
        self._good = state
        self._applying = True
        super().__init__(
            params=state.params,
            x_range=x_range,
            y_range=y_range,
            resolution=resolution,
            colormap=colormap,
            encoding=encoding,
            formula=formula,
            editable_formula=bool(editable_formula),
            x_limits=x_limits,
            y_limits=y_limits,
            _specs=[s.to_json() for s in specs],
            _axis_names=axis_names(fun),
            _resolution_steps=self._steps(),
            **frame,
            _status=self._status_for(None, None, ""),
        )
        self._applying = False
        self.on_msg(self._on_browser_msg)

    @staticmethod
    def _limits(bounds: tuple[float, float], limits: Any, what: str) -> tuple[float, float]:
        if limits is None:
            return default_limits(bounds)
        lo, hi = check_range(limits, what)
        if not lo <= bounds[0] < bounds[1] <= hi:
            raise ValueError(f"{what} ({lo:g}, {hi:g}) must contain the range {bounds}")
        return lo, hi

    @staticmethod
    def _steps() -> list[int]:
        return sorted({*RESOLUTION_STEPS, MAX_RESOLUTION})

    @property
    def grid(self) -> np.ndarray:
        """The values currently drawn, shape ``(len(x), len(y))``; a read-only array."""
        return self._grid

    @property
    def stats(self) -> dict[str, Any]:
        """Counters of the kernel and the frames (see the class docstring)."""
        return {**self._stats, "compiles": self._compiles(), "frames": self._frames}

    def _compiles(self) -> int:
        return self._retired_compiles + self.kernel.compiles

    @property
    def figure(self) -> bqplot.Figure:
        """A bqplot Figure whose HeatMap mirrors this widget (created on first use).

        For dashboards built from bqplot widgets; GridExplorer itself draws on a canvas,
        which is much faster (see benchmarks/README.md).
        """
        if self._figure is None:
            from vmapwidget.widgets.grid_figure import mirror_figure

            self._figure = mirror_figure(self)
        return self._figure

    @property
    def state(self) -> GridState:
        """The parameters, ranges and resolution of the picture currently drawn."""
        return self._good

    # -- validation of values set from Python ------------------------------------------------

    @traitlets.validate("params")
    def _valid_params(self, proposal: dict[str, Any]) -> dict[str, float]:
        values = proposal["value"]
        unknown = [n for n in values if n not in self.specs]
        if unknown:
            raise InvalidGridValue(
                f"unknown parameter(s) {unknown}; the parameters are {list(self.specs)}"
            )
        merged = {**self._good.params, **values}
        try:
            return {n: self.specs[n].check(merged[n]) for n in self.specs}
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None

    @traitlets.validate("x_range", "y_range", "x_limits", "y_limits")
    def _valid_range(self, proposal: dict[str, Any]) -> tuple[float, float]:
        name = proposal["trait"].name
        try:
            return check_range(proposal["value"], name.replace("_", " "))
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None

    @traitlets.validate("resolution")
    def _valid_resolution(self, proposal: dict[str, Any]) -> int:
        try:
            return check_resolution(proposal["value"])
        except ValueError as exc:
            raise InvalidGridValue(str(exc)) from None

    @traitlets.validate("formula")
    def _valid_formula(self, proposal: dict[str, Any]) -> str | None:
        text = proposal["value"]
        if not self._applying:
            kernel = self._formula_kernel(text)
            self._proposed = kernel, self._render(self._good, self.encoding, kernel)
        return text

    @traitlets.observe("formula")
    def _on_formula(self, change: dict[str, Any]) -> None:
        if self._applying:
            return
        if change["new"] is None:  # traitlets does not validate None: back to the function
            self._back_to_python(change["old"])
        (kernel, frame), self._proposed = self._proposed, None
        self._adopt(kernel)
        self._apply_traits(self._good, **frame, error="", _status=self._status_for(None, None, ""))

    def _back_to_python(self, formula: str | None) -> None:
        if self._python_kernel is None:
            self._apply_traits(self._good, formula=formula)
            raise InvalidGridValue("this GridExplorer was built from a formula: give a formula")
        kernel = self._python_kernel
        self._proposed = kernel, self._render(self._good, self.encoding, kernel)

    def _formula_kernel(self, text: Any) -> GridKernel:
        """A kernel for a formula of x, y and the parameters. FormulaError, GridFunctionError."""
        if not isinstance(text, str):
            raise TypeError(f"a formula must be a str, got {type(text).__name__}")
        if len(text) > MAX_FORMULA_LENGTH:
            raise ValueError(
                f"a formula may have at most {MAX_FORMULA_LENGTH} characters, got {len(text)}"
            )
        names = list(self.specs)
        return GridKernel(parse_formula(text, ["x", "y", *names]), names)

    def _adopt(self, kernel: GridKernel) -> None:
        if kernel is not self.kernel:
            self._retired_compiles += self.kernel.compiles
            self.kernel = kernel

    @traitlets.observe("params", "x_range", "y_range", "resolution")
    def _on_python_change(self, _change: dict[str, Any]) -> None:
        if self._applying:
            return
        state = GridState(dict(self.params), self.x_range, self.y_range, self.resolution)
        try:
            self._show(state, None, None)
        except GridFunctionError:
            self._apply_traits(self._good)
            raise

    @traitlets.observe("encoding")
    def _on_encoding(self, _change: dict[str, Any]) -> None:
        if not self._applying:
            self._show(self._good, None, None)

    # -- messages from the browser -----------------------------------------------------------

    def _on_browser_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Handle ``{"type": "request", "vid": str, "seq": int, <partial state>}`` and
        ``{"type": "view", "vid": str, "pixels": [w, h] or None}``."""
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "view":
            self._on_view(content)
            return
        if kind != "request":
            logger.warning("GridExplorer ignored a malformed message: %.200r", content)
            return
        vid, seq = content.get("vid"), content.get("seq")
        if (
            not _valid_vid(vid)
            or isinstance(seq, bool)
            or not isinstance(seq, int)
            or not 0 <= seq <= MAX_SEQ
        ):
            logger.warning(
                "GridExplorer ignored a request without a valid vid/seq: %.200r", content
            )
            return
        if seq <= self._last_seq.get(vid, -1):
            logger.warning("GridExplorer ignored a stale request %s #%d", vid, seq)
            return
        self._remember(vid, seq)
        try:
            state = self._requested_state(content)
            kernel = self._requested_kernel(content)
        except FormulaError as exc:
            logger.warning("GridExplorer refused a formula from the browser: %s", short(str(exc)))
            self._reply(vid, seq, f"formula: {short(str(exc))}", formula_column=exc.column)
            return
        except GridFunctionError as exc:
            logger.warning("GridExplorer refused a formula from the browser: %s", short(str(exc)))
            self._reply(vid, seq, f"formula: {short(str(exc))}")
            return
        except (ValueError, TypeError, OverflowError) as exc:
            logger.warning(
                "GridExplorer ignored invalid values from the browser: %s", short(str(exc))
            )
            self._reply(vid, seq, f"ignored invalid values from the browser: {short(str(exc))}")
            return
        try:
            self._show(state, vid, seq, kernel, formula=content.get("formula", self.formula))
        except GridFunctionError:
            return

    def _on_view(self, content: dict[str, Any]) -> None:
        """Remember (or forget) a view's plot size in device pixels; resend the picture if
        that changes the sample a finer grid is sent as."""
        vid, pixels = content.get("vid"), content.get("pixels")
        if not _valid_vid(vid) or set(content) != VIEW_FIELDS or not _valid_pixels(pixels):
            logger.warning("GridExplorer ignored a malformed view message: %.200r", content)
            return
        if pixels is None:
            self._view_pixels.pop(vid, None)
        else:
            self._view_pixels[vid] = (pixels[0], pixels[1])
            self._view_pixels.move_to_end(vid)
            while len(self._view_pixels) > MAX_VIEWS:
                self._view_pixels.popitem(last=False)
        if not self._sent_as(self._frame_shape()):
            frame = self._encode_frame(self._good, self.encoding)
            self._apply_traits(
                self._good, **frame, _status=self._status_for(None, None, self.error)
            )

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """The synced state; the whole state (what ``ipywidgets.embed``,
        :func:`vmapwidget.export_html` and a reloaded page get) carries the frame sampled as
        finely as any display needs, since a saved page cannot ask for another sample."""
        state = super().get_state(key=key, drop_defaults=drop_defaults)
        if key is None and not self._sent_as(MAX_FRAME_SHAPE):
            meta = self._frame_meta
            sharp, data, mask = encode_grid(self._grid, meta["encoding"], MAX_FRAME_SHAPE)
            sharp.update(id=meta["id"], x_range=meta["x_range"], y_range=meta["y_range"])
            state.update(_frame=data, _mask=mask, _frame_meta=sharp)
        return state

    def _frame_shape(self) -> tuple[int, int]:
        """The most columns × rows a frame needs: the largest open view's plot."""
        if not self._view_pixels:
            return MAX_FRAME_SHAPE
        width = max(w for w, _ in self._view_pixels.values())
        height = max(h for _, h in self._view_pixels.values())
        return min(width, MAX_FRAME_SHAPE[0]), min(height, MAX_FRAME_SHAPE[1])

    def _remember(self, vid: str, seq: int) -> None:
        self._last_seq[vid] = seq
        self._last_seq.move_to_end(vid)
        while len(self._last_seq) > MAX_VIEWS:
            self._last_seq.popitem(last=False)

    def _requested_kernel(self, content: Mapping[str, Any]) -> GridKernel:
        """The kernel for a requested formula, or the current one when there is none."""
        if "formula" not in content:
            return self.kernel
        if not self.editable_formula:
            raise ValueError("this widget's formula is not editable")
        return self._formula_kernel(content["formula"])

    def _requested_state(self, content: Mapping[str, Any]) -> GridState:
        state = self._good
        unknown = [key for key in content if key not in REQUEST_FIELDS]
        if unknown:
            raise ValueError(f"unknown fields {short(unknown)}")
        if "params" in content:
            values = content["params"]
            if not isinstance(values, dict) or any(n not in self.specs for n in values):
                raise ValueError(
                    f"params must map {list(self.specs)} to numbers, got {short(values)}"
                )
            params = {**state.params, **{n: self.specs[n].check(v) for n, v in values.items()}}
            state = replace(state, params=params)
        for axis in ("x_range", "y_range"):
            if axis in content:
                bounds = check_range(content[axis], axis.replace("_", " "))
                state = replace(state, **{axis: bounds})
        if "resolution" in content:
            state = replace(state, resolution=check_resolution(content["resolution"]))
        return state

    # -- evaluation and frames ---------------------------------------------------------------

    def _render(
        self, state: GridState, encoding: str, kernel: GridKernel | None = None
    ) -> dict[str, Any]:
        """Evaluate ``state`` (with ``kernel``, by default the current one); return the frame
        traits. Raises GridFunctionError."""
        kernel = kernel or self.kernel
        result = kernel.evaluate(state.x_range, state.y_range, state.resolution, state.params)
        values = result.values
        values.setflags(write=False)
        self._grid = values
        self._stats = {
            "kernel_ms": result.kernel_ms,
            "compile_ms": kernel.last_compile_ms,
            "nonfinite": result.nonfinite,
        }
        return self._encode_frame(state, encoding)

    def _encode_frame(self, state: GridState, encoding: str) -> dict[str, Any]:
        """The frame traits of ``w.grid`` (evaluated for ``state``), sampled for the open
        views; a new frame id."""
        start = time.perf_counter()
        if encoding == "auto":
            encoding = "uint8" if self._grid.size > AUTO_UINT8_CELLS else "uint16"
        meta, data, mask = encode_grid(self._grid, encoding, self._frame_shape())
        self._frames += 1
        meta.update(id=self._frames, x_range=state.x_range, y_range=state.y_range)
        self._stats["encode_ms"] = (time.perf_counter() - start) * 1e3
        self._stats["bytes"] = len(data) + len(mask)
        return {"_frame": data, "_mask": mask, "_frame_meta": meta}

    def _sent_as(self, shape: tuple[int, int]) -> bool:
        """Whether the current frame is the grid sampled to at most ``shape``."""
        meta = self._frame_meta
        return (meta["sx"], meta["sy"]) == (min(meta["nx"], shape[0]), min(meta["ny"], shape[1]))

    def _status_for(
        self, vid: str | None, seq: int | None, error: str, **extra: Any
    ) -> dict[str, Any]:
        self._replies += 1
        return {
            "reply": self._replies,
            "vid": vid,
            "seq": seq,
            "error": error,
            "compiles": self._compiles(),
            "frames": self._frames,
            **{k: v for k, v in self._stats.items() if isinstance(v, (int, float))},
            **extra,
        }

    def _reply(self, vid: str | None, seq: int | None, error: str, **extra: Any) -> None:
        with self.hold_sync():
            self.error = error
            self._status = self._status_for(vid, seq, error, **extra)

    def _apply_traits(self, state: GridState, **extra: Any) -> None:
        self._applying = True
        try:
            with self.hold_sync():
                self.params = state.params
                self.x_range = state.x_range
                self.y_range = state.y_range
                self.resolution = state.resolution
                self.x_limits = _widen(self.x_limits, state.x_range)
                self.y_limits = _widen(self.y_limits, state.y_range)
                for name, value in extra.items():
                    setattr(self, name, value)
        finally:
            self._applying = False

    def _show(
        self,
        state: GridState,
        vid: str | None,
        seq: int | None,
        kernel: GridKernel | None = None,
        **extra: Any,
    ) -> None:
        """Evaluate and send ``state`` (with ``kernel``, which then becomes the current one);
        on failure show the error and keep the last function and picture."""
        kernel = kernel or self.kernel
        try:
            frame = self._render(state, self.encoding, kernel)
        except GridFunctionError as exc:
            self._reply(vid, seq, str(exc))
            raise
        self._adopt(kernel)
        self._good = state
        self._apply_traits(
            state, **frame, **extra, error="", _status=self._status_for(vid, seq, "")
        )


def _valid_vid(vid: Any) -> bool:
    return isinstance(vid, str) and 0 < len(vid) <= MAX_ID_LENGTH


def _valid_pixels(pixels: Any) -> bool:
    """None, or [width, height]: whole numbers from 1 to 65536."""
    return pixels is None or (
        isinstance(pixels, list)
        and len(pixels) == 2
        and all(isinstance(p, int) and not isinstance(p, bool) and 1 <= p <= 65536 for p in pixels)
    )


def _widen(limits: tuple[float, float], bounds: tuple[float, float]) -> tuple[float, float]:
    lo, hi = limits
    if bounds[0] >= lo and bounds[1] <= hi:
        return limits
    width = bounds[1] - bounds[0]
    return min(lo, bounds[0] - width), max(hi, bounds[1] + width)
