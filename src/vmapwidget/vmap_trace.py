"""Trace the real ``jax.vmap`` with abstract mapped arrays to plan the output of a call.

Mapped arguments become :class:`jax.ShapeDtypeStruct` (nothing is computed on them);
unmapped ones stay concrete, as vmap passes them. The trace tells the per-example output
(paths, shapes, dtypes) and, through :mod:`vmapwidget.batch_dependence`, which outputs vary
along the batch; vmap's own batching rules thereby decide whether the call succeeds.
:func:`plan_outputs` turns that into the output leaves, or the fault vmap would report.

>>> import jax.numpy as jnp
>>> from vmapwidget.spec_checks import check_inputs
>>> args, leaves = (jnp.ones((4, 2)), 3.0), []
>>> checked = check_inputs(lambda x, s: x * s, args, (0, None), 0, ("x", "s"), leaves)
>>> outputs, treedef = plan_outputs(lambda x, s: (x * s, s), args, (0, None), (0, None),
...                                 leaves, checked.batch_size)
>>> [(leaf.path, leaf.shape, leaf.batched) for leaf in outputs]
[('out[0]', (4, 2), True), ('out[1]', (), False)]
"""

from __future__ import annotations

import reprlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import jax
from jax.api_util import shaped_abstractify

from vmapwidget.batch_dependence import dependent_outputs
from vmapwidget.plan import InputLeaf, OutputLeaf, PlanError
from vmapwidget.spec_checks import ExampleOutput, describe_outputs, first_line, out_leaf_axes

__all__ = ["VmapCall", "plan_outputs"]


@dataclass(frozen=True)
class VmapCall:
    """The rest of a vmap call: keyword arguments and vmap's own options, as given."""

    kwargs: dict[str, Any] = field(default_factory=dict)
    axis_size: int | None = None
    axis_name: Any = None
    spmd_axis_name: Any = None

    def options(self) -> dict[str, Any]:
        """The keyword arguments of ``jax.vmap`` besides in_axes and out_axes."""
        return {
            "axis_size": self.axis_size,
            "axis_name": self.axis_name,
            "spmd_axis_name": self.spmd_axis_name,
        }


def plan_outputs(
    fun: Callable[..., Any],
    args: tuple[Any, ...],
    in_axes: tuple[Any, ...],
    out_axes: Any,
    leaves: list[InputLeaf],
    batch_size: int,
    call: VmapCall | None = None,
    batched: list[bool] | None = None,
) -> tuple[list[OutputLeaf], Any]:
    """The output leaves and tree structure of the call; raises ``PlanError`` if vmap refuses.

    ``in_axes`` has one spec per argument; ``call`` holds the keyword arguments and vmap's
    other options. Where eager work on unmapped values fails (a few primitives cannot run
    eagerly inside a trace on older JAX), the fully staged trace decides. ``batched``, when
    given, says which output leaves differ from call to call (the axis model reads it from
    the one-call program when the function uses collectives, which vmap batches away).
    """
    call = VmapCall() if call is None else call
    eager = True
    trace = _trace_vmap(fun, args, in_axes, out_axes, leaves, eager, call)
    if trace.fun_error is not None:
        eager = False
        staged = _trace_vmap(fun, args, in_axes, out_axes, leaves, eager, call)
        if staged.fun_error is not None:
            raise _function_error(trace.fun_error, leaves)
        trace = staged
    if trace.treedef is None:
        raise PlanError(
            f"jax.vmap refused the arguments: {_error_line(trace.vmap_error)}", "in_axes"
        )
    axes = out_leaf_axes(out_axes, trace.treedef)
    if batched is not None and len(batched) == len(trace.outputs):
        trace.batched = batched
    if trace.vmap_error is None:
        batched = [b and a is not None for b, a in zip(trace.batched, axes)]
        return describe_outputs(trace.outputs, axes, batched, batch_size), trace.treedef
    probe = _trace_vmap(fun, args, in_axes, 0, leaves, eager, call)
    if probe.vmap_error is not None:
        raise PlanError(
            f"jax.vmap could not batch the function's output: {first_line(probe.vmap_error)}",
            "function",
        )
    if batched is not None and len(batched) == len(probe.outputs):
        probe.batched = batched
    describe_outputs(probe.outputs, axes, probe.batched, batch_size)
    raise PlanError(
        f"jax.vmap refused out_axes = {out_axes!r}: {first_line(trace.vmap_error)}", "out_axes"
    )


