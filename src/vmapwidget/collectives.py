"""Which collectives a function uses over which named axes: a walk over its one-call jaxpr.

Inside ``jax.vmap(f, axis_name="i")``, ``f`` may call ``jax.lax.psum(x, "i")``, ``pmean``,
``pmax``, ``pmin``, ``all_gather``, ``axis_index``, ``ppermute``, ... : values that need all
the calls at once. Under vmap they are batched away, so the axis model traces ``f`` alone,
for one call, with the axis name bound (``jax.make_jaxpr(f, axis_env=...)``), and reads the
collective equations from that program (:func:`trace_program`). A collective over a name no
vmap binds is found the same way (the trace binds the names JAX reports unbound, one at a
time) and explained (:func:`unbound_axis_error`). :func:`collective_rule` tells
:func:`~vmapwidget.batch_dependence.dependent_outputs` which results are the same for every
call (``psum``, ``pmax``, ``pmin``, ``all_gather``) and which differ (``axis_index``).

Primitive names differ between JAX versions (``psum`` is ``psum``, ``psum2`` or
``psum_invariant``); :data:`COLLECTIVE_NAMES` maps each to its ``jax.lax`` function.

>>> import jax, jax.numpy as jnp
>>> def f(x):
...     return x - jax.lax.pmean(x, "i") + jax.lax.axis_index("i")
>>> program = trace_program(f, (jax.ShapeDtypeStruct((2,), jnp.float32),), {}, "i", 3)
>>> [(c.name, c.axis_names, c.out_shapes) for c in program.collectives]
[('psum', ('i',), ((2,),)), ('axis_index', ('i',), ((),))]
>>> program.unbound
()
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import jax
import jax.extend.core as jcore

from vmapwidget.plan import CollectiveUse, PlanError

__all__ = [
    "COLLECTIVE_NAMES",
    "LOOPABLE",
    "Program",
    "check_permutations",
    "collective_rule",
    "find_collectives",
    "trace_program",
    "unbound_axis_error",
]

COLLECTIVE_NAMES = {
    "psum": "psum",
    "psum2": "psum",
    "psum_invariant": "psum",
    "pmax": "pmax",
    "pmin": "pmin",
    "all_gather": "all_gather",
    "all_gather_invariant": "all_gather",
    "axis_index": "axis_index",
    "ppermute": "ppermute",
    "reduce_scatter": "psum_scatter",
    "all_to_all": "all_to_all",
    "pbroadcast": "pbroadcast",
}
"""Jaxpr primitive name → the ``jax.lax`` collective that makes it."""

LOOPABLE = frozenset({"psum", "pmax", "pmin", "all_gather", "axis_index", "ppermute"})
"""Collectives the explicit loop (:func:`vmapwidget.codegen.loop_code`) computes itself."""

_SAME_FOR_EVERY_CALL = frozenset({"psum", "pmax", "pmin", "all_gather"})

_UNBOUND = re.compile(r"unbound axis name: (.+?)(?:\. |\.?$)")

_MAX_UNBOUND = 8


@dataclass(frozen=True)
class Program:
    """The one-call program of a function: its jaxpr and the collectives in it.

    ``unbound`` lists the axis names the function's collectives use that the trace had to
    bind itself: names no vmap around the call provides. ``needs_axis`` says whether the
    function needs its axis name bound even where no collective is left in the program
    (``psum(1, "i")``, the number of calls, is folded into a constant).
    """

    jaxpr: jcore.ClosedJaxpr
    collectives: tuple[CollectiveUse, ...]
    unbound: tuple[str, ...]
    needs_axis: bool = False


def _named_axes(eqn: jcore.JaxprEqn) -> tuple[Any, ...]:
    """The axis names a collective equation works over (positional axes left out)."""
    params = eqn.params
    names = params["axes"] if "axes" in params else params.get("axis_name", ())
    names = tuple(names) if isinstance(names, (tuple, list)) else (names,)
    return tuple(n for n in names if not isinstance(n, int))


def _sub_jaxprs(params: dict[str, Any]) -> list[jcore.Jaxpr]:
    """The inner programs an equation runs (jit, cond branches, loop bodies, ...)."""
    found: list[jcore.Jaxpr] = []
    for value in params.values():
        for item in value if isinstance(value, (tuple, list)) else (value,):
            if isinstance(item, jcore.ClosedJaxpr):
                found.append(item.jaxpr)
            elif isinstance(item, jcore.Jaxpr):
                found.append(item)
    return found


def _where(eqn: jcore.JaxprEqn) -> str:
    """The user's source line that made ``eqn`` (``file:line (function)``), if JAX knows it."""
    try:
        from jax._src import source_info_util

        return str(source_info_util.summarize(eqn.source_info))
    except Exception:
        return ""


def _shapes(variables: list[Any]) -> tuple[tuple[int, ...], ...]:
    return tuple(tuple(int(d) for d in getattr(v.aval, "shape", ())) for v in variables)


def _describe(eqn: jcore.JaxprEqn, step: int, nested: bool) -> CollectiveUse:
    params = tuple(
        (key, repr(value))
        for key, value in sorted(eqn.params.items())
        if key not in ("axes", "axis_name")
    )
    return CollectiveUse(
        name=COLLECTIVE_NAMES[eqn.primitive.name],
        primitive=eqn.primitive.name,
        axis_names=_named_axes(eqn),
        step=step,
        operand_shapes=_shapes(list(eqn.invars)),
        out_shapes=_shapes(list(eqn.outvars)),
        params=params,
        nested=nested,
        where=_where(eqn),
    )


