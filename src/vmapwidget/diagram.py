"""What an AxisExplorer draws: which cells of every array each ``vmap`` call reads and writes.

Pure functions over the core's :func:`~vmapwidget.describe_vmap`; no widgets; the code shown
beside it comes from :mod:`vmapwidget.codegen`. A diagram may
show one ``vmap`` or a nest of them (``levels``, outermost first): each level has a batch
index (``b`` for one level, ``i``, ``j``, ... for a nest) and, for every input and output
leaf, the axis that index walks along, in the coordinates of the whole array.

>>> import jax.numpy as jnp
>>> exp = explore(lambda x, y: x + y, (jnp.array([[1, 2, 3]]), jnp.array([[4], [5], [6]])),
...               in_axes=[(1, 0)], out_axes=[1])
>>> exp.result.tolist()
[[5, 7, 9]]
>>> d = describe(exp)
>>> [leaf["axes"] for leaf in d["inputs"]], d["outputs"][0]["axes"]
([[1], [0]], [1])
>>> "".join(s["text"] if "text" in s else "b" for s in d["call"])
'f(x[:, b], y[b])'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import jax
import numpy as np

from vmapwidget.axis_model import describe_vmap
from vmapwidget.codegen import (
    function_name,
    index_names,
    nested_index_expression,
    nested_loop_code,
    nested_vmap_call_code,
    spec_text,
)
from vmapwidget.plan import VmapPlan
from vmapwidget.spec_checks import leaf_count, parameter_names

__all__ = [
    "MAX_VALUE_CELLS",
    "Exploration",
    "call_unbatched",
    "describe",
    "explore",
    "in_axis_options",
]

MAX_VALUE_CELLS = 64
"""Arrays with at most this many cells are sent with their values; larger ones by shape only."""

_MARK = "\x00"


@dataclass(frozen=True)
class Exploration:
    """A nest of ``vmap`` levels applied to ``fun(*args)``, planned and (if valid) run.

    ``plans`` holds one :class:`VmapPlan` per level that could be planned, outermost first.
    When something is wrong, ``error`` explains it, ``error_level`` says which level's
    ``in_axes``/``out_axes`` (``error_side``) is at fault and ``error_args`` which arguments.
    ``kwargs`` (the call's keyword arguments) and ``options`` (``axis_size``, ``axis_name``,
    ``spmd_axis_name``) belong to a single vmap (a nest takes neither).
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
) -> Callable[..., Any]:
    """``vmap(vmap(fun, in_axes[-1], out_axes[-1]), ...)``: levels outermost first.

    ``options`` (axis_size, axis_name, spmd_axis_name) go to the outermost level.
    """
    levels = list(zip(in_axes, out_axes, strict=True))
    for k, (ia, oa) in reversed(list(enumerate(levels))):
        fun = jax.vmap(fun, in_axes=ia, out_axes=oa, **((options or {}) if k == 0 else {}))
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


