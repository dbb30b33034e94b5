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
from typing import Any

import jax
import numpy as np

from vmapwidget.codegen import (
    function_name,
    index_names,
    nested_index_expression,
    nested_loop_code,
    nested_vmap_call_code,
    spec_text,
)
from vmapwidget.exploration import Exploration, explore
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


def _collectives(exp: Exploration) -> list[dict[str, Any]]:
    """The innermost plan's collectives (in program order), each at the level it reduces over."""
    if not exp.plans or len(exp.plans) < exp.depth:
        return []
    names = exp.names or (exp.options.get("axis_name"),)
    uses = zip(exp.plans[-1].to_json()["collectives"], exp.plans[-1].collectives, strict=True)
    return [
        {"level": min(k for k, n in enumerate(names) if n in c.axis_names), **use}
        for use, c in uses
        if any(n in c.axis_names for n in names)
    ]


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
    that level's axis name, as :meth:`vmapwidget.VmapPlan.to_json` describes them;
    ``axis_names`` holds each level's ``axis_name`` as text (``"'i'"``, or ``None``) and
    ``axis_size`` vmap's ``axis_size`` (``None`` unless given).
    """
    leaf_axes = _input_axes(exp)
    names = parameter_names(exp.fun, len(exp.args))
    axis_names = exp.names or (exp.options.get("axis_name"),) * exp.depth
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
    elif ok and not any(p.collectives for p in exp.plans):
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
            else nested_vmap_call_code(exp.fun, names, exp.in_axes, exp.out_axes, exp.names)
        ),
        "axis_names": [None if n is None else repr(n) for n in axis_names],
        "axis_size": exp.options.get("axis_size"),
        "collectives": _collectives(exp),
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