def find_collectives(jaxpr: jcore.Jaxpr) -> list[CollectiveUse]:
    """Every collective over a named axis in ``jaxpr``, inner programs included, in order.

    ``step`` is the index of the top-level equation that holds it.

    >>> import jax, jax.numpy as jnp
    >>> f = lambda x: jax.jit(lambda y: jax.lax.pmax(y, "i"))(x) * 2
    >>> jaxpr = jax.make_jaxpr(f, axis_env=[("i", 2)])(1.0).jaxpr
    >>> [(c.name, c.step, c.nested) for c in find_collectives(jaxpr)]
    [('pmax', 0, True)]
    """
    found: list[CollectiveUse] = []

    def walk(inner: jcore.Jaxpr, step: int | None) -> None:
        for index, eqn in enumerate(inner.eqns):
            here = index if step is None else step
            if eqn.primitive.name in COLLECTIVE_NAMES and _named_axes(eqn):
                found.append(_describe(eqn, here, step is not None))
            for sub in _sub_jaxprs(eqn.params):
                walk(sub, here)

    walk(jaxpr, None)
    return found


def _unbound_name(exc: NameError) -> str | None:
    match = _UNBOUND.search(str(exc).strip().splitlines()[0] if str(exc).strip() else "")
    return match.group(1) if match else None


def trace_program(
    fun: Callable[..., Any],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    axis_name: Hashable | None,
    axis_size: int,
) -> Program | None:
    """Trace ``fun(*args, **kwargs)`` for one call, with ``axis_name`` bound to ``axis_size``.

    Every argument is traced abstractly (``jax.make_jaxpr``), as the explicit loop does.
    Names JAX reports unbound are bound too (same size) and listed in ``unbound``. ``None``
    when ``fun`` cannot be traced this way (it fails, or needs concrete values).
    """
    env: list[tuple[Any, int]] = [] if axis_name is None else [(axis_name, axis_size)]
    unbound: list[str] = []
    for _ in range(_MAX_UNBOUND):
        try:
            closed = jax.make_jaxpr(fun, axis_env=env)(*args, **kwargs)
        except NameError as exc:
            name = _unbound_name(exc)
            if name is None or name in unbound or name == axis_name:
                return None
            unbound.append(name)
            env.append((name, axis_size))
            continue
        except Exception:
            return None
        found = tuple(find_collectives(closed.jaxpr))
        needs_axis = bool(found) or (bool(env) and _needs_axis(fun, args, kwargs))
        return Program(closed, found, tuple(unbound), needs_axis)
    return None


def _needs_axis(fun: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> bool:
    """Whether tracing ``fun`` without any axis name bound fails (or fails on the name)."""
    try:
        jax.make_jaxpr(fun)(*args, **kwargs)
    except Exception:
        return True
    return False


def unbound_axis_error(program: Program, axis_name: Hashable | None) -> PlanError:
    """The fault ``jax.vmap`` reports for collectives over names it does not bind."""
    name = program.unbound[0]
    uses = [c for c in program.collectives if name in c.axis_names]
    what = f"{uses[0].name} over axis {name!r}" if uses else f"axis name {name!r}"
    others = sorted({c.name for c in uses[1:]} - {uses[0].name}) if uses else []
    also = f" (and {', '.join(others)} over it)" if others else ""
    if axis_name is None:
        vmap_side = "this vmap has no axis_name"
        fix = f"give it one (axis_name={name!r})"
    else:
        vmap_side = f"the vmap's axis name is {axis_name!r}"
        fix = f"use {axis_name!r} in the collective, or axis_name={name!r} in the vmap"
    return PlanError(
        f"The function uses {what}{also}, but {vmap_side}: a collective combines the calls "
        "of a map that binds its axis name, and no map around this call binds "
        f"{name!r}. Fix: {fix}. JAX: unbound axis name: {name}.",
        "axis_name",
    )


def check_permutations(program: Program, axis_name: Hashable, axis_size: int) -> None:
    """Under vmap, a ``ppermute`` over the vmap's axis must move every call's value."""
    for use in program.collectives:
        if use.name != "ppermute" or axis_name not in use.axis_names:
            continue
        pairs = len(_eval_perm(dict(use.params).get("perm", "()")))
        if pairs != axis_size:
            raise PlanError(
                f"The function uses ppermute over axis {axis_name!r} with {pairs} (source, "
                f"destination) pair{'s' if pairs != 1 else ''}, but under vmap the "
                f"permutation must name all {axis_size} calls, each sending its value to "
                "exactly one call. JAX: Permutation doesn't match the axis size!",
                "function",
            )


def _eval_perm(text: str) -> tuple[Any, ...]:
    """A ``perm`` parameter back from its text: pairs of ints, e.g. ``((0, 1), (1, 0))``."""
    try:
        value = ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return ()
    return tuple(value) if isinstance(value, (tuple, list)) else ()


def collective_rule(
    axis_name: Hashable,
) -> Callable[[jcore.JaxprEqn, list[bool]], list[bool] | None]:
    """How a collective over ``axis_name`` changes which values differ from call to call.

    For :func:`~vmapwidget.batch_dependence.dependent_outputs`: ``psum``, ``pmax``, ``pmin``
    and ``all_gather`` give every call the same value; ``axis_index`` a different one;
    ``ppermute`` differs where its input does; the others are taken to differ. ``None``
    for equations that are not collectives over ``axis_name``.
    """

    def rule(eqn: jcore.JaxprEqn, flags: list[bool]) -> list[bool] | None:
        name = COLLECTIVE_NAMES.get(eqn.primitive.name)
        if name is None or axis_name not in _named_axes(eqn):
            return None
        if name in _SAME_FOR_EVERY_CALL:
            return [False] * len(eqn.outvars)
        if name == "ppermute":
            return [any(flags)] * len(eqn.outvars)
        return [True] * len(eqn.outvars)

    return rule