@dataclass
class _Trace:
    """What one abstract run of ``jax.vmap`` saw.

    ``outputs`` describes each leaf the function returned; ``batched`` says which leaves of
    vmap's result depend on the batch.
    """

    treedef: Any = None
    outputs: list[ExampleOutput] = field(default_factory=list)
    batched: list[bool] = field(default_factory=list)
    fun_error: Exception | None = None
    vmap_error: Exception | None = None


def _error_line(exc: Exception | None) -> str:
    return "" if exc is None else first_line(exc)


def _example_outputs(out: Any) -> list[ExampleOutput]:
    """(path, shape, dtype) per leaf of one call's output; explains leaves that aren't arrays."""
    described = []
    for path, leaf in jax.tree_util.tree_leaves_with_path(out):
        name = "out" + jax.tree_util.keystr(path)
        try:
            aval = shaped_abstractify(leaf)
        except Exception as exc:
            raise PlanError(
                f"The function returned {reprlib.repr(leaf)} as output `{name}`, which JAX "
                "cannot hold as an array: vmap can only stack arrays and numbers (in tuples, "
                f"lists and dicts). JAX: {first_line(exc)}",
                "function",
            ) from exc
        described.append((name, tuple(int(d) for d in aval.shape), str(aval.dtype)))
    return described


def _unflatten_args(treedefs: list[Any], values: list[Any]) -> list[Any]:
    """Rebuild the arguments (positional, then the keyword dict) from their leaves, in order."""
    rebuilt, start = [], 0
    for treedef in treedefs:
        rebuilt.append(jax.tree.unflatten(treedef, values[start : start + treedef.num_leaves]))
        start += treedef.num_leaves
    return rebuilt


def _trace_vmap(
    fun: Callable[..., Any],
    args: tuple[Any, ...],
    in_axes: tuple[Any, ...],
    out_axes: Any,
    leaves: list[InputLeaf],
    eager: bool,
    call: VmapCall,
) -> _Trace:
    """Trace ``jax.vmap(fun, in_axes, out_axes, ...)(*args, **kwargs)``, mapped leaves abstract.

    Unmapped leaves stay concrete. With ``eager``, work on them runs eagerly, as under
    ``jax.vmap``, so Python control flow on their values behaves the same. Nothing is
    computed on mapped data.
    """
    trace = _Trace()
    everything = (*args, call.kwargs)
    treedefs = [jax.tree.structure(arg) for arg in everything]
    flat_values = [v for arg in everything for v in jax.tree.leaves(arg)]
    mapped = [i for i, leaf in enumerate(leaves) if leaf.axis is not None]
    structs = []
    for i in mapped:
        aval = shaped_abstractify(flat_values[i])
        structs.append(jax.ShapeDtypeStruct(aval.shape, aval.dtype, weak_type=aval.weak_type))

    def one_example(*call_args: Any, **call_kwargs: Any) -> Any:
        try:
            out = fun(*call_args, **call_kwargs)
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
        vmapped = jax.vmap(one_example, in_axes=in_axes, out_axes=out_axes, **call.options())
        *positional, keywords = _unflatten_args(treedefs, values)
        if not eager:
            return vmapped(*positional, **keywords)
        with jax.ensure_compile_time_eval():
            return vmapped(*positional, **keywords)

    try:
        jaxpr = jax.make_jaxpr(batched)(*structs).jaxpr
    except PlanError:
        raise
    except Exception as exc:
        trace.vmap_error = exc
        return trace
    trace.batched = dependent_outputs(jaxpr, [True] * len(jaxpr.invars))
    return trace


def _function_error(exc: Exception, leaves: list[InputLeaf]) -> PlanError:
    """Report an exception from the function with the per-example shapes it was given."""
    shapes = ", ".join(
        f"`{leaf.path}`: {leaf.example_shape}" for leaf in leaves if leaf.axis is not None
    )
    return PlanError(
        f"The function raised {type(exc).__name__} when called on one example "
        f"({shapes}): {first_line(exc)}",
        "function",
    )
