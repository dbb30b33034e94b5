"""Plan a nest of ``vmap`` calls level by level and run it: what an AxisExplorer explores.

Pure functions over the core's :func:`~vmapwidget.describe_vmap`; no widgets.
:func:`vmapwidget.diagram.describe` turns an :class:`Exploration` into a diagram.

>>> import jax.numpy as jnp
>>> exp = explore(lambda x, y: x * y, (jnp.arange(2.0), jnp.arange(3.0)),
...               in_axes=[(0, None), (None, 0)], out_axes=[0, 0])
>>> exp.result.shape, exp.error
((2, 3), None)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jax

from vmapwidget.axis_model import describe_vmap
from vmapwidget.plan import VmapPlan
from vmapwidget.spec_checks import leaf_count

__all__ = ["Exploration", "explore"]


@dataclass(frozen=True)
class Exploration:
    """A nest of ``vmap`` levels applied to ``fun(*args)``, planned and (if valid) run.

    ``plans`` holds one :class:`VmapPlan` per level that could be planned, outermost first.
    When something is wrong, ``error`` explains it, ``error_level`` says which level's
    ``in_axes``/``out_axes`` (``error_side``) is at fault and ``error_args`` which arguments.
    ``kwargs`` (the call's keyword arguments) and ``options`` (``axis_size``, ``axis_name``,
    ``spmd_axis_name``) belong to a single vmap (a nest takes neither); ``names`` are the
    ``axis_name`` of each level of a nest (``()``: none).
    """

    fun: Callable[..., Any]
    args: tuple[Any, ...]
    in_axes: tuple[Any, ...]
    out_axes: tuple[Any, ...]
    plans: tuple[VmapPlan, ...]
    error: str | None
    error_side: str | None
    error_level: int | None
    error_args: tuple[int, ...]
    result: Any
    kwargs: dict[str, Any] = field(default_factory=dict)
    options: dict[str, Any] = field(default_factory=dict)
    names: tuple[Any, ...] = ()

    @property
    def depth(self) -> int:
        return len(self.in_axes)

    @cached_property
    def out_axis_options(self) -> tuple[list[int | None] | None, ...]:
        """Per level, the choices for its ``out_axes``: None and every axis of the output.

        ``[]`` for a level whose ``out_axes`` is a pytree (shown, not chosen); ``None`` where
        a failure hides the output's rank even with ``out_axes`` 0 at every level.
        """
        probe: Exploration | None = None
        options: list[list[int | None] | None] = []
        for level, spec in enumerate(self.out_axes):
            if not (spec is None or type(spec) is int):
                options.append([])
                continue
            plans = self.plans
            if level >= len(plans) or not plans[level].outputs:
                if probe is None:
                    probe = explore(
                        self.fun,
                        self.args,
                        self.in_axes,
                        [0] * self.depth,
                        self.kwargs,
                        self.names,
                        **self.options,
                    )
                plans = probe.plans
            if level >= len(plans) or not plans[level].outputs:
                options.append(None)
                continue
            rank = min(len(leaf.example_shape) + 1 for leaf in plans[level].outputs)
            options.append([None, *range(rank), *range(-rank, 0)])
        return tuple(options)


def _vmapped(
    fun: Callable[..., Any],
    in_axes: Sequence[Any],
    out_axes: Sequence[Any],
    options: dict[str, Any] | None = None,
    names: Sequence[Any] = (),
) -> Callable[..., Any]:
    """``vmap(vmap(fun, in_axes[-1], out_axes[-1]), ...)``: levels outermost first.

    ``options`` (axis_size, axis_name, spmd_axis_name) go to the outermost level, ``names``
    (one per level) are the levels' axis names.
    """
    levels = list(zip(in_axes, out_axes, strict=True))
    for k, (ia, oa) in reversed(list(enumerate(levels))):
        named = {"axis_name": names[k]} if names and names[k] is not None else {}
        fun = jax.vmap(
            fun, in_axes=ia, out_axes=oa, **{**((options or {}) if k == 0 else {}), **named}
        )
    return fun


def _first_example(args: tuple[Any, ...], plan: VmapPlan) -> tuple[Any, ...] | None:
    """The arguments one call of ``plan`` receives (batch index 0); ``None`` if unknown."""
    flat: list[Any] = []
    out: list[Any] = []
    start = 0
    leaves = list(plan.inputs)
    if sum(leaf_count(a) for a in args) != len(leaves):
        return None
    for arg in args:
        for value in jax.tree.leaves(arg):
            leaf = leaves[len(flat)]
            if leaf.axis is not None:
                if leaf.shape[leaf.axis] == 0:
                    return None
                value = value[(slice(None),) * leaf.axis + (0,)]
            flat.append(value)
    for arg in args:
        treedef, count = jax.tree.structure(arg), leaf_count(arg)
        out.append(jax.tree.unflatten(treedef, flat[start : start + count]))
        start += count
    return tuple(out)


@contextlib.contextmanager
def _outer_axes_bound(pairs: Sequence[tuple[Any, int]]) -> Iterator[None]:
    """Bind the outer levels' axis names while an inner level is traced on its own.

    jax has no public API for this; where its private one has moved, nothing is bound and a
    collective over an outer level's name is reported as unbound.
    """
    try:
        from jax._src.core import extend_axis_env_nd
    except ImportError:  # pragma: no cover - jax moved it
        yield
        return
    with extend_axis_env_nd(pairs):
        yield


def explore(
    fun: Callable[..., Any],
    args: Sequence[Any],
    in_axes: Sequence[Any],
    out_axes: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
    names: Sequence[Any] = (),
    **options: Any,
) -> Exploration:
    """Plan every level of ``vmap`` (outermost first) and run the nest when it is valid.

    An error of a level's function that is really an inner level's bad spec is reported at
    the inner level, so the selector at fault is the one marked. ``kwargs`` are the call's
    keyword arguments and ``options`` vmap's ``axis_size``, ``axis_name`` and
    ``spmd_axis_name``, for a single level only (see :func:`vmapwidget.describe_vmap`);
    ``names`` the ``axis_name`` of every level of a nest, each level planned with the names
    of the levels around it bound.
    """
    args, in_axes, out_axes, names = tuple(args), tuple(in_axes), tuple(out_axes), tuple(names)
    kwargs = dict(kwargs or {})
    if (kwargs or any(v is not None for v in options.values())) and len(in_axes) != 1:
        raise TypeError("keyword arguments and vmap options are for a single vmap, not a nest")
    plans: list[VmapPlan] = []
    level_args = args
    error: tuple[str, str | None, int, tuple[int, ...]] | None = None
    for level in range(len(in_axes)):
        inner = _vmapped(fun, in_axes[level + 1 :], out_axes[level + 1 :], None, names[level + 1 :])
        named = {"axis_name": names[level]} if names else options
        outer = [
            (n, p.batch_size)
            for n, p in zip(names, plans, strict=False)
            if n is not None and p.batch_size is not None
        ]
        with _outer_axes_bound(outer):
            plan = describe_vmap(
                inner,
                *level_args,
                in_axes=in_axes[level],
                out_axes=out_axes[level],
                **named,
                **kwargs,
            )
        plans.append(plan)
        if plan.error is not None:
            error = (plan.error, plan.error_side, level, plan.error_args)
            if plan.error_side != "function":
                break
        example = _first_example(level_args, plan)
        if example is None:
            break
        level_args = example
    result = None
    if error is None:
        try:
            result = _vmapped(fun, in_axes, out_axes, options, names)(*args, **kwargs)
        except Exception as exc:
            error = (f"{type(exc).__name__}: {exc}", "function", 0, ())
    message, side, at_level, at_fault = error if error is not None else (None, None, None, ())
    return Exploration(
        fun,
        args,
        in_axes,
        out_axes,
        tuple(plans),
        message,
        side,
        at_level,
        at_fault,
        result,
        kwargs,
        options,
        names,
    )
