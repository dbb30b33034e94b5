"""Predict what ``jax.vmap(fun, in_axes, out_axes)(*args)`` does, without raising.

The model checks ``in_axes``/``out_axes`` the way ``jax.vmap`` does, names the argument
at fault in plain English, and traces ``fun`` once on a single example to learn the
output's structure and which outputs depend on the batch.

>>> import jax.numpy as jnp
>>> plan = describe_vmap(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)),
...                      in_axes=(1, 0), out_axes=1)
>>> plan.batch_size, plan.out_shapes, plan.error
(3, (1, 3), None)
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import jax
import jax.extend.core as jcore
import numpy as np

from vmapwidget.loop_code import make_jax_code, make_loop_code

__all__ = ["InputLeaf", "OutputLeaf", "VmapPlan", "describe_vmap"]


@dataclass(frozen=True)
class InputLeaf:
    """One array of the inputs: where it comes from and how vmap slices it."""

    arg_index: int
    arg_name: str
    path: str
    shape: tuple[int, ...]
    dtype: str
    axis: int | None
    example_shape: tuple[int, ...] | None


@dataclass(frozen=True)
class OutputLeaf:
    """One array of the output: its per-example shape and where the batch axis goes."""

    path: str
    example_shape: tuple[int, ...]
    dtype: str
    batched: bool
    axis: int | None
    shape: tuple[int, ...] | None


@dataclass(frozen=True)
class VmapPlan:
    """What ``jax.vmap(fun, in_axes, out_axes)(*args)`` does, or why it fails.

    ``error`` is ``None`` when vmap succeeds; otherwise it explains the failure, and
    ``error_side`` ("in_axes", "out_axes" or "function") with ``error_args`` (argument
    indices) says where the fault lies.
    """

    arg_names: tuple[str, ...]
    in_axes: Any
    out_axes: Any
    inputs: tuple[InputLeaf, ...]
    outputs: tuple[OutputLeaf, ...]
    batch_size: int | None
    out_shapes: Any
    error: str | None
    error_side: str | None = None
    error_args: tuple[int, ...] = ()
    loop_code: str | None = None
    jax_code: str = ""
    _out_treedef: Any = field(default=None, repr=False, compare=False)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description for the frontend."""
        return {
            "arg_names": list(self.arg_names),
            "in_axes": _axes_to_json(self.in_axes),
            "out_axes": _axes_to_json(self.out_axes),
            "batch_size": self.batch_size,
            "inputs": [
                {
                    "arg_index": leaf.arg_index,
                    "arg_name": leaf.arg_name,
                    "path": leaf.path,
                    "shape": list(leaf.shape),
                    "dtype": leaf.dtype,
                    "axis": leaf.axis,
                    "example_shape": _list_or_none(leaf.example_shape),
                }
                for leaf in self.inputs
            ],
            "outputs": [
                {
                    "path": leaf.path,
                    "shape": _list_or_none(leaf.shape),
                    "example_shape": list(leaf.example_shape),
                    "dtype": leaf.dtype,
                    "axis": leaf.axis,
                    "batched": leaf.batched,
                }
                for leaf in self.outputs
            ],
            "error": self.error,
            "error_side": self.error_side,
            "error_args": list(self.error_args),
            "loop_code": self.loop_code,
            "jax_code": self.jax_code,
        }


