"""Predict what ``jax.vmap(fun, in_axes, out_axes)(*args)`` does, without raising.

The model checks ``in_axes``/``out_axes`` in the order ``jax.vmap`` does and names the
argument at fault in plain English. It then traces the real ``jax.vmap`` with the mapped
arrays abstract (nothing is computed on them) and the unmapped arguments concrete, as vmap
passes them, to learn the per-example output and which outputs depend on the batch; vmap's
own batching rules thereby decide whether the call succeeds.

>>> import jax.numpy as jnp
>>> plan = describe_vmap(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)),
...                      in_axes=(1, 0), out_axes=1)
>>> plan.batch_size, plan.out_shapes, plan.error
(3, (1, 3), None)
"""

from __future__ import annotations

import contextlib
import inspect
import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import jax
import jax.extend.core as jcore
import numpy as np
from jax.api_util import shaped_abstractify

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
    """A fault vmap would raise: the message, the side at fault and the arguments to blame."""

    def __init__(self, message: str, side: str, args: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.side = side
        self.args_at_fault = args


def _is_none(x: Any) -> bool:
    return x is None


def _axes_to_json(axes: Any) -> Any:
    """``axes`` with containers as lists/dicts and anything not JSON-ready as its repr."""
    if isinstance(axes, dict):
        return {str(k): _axes_to_json(v) for k, v in axes.items()}
    if isinstance(axes, (tuple, list)):
        return [_axes_to_json(v) for v in axes]
    if axes is None or type(axes) in (int, float, str, bool):
        return axes
    return repr(axes)


def _list_or_none(shape: tuple[int, ...] | None) -> list[int] | None:
    return None if shape is None else list(shape)


def _first_line(exc: BaseException) -> str:
    """The first line of an exception's message: JAX puts jaxprs and hints further down."""
    try:
        text = str(exc).strip()
    except Exception:
        return ""
    return text.splitlines()[0] if text else ""


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


def _check_callable(fun: Any) -> None:
    """``jax.vmap`` refuses anything that is not callable before looking at the axes."""
    if not callable(fun):
        raise _PlanError(
            f"The function to map must be callable, but got {reprlib.repr(fun)} "
            f"(a {type(fun).__name__}).",
            "function",
        )


def _check_axis_types(axes: Any, what: str) -> None:
    """Refuse axis specs whose leaves are not exactly ``int`` (bools and numpy ints too)."""
    bad = [leaf for leaf in jax.tree.leaves(axes) if type(leaf) is not int]
    if bad:
        raise _PlanError(
            f"{what} must be made of ints and None (in tuples, lists or dicts), "
            f"but it contains {bad[0]!r} of type {type(bad[0]).__name__}. "
            f"JAX: vmap {what} must be an int, None, or (nested) container with those "
            f"types as leaves, but got {axes!r}.",
            what,
        )


def _check_in_axes_type(in_axes: Any) -> Any:
    """``in_axes`` with a top-level list made a tuple, as ``jax.vmap`` does; checks its type."""
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
    return in_axes


def _per_argument_axes(in_axes: Any, n_args: int) -> tuple[Any, ...]:
    """One axis spec per positional argument."""
    if not isinstance(in_axes, tuple):
        return (in_axes,) * n_args
    if len(in_axes) != n_args:
        raise _PlanError(
            f"in_axes has {len(in_axes)} entr{'ies' if len(in_axes) != 1 else 'y'} but the "
            "function was called with "
            f"{n_args} positional argument{'s' if n_args != 1 else ''}: give one entry "
            "per argument (None for an argument passed whole to every call).",
            "in_axes",
        )
    return in_axes


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


def _safe_shape(leaf: Any) -> tuple[int, ...]:
    """``np.shape(leaf)``, or ``()`` for an object numpy cannot size."""
    try:
        return tuple(int(d) for d in np.shape(leaf))
    except Exception:
        return ()


def _unmapped_dtype(leaf: Any) -> str:
    """The dtype JAX would give ``leaf``, or its type name when JAX cannot hold it."""
    try:
        return str(shaped_abstractify(leaf).dtype)
    except Exception:
        return type(leaf).__name__


def _mapped_aval(leaf: Any, where: str, index: int) -> Any:
    """The abstract value of a leaf to be mapped; explains leaves JAX cannot hold."""
    try:
        return shaped_abstractify(leaf)
    except Exception as exc:
        dtype = getattr(leaf, "dtype", None)
        what = f"an array of dtype {dtype}" if dtype is not None else f"a {type(leaf).__name__}"
        raise _PlanError(
            f"{where} is {what}, which JAX cannot map over: only arrays of numbers or bools "
            "can have a batch axis; pass anything else whole with in_axes None. "
            f"JAX: {_first_line(exc)}",
            "in_axes",
            (index,),
        ) from exc


def _normalize_in_axis(axis: int, shape: tuple[int, ...], where: str, spec: str, index: int):
    """``axis`` as a non-negative index into ``shape``; explains axes out of range."""
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


def _input_leaf(index: int, name: str, path: tuple, leaf: Any, axis: Any, spec: str) -> InputLeaf:
    """Describe one input leaf, checking that it can be mapped along ``axis``."""
    path_name = _path_name(name, path)
    if axis is None:
        shape = _safe_shape(leaf)
        return InputLeaf(index, name, path_name, shape, _unmapped_dtype(leaf), None, shape)
    where = f"argument `{path_name}`"
    aval = _mapped_aval(leaf, where, index)
    shape = tuple(int(d) for d in aval.shape)
    norm = _normalize_in_axis(axis, shape, where, spec, index)
    example = shape[:norm] + shape[norm + 1 :]
    return InputLeaf(index, name, path_name, shape, str(aval.dtype), norm, example)


def _inspect_inputs(
    args: tuple, in_axes: tuple, names: tuple[str, ...], leaves: list[InputLeaf]
) -> None:
    """Append one InputLeaf per input leaf to ``leaves``, raising at the first bad one.

    Like ``jax.vmap``, every argument's spec is matched to its argument before any axis is
    checked.
    """
    per_arg = [
        _leaf_axes(spec, arg, name, index)
        for index, (arg, spec, name) in enumerate(zip(args, in_axes, names))
    ]
    for index, (arg, spec, name, axes) in enumerate(zip(args, in_axes, names, per_arg)):
        spec_text = f"in_axes[{index}]" if len(args) > 1 or isinstance(spec, tuple) else "in_axes"
        for (path, leaf), axis in zip(jax.tree_util.tree_leaves_with_path(arg), axes):
            leaves.append(_input_leaf(index, name, path, leaf, axis, spec_text))


def _unchecked_inputs(args: tuple, names: tuple[str, ...], skip: int) -> tuple[InputLeaf, ...]:
    """Input leaves past the first ``skip``, shapes only: shown beside an error."""
    leaves = [
        InputLeaf(index, name, _path_name(name, path), _safe_shape(leaf), "", None, None)
        for index, (arg, name) in enumerate(zip(args, names))
        for path, leaf in jax.tree_util.tree_leaves_with_path(arg)
    ]
    return tuple(leaves[skip:])


def _batch_size(leaves: list[InputLeaf]) -> int:
    """The one size shared by all mapped axes; explains when there is none."""
    mapped = [leaf for leaf in leaves if leaf.axis is not None]
    if not leaves:
        raise _PlanError(
            "vmap needs at least one argument containing an array, but got none.", "in_axes"
        )
    if not mapped:
        passed_whole = ", ".join(dict.fromkeys(f"`{leaf.arg_name}`" for leaf in leaves))
        raise _PlanError(
            f"Every in_axes entry is None, so no argument is mapped ({passed_whole} passed "
            "whole) and there is no batch dimension: map at least one argument over one of "
            "its axes. JAX: vmap must have at least one non-None value in in_axes.",
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


def _inner_jaxpr(params: dict) -> Any:
    """The jaxpr a call-like equation runs (jit, checkpoint, custom_jvp/vjp), if any."""
    for key in ("jaxpr", "call_jaxpr", "fun_jaxpr"):
        inner = params.get(key)
        if isinstance(inner, jcore.ClosedJaxpr):
            return inner.jaxpr
        if isinstance(inner, jcore.Jaxpr):
            return inner
    return None


def _cond_dependence(params: dict, flags: list[bool]) -> list[bool]:
    """A cond: all outputs batched if the branch index is, else per output over branches."""
    branches = params["branches"]
    if flags[0]:
        return [True] * len(branches[0].jaxpr.outvars)
    per_branch = [_dependent_outputs(b.jaxpr, flags[1:]) for b in branches]
    return [any(outs) for outs in zip(*per_branch)]


def _carry_fixpoint(body: Any, before: list[bool], carry: list[bool], after: list[bool]):
    """Carries batched at the start or made batched by some iteration; the body's outputs."""
    while True:
        outs = _dependent_outputs(body, before + carry + after)
        grown = [c or o for c, o in zip(carry, outs)]
        if grown == carry:
            return carry, outs
        carry = grown


def _while_dependence(params: dict, flags: list[bool]) -> list[bool]:
    """A while loop: carries batched by the fixpoint, or all of them if the test is batched."""
    nc, nb = params["cond_nconsts"], params["body_nconsts"]
    cond_consts, body_consts, init = flags[:nc], flags[nc : nc + nb], flags[nc + nb :]
    carry, _ = _carry_fixpoint(params["body_jaxpr"].jaxpr, body_consts, init, [])
    if _dependent_outputs(params["cond_jaxpr"].jaxpr, cond_consts + carry)[0]:
        return [True] * len(carry)
    return carry


def _scan_dependence(params: dict, flags: list[bool]) -> list[bool]:
    """A scan: carries batched by the fixpoint, stacked outputs as the body makes them."""
    nc, ncarry = params["num_consts"], params["num_carry"]
    consts, init, xs = flags[:nc], flags[nc : nc + ncarry], flags[nc + ncarry :]
    carry, outs = _carry_fixpoint(params["jaxpr"].jaxpr, consts, init, xs)
    return carry + outs[ncarry:]


_CONTROL_FLOW = {"cond": _cond_dependence, "while": _while_dependence, "scan": _scan_dependence}


def _equation_dependence(eqn: Any, flags: list[bool]) -> list[bool]:
    """Which outputs of one equation are batched, given which of its inputs are."""
    rule = _CONTROL_FLOW.get(eqn.primitive.name)
    if rule is not None:
        return rule(eqn.params, flags)
    inner = _inner_jaxpr(eqn.params)
    if (
        inner is not None
        and len(inner.invars) == len(flags)
        and len(inner.outvars) == len(eqn.outvars)
    ):
        return _dependent_outputs(inner, flags)
    return [True] * len(eqn.outvars)


def _dependent_outputs(jaxpr: Any, dependent_inputs: list[bool]) -> list[bool]:
    """Which outputs of ``jaxpr`` depend on the inputs flagged in ``dependent_inputs``."""
    dependent = {v for v, d in zip(jaxpr.invars, dependent_inputs) if d}

    def is_dep(v: Any) -> bool:
        return not isinstance(v, jcore.Literal) and v in dependent

    for eqn in jaxpr.eqns:
        flags = [is_dep(v) for v in eqn.invars]
        if any(flags):
            outs = _equation_dependence(eqn, flags)
            dependent.update(v for v, d in zip(eqn.outvars, outs) if d)
    return [is_dep(v) for v in jaxpr.outvars]


@dataclass
class _Trace:
    """What one abstract run of ``jax.vmap`` saw.

    ``outputs`` holds (path, per-example shape, dtype) for each leaf the function returned;
    ``batched`` says which leaves of vmap's result depend on the batch.
    """

    treedef: Any = None
    outputs: list[tuple[str, tuple[int, ...], str]] = field(default_factory=list)
    batched: list[bool] = field(default_factory=list)
    fun_error: Exception | None = None
    vmap_error: Exception | None = None


def _example_outputs(out: Any) -> list[tuple[str, tuple[int, ...], str]]:
    """(path, shape, dtype) per leaf of one call's output; explains leaves that aren't arrays."""
    described = []
    for path, leaf in jax.tree_util.tree_leaves_with_path(out):
        name = "out" + jax.tree_util.keystr(path)
        try:
            aval = shaped_abstractify(leaf)
        except Exception as exc:
            raise _PlanError(
                f"The function returned {reprlib.repr(leaf)} as output `{name}`, which JAX "
                "cannot hold as an array: vmap can only stack arrays and numbers (in tuples, "
                f"lists and dicts). JAX: {_first_line(exc)}",
                "function",
            ) from exc
        described.append((name, tuple(int(d) for d in aval.shape), str(aval.dtype)))
    return described


def _unflatten_args(treedefs: list[Any], values: list[Any]) -> list[Any]:
    """Rebuild the positional arguments from their leaves, in order."""
    rebuilt, start = [], 0
    for treedef in treedefs:
        rebuilt.append(jax.tree.unflatten(treedef, values[start : start + treedef.num_leaves]))
        start += treedef.num_leaves
    return rebuilt


def _trace_vmap(
    fun: Callable,
    args: tuple,
    in_axes: tuple,
    out_axes: Any,
    leaves: list[InputLeaf],
    eager: bool,
) -> _Trace:
    """Trace ``jax.vmap(fun, in_axes, out_axes)(*args)`` with the mapped leaves abstract.

    Unmapped leaves stay concrete. With ``eager``, work on them runs eagerly, as under
    ``jax.vmap``, so Python control flow on their values behaves the same. Nothing is
    computed on mapped data.
    """
    trace = _Trace()
    treedefs = [jax.tree.structure(arg) for arg in args]
    flat_values = [v for arg in args for v in jax.tree.leaves(arg)]
    mapped = [i for i, leaf in enumerate(leaves) if leaf.axis is not None]
    structs = []
    for i in mapped:
        aval = shaped_abstractify(flat_values[i])
        structs.append(jax.ShapeDtypeStruct(aval.shape, aval.dtype, weak_type=aval.weak_type))

    def one_example(*call_args: Any) -> Any:
        try:
            out = fun(*call_args)
        except Exception as exc:
            trace.fun_error = exc
            raise
        trace.treedef = jax.tree.structure(out)
        trace.outputs = _example_outputs(out)
        return out

    def batched(*mapped_values: Any) -> Any:
        values = list(flat_values)
        for i, v in zip(mapped, mapped_values):
            values[i] = v
        vmapped = jax.vmap(one_example, in_axes=in_axes, out_axes=out_axes)
        if not eager:
            return vmapped(*_unflatten_args(treedefs, values))
        with jax.ensure_compile_time_eval():
            return vmapped(*_unflatten_args(treedefs, values))

    try:
        jaxpr = jax.make_jaxpr(batched)(*structs).jaxpr
    except _PlanError:
        raise
    except Exception as exc:
        trace.vmap_error = exc
        return trace
    trace.batched = _dependent_outputs(jaxpr, [True] * len(jaxpr.invars))
    return trace


def _function_error(exc: Exception, leaves: list[InputLeaf]) -> _PlanError:
    """Report an exception from the function with the per-example shapes it was given."""
    shapes = ", ".join(
        f"`{leaf.path}`: {leaf.example_shape}" for leaf in leaves if leaf.axis is not None
    )
    return _PlanError(
        f"The function raised {type(exc).__name__} when called on one example "
        f"({shapes}): {_first_line(exc)}",
        "function",
    )


def _normalize_out_axis(axis: int, example_shape: tuple[int, ...], path: str) -> int:
    """``axis`` as a non-negative index into the batched output; explains axes out of range."""
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


def _out_leaf_axes(out_axes: Any, trace: _Trace) -> list[Any]:
    """``out_axes`` broadcast to the output's leaves; explains a spec that doesn't fit."""
    skeleton = jax.tree.unflatten(trace.treedef, [0] * trace.treedef.num_leaves)
    try:
        return broadcast_prefix(out_axes, skeleton)
    except (ValueError, TypeError) as exc:
        raise _PlanError(
            f"out_axes = {out_axes!r} does not fit the function's output, which has "
            f"structure {_describe_structure(skeleton)}: give an int, None, or a container "
            "with the same keys/length as the output.",
            "out_axes",
        ) from exc


def _describe_outputs(trace: _Trace, axes: list[Any], batch_size: int) -> list[OutputLeaf]:
    """One OutputLeaf per output leaf, raising at the first leaf vmap would refuse."""
    outputs = []
    for (name, example, dtype), axis, batched in zip(trace.outputs, axes, trace.batched):
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
        outputs.append(OutputLeaf(name, example, dtype, batched, norm, shape))
    return outputs


def _plan_outputs(
    fun: Callable,
    args: tuple,
    in_axes: tuple,
    out_axes: Any,
    leaves: list[InputLeaf],
    batch_size: int,
) -> tuple[list[OutputLeaf], Any]:
    """Trace vmap with the given ``out_axes``; if vmap refuses them, find out why.

    Where eager work on unmapped values fails (a few primitives cannot run eagerly inside
    a trace on older JAX), the fully staged trace decides.
    """
    eager = True
    trace = _trace_vmap(fun, args, in_axes, out_axes, leaves, eager)
    if trace.fun_error is not None:
        eager = False
        staged = _trace_vmap(fun, args, in_axes, out_axes, leaves, eager)
        if staged.fun_error is not None:
            raise _function_error(trace.fun_error, leaves)
        trace = staged
    if trace.treedef is None:
        raise _PlanError(
            f"jax.vmap refused the arguments: {_first_line(trace.vmap_error)}", "in_axes"
        )
    axes = _out_leaf_axes(out_axes, trace)
    if trace.vmap_error is None:
        trace.batched = [b and a is not None for b, a in zip(trace.batched, axes)]
        return _describe_outputs(trace, axes, batch_size), trace.treedef
    probe = _trace_vmap(fun, args, in_axes, 0, leaves, eager)
    if probe.vmap_error is not None:
        raise _PlanError(
            f"jax.vmap could not batch the function's output: {_first_line(probe.vmap_error)}",
            "function",
        )
    _describe_outputs(probe, axes, batch_size)
    raise _PlanError(
        f"jax.vmap refused out_axes = {out_axes!r}: {_first_line(trace.vmap_error)}", "out_axes"
    )


def _error_plan(
    names: tuple[str, ...],
    in_axes: Any,
    out_axes: Any,
    inputs: tuple[InputLeaf, ...],
    err: _PlanError,
    jax_code: str,
) -> VmapPlan:
    """A plan that only explains ``err``, listing the inputs beside it."""
    return VmapPlan(
        arg_names=names,
        in_axes=in_axes,
        out_axes=out_axes,
        inputs=inputs,
        outputs=(),
        batch_size=None,
        out_shapes=None,
        error=str(err),
        error_side=err.side,
        error_args=err.args_at_fault,
        jax_code=jax_code,
    )


def describe_vmap(fun: Callable, *args: Any, in_axes: Any = 0, out_axes: Any = 0) -> VmapPlan:
    """Describe ``jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args)`` without running it.

    Never raises: for a bad spec, a failing ``fun`` or anything vmap refuses, the plan's
    ``error`` says what went wrong.

    >>> import jax.numpy as jnp
    >>> describe_vmap(lambda x: x * 2, jnp.ones((4, 2))).out_shapes
    (4, 2)
    >>> print(describe_vmap(lambda x, y: x * y, 3.0, jnp.ones(3), in_axes=(None, 5)).error)
    in_axes[1] asks to map argument `y` along axis 5, but argument `y` has 1 dimension ...
    >>> print(describe_vmap("not a function", jnp.ones(3)).error_side)
    function
    """
    given_in_axes = tuple(in_axes) if isinstance(in_axes, list) else in_axes
    names, jax_code = tuple(f"args[{i}]" for i in range(len(args))), ""
    with contextlib.suppress(Exception):
        names = parameter_names(fun, len(args))
        jax_code = make_jax_code(fun, names, given_in_axes, out_axes)
    leaves: list[InputLeaf] = []
    try:
        return _plan(fun, args, in_axes, out_axes, names, jax_code, leaves)
    except _PlanError as err:
        failure = err
    except Exception as exc:
        failure = _PlanError(
            f"describe_vmap could not analyse this call: {type(exc).__name__}: {_first_line(exc)}",
            "function",
        )
    try:
        inputs = tuple(leaves) + _unchecked_inputs(args, names, skip=len(leaves))
    except Exception:
        inputs = tuple(leaves)
    return _error_plan(names, given_in_axes, out_axes, inputs, failure, jax_code)


def _plan(
    fun: Callable,
    args: tuple,
    in_axes: Any,
    out_axes: Any,
    names: tuple[str, ...],
    jax_code: str,
    leaves: list[InputLeaf],
) -> VmapPlan:
    """The plan, checking in the order ``jax.vmap`` does; raises ``_PlanError`` on a fault."""
    _check_callable(fun)
    in_axes = _check_in_axes_type(in_axes)
    _check_axis_types(out_axes, "out_axes")
    per_arg_axes = _per_argument_axes(in_axes, len(args))
    _inspect_inputs(args, per_arg_axes, names, leaves)
    batch_size = _batch_size(leaves)
    outputs, out_treedef = _plan_outputs(fun, args, per_arg_axes, out_axes, leaves, batch_size)
    plan = VmapPlan(
        arg_names=names,
        in_axes=in_axes,
        out_axes=jax.tree.unflatten(out_treedef, [leaf.axis for leaf in outputs]),
        inputs=tuple(leaves),
        outputs=tuple(outputs),
        batch_size=batch_size,
        out_shapes=jax.tree.unflatten(out_treedef, [leaf.shape for leaf in outputs]),
        error=None,
        jax_code=jax_code,
        _out_treedef=out_treedef,
    )
    return _with_loop_code(plan, args)


def _is_single_leaf(treedef: Any) -> bool:
    """A tree that is one leaf (``None`` is an empty tree, not a leaf)."""
    return treedef.num_leaves == 1 and jax.tree_util.treedef_is_leaf(treedef)


def _with_loop_code(plan: VmapPlan, args: tuple) -> VmapPlan:
    """Add the loop source: the readable form when every argument and the output is a leaf."""
    args_are_leaves = all(_is_single_leaf(jax.tree.structure(a)) for a in args)
    simple = args_are_leaves and _is_single_leaf(plan._out_treedef)
    return replace(plan, loop_code=make_loop_code(plan, simple))
