"""Predict what ``jax.vmap(fun, in_axes, out_axes)(*args)`` does, without raising.

The model checks ``in_axes``/``out_axes`` in the order ``jax.vmap`` does and names the
argument at fault in plain English (:mod:`vmapwidget.spec_checks`). It then traces the real
``jax.vmap`` with the mapped arrays abstract (nothing is computed on them) and the unmapped
arguments concrete, as vmap passes them, to learn the per-example output and which outputs
depend on the batch (:mod:`vmapwidget.vmap_trace`); vmap's own batching rules thereby decide
whether the call succeeds. The result is a :class:`~vmapwidget.plan.VmapPlan` with the code
of the call and of the loop it replaces (:mod:`vmapwidget.codegen`).

>>> import jax.numpy as jnp
>>> plan = describe_vmap(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)),
...                      in_axes=(1, 0), out_axes=1)
>>> plan.batch_size, plan.out_shapes, plan.error
(3, (1, 3), None)
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import jax

from vmapwidget.codegen import loop_code, vmap_call_code
from vmapwidget.plan import InputLeaf, OutputLeaf, PlanError, VmapPlan
from vmapwidget.spec_checks import check_inputs, first_line, parameter_names, unchecked_inputs
from vmapwidget.vmap_trace import plan_outputs

__all__ = ["InputLeaf", "OutputLeaf", "VmapPlan", "describe_vmap"]


def describe_vmap(
    fun: Callable[..., Any], *args: Any, in_axes: Any = 0, out_axes: Any = 0
) -> VmapPlan:
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
        jax_code = vmap_call_code(fun, names, given_in_axes, out_axes)
    leaves: list[InputLeaf] = []
    try:
        return _plan(fun, args, in_axes, out_axes, names, jax_code, leaves)
    except PlanError as err:
        failure = err
    except Exception as exc:
        failure = PlanError(
            f"describe_vmap could not analyse this call: {type(exc).__name__}: {first_line(exc)}",
            "function",
        )
    try:
        inputs = tuple(leaves) + unchecked_inputs(args, names, skip=len(leaves))
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
    )


def _plan(
    fun: Callable[..., Any],
    args: tuple[Any, ...],
    in_axes: Any,
    out_axes: Any,
    names: tuple[str, ...],
    jax_code: str,
    leaves: list[InputLeaf],
) -> VmapPlan:
    """The plan, checking in the order ``jax.vmap`` does; raises ``PlanError`` on a fault."""
    checked = check_inputs(fun, args, in_axes, out_axes, names, leaves)
    outputs, out_treedef = plan_outputs(
        fun, args, checked.per_argument, out_axes, leaves, checked.batch_size
    )
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
    )
    return replace(plan, loop_code=loop_code(plan))