class _PlanError(Exception):
    def __init__(self, message: str, side: str, args: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.side = side
        self.args_at_fault = args


def _is_none(x: Any) -> bool:
    return x is None


def _axes_to_json(axes: Any) -> Any:
    if isinstance(axes, dict):
        return {str(k): _axes_to_json(v) for k, v in axes.items()}
    if isinstance(axes, (tuple, list)):
        return [_axes_to_json(v) for v in axes]
    return axes


def _list_or_none(shape: tuple[int, ...] | None) -> list[int] | None:
    return None if shape is None else list(shape)


def parameter_names(fun: Callable, n_args: int) -> tuple[str, ...]:
    """Names of the first ``n_args`` positional parameters of ``fun`` (``args[i]`` if unknown)."""
    try:
        params = list(inspect.signature(fun).parameters.values())
    except (TypeError, ValueError):
        params = []
    names: list[str] = []
    star: str | None = None
    for p in params:
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
            names.append(p.name)
        elif p.kind is p.VAR_POSITIONAL:
            star = p.name
            break
    result = []
    for i in range(n_args):
        if i < len(names):
            result.append(names[i])
        elif star is not None:
            result.append(f"{star}[{i - len(names)}]")
        else:
            result.append(f"args[{i}]")
    return tuple(result)


def _axis_leaves(axes: Any) -> list[Any]:
    return jax.tree.leaves(axes)


def _check_axis_types(axes: Any, what: str) -> None:
    bad = [leaf for leaf in _axis_leaves(axes) if type(leaf) is not int]
    if bad:
        raise _PlanError(
            f"{what} must be made of ints and None (in tuples, lists or dicts), "
            f"but it contains {bad[0]!r} of type {type(bad[0]).__name__}. "
            f"JAX: vmap {what} must be an int, None, or (nested) container with those "
            f"types as leaves, but got {axes!r}.",
            what,
        )


def _normalize_in_axes(in_axes: Any, n_args: int) -> tuple[Any, ...]:
    if isinstance(in_axes, list):
        in_axes = tuple(in_axes)
    if not (in_axes is None or type(in_axes) in (int, tuple)):
        raise _PlanError(
            "in_axes must be an int, None, or a tuple with one entry per positional "
            f"argument, but got {in_axes!r} (a {type(in_axes).__name__}). "
            "To give axes inside a dict argument, wrap it: in_axes=({'a': 0, ...},).",
            "in_axes",
        )
    _check_axis_types(in_axes, "in_axes")
    if isinstance(in_axes, tuple):
        if len(in_axes) != n_args:
            raise _PlanError(
                f"in_axes has {len(in_axes)} entr{'ies' if len(in_axes) != 1 else 'y'} but the "
                "function was called with "
                f"{n_args} positional argument{'s' if n_args != 1 else ''}: give one entry "
                "per argument (None for an argument passed whole to every call).",
                "in_axes",
            )
        return in_axes
    return (in_axes,) * n_args


def broadcast_prefix(prefix: Any, tree: Any) -> list[Any]:
    """For each leaf of ``tree``, the value of the tree prefix ``prefix`` above it.

    ``None`` in ``prefix`` counts as a leaf. Raises ``ValueError`` when ``prefix`` is not a
    tree prefix of ``tree``.
    """
    prefix_leaves, prefix_def = jax.tree.flatten(prefix, is_leaf=_is_none)
    subtrees = prefix_def.flatten_up_to(tree)
    return [
        value
        for value, subtree in zip(prefix_leaves, subtrees)
        for _ in range(jax.tree.structure(subtree).num_leaves)
    ]


def _describe_structure(tree: Any) -> str:
    return str(jax.tree.structure(tree)).replace("PyTreeDef", "")


def _leaf_axes(axis_spec: Any, arg: Any, name: str, index: int) -> list[Any]:
    """Broadcast one argument's axis spec (a tree prefix) to a list aligned with its leaves."""
    try:
        return broadcast_prefix(axis_spec, arg)
    except (ValueError, TypeError) as exc:
        raise _PlanError(
            f"in_axes[{index}] = {axis_spec!r} does not fit argument `{name}`: an axis spec "
            "must be an int, None, or a container with the same keys/length as the argument "
            f"(a tree prefix). `{name}` has structure {_describe_structure(arg)}.",
            "in_axes",
            (index,),
        ) from exc


def _leaf_shape_dtype(leaf: Any, where: str, index: int) -> tuple[tuple[int, ...], str, bool]:
    if not (hasattr(leaf, "shape") and hasattr(leaf, "dtype")) and not isinstance(
        leaf, (bool, int, float, complex, np.generic)
    ):
        raise _PlanError(
            f"{where} is a {type(leaf).__name__}, which is not an array: vmap can only "
            "pass arrays and numbers (in tuples, lists and dicts).",
            "in_axes",
            (index,),
        )
    dtype = jax.dtypes.canonicalize_dtype(getattr(leaf, "dtype", None) or np.result_type(leaf))
    weak = bool(getattr(leaf, "weak_type", False)) or isinstance(leaf, (bool, int, float, complex))
    return tuple(int(d) for d in np.shape(leaf)), str(dtype), weak


def _normalize_in_axis(axis: int | None, shape: tuple[int, ...], where: str, spec: str, index: int):
    if axis is None:
        return None
    rank = len(shape)
    if -rank <= axis < rank:
        return axis % rank
    if rank == 0:
        detail = (
            f"{where} is a scalar (shape ()), so it has no axis to map over; "
            "use None to pass it whole to every call."
        )
    else:
        detail = (
            f"{where} has {rank} dimension{'s' if rank != 1 else ''} (shape {shape}), so the "
            f"valid axes are 0…{rank - 1} (or -{rank}…-1), or None to pass it whole."
        )
    raise _PlanError(
        f"{spec} asks to map {where} along axis {axis}, but {detail}",
        "in_axes",
        (index,),
    )


def _path_name(arg_name: str, path: tuple) -> str:
    return arg_name + jax.tree_util.keystr(path)


def _inspect_inputs(
    args: tuple, in_axes: tuple, names: tuple[str, ...], leaves: list[InputLeaf]
) -> None:
    """Append one InputLeaf per input leaf to ``leaves``, raising at the first bad one."""
    for index, (arg, spec, name) in enumerate(zip(args, in_axes, names)):
        axes = _leaf_axes(spec, arg, name, index)
        spec_text = f"in_axes[{index}]" if len(args) > 1 or isinstance(spec, tuple) else "in_axes"
        for (path, leaf), axis in zip(jax.tree_util.tree_leaves_with_path(arg), axes):
            where = f"argument `{_path_name(name, path)}`"
            shape, dtype, _ = _leaf_shape_dtype(leaf, where, index)
            norm = _normalize_in_axis(axis, shape, where, spec_text, index)
            example = shape if norm is None else shape[:norm] + shape[norm + 1 :]
            leaves.append(
                InputLeaf(index, name, _path_name(name, path), shape, dtype, norm, example)
            )


def _unchecked_inputs(args: tuple, names: tuple[str, ...], skip: int) -> tuple[InputLeaf, ...]:
    """Input leaves past the first ``skip``, shapes only: shown beside an error."""
    leaves = [
        InputLeaf(index, name, _path_name(name, path), tuple(np.shape(leaf)), "", None, None)
        for index, (arg, name) in enumerate(zip(args, names))
        for path, leaf in jax.tree_util.tree_leaves_with_path(arg)
        if hasattr(leaf, "shape") or isinstance(leaf, (bool, int, float, complex, np.generic))
    ]
    return tuple(leaves[skip:])


def _batch_size(leaves: list[InputLeaf]) -> int:
    mapped = [leaf for leaf in leaves if leaf.axis is not None]
    if not leaves:
        raise _PlanError(
            "vmap needs at least one argument containing an array, but got none.", "in_axes"
        )
    if not mapped:
        raise _PlanError(
            "Every in_axes entry is None, so no argument is mapped and there is no batch "
            "dimension: map at least one argument over one of its axes. "
            "JAX: vmap must have at least one non-None value in in_axes.",
            "in_axes",
            tuple(sorted({leaf.arg_index for leaf in leaves})),
        )
    sizes = [leaf.shape[leaf.axis] for leaf in mapped]
    if len(set(sizes)) == 1:
        return sizes[0]
    first = sizes[0]
    details = "; ".join(
        f"`{leaf.path}` axis {leaf.axis} has size {size}" for leaf, size in zip(mapped, sizes)
    )
    at_fault = tuple(sorted({leaf.arg_index for leaf, s in zip(mapped, sizes) if s != first}))
    raise _PlanError(
        "The mapped axes have different sizes: "
        f"{details}. vmap walks all mapped axes in lock-step, so they must share one size "
        "(the batch size). JAX: vmap got inconsistent sizes for array axes to be mapped.",
        "in_axes",
        at_fault,
    )


def _dependent_outputs(jaxpr: Any, dependent_inputs: list[bool]) -> list[bool]:
    """Which outputs of ``jaxpr`` depend on the inputs flagged in ``dependent_inputs``."""
    dependent = {v for v, d in zip(jaxpr.invars, dependent_inputs) if d}

    def is_dep(v: Any) -> bool:
        return not isinstance(v, jcore.Literal) and v in dependent

    for eqn in jaxpr.eqns:
        flags = [is_dep(v) for v in eqn.invars]
        if not any(flags):
            continue
        inner = eqn.params.get("jaxpr", eqn.params.get("call_jaxpr"))
        if isinstance(inner, jcore.ClosedJaxpr):
            inner = inner.jaxpr
        if (
            isinstance(inner, jcore.Jaxpr)
            and len(inner.invars) == len(eqn.invars)
            and len(inner.outvars) == len(eqn.outvars)
        ):
            outs = _dependent_outputs(inner, flags)
        else:
            outs = [True] * len(eqn.outvars)
        dependent.update(v for v, d in zip(eqn.outvars, outs) if d)
    return [is_dep(v) for v in jaxpr.outvars]


def _trace_one_example(fun: Callable, args: tuple, leaves: list[InputLeaf]):
    """Trace ``fun`` on one example; mapped leaves are abstract, unmapped ones concrete."""
    treedefs = [jax.tree.structure(arg) for arg in args]
    concrete = [jax.tree.leaves(arg) for arg in args]
    mapped_positions = [i for i, leaf in enumerate(leaves) if leaf.axis is not None]
    flat_values = [v for vs in concrete for v in vs]
    structs = [
        jax.ShapeDtypeStruct(
            leaves[i].example_shape,
            leaves[i].dtype,
            weak_type=bool(getattr(flat_values[i], "weak_type", False)),
        )
        for i in mapped_positions
    ]

    def one_example(*mapped_values: Any) -> Any:
        values = list(flat_values)
        for i, v in zip(mapped_positions, mapped_values):
            values[i] = v
        rebuilt, start = [], 0
        for treedef in treedefs:
            n = treedef.num_leaves
            rebuilt.append(jax.tree.unflatten(treedef, values[start : start + n]))
            start += n
        return fun(*rebuilt)

    try:
        closed, out_struct = jax.make_jaxpr(one_example, return_shape=True)(*structs)
    except Exception as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        shapes = ", ".join(
            f"`{leaf.path}`: {leaf.example_shape}" for leaf in leaves if leaf.axis is not None
        )
        raise _PlanError(
            f"The function raised {type(exc).__name__} when called on one example "
            f"({shapes}): {message}",
            "function",
        ) from exc
    return closed, out_struct


def _normalize_out_axis(axis: int, example_shape: tuple[int, ...], path: str) -> int:
    rank = len(example_shape) + 1
    if -rank <= axis < rank:
        return axis % rank
    raise _PlanError(
        f"out_axes puts the batch axis of output `{path}` at {axis}, but each call returns "
        f"shape {example_shape}, so the batched output has {rank} dimension"
        f"{'s' if rank != 1 else ''} and the batch axis can go at 0…{rank - 1} "
        f"(or -{rank}…-1). JAX: axis {axis} is out of bounds for array of dimension {rank}.",
        "out_axes",
    )


def _describe_outputs(
    out_struct: Any, out_axes: Any, dependent: list[bool], batch_size: int
) -> tuple[list[OutputLeaf], Any]:
    treedef = jax.tree.structure(out_struct)
    try:
        axes = broadcast_prefix(out_axes, out_struct)
    except (ValueError, TypeError) as exc:
        raise _PlanError(
            f"out_axes = {out_axes!r} does not fit the function's output, which has "
            f"structure {_describe_structure(out_struct)}: give an int, None, or a container "
            "with the same keys/length as the output.",
            "out_axes",
        ) from exc
    outputs = []
    for (path, struct), axis, batched in zip(
        jax.tree_util.tree_leaves_with_path(out_struct), axes, dependent
    ):
        name = "out" + jax.tree_util.keystr(path)
        example = tuple(int(d) for d in struct.shape)
        if axis is None:
            if batched:
                raise _PlanError(
                    f"out_axes puts None at output `{name}`, which means 'not batched', but "
                    "that output depends on a mapped argument, so it differs from call to "
                    "call. Give it an axis (e.g. 0), or make it independent of the batch. "
                    "JAX: got axis spec None but output was batched.",
                    "out_axes",
                )
            norm, shape = None, example
        else:
            norm = _normalize_out_axis(axis, example, name)
            shape = example[:norm] + (batch_size,) + example[norm:]
        outputs.append(OutputLeaf(name, example, str(struct.dtype), batched, norm, shape))
    return outputs, treedef


def describe_vmap(fun: Callable, *args: Any, in_axes: Any = 0, out_axes: Any = 0) -> VmapPlan:
    """Describe ``jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args)`` without running it.

    Never raises for a bad spec or a failing ``fun``: the plan's ``error`` says what went wrong.

    >>> import jax.numpy as jnp
    >>> describe_vmap(lambda x: x * 2, jnp.ones((4, 2))).out_shapes
    (4, 2)
    >>> print(describe_vmap(lambda x, y: x * y, 3.0, jnp.ones(3), in_axes=(None, 5)).error)
    in_axes[1] asks to map argument `y` along axis 5, but argument `y` has 1 dimension ...
    """
    names = parameter_names(fun, len(args))
    given_in_axes = tuple(in_axes) if isinstance(in_axes, list) else in_axes
    jax_code = make_jax_code(fun, names, given_in_axes, out_axes)
    leaves: list[InputLeaf] = []
    try:
        per_arg_axes = _normalize_in_axes(in_axes, len(args))
        _inspect_inputs(args, per_arg_axes, names, leaves)
        batch_size = _batch_size(leaves)
        _check_axis_types(out_axes, "out_axes")
        closed, out_struct = _trace_one_example(fun, args, leaves)
        dependent = _dependent_outputs(closed.jaxpr, [True] * len(closed.jaxpr.invars))
        outputs, out_treedef = _describe_outputs(out_struct, out_axes, dependent, batch_size)
    except _PlanError as err:
        return VmapPlan(
            arg_names=names,
            in_axes=given_in_axes,
            out_axes=out_axes,
            inputs=tuple(leaves) + _unchecked_inputs(args, names, skip=len(leaves)),
            outputs=(),
            batch_size=None,
            out_shapes=None,
            error=str(err),
            error_side=err.side,
            error_args=err.args_at_fault,
            jax_code=jax_code,
        )
    out_shapes = jax.tree.unflatten(out_treedef, [leaf.shape for leaf in outputs])
    norm_out_axes = jax.tree.unflatten(out_treedef, [leaf.axis for leaf in outputs])
    plan = VmapPlan(
        arg_names=names,
        in_axes=given_in_axes,
        out_axes=norm_out_axes,
        inputs=tuple(leaves),
        outputs=tuple(outputs),
        batch_size=batch_size,
        out_shapes=out_shapes,
        error=None,
        jax_code=jax_code,
        _out_treedef=out_treedef,
    )
    return _with_loop_code(plan, args)


def _with_loop_code(plan: VmapPlan, args: tuple) -> VmapPlan:
    args_are_arrays = all(jax.tree_util.treedef_is_leaf(jax.tree.structure(a)) for a in args)
    output_is_array = jax.tree_util.treedef_is_leaf(plan._out_treedef)
    simple = args_are_arrays and output_is_array and len(plan.outputs) == 1
    return replace(plan, loop_code=make_loop_code(plan, simple))
