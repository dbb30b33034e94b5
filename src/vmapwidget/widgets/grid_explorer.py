"""GridExplorer: a live heatmap of f(x, y, *params), driven by sliders, drawn on a canvas.

Data travels one way per interaction: the frontend sends the new values as a custom message
(see :mod:`vmapwidget.widgets.grid_messages`); Python validates them
(:mod:`vmapwidget.grid_state`), has the core evaluate the grid
(:class:`~vmapwidget.grid_evaluator.GridEvaluator`, run by a
:class:`~vmapwidget.grid_scheduler.GridScheduler`) and answers with state updates that carry
the traits, the binary frame (:mod:`vmapwidget.grid_frames`) and a ``_status`` naming the
request it answers. The frontend keeps at most one request in flight and coalesces newer
values (latest wins); the first frame of a request releases it.

A heavy function is evaluated in tiles within ``memory_budget`` and, when the whole grid
would miss the frame budget, coarse first: every frame of a request carries the finest
values known, and ``_status["progress"]`` says how far it got. A newer request, or the
view's Stop button (``{"type": "stop"}``), ends the rest of the evaluation in progress;
the kernel's event loop keeps serving messages meanwhile.

Each view also says how many device pixels its plot has: a grid finer than that is sent as a
sample the size of the largest open view, at most the figure's plot at devicePixelRatio 2
(``MAX_FRAME_SHAPE`` at the default size).

f may also be a formula such as ``"sin(a*x) * y"`` (see :mod:`vmapwidget.formula`). With
``editable_formula=True`` the frontend shows a text box, and a request may carry
``"formula": text``: Python parses it (never ``eval``), compiles it once and draws it; a bad
formula leaves the last good function and picture in place and reports the column.

Everything from the browser is validated: unknown fields, wrong types, NaN/inf, values out
of their slider range, a resolution above ``MAX_RESOLUTION`` (refused before any memory is
allocated) and stale or malformed ``vid``/``seq`` are refused with a logged warning and an
``error`` naming the problem; the browser may write only ``colormap`` and ``color_range``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import traitlets

from vmapwidget.color_range import (
    ColorRange,
    ColorScale,
    check_color_range,
    check_levels,
    check_norm,
    check_scale,
)
from vmapwidget.constants import COLORMAPS, MAX_FRAME_SHAPE, max_frame_shape
from vmapwidget.device_mesh import check_devices
from vmapwidget.errors import GridFunctionError, short
from vmapwidget.formula import parse_formula
from vmapwidget.grid_evaluator import (
    DEFAULT_FRAME_BUDGET_MS,
    GridEvaluator,
    GridFrame,
    check_frame_budget,
)
from vmapwidget.grid_frames import ENCODINGS
from vmapwidget.grid_scheduler import GridScheduler
from vmapwidget.grid_specs import (
    RESOLUTION_STEPS,
    ParamSpec,
    axis_names,
    check_choice,
    extra_parameters,
    keyword_caller,
    param_specs,
    slider_limits,
    widen_limits,
)
from vmapwidget.grid_state import GridState
from vmapwidget.kernels import (
    DEFAULT_MEMORY_BUDGET,
    MAX_RESOLUTION,
    GridKernel,
    check_dtype,
    check_memory_budget,
    check_range,
    check_resolution,
)
from vmapwidget.widgets.errors import InvalidGridValue
from vmapwidget.widgets.figure_mirror import FigureMirror
from vmapwidget.widgets.grid_picture import Picture, PictureViews, sent_as
from vmapwidget.widgets.grid_requests import BrowserRequest, BrowserRequests
from vmapwidget.widgets.grid_traits import GridTraits
from vmapwidget.widgets.grid_views import MAX_VIEWS, Views

__all__ = ["COLORMAPS", "MAX_FRAME_SHAPE", "MAX_VIEWS", "GridExplorer", "InvalidGridValue"]


class GridExplorer(GridTraits, PictureViews, FigureMirror, BrowserRequests):
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

    Heavy functions stay live: the grid is evaluated in tiles that fit ``memory_budget``
    bytes (default 1 GiB, by XLA's estimate of the compiled kernel), and a browser request
    whose grid would take longer than ``frame_budget_ms`` (default 30) draws a coarse level
    first and refines it while the kernel keeps serving the page. Python setters still
    evaluate the whole grid before they return.

    ``color_range`` says what the colours span: ``"auto"`` (each frame's own finite min and
    max, the default), ``"symmetric"`` (±max|f|, for diverging maps) or a fixed ``(lo, hi)``,
    so that an amplitude change shows (values beyond it get the end colours); the toolbar's
    Lock button fixes the range drawn. ``color_limits`` is the (lo, hi) of the picture:

    >>> w = GridExplorer(lambda x, y, b: b * x * y, resolution=8, b=(0.1, 5, 1))
    >>> w.color_limits, w.color_range
    ((-1.0, 1.0), 'auto')
    >>> w.color_range = "symmetric"; w.params = {"b": 2}; w.color_limits
    (-2.0, 2.0)
    >>> w.color_range = (-1, 1); w.params = {"b": 3}; w.color_limits
    (-1.0, 1.0)

    ``norm="log"`` colours by log10 of the values (cells at or below 0 get the no-value
    colour and are counted); ``levels=N`` draws N filled bands of equal width, like
    ``contourf(levels=N)``, and ``contours=True`` draws labelled iso-lines over the heatmap
    (at the band edges, or at the colour bar's ticks without levels):

    >>> w = GridExplorer(lambda x, y: 10 ** (2 * x), resolution=8, norm="log", levels=8)
    >>> [round(v, 3) for v in w.color_limits]
    [0.01, 100.0]

    ``aspect="equal"`` draws one unit of x as long as one unit of y; ``width`` and ``height``
    fix the figure's size in CSS pixels (by default it follows its container's width).
    ``title``, ``xlabel``, ``ylabel`` (default: the names of x and y) and ``colorbar_label``
    are drawn on the figure. ``sections=True`` shows f along x and along y through the cell
    under the pointer, beside the plot. Every option is settable and kept by Save PNG and
    saved pages.

    ``devices`` shards every evaluation over several devices (see
    :class:`~vmapwidget.kernels.GridKernel`): a number N (the first N local devices), a list
    of devices or a ``jax.sharding.Mesh`` of one axis (x's rows split) or two (x's and y's).
    ``memory_budget`` is then per device; ``stats["devices"]`` says how many there are and
    :attr:`device_layout` which cells each computes; ``show_devices=True`` (or the toolbar's
    Devices button) outlines those cells over the heatmap. Default None: one device.

    ``encoding`` picks how frames travel to the browser (see :mod:`vmapwidget.grid_frames`):
    ``"uint16"`` (exact colours, tooltip within 1/131072 of the value range), ``"uint8"``
    (the colour index itself: half the bytes, the same colours, tooltip to 1/512 of the
    range), ``"float32"``, or ``"auto"`` (the default: uint16 up to 512², uint8 above, where
    the bytes dominate the latency).

    Attributes
    ----------
    grid : numpy.ndarray
        The values currently drawn, shape ``(len(x), len(y))`` (read-only).
    x, y : numpy.ndarray
        The grid's coordinates along x and y (read-only).
    axis_names : tuple of str
        The names of f's first two parameters.
    stats : dict
        ``compiles``, ``kernel_ms`` (of the last full-resolution frame), ``compile_ms``,
        ``encode_ms``, ``frames``, ``bytes`` (of the last frame), ``nonfinite`` (cells that
        are NaN or ±inf), ``tiles`` (kernel calls per full-resolution frame),
        ``cost_per_cell_ms`` and ``devices`` (how many devices each call runs on).
        ``compiles`` counts every compilation, of every function the widget has shown.
    formula : str or None
        The formula drawn, or None when f is a Python function; settable (a bad formula
        raises :class:`~vmapwidget.FormulaError` and changes nothing).
    """

    def __init__(
        self,
        fun: Callable[..., Any] | str,
        *,
        x: tuple[float, float] = (-1.0, 1.0),
        y: tuple[float, float] = (-1.0, 1.0),
        resolution: int = 128,
        colormap: str = "viridis",
        color_range: ColorRange = "auto",
        norm: str = "linear",
        levels: int | None = None,
        contours: bool = False,
        sections: bool = False,
        show_devices: bool = False,
        aspect: str = "auto",
        width: int | None = None,
        height: int | None = None,
        title: str = "",
        xlabel: str | None = None,
        ylabel: str | None = None,
        colorbar_label: str = "",
        encoding: str = "auto",
        x_limits: tuple[float, float] | None = None,
        y_limits: tuple[float, float] | None = None,
        editable_formula: bool = False,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        frame_budget_ms: float = DEFAULT_FRAME_BUDGET_MS,
        dtype: str = "float32",
        devices: Any = None,
        **param_ranges: Any,
    ) -> None:
        formula = fun if isinstance(fun, str) else None
        if formula is not None:
            fun = parse_formula(formula, ["x", "y", *param_ranges])
        if not callable(fun):
            raise TypeError(f"f must be callable or a formula, got {type(fun).__name__}")
        specs = param_specs(fun, param_ranges)
        self.dtype = check_dtype(dtype)
        x_range = check_range(x, "x range", self.dtype)
        y_range = check_range(y, "y range", self.dtype)
        resolution = check_resolution(resolution)
        x_limits = slider_limits(x_range, x_limits, "x limits")
        y_limits = slider_limits(y_range, y_limits, "y limits")
        check_choice("colormap", colormap, COLORMAPS)
        color_range, norm, levels = (
            check_color_range(color_range),
            check_norm(norm),
            check_levels(levels),
        )
        check_scale(color_range, norm)
        check_choice("encoding", encoding, (*ENCODINGS, "auto"))
        self.memory_budget = check_memory_budget(memory_budget)
        self.devices = check_devices(devices)
        self.specs: dict[str, ParamSpec] = {s.name: s for s in specs}
        names = [s.name for s in specs]
        kernel_fun = fun if extra_parameters(fun) is None else keyword_caller(fun, names)
        kernel = GridKernel(
            kernel_fun,
            names,
            dtype=self.dtype,
            memory_budget=self.memory_budget,
            devices=self.devices,
        )
        self._evaluator = GridEvaluator(kernel, frame_budget_ms=check_frame_budget(frame_budget_ms))
        self._scheduler = GridScheduler(
            self._evaluator, on_frame=self._on_frame, on_error=self._on_error
        )
        self._python_kernel = None if formula is not None else kernel
        self._retired_compiles = 0
        self._views = Views()
        self._frame_callbacks: list[Callable[[], None]] = []
        self._layout_for: tuple[GridKernel, int, tuple[int, int]] | None = None
        self._layout: dict[str, Any] = {}
        first = self._evaluator.evaluate(
            GridState({s.name: s.value for s in specs}, x_range, y_range, resolution)
        )
        self._picture = Picture(first, kernel, ColorScale(color_range, norm, levels))
        self._applying = True
        super().__init__(
            params=first.state.params,
            x_range=x_range,
            y_range=y_range,
            resolution=resolution,
            colormap=colormap,
            color_range=color_range,
            norm=norm,
            levels=levels,
            contours=contours,
            sections=sections,
            show_devices=show_devices,
            _device_layout=self._device_layout_json(),
            aspect=aspect,
            width=width,
            height=height,
            title=title,
            **({} if xlabel is None else {"xlabel": xlabel}),
            **({} if ylabel is None else {"ylabel": ylabel}),
            colorbar_label=colorbar_label,
            encoding=encoding,
            formula=formula,
            editable_formula=bool(editable_formula),
            x_limits=x_limits,
            y_limits=y_limits,
            _specs=[s.to_json() for s in specs],
            _axis_names=axis_names(fun),
            _resolution_steps=sorted({*RESOLUTION_STEPS, MAX_RESOLUTION}),
            _dtype=self.dtype.name,
            _home=[list(x_range), list(y_range)],
            **self._picture.frame_traits(encoding, self._views.frame_shape()),
            _status=self._status_for(None, None, ""),
        )
        self._applying = False
        self.on_msg(self._on_browser_msg)

    # -- read-only views of the picture --------------------------------------------------------

    @property
    def kernel(self) -> GridKernel:
        """The compiled kernel of the function drawn."""
        return self._evaluator.kernel

    @property
    def state(self) -> GridState:
        """The parameters, ranges and resolution of the picture currently drawn."""
        return self._picture.state

    @property
    def stats(self) -> dict[str, Any]:
        """Counters of the kernel and the frames (see the class docstring)."""
        return {**self._picture.stats, "compiles": self._compiles(), "frames": self._picture.frames}

    @property
    def device_layout(self) -> list[tuple[int, int, int, int, int]]:
        """Which device computes which cells of the grid drawn: ``(device id, i0, i1, j0,
        j1)`` for ``grid[i0:i1, j0:j1]``, tile by tile, from the kernel's output sharding
        (at most ``MAX_DEVICE_BLOCKS`` blocks). While a picture is being refined, the
        cells of the coarse level drawn."""
        n, tile = self._picture.level
        return self.kernel.device_blocks(n, n, tile)

    def _device_layout_json(self) -> dict[str, Any]:
        """The device blocks of the level whose values are the newest in the picture."""
        n, tile = self._picture.level
        key = (self.kernel, n, tile)
        if self._layout_for != key:
            blocks = [list(block) for block in self.kernel.device_blocks(n, n, tile)]
            self._layout = {"n": [n, n], "devices": self.kernel.device_count, "blocks": blocks}
            self._layout_for = key
        return self._layout

    def on_frame(self, callback: Callable[[], None]) -> None:
        """Call ``callback()`` after every new picture (read ``grid``, ``x`` and ``y``)."""
        self._frame_callbacks.append(callback)

    @property
    def busy(self) -> bool:
        """True while a browser request is still being refined."""
        return self._scheduler.busy

    def _compiles(self) -> int:
        return self._retired_compiles + self.kernel.compiles

    # -- validation of values set from Python (no side effects; see also GridTraits) -----------

    @traitlets.validate("formula")
    def _valid_formula(self, proposal: dict[str, Any]) -> str | None:
        if not self._applying:
            self._formula_kernel(proposal["value"])  # raises FormulaError / GridFunctionError
        return proposal["value"]

    # -- changes made from Python ---------------------------------------------------------------

    @traitlets.observe("formula")
    def _on_formula(self, change: dict[str, Any]) -> None:
        if self._applying:
            return
        if change["new"] is not None:
            kernel = self._formula_kernel(change["new"])
        elif self._python_kernel is not None:  # traitlets does not validate None
            kernel = self._python_kernel
        else:
            self._apply_traits(self._picture.state, formula=change["old"])
            raise InvalidGridValue("this GridExplorer was built from a formula: give a formula")
        try:
            self._show_now(self._picture.state, kernel)
        except GridFunctionError:
            self._apply_traits(self._picture.state, formula=change["old"])
            raise

    @traitlets.observe("params", "x_range", "y_range", "resolution")
    def _on_python_change(self, _change: dict[str, Any]) -> None:
        if self._applying:
            return
        state = GridState(dict(self.params), self.x_range, self.y_range, self.resolution)
        try:
            self._show_now(state, self.kernel)
        except GridFunctionError:
            self._apply_traits(self._picture.state)
            raise

    @traitlets.observe("width", "height")
    def _on_size(self, _change: dict[str, Any]) -> None:
        self._views.max_shape = max_frame_shape(self.width, self.height)
        if not self._applying and not sent_as(self._frame_meta, self._views.frame_shape()):
            self._on_encoding({})

    @traitlets.observe("encoding", "color_range", "norm", "levels")
    def _on_encoding(self, _change: dict[str, Any]) -> None:
        if not self._applying:
            self._picture.scale = ColorScale(self.color_range, self.norm, self.levels)
            frame = self._picture.frame_traits(self.encoding, self._views.frame_shape())
            self._apply_traits(
                self._picture.state, **frame, _status=self._status_for(None, None, "")
            )

    def _show_now(self, state: GridState, kernel: GridKernel) -> None:
        """Evaluate the whole of ``state`` with ``kernel`` before returning, and send it; on
        failure show the error, keep the last function and picture, and raise."""
        previous = self.kernel
        self._adopt(kernel)
        try:
            frame = self._evaluator.evaluate(state)
        except GridFunctionError as exc:
            self._adopt(previous)
            self._reply(None, None, str(exc))
            raise
        except ValueError as exc:  # the state cannot be drawn in this dtype
            self._adopt(previous)
            self._apply_traits(self._picture.state)
            raise InvalidGridValue(str(exc)) from None
        self._picture.keep(frame, self.kernel)
        shape = self._views.frame_shape()
        self._apply_traits(
            state,
            **self._picture.frame_traits(self.encoding, shape),
            error="",
            _status=self._status_for(None, None, ""),
        )

    def _formula_kernel(self, text: Any) -> GridKernel:
        """A kernel for a formula of x, y and the parameters. FormulaError, GridFunctionError."""
        names = list(self.specs)
        function = parse_formula(text, ["x", "y", *names])
        return GridKernel(
            function,
            names,
            dtype=self.dtype,
            memory_budget=self.memory_budget,
            devices=self.devices,
        )

    def _adopt(self, kernel: GridKernel) -> None:
        if kernel is not self._evaluator.kernel:
            self._retired_compiles += self._evaluator.kernel.compiles
            self._evaluator.kernel = kernel

    # -- frames from the scheduler --------------------------------------------------------------

    def _on_frame(self, frame: GridFrame, request: BrowserRequest) -> None:
        self._picture.keep(frame, self.kernel)
        traits = self._picture.frame_traits(self.encoding, self._views.frame_shape())
        if not request.answered:
            request.answered = True
            if request.formula is not None:
                traits["formula"] = request.formula
        self._apply_traits(
            frame.state,
            **traits,
            error="",
            _status=self._status_for(request.vid, request.seq, ""),
        )

    def _on_error(self, error: Exception, request: BrowserRequest) -> None:
        if self.kernel is request.kernel:
            self._adopt(request.previous)
        self._picture.progress = {}
        text = str(error) if isinstance(error, GridFunctionError) else f"f failed: {error!r}"
        if isinstance(error, GridFunctionError) and request.formula is not None:
            text = f"formula: {short(text)}"
        self._reply(request.vid, request.seq, text)

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """The synced state; the whole state (what ``ipywidgets.embed``,
        :func:`vmapwidget.export_html` and a reloaded page get) carries the frame sampled as
        finely as any display needs, since a saved page cannot ask for another sample."""
        state = super().get_state(key=key, drop_defaults=drop_defaults)
        if key is None and not sent_as(self._frame_meta, self._views.max_shape):
            state.update(self._picture.resampled(self._frame_meta, self._views.max_shape))
        return state

    def _status_for(
        self, vid: str | None, seq: int | None, error: str, **extra: Any
    ) -> dict[str, Any]:
        return self._picture.status(vid, seq, error, compiles=self._compiles(), **extra)

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
                self.x_limits = widen_limits(self.x_limits, state.x_range)
                self.y_limits = widen_limits(self.y_limits, state.y_range)
                for name, value in extra.items():
                    setattr(self, name, value)
                if "_frame_meta" in extra:
                    self._device_layout = self._device_layout_json()
        finally:
            self._applying = False
        if "_frame_meta" in extra:
            for callback in self._frame_callbacks:
                callback()

    def close(self) -> None:
        """Close the widget and let its worker thread go."""
        scheduler = getattr(self, "_scheduler", None)
        if scheduler is not None:  # None when __init__ failed
            scheduler.close()
        super().close()
