"""Predict what ``jax.vmap(fun, in_axes, out_axes, ...)(*args, **kwargs)`` does, without raising.

The model checks ``in_axes``/``out_axes``, ``axis_size`` and ``axis_name`` in the order
``jax.vmap`` does and names the argument at fault in plain English
(:mod:`vmapwidget.spec_checks`). It then traces the real ``jax.vmap`` with the mapped arrays
abstract (nothing is computed on them) and the unmapped arguments concrete, as vmap passes
them, to learn the per-example output and which outputs depend on the batch
(:mod:`vmapwidget.vmap_trace`); vmap's own batching rules thereby decide whether the call
succeeds. With an ``axis_name`` it also traces the function for one call, with the name
bound, to list the collectives it uses (:mod:`vmapwidget.collectives`). The result is a
:class:`~vmapwidget.plan.VmapPlan` with the code of the call and of the loop it replaces
(:mod:`vmapwidget.codegen`).

>>> import jax, jax.numpy as jnp
>>> plan = describe_vmap(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)),
...                      in_axes=(1, 0), out_axes=1)
>>> plan.batch_size, plan.out_shapes, plan.error
(3, (1, 3), None)
>>> plan = describe_vmap(lambda x: x - jax.lax.pmean(x, "i"), jnp.ones((4, 2)), axis_name="i")
>>> plan.out_shapes, [(c.name, c.axis_names) for c in plan.collectives]
((4, 2), [('psum', ('i',))])
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable
from dataclasses import replace
from typing import Any

import jax
from jax.api_util import shaped_abstractify

from vmapwidget.batch_dependence import dependent_outputs
from vmapwidget.codegen import collective_loop, loop_code, vmap_call_code
from vmapwidget.collectives import (
    Program,
    check_permutations,
    collective_rule,
    trace_program,
    unbound_axis_error,
)
from vmapwidget.plan import CollectiveUse, InputLeaf, OutputLeaf, PlanError, VmapPlan
from vmapwidget.spec_checks import (
    check_inputs,
    first_line,
    keyword_names,
    parameter_names,
    unchecked_inputs,
)
from vmapwidget.vmap_trace import VmapCall, plan_outputs

__all__ = ["CollectiveUse", "InputLeaf", "OutputLeaf", "VmapPlan", "describe_vmap"]


def describe_vmap(
    fun: Callable[..., Any],
    /,
    *args: Any,
    in_axes: Any = 0,
    out_axes: Any = 0,
    axis_size: int | None = None,
    axis_name: Hashable | None = None,
    spmd_axis_name: Hashable | tuple[Hashable, ...] | None = None,
    **kwargs: Any,
) -> VmapPlan:
    """Describe ``jax.vmap(fun, in_axes, out_axes, ...)(*args, **kwargs)`` without running it.

    The arguments are those of ``jax.vmap`` and of the call it makes:

    - ``kwargs`` are the call's keyword arguments; like ``jax.vmap``, the model maps every
      leaf of them along axis 0 (``in_axes`` covers the positional arguments only). The
      plan lists them as inputs by name (``kwarg_names``, leaves marked ``keyword``).
    - ``axis_size`` is the number of calls: needed when nothing is mapped (``in_axes``
      all None, or no array at all: every call then gets the arguments whole), and
      otherwise checked against the mapped axes.
    - ``axis_name`` names the mapped axis, so that ``fun`` can use collectives over it
      (``jax.lax.psum``, ``pmean``, ``pmax``, ``pmin``, ``all_gather``, ``axis_index``,
      ``ppermute``, ...); the plan lists those in ``collectives``. A collective over a
      name the vmap does not bind is the plan's error.
    - ``spmd_axis_name`` (mesh axes to shard the mapped axis over, under ``jit``) is passed
      to the traced ``jax.vmap`` and reported.

    Never raises: for a bad spec, a failing ``fun`` or anything vmap refuses, the plan's
    ``error`` says what went wrong.

    >>> import jax, jax.numpy as jnp
    >>> describe_vmap(lambda x: x * 2, jnp.ones((4, 2))).out_shapes
    (4, 2)
    >>> print(describe_vmap(lambda x, y: x * y, 3.0, jnp.ones(3), in_axes=(None, 5)).error)
    in_axes[1] asks to map argument `y` along axis 5, but argument `y` has 1 dimension ...
    >>> print(describe_vmap("not a function", jnp.ones(3)).error_side)
    function
    >>> plan = describe_vmap(lambda a, b: a + b, jnp.ones((3, 2)), b=jnp.ones((3, 2)))
    >>> plan.kwarg_names, [(leaf.path, leaf.axis, leaf.keyword) for leaf in plan.inputs]
    (('b',), [('a', 0, False), ('b', 0, True)])
    >>> describe_vmap(lambda a: a * 2, 1.0, in_axes=None, axis_size=4).out_shapes
    (4,)
    >>> print(describe_vmap(lambda x: jax.lax.psum(x, "j"), jnp.ones(3), axis_name="i").error)
    The function uses psum over axis 'j', but the vmap's axis name is 'i': ...
    """
    given_in_axes = tuple(in_axes) if isinstance(in_axes, list) else in_axes
    names, jax_code = tuple(f"args[{i}]" for i in range(len(args))), ""
    call = VmapCall(kwargs, axis_size, axis_name, spmd_axis_name)
    keywords: tuple[str, ...] = ()
    with contextlib.suppress(Exception):
        keywords = keyword_names(kwargs)
    with contextlib.suppress(Exception):
        names = parameter_names(fun, len(args))
        jax_code = vmap_call_code(fun, names, given_in_axes, out_axes, keywords, call.options())
    leaves: list[InputLeaf] = []
    try:
        return _plan(fun, args, in_axes, out_axes, names, jax_code, leaves, call)
    except PlanError as err:
        failure = err
    except Exception as exc:
        failure = PlanError(
            f"describe_vmap could not analyse this call: {type(exc).__name__}: {first_line(exc)}",
            "function",
        )
    try:
        inputs = tuple(leaves) + unchecked_inputs(args, names, len(leaves), kwargs)
    except Exception:
        inputs = tuple(leaves)
    return VmapPlan(
        arg_names=names,
        in_axes=given_in_axes,
        out_axes=out_axes,
        inputs=inputs,
        outputs=(),
        batch_size=None,
        out_shapes=None,
        error=str(failure),
        error_side=failure.side,
        error_args=failure.args_at_fault,
        jax_code=jax_code,
        kwarg_names=keywords,
        axis_size=axis_size,
        axis_name=axis_name,
        spmd_axis_name=spmd_axis_name,
    )


def _example_arguments(
    args: tuple[Any, ...], kwargs: dict[str, Any], leaves: list[InputLeaf]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """What one call receives: mapped leaves abstract (per-example shape), the rest as given."""
    everything = (*args, kwargs)
    values, treedef = jax.tree.flatten(everything)
    for i, leaf in enumerate(leaves):
        if leaf.axis is not None and leaf.example_shape is not None:
            aval = shaped_abstractify(values[i])
            values[i] = jax.ShapeDtypeStruct(leaf.example_shape, aval.dtype)
    *positional, keywords = jax.tree.unflatten(treedef, values)
    return tuple(positional), keywords


def _one_call_program(
    fun: Callable[..., Any],
    args: tuple[Any, ...],
    leaves: list[InputLeaf],
    call: VmapCall,
    batch_size: int,
) -> Program | None:
    """The one-call program of ``fun``, with the vmap's axis name bound; None if untraceable."""
    try:
        example_args, example_kwargs = _example_arguments(args, call.kwargs, leaves)
    except Exception:
        return None
    return trace_program(fun, example_args, example_kwargs, call.axis_name, batch_size)


