"""AxisExplorer: an animated diagram of where ``jax.vmap`` finds and puts the batch axes."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

import jax
import numpy as np
import traitlets

from vmapwidget.diagram import Exploration, call_unbatched, describe, explore
from vmapwidget.errors import short
from vmapwidget.formula import FormulaError, parse_formula
from vmapwidget.plan import VmapPlan
from vmapwidget.sharding_plan import describe_sharding
from vmapwidget.widgets._guard import GuardedWidget
from vmapwidget.widgets._static import bundle
from vmapwidget.widgets.errors import InvalidWidgetValue

log = logging.getLogger(__name__)

MAX_ARGUMENT_CELLS = 2**24
"""Most cells (over all arrays) an AxisExplorer maps over; vmap's result is of that order."""


def formula_names(count: int) -> list[str]:
    """Names a formula uses for ``count`` arguments: x, y, z for up to three, else x1 … xn.

    >>> formula_names(2), formula_names(4)
    (['x', 'y'], ['x1', 'x2', 'x3', 'x4'])
    """
    return list("xyz"[:count]) if count <= 3 else [f"x{i + 1}" for i in range(count)]


def _check_size(args: Sequence[Any]) -> None:
    cells = sum(int(np.prod(np.shape(leaf), dtype=np.int64)) for leaf in jax.tree.leaves(args))
    if cells > MAX_ARGUMENT_CELLS:
        raise InvalidWidgetValue(
            f"the arguments have {cells} cells in all; an AxisExplorer shows at most "
            f"{MAX_ARGUMENT_CELLS} (take a slice: the diagram is about shapes and axes)"
        )


