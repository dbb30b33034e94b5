"""Which outputs of a jaxpr depend on its batched inputs: a walk over JAX's internal IR.

The axis model traces ``jax.vmap`` into a jaxpr and asks this module which of its outputs
vary along the batch, to tell ``out_axes=None`` on a batched output (an error) from one on
an output that is the same for every call. The walk follows data flow equation by equation;
a call-like equation (``jit``, ``checkpoint``, ``custom_jvp``/``custom_vjp``) is entered
through its inner jaxpr, and ``cond``, ``while`` and ``scan`` have rules of their own (loop
carries to a fixpoint). Any other equation with a batched input counts all its outputs as
batched, which errs on the safe side. An optional ``rule`` decides equations first (the axis
model passes :func:`vmapwidget.collectives.collective_rule`, for collectives over the vmap's
axis name, on the one-call program).

This is the part of vmapwidget most likely to need work on a JAX upgrade: it reads the
equation parameter names ``jaxpr``, ``call_jaxpr``, ``fun_jaxpr``, ``branches``,
``cond_jaxpr``/``body_jaxpr``/``cond_nconsts``/``body_nconsts`` and
``num_consts``/``num_carry``, and the types in :mod:`jax.extend.core`. The tests in
``tests/test_axis_model.py`` compare its answers with the real ``jax.vmap``.

>>> import jax, jax.numpy as jnp
>>> jaxpr = jax.make_jaxpr(lambda x, y: (x * 2, y + 1, jnp.sin(x) + y))(1.0, 2.0).jaxpr
>>> dependent_outputs(jaxpr, [True, False])
[True, False, True]
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax.extend.core as jcore

__all__ = ["Rule", "dependent_outputs"]

Rule = Callable[[jcore.JaxprEqn, list[bool]], "list[bool] | None"]
"""Decides one equation's dependent outputs from its dependent inputs; ``None``: no opinion."""


def dependent_outputs(
    jaxpr: jcore.Jaxpr, dependent_inputs: list[bool], rule: Rule | None = None
) -> list[bool]:
    """Which outputs of ``jaxpr`` depend on the inputs flagged in ``dependent_inputs``.

    ``rule``, if given, is asked first about every equation, even one without dependent
    inputs (an ``axis_index`` differs from call to call), here and in inner programs.
    """
    dependent = {v for v, d in zip(jaxpr.invars, dependent_inputs) if d}

    def is_dep(v: Any) -> bool:
        return not isinstance(v, jcore.Literal) and v in dependent

    for eqn in jaxpr.eqns:
        flags = [is_dep(v) for v in eqn.invars]
        decided = None if rule is None else rule(eqn, flags)
        if decided is None and not any(flags):
            continue
        outs = decided if decided is not None else _equation_dependence(eqn, flags, rule)
        dependent.update(v for v, d in zip(eqn.outvars, outs) if d)
    return [is_dep(v) for v in jaxpr.outvars]


def _inner_jaxpr(params: dict[str, Any]) -> jcore.Jaxpr | None:
    """The jaxpr a call-like equation runs (jit, checkpoint, custom_jvp/vjp), if any."""
    for key in ("jaxpr", "call_jaxpr", "fun_jaxpr"):
        inner = params.get(key)
        if isinstance(inner, jcore.ClosedJaxpr):
            return inner.jaxpr
        if isinstance(inner, jcore.Jaxpr):
            return inner
    return None


def _cond_dependence(params: dict[str, Any], flags: list[bool], rule: Rule | None) -> list[bool]:
    """A cond: all outputs batched if the branch index is, else per output over branches."""
    branches = params["branches"]
    if flags[0]:
        return [True] * len(branches[0].jaxpr.outvars)
    per_branch = [dependent_outputs(b.jaxpr, flags[1:], rule) for b in branches]
    return [any(outs) for outs in zip(*per_branch)]


def _carry_fixpoint(
    body: jcore.Jaxpr,
    before: list[bool],
    carry: list[bool],
    after: list[bool],
    rule: Rule | None,
) -> tuple[list[bool], list[bool]]:
    """Carries batched at the start or made batched by some iteration; the body's outputs."""
    while True:
        outs = dependent_outputs(body, before + carry + after, rule)
        grown = [c or o for c, o in zip(carry, outs)]
        if grown == carry:
            return carry, outs
        carry = grown


def _while_dependence(params: dict[str, Any], flags: list[bool], rule: Rule | None) -> list[bool]:
    """A while loop: carries batched by the fixpoint, or all of them if the test is batched."""
    nc, nb = params["cond_nconsts"], params["body_nconsts"]
    cond_consts, body_consts, init = flags[:nc], flags[nc : nc + nb], flags[nc + nb :]
    carry, _ = _carry_fixpoint(params["body_jaxpr"].jaxpr, body_consts, init, [], rule)
    if dependent_outputs(params["cond_jaxpr"].jaxpr, cond_consts + carry, rule)[0]:
        return [True] * len(carry)
    return carry


def _scan_dependence(params: dict[str, Any], flags: list[bool], rule: Rule | None) -> list[bool]:
    """A scan: carries batched by the fixpoint, stacked outputs as the body makes them."""
    nc, ncarry = params["num_consts"], params["num_carry"]
    consts, init, xs = flags[:nc], flags[nc : nc + ncarry], flags[nc + ncarry :]
    carry, outs = _carry_fixpoint(params["jaxpr"].jaxpr, consts, init, xs, rule)
    return carry + outs[ncarry:]


_CONTROL_FLOW: dict[str, Callable[[dict[str, Any], list[bool], Rule | None], list[bool]]] = {
    "cond": _cond_dependence,
    "while": _while_dependence,
    "scan": _scan_dependence,
}


def _equation_dependence(eqn: jcore.JaxprEqn, flags: list[bool], rule: Rule | None) -> list[bool]:
    """Which outputs of one equation are batched, given which of its inputs are."""
    control = _CONTROL_FLOW.get(eqn.primitive.name)
    if control is not None:
        return control(eqn.params, flags, rule)
    inner = _inner_jaxpr(eqn.params)
    if (
        inner is not None
        and len(inner.invars) == len(flags)
        and len(inner.outvars) == len(eqn.outvars)
    ):
        return dependent_outputs(inner, flags, rule)
    return [True] * len(eqn.outvars)