def explore(
    fun: Callable[..., Any],
    args: Sequence[Any],
    in_axes: Sequence[Any],
    out_axes: Sequence[Any],
    kwargs: dict[str, Any] | None = None,
    **options: Any,
) -> Exploration:
    """Plan every level of ``vmap`` (outermost first) and run the nest when it is valid.

    An error of a level's function that is really an inner level's bad spec is reported at
    the inner level, so the selector at fault is the one marked. ``kwargs`` are the call's
    keyword arguments and ``options`` vmap's ``axis_size``, ``axis_name`` and
    ``spmd_axis_name``, for a single level only (see :func:`vmapwidget.describe_vmap`).
    """
    args, in_axes, out_axes = tuple(args), tuple(in_axes), tuple(out_axes)
    kwargs = dict(kwargs or {})
    if (kwargs or any(v is not None for v in options.values())) and len(in_axes) != 1:
        raise TypeError("keyword arguments and vmap options are for a single vmap, not a nest")
    plans: list[VmapPlan] = []
    level_args = args
    error: tuple[str, str | None, int, tuple[int, ...]] | None = None
    for level in range(len(in_axes)):
        inner = _vmapped(fun, in_axes[level + 1 :], out_axes[level + 1 :])
        plan = describe_vmap(
            inner,
            *level_args,
            in_axes=in_axes[level],
            out_axes=out_axes[level],
            **options,
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
            result = _vmapped(fun, in_axes, out_axes, options)(*args, **kwargs)
        except Exception as exc:
            error = (f"{type(exc).__name__}: {exc}", "function", 0, ())
    if error is not None:
        message, side, level, at_fault = error
        plans_t = tuple(plans)
        return Exploration(
            fun,
            args,
            in_axes,
            out_axes,
            plans_t,
            message,
            side,
            level,
            at_fault,
            None,
            kwargs,
            options,
        )
    return Exploration(
        fun, args, in_axes, out_axes, tuple(plans), None, None, None, (), result, kwargs, options
    )


def _format_value(value: Any) -> str:
    if isinstance(value, (bool, np.bool_)):
        return "T" if value else "F"
    if isinstance(value, (np.integer, int)):
        return str(int(value))
    if isinstance(value, (np.complexfloating, complex)):
        return f"{complex(value):.3g}"
    return f"{float(value):.3g}"


def _cells(value: Any) -> tuple[list[int], str, list[str] | None]:
    """Shape, dtype and, for arrays of at most MAX_VALUE_CELLS cells, the values as text."""
    shape = [int(d) for d in np.shape(value)]
    dtype = str(
        jax.dtypes.canonicalize_dtype(getattr(value, "dtype", None) or np.result_type(value))
    )
    if int(np.prod(shape, dtype=np.int64)) > MAX_VALUE_CELLS:
        return shape, dtype, None
    array = np.asarray(value)
    if array.dtype.kind not in "biufc":
        return shape, dtype, None
    return shape, dtype, [_format_value(v) for v in array.reshape(-1)]


def _input_axes(exp: Exploration) -> list[list[int | None]]:
    """Per input leaf, the axis each level maps, in the coordinates of the whole array.

    Levels that could not be planned (after an error) map nothing.
    """
    n_leaves = sum(leaf_count(a) for a in exp.args)
    known = []
    for plan in exp.plans:
        positional = tuple(leaf for leaf in plan.inputs if not leaf.keyword)
        if len(positional) != n_leaves:
            break
        known.append(positional)
    axes: list[list[int | None]] = []
    for i in range(n_leaves):
        kept = list(range(len(known[0][i].shape))) if known else []
        per_level: list[int | None] = []
        for leaves in known:
            axis = leaves[i].axis
            per_level.append(None if axis is None else kept.pop(axis))
        axes.append(per_level + [None] * (exp.depth - len(known)))
    return axes


def _output_axes(plans: Sequence[VmapPlan]) -> list[list[int | None]]:
    """Per output leaf, where each level's batch axis sits in the final output."""
    axes = []
    for leaves in zip(*(p.outputs for p in plans), strict=True):
        positions: list[int | None] = []
        for leaf in reversed(leaves):
            o = leaf.axis
            positions = [
                p + 1 if p is not None and o is not None and p >= o else p for p in positions
            ]
            positions.insert(0, o)
        axes.append(positions)
    return axes


class _Expr:
    """A leaf whose ``repr`` is source text, to write pytrees of index expressions."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def _index_text(path: str, axes: Sequence[int | None]) -> str:
    """``x[:, <0>]`` style text: level k's index is marked as NUL k NUL."""
    return nested_index_expression(path, axes, [f"{_MARK}{k}{_MARK}" for k in range(len(axes))])


def _segments(text: str) -> list[dict[str, Any]]:
    parts = text.split(_MARK)
    return [
        {"level": int(part)} if i % 2 else {"text": part}
        for i, part in enumerate(parts)
        if i % 2 or part
    ]


def _call_segments(exp: Exploration, axes: list[list[int | None]]) -> list[dict[str, Any]]:
    names = parameter_names(exp.fun, len(exp.args))
    texts, start = [], 0
    for arg, name in zip(exp.args, names, strict=True):
        with_paths = jax.tree_util.tree_leaves_with_path(arg)
        treedef = jax.tree.structure(arg)
        exprs = [
            _Expr(_index_text(name + jax.tree_util.keystr(path), axes[start + i]))
            for i, (path, _) in enumerate(with_paths)
        ]
        start += len(with_paths)
        tree = jax.tree.unflatten(treedef, exprs)
        texts.append(repr(tree))
    for key, value in sorted(exp.kwargs.items()):
        exprs = [
            _Expr(_index_text(key + jax.tree_util.keystr(path), [0]))
            for path, _ in jax.tree_util.tree_leaves_with_path(value)
        ]
        texts.append(f"{key}={jax.tree.unflatten(jax.tree.structure(value), exprs)!r}")
    return _segments(f"{function_name(exp.fun)}({', '.join(texts)})")


def in_axis_options(arg: Any) -> list[int | None]:
    """The choices for one argument's ``in_axes``: None and every axis all its leaves have."""
    ranks = [len(np.shape(leaf)) for leaf in jax.tree.leaves(arg)]
    rank = min(ranks, default=0)
    return [None, *range(rank), *range(-rank, 0)]


def _per_argument(spec: Any, n_args: int) -> list[Any] | None:
    """One level's ``in_axes`` as one entry per argument; ``None`` if it is not of that form."""
    if isinstance(spec, (tuple, list)) and len(spec) == n_args:
        return list(spec)
    if spec is None or type(spec) is int:
        return [spec] * n_args
    return None


def _selectors(exp: Exploration, fallback: Sequence[list[int | None]]) -> list[dict[str, Any]]:
    names = parameter_names(exp.fun, len(exp.args))
    selectors = []
    for level, (spec, out_spec) in enumerate(zip(exp.in_axes, exp.out_axes, strict=True)):
        per_arg = _per_argument(spec, len(exp.args))
        for index, (arg, name) in enumerate(zip(exp.args, names, strict=True)):
            value = None if per_arg is None else per_arg[index]
            editable = per_arg is not None and (value is None or type(value) is int)
            selectors.append(
                {
                    "kind": "in_axes",
                    "level": level,
                    "arg": index,
                    "name": name,
                    "known": True,
                    "options": in_axis_options(arg) if editable else [],
                    "value": value if editable else None,
                    "text": spec_text(value if per_arg is not None else spec),
                    "editable": editable,
                }
            )
        editable = out_spec is None or type(out_spec) is int
        options = exp.out_axis_options[level]
        known = options is not None
        if not known:
            options = list(fallback[level]) if level < len(fallback) else [None, 0]
            options += [] if out_spec in options else [out_spec]
        selectors.append(
            {
                "kind": "out_axes",
                "level": level,
                "arg": None,
                "name": "out",
                "known": known,
                "options": options,
                "value": out_spec if editable else None,
                "text": spec_text(out_spec),
                "editable": editable,
            }
        )
    return selectors


def _leaf(path: str, value: Any, axes: list[int | None], **extra: Any) -> dict[str, Any]:
    shape, dtype, values = _cells(value)
    return {"path": path, "shape": shape, "dtype": dtype, "values": values, "axes": axes, **extra}


def describe(exp: Exploration, out_options: Sequence[list[int | None]] = ()) -> dict[str, Any]:
    """The JSON the frontend draws: levels, input and output leaves, call, code, selectors.

    When a failure hides the output's rank (:attr:`Exploration.out_axis_options` is
    ``None`` for that level), the level's ``out_axes`` selector offers ``out_options[level]``
    (the choices last known, e.g. those of an earlier exploration) plus the current value,
    and says ``"known": False``.

    Leaf ``axes`` lists, per level, the axis of the whole array that the level's batch index
    walks (``None``: not mapped at that level); ``values`` is ``None`` for arrays of more than
    :data:`MAX_VALUE_CELLS` cells. ``call`` (the call each batch index makes) and ``writes``
    (the slice of the output it fills) are lists of ``{"text"}`` and ``{"level"}`` segments:
    the frontend writes the current index of that level in place of the latter. Input
    leaves of keyword arguments say ``"keyword": True`` (always mapped along axis 0);
    ``collectives`` lists, per level (``"level"``), the collectives the function uses over
    that level's axis name, as :meth:`vmapwidget.VmapPlan.to_json` describes them.
    """
    leaf_axes = _input_axes(exp)
    names = parameter_names(exp.fun, len(exp.args))
    inputs = []
    position = 0
    for index, (arg, name) in enumerate(zip(exp.args, names, strict=True)):
        for path, value in jax.tree_util.tree_leaves_with_path(arg):
            axes = leaf_axes[position]
            fault = exp.error_side == "in_axes" and index in exp.error_args
            inputs.append(
                _leaf(name + jax.tree_util.keystr(path), value, axes, arg=index, fault=fault)
            )
            position += 1
    for index, (key, value) in enumerate(sorted(exp.kwargs.items()), start=len(exp.args)):
        for path, leaf in jax.tree_util.tree_leaves_with_path(value):
            fault = exp.error_side == "in_axes" and index in exp.error_args
            name = key + jax.tree_util.keystr(path)
            inputs.append(_leaf(name, leaf, [0], arg=index, fault=fault, keyword=True))
    ok = exp.error is None
    outputs = []
    if ok:
        out_axes = _output_axes(exp.plans)
        values = jax.tree.leaves(exp.result)
        for leaf, axes, value in zip(exp.plans[0].outputs, out_axes, values, strict=True):
            outputs.append(_leaf(leaf.path, value, axes))
    letters = index_names(exp.depth)
    levels = (
        [
            {"index": letter, "size": p.batch_size}
            for letter, p in zip(letters, exp.plans, strict=True)
        ]
        if ok
        else []
    )
    loop = None
    if ok and exp.depth == 1:
        loop = exp.plans[0].loop_code
    elif ok:
        loop = nested_loop_code(exp.plans, names, exp.in_axes, leaf_axes)
    return {
        "depth": exp.depth,
        "levels": levels,
        "inputs": inputs,
        "outputs": outputs,
        "call": _call_segments(exp, leaf_axes) if ok else None,
        "writes": _segments(", ".join(_index_text(o["path"], o["axes"]) for o in outputs)),
        "error": exp.error,
        "error_side": exp.error_side,
        "error_level": exp.error_level,
        "error_args": list(exp.error_args),
        "jax_code": (
            exp.plans[0].jax_code
            if (exp.kwargs or any(v is not None for v in exp.options.values()))
            and exp.plans[0].jax_code
            else nested_vmap_call_code(exp.fun, names, exp.in_axes, exp.out_axes)
        ),
        "collectives": [
            {"level": level, **use}
            for level, plan in enumerate(exp.plans)
            for use in plan.to_json()["collectives"]
        ],
        "loop_code": loop,
        "selectors": _selectors(exp, out_options),
        "max_value_cells": MAX_VALUE_CELLS,
    }


def call_unbatched(fun: Callable[..., Any], arg: Any) -> dict[str, Any]:
    """What calling ``fun`` on the whole batch at once does: its output, or its error.

    >>> import jax.numpy as jnp
    >>> call_unbatched(lambda x: jnp.ones((2, 2)).dot(x), jnp.ones((3, 2)))["error"][:9]
    'TypeError'
    """
    call = f"{function_name(fun)}({parameter_names(fun, 1)[0]})"
    try:
        out = fun(arg)
    except Exception as exc:
        return {"call": call, "error": f"{type(exc).__name__}: {exc}", "outputs": []}
    outputs = [
        _leaf("out" + jax.tree_util.keystr(path), value, [])
        for path, value in jax.tree_util.tree_leaves_with_path(out)
    ]
    return {"call": call, "error": None, "outputs": outputs}