class AxisExplorer(GuardedWidget):
    """Draws every input and output of ``jax.vmap(fun, in_axes, out_axes)(*args)`` as cells.

    The batch axis of each input is marked; an animation steps through the batch, lighting
    up the slice each call reads and the slice of the output it writes. Selectors change
    ``in_axes`` (per positional argument) and ``out_axes``; each change re-runs the real
    ``jax.vmap``. Arrays of more than :data:`vmapwidget.diagram.MAX_VALUE_CELLS` cells are
    drawn by shape only. For a one-argument ``fun`` the diagram also shows what calling
    ``fun`` on the whole batch does, without vmap.

    ``fun`` may be an elementwise formula of the arguments, named ``x``, ``y``, ``z`` (``x1``
    … ``xn`` for more than three; see :func:`formula_names` and :mod:`vmapwidget.formula`),
    e.g. ``AxisExplorer("x * y + 1", a, b, in_axes=(0, None))``. Arguments of more than
    :data:`MAX_ARGUMENT_CELLS` cells in all are refused. The browser only sends selector
    choices, each checked against the selectors on show, and ``devices``; anything else is
    rejected and logged.

    ``devices`` (one of ``1, 2, 4, …`` up to the local devices) shows the batch sharded over
    that many devices as :func:`vmapwidget.describe_sharding` describes it: the diagram's
    ``sharding`` says which device holds which slice of every input and output; the view
    tints the cells by device, runs the calls of all devices side by side and shows the
    ``jax.sharding`` code. Only for a single vmap of positional arguments.

    ``in_axes`` given as a pytree (e.g. a dict for a dict argument) is shown read-only; the
    selectors then cover only the arguments whose entry is an int or None.

    The rest of ``jax.vmap``'s signature passes through, as in
    :func:`vmapwidget.describe_vmap`: extra keyword arguments are the call's keyword
    arguments (mapped along axis 0, as jax does; drawn as inputs, with no selector);
    ``axis_size`` gives the number of calls (needed when no argument is mapped);
    ``axis_name`` names the axis for the collectives ``fun`` uses (``jax.lax.psum``,
    ``pmean``, ``all_gather``, ``axis_index``, ...), which :attr:`plan` lists and the
    diagram's ``collectives`` carries; ``spmd_axis_name`` is passed on. These are for a
    single vmap (not :meth:`nested`).

    ``formula`` is the formula shown (None for a Python function); setting it re-draws with
    the new function, and a bad formula raises :class:`vmapwidget.FormulaError` and keeps
    the old one. With ``editable_formula=True`` the page shows a text box where the
    visitor edits it live: Python parses each edit (never ``eval``); a refused edit is
    reported with its column and the last good diagram stays.

    >>> import jax.numpy as jnp
    >>> w = AxisExplorer(lambda x, y: x + y, jnp.array([[1, 2, 3]]),
    ...                  jnp.array([[4], [5], [6]]), in_axes=(1, 0), out_axes=1)
    >>> w.result.tolist()
    [[5, 7, 9]]
    >>> w.out_axes = 0
    >>> w.result.shape, w.plan.batch_size
    ((3, 1), 3)
    >>> w.in_axes = (0, 0)
    >>> w.result is None, w.plan.error_args
    (True, (1,))
    >>> import jax
    >>> w = AxisExplorer(lambda x: x - jax.lax.pmean(x, "i"), jnp.arange(6.0).reshape(3, 2),
    ...                  axis_name="i")
    >>> w.result.sum(0).tolist(), [c["name"] for c in w.diagram["collectives"]]
    ([0.0, 0.0], ['psum'])
    """

    _esm = bundle("axis_explorer")
    _css = bundle("axis_explorer", "css")

    in_axes = traitlets.Any(
        0,
        help="in_axes of jax.vmap (one entry per positional argument); for a nest of vmaps "
        "(AxisExplorer.nested) a tuple with one such spec per level, outermost first.",
    )
    out_axes = traitlets.Any(0, help="out_axes of jax.vmap; for a nest, one per level.")
    diagram = traitlets.Dict(help="What the frontend draws (see vmapwidget.diagram.describe).").tag(
        sync=True
    )
    unbatched = traitlets.Dict(
        allow_none=True,
        default_value=None,
        help="For one-argument functions: fun applied to the whole batch, without vmap.",
    ).tag(sync=True)
    formula = traitlets.Unicode(
        None, allow_none=True, help="The formula shown (None for a Python function); settable."
    ).tag(sync=True)
    editable_formula = traitlets.Bool(
        False, help="Show a text box where the page's visitor edits the formula (live)."
    ).tag(sync=True)
    devices = traitlets.Int(
        1, help="How many devices the batch is sharded over (one of device_choices)."
    ).tag(sync=True)
    _device_choices: traitlets.List[int] = traitlets.List(traitlets.Int()).tag(sync=True)
    _browser_writable = frozenset({"devices"})
    _formula_names = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(
        self,
        fun: Callable[..., Any] | str,
        /,
        *args: Any,
        in_axes: Any = 0,
        out_axes: Any = 0,
        axis_size: int | None = None,
        axis_name: Any = None,
        spmd_axis_name: Any = None,
        editable_formula: bool = False,
        devices: int = 1,
        _depth: int = 1,
        _axis_names: Sequence[Any] = (),
        **kwargs: Any,
    ) -> None:
        if not args and not kwargs and axis_size is None:
            raise TypeError("AxisExplorer needs at least one argument to map over (or axis_size).")
        options = {
            "axis_size": axis_size,
            "axis_name": axis_name,
            "spmd_axis_name": spmd_axis_name,
        }
        if _depth > 1 and (kwargs or any(v is not None for v in options.values())):
            raise TypeError(
                "keyword arguments, axis_size, axis_name and spmd_axis_name are for a single "
                "vmap: AxisExplorer.nested takes none of them."
            )
        if _axis_names and len(_axis_names) != _depth:
            raise TypeError(f"axis_names: give one name (or None) per level, {_depth} in all")
        _check_size((args, kwargs))
        self._axis_names = tuple(_axis_names)
        self._args = args
        self._kwargs = kwargs
        self._options = options
        self._depth = _depth
        formula = fun if isinstance(fun, str) else None
        self._python_fun = None if isinstance(fun, str) else fun
        self._fun = self._parse(fun) if isinstance(fun, str) else fun
        self._out_options: list[list[int | None]] = []
        self._applying = True
        super().__init__(
            in_axes=in_axes,
            out_axes=out_axes,
            _device_choices=self._choices_of_devices(),
            devices=devices,
            formula=formula,
            editable_formula=bool(editable_formula),
            _formula_names=formula_names(len(args)),
        )
        self._applying = False
        self._show_unbatched()
        self.on_msg(self._on_browser_message)
        self._refresh()

    @classmethod
    def nested(
        cls,
        fun: Callable[..., Any] | str,
        *args: Any,
        in_axes: Sequence[Any] = ((0, None), (None, 0)),
        out_axes: Sequence[Any] = (0, 0),
        axis_names: Sequence[Any] = (),
        editable_formula: bool = False,
    ) -> AxisExplorer:
        """Diagram ``vmap(vmap(fun, in_axes[1], out_axes[1]), in_axes[0], out_axes[0])``.

        Levels are listed outermost first; the default is the tutorial's grid, ``x`` along
        the rows and ``y`` along the columns of the output. ``axis_names`` (one per level,
        None for none) are the levels' ``axis_name``: ``fun`` may use collectives over any
        of them, and the diagram says which level each collective reduces over.

        >>> import jax.numpy as jnp
        >>> w = AxisExplorer.nested(lambda x, y: x * y, jnp.arange(3.0), jnp.arange(4.0))
        >>> w.result.shape, [level["index"] for level in w.diagram["levels"]]
        ((3, 4), ['i', 'j'])
        """
        return cls(
            fun,
            *args,
            in_axes=in_axes,
            out_axes=out_axes,
            editable_formula=editable_formula,
            _depth=len(in_axes),
            _axis_names=axis_names,
        )

    @traitlets.validate("in_axes", "out_axes")
    def _check_levels(self, proposal: dict[str, Any]) -> Any:
        value = proposal["value"]
        value = tuple(value) if isinstance(value, list) else value
        if self._depth > 1 and not (isinstance(value, tuple) and len(value) == self._depth):
            raise InvalidWidgetValue(
                f"this explorer shows {self._depth} nested vmaps: give {proposal['trait'].name} "
                f"as a tuple of {self._depth} specs, outermost first, not {value!r}."
            )
        return value

    def _choices_of_devices(self) -> list[int]:
        """1, 2, 4, … up to the local devices; only 1 where the batch cannot be sharded here
        (a nest, keyword arguments, axis_size, axis names)."""
        if self._depth > 1 or self._kwargs or any(v is not None for v in self._options.values()):
            return [1]
        count = len(jax.local_devices())
        return [n for n in (2**k for k in range(count.bit_length())) if n <= count]

    @traitlets.validate("devices")
    def _check_devices(self, proposal: dict[str, Any]) -> int:
        value, choices = proposal["value"], self._device_choices
        if value not in choices:
            hint = (
                ""
                if len(choices) > 1 or self._depth > 1
                else (
                    "; on CPU, start Python with XLA_FLAGS=--xla_force_host_platform_device_count=8"
                )
            )
            raise InvalidWidgetValue(
                f"devices={value!r} is not a choice here: choose one of {choices}{hint}"
            )
        return int(value)

    @traitlets.observe("in_axes", "out_axes", "devices")
    def _on_axes(self, _change: dict[str, Any]) -> None:
        if not self._applying:
            self._refresh()

    def _parse(self, text: str) -> Callable[..., Any]:
        """The function of a formula of this explorer's arguments; raises FormulaError."""
        return parse_formula(text, formula_names(len(self._args)))

    @traitlets.validate("formula")
    def _valid_formula(self, proposal: dict[str, Any]) -> str | None:
        text: str | None = proposal["value"]
        if text is not None:
            self._parse(text)
        return text

    @traitlets.observe("formula")
    def _on_formula(self, change: dict[str, Any]) -> None:
        if self._applying:
            return
        if change["new"] is not None:
            self._fun = self._parse(change["new"])
        elif self._python_fun is not None:  # traitlets does not validate None
            self._fun = self._python_fun
        else:
            self._applying = True
            self.formula = change["old"]
            self._applying = False
            raise InvalidWidgetValue("this AxisExplorer was built from a formula: give a formula")
        self._show_unbatched()
        self._refresh()

    def _show_unbatched(self) -> None:
        if self._depth == 1 and len(self._args) == 1 and not self._kwargs:
            self.unbatched = call_unbatched(self._fun, self._args[0])

    def set_axes(self, in_axes: Any = None, out_axes: Any = None) -> None:
        """Change ``in_axes`` and ``out_axes`` together, re-drawing once.

        Leave one out (``None`` here means "unchanged") to keep it; use the traits to set
        ``None`` itself.
        """
        self._applying = True
        try:
            if in_axes is not None:
                self.in_axes = in_axes
            if out_axes is not None:
                self.out_axes = out_axes
        finally:
            self._applying = False
        self._refresh()

    def _levels(self, spec: Any) -> tuple[Any, ...]:
        return spec if self._depth > 1 else (spec,)

    def _refresh(self) -> None:
        """Explore the current axes and draw them; a failure that hides the output's rank
        keeps offering the ``out_axes`` choices of the last exploration that knew them all."""
        self._exploration: Exploration = explore(
            self._fun,
            self._args,
            self._levels(self.in_axes),
            self._levels(self.out_axes),
            self._kwargs,
            self._axis_names,
            **self._options,
        )
        diagram = describe(self._exploration, self._out_options)
        if self.devices > 1:
            sharding = describe_sharding(
                self._fun,
                *self._args,
                in_axes=self.in_axes,
                out_axes=self.out_axes,
                devices=self.devices,
            )
            diagram["sharding"] = sharding.to_json()
        self.diagram = diagram
        known = [c for c in self._exploration.out_axis_options if c is not None]
        if len(known) == self._depth:
            self._out_options = known

    @property
    def plan(self) -> VmapPlan:
        """The core's plan for the (outermost) ``vmap``: shapes, axes, error, loop code."""
        return self._exploration.plans[0]

    @property
    def plans(self) -> tuple[VmapPlan, ...]:
        """One plan per level of a nest, outermost first (only those that could be planned)."""
        return self._exploration.plans

    @property
    def result(self) -> Any:
        """The output of the real ``jax.vmap`` call, or ``None`` when it fails."""
        return self._exploration.result

    @property
    def error(self) -> str:
        """Why the current choice fails, in plain English; ``""`` when it works."""
        return self._exploration.error or ""

    def _choice(self, content: Any) -> tuple[str, Any]:
        """Validate a selector message from the browser: (trait name, its new value)."""
        if not isinstance(content, dict) or content.get("type") != "set_axis":
            raise ValueError(f"unknown message {short(content)}")
        kind, level, arg, value = (content.get(k) for k in ("kind", "level", "arg", "value"))
        matches = [
            s
            for s in self.diagram["selectors"]
            if s["kind"] == kind and s["level"] == level and s["arg"] == arg and s["editable"]
        ]
        if type(level) is not int or (arg is not None and type(arg) is not int) or not matches:
            raise ValueError(
                f"no editable selector {short(kind)} at level {short(level)}, arg {short(arg)}"
            )
        assert isinstance(kind, str) and isinstance(level, int)
        if (value is not None and type(value) is not int) or value not in matches[0]["options"]:
            raise ValueError(
                f"{short(value)} is not a choice for {kind} of {matches[0]['name']}: "
                f"choose one of {matches[0]['options']}"
            )
        levels = list(self._levels(getattr(self, kind)))
        spec = levels[level]
        if kind == "in_axes" and isinstance(spec, (tuple, list)) and arg is not None:
            levels[level] = (*spec[:arg], value, *spec[arg + 1 :])
        elif kind == "in_axes" and len(self._args) > 1:
            levels[level] = tuple(value if i == arg else spec for i in range(len(self._args)))
        else:
            levels[level] = value
        return kind, tuple(levels) if self._depth > 1 else levels[0]

    def _on_browser_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        request = content.get("request") if isinstance(content, dict) else None
        request = request if type(request) is int and 0 <= request <= 2**53 else None
        # Each view names itself (vid, a str of 1-64 chars) and numbers its own requests:
        # the reply echoes the vid so that only the view that asked takes it.
        vid = content.get("vid") if isinstance(content, dict) else None
        view = {"vid": vid} if isinstance(vid, str) and 0 < len(vid) <= 64 else {}
        if isinstance(content, dict) and content.get("type") == "set_formula":
            self._formula_from_browser(content.get("text"), request, **view)
            return
        reply = {"for": "axes", "request": request, **view}
        try:
            kind, value = self._choice(content)
        except ValueError as exc:
            log.warning("AxisExplorer ignored a message from the browser: %s", exc)
            self.send({"type": "rejected", **reply, "reason": str(exc)})
            return
        setattr(self, kind, value)
        self.send({"type": "applied", **reply})

    def _formula_from_browser(self, text: Any, request: int | None, vid: str | None = None) -> None:
        reply = {"for": "formula", "request": request, **({} if vid is None else {"vid": vid})}
        try:
            if not self.editable_formula:
                raise ValueError("this widget's formula is not editable")
            self.formula = text
        except (FormulaError, traitlets.TraitError, ValueError, TypeError) as exc:
            log.warning("AxisExplorer refused a formula from the browser: %s", short(str(exc)))
            column = exc.column if isinstance(exc, FormulaError) else None
            reason = short(str(exc))
            self.send({"type": "rejected", **reply, "reason": reason, "column": column})
            return
        self.send({"type": "applied", **reply})