def _plan(
    fun: Callable[..., Any],
    args: tuple[Any, ...],
    in_axes: Any,
    out_axes: Any,
    names: tuple[str, ...],
    jax_code: str,
    leaves: list[InputLeaf],
    call: VmapCall,
) -> VmapPlan:
    """The plan, checking in the order ``jax.vmap`` does; raises ``PlanError`` on a fault."""
    checked = check_inputs(
        fun, args, in_axes, out_axes, names, leaves, call.kwargs, call.axis_size, call.axis_name
    )
    program = None
    if call.axis_name is not None:
        program = _one_call_program(fun, args, leaves, call, checked.batch_size)
        if program is not None and program.unbound:
            raise unbound_axis_error(program, call.axis_name)
    batched = None
    if program is not None and program.collectives:
        check_permutations(program, call.axis_name, checked.batch_size)
        rule = collective_rule(call.axis_name)
        flags = [leaf.axis is not None for leaf in leaves]
        batched = dependent_outputs(program.jaxpr.jaxpr, flags, rule)
    try:
        outputs, out_treedef = plan_outputs(
            fun, args, checked.per_argument, out_axes, leaves, checked.batch_size, call, batched
        )
    except PlanError as err:
        if err.side == "function" and call.axis_name is None:
            program = _one_call_program(fun, args, leaves, call, checked.batch_size)
            if program is not None and program.unbound:
                raise unbound_axis_error(program, call.axis_name) from err
        raise
    plan = VmapPlan(
        arg_names=names,
        in_axes=checked.in_axes,
        out_axes=jax.tree.unflatten(out_treedef, [leaf.axis for leaf in outputs]),
        inputs=tuple(leaves),
        outputs=tuple(outputs),
        batch_size=checked.batch_size,
        out_shapes=jax.tree.unflatten(out_treedef, [leaf.shape for leaf in outputs]),
        error=None,
        jax_code=jax_code,
        kwarg_names=keyword_names(call.kwargs),
        axis_size=call.axis_size,
        axis_name=call.axis_name,
        spmd_axis_name=call.spmd_axis_name,
        collectives=() if program is None else program.collectives,
    )
    if call.axis_name is not None and (program is None or program.needs_axis):
        # f needs the axis name bound: only the side-by-side loop can run it.
        return replace(plan, loop_code=None if program is None else collective_loop(plan))
    return replace(plan, loop_code=loop_code(plan))
