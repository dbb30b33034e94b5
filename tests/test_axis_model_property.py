"""Property test: describe_vmap agrees with real jax.vmap on random functions, shapes and axes."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vmapwidget import describe_vmap

DRAWS = 1200


def _sum_all(*args):
    return sum(jnp.sum(leaf) for leaf in jax.tree.leaves(args))


def _add_all(*args):
    leaves = jax.tree.leaves(args)
    total = leaves[0]
    for leaf in leaves[1:]:
        total = total + leaf
    return total


def _first_scaled(*args):
    leaves = jax.tree.leaves(args)
    return leaves[0] * 2.0 + sum(jnp.mean(leaf) for leaf in leaves[1:])


def _pytree_out(*args):
    leaves = jax.tree.leaves(args)
    return {"scaled": leaves[-1] * 3.0, "pair": (jnp.sum(leaves[0]), jnp.arange(2.0))}


def _constant(*args):
    return jnp.arange(3.0)


def _matmul(*args):
    leaves = jax.tree.leaves(args)
    return leaves[0] @ leaves[-1]


FUNCTIONS = [_sum_all, _add_all, _first_scaled, _pytree_out, _constant, _matmul]


@st.composite
def array_leaf(draw, batch):
    rank = draw(st.sampled_from([1, 2, 2, 3, 0]))
    shape = [draw(st.sampled_from([batch, batch, 1, 2, 3])) for _ in range(rank)]
    if draw(st.booleans()) and rank == 0:
        return draw(st.sampled_from([1.5, 2, -0.5]))
    dtype = draw(st.sampled_from([np.float32, np.float32, np.int32]))
    values = np.arange(int(np.prod(shape)), dtype=dtype).reshape(shape) + 1
    return values if draw(st.booleans()) else jnp.asarray(values)


@st.composite
def argument(draw, batch):
    kind = draw(st.sampled_from(["leaf", "leaf", "leaf", "dict", "tuple"]))
    if kind == "leaf":
        return draw(array_leaf(batch))
    if kind == "dict":
        keys = draw(st.lists(st.sampled_from("abc"), min_size=1, max_size=2, unique=True))
        return {k: draw(array_leaf(batch)) for k in keys}
    return tuple(draw(array_leaf(batch)) for _ in range(draw(st.integers(1, 2))))


@st.composite
def leaf_axis(draw, leaf, batch):
    shape = np.shape(leaf)
    rank = len(shape)
    fitting = [a for a in range(rank) if shape[a] == batch]
    if fitting and draw(st.integers(0, 9)) < 8:
        axis = draw(st.sampled_from(fitting))
        return draw(st.sampled_from([axis, axis - rank, axis, None]))
    choices = [None, *range(-rank - 1, rank + 1)] if rank else [None, None, 0]
    return draw(st.sampled_from(choices))


@st.composite
def argument_axes(draw, arg, batch):
    if isinstance(arg, dict) and draw(st.booleans()):
        spec = {k: draw(leaf_axis(v, batch)) for k, v in arg.items()}
        if draw(st.integers(0, 9)) == 0:
            spec["z"] = 0
        return spec
    if isinstance(arg, tuple) and draw(st.booleans()):
        return tuple(draw(leaf_axis(v, batch)) for v in arg)
    leaves = jax.tree.leaves(arg)
    return draw(leaf_axis(leaves[0], batch))


@st.composite
def vmap_case(draw):
    batch = draw(st.integers(1, 4))
    args = tuple(draw(argument(batch)) for _ in range(draw(st.integers(1, 3))))
    style = draw(st.sampled_from(["tuple"] * 6 + ["int", "none", "list", "short"]))
    if style == "int":
        in_axes = draw(st.sampled_from([0, 1, -1]))
    elif style == "none":
        in_axes = None
    else:
        in_axes = tuple(draw(argument_axes(arg, batch)) for arg in args)
        if style == "list":
            in_axes = list(in_axes)
        elif style == "short":
            in_axes = in_axes[:-1] + (0, 0) if draw(st.booleans()) else in_axes[:-1]
    if style == "tuple" and draw(st.booleans()):
        anchor_rank = draw(st.integers(1, 3))
        anchor_axis = draw(st.integers(0, anchor_rank - 1))
        shape = [draw(st.integers(1, 3)) for _ in range(anchor_rank)]
        shape[anchor_axis] = batch
        args = (jnp.ones(shape) * 0.5, *args[1:])
        in_axes = (draw(st.sampled_from([anchor_axis, anchor_axis - anchor_rank])), *in_axes[1:])
    fun = draw(st.sampled_from(FUNCTIONS))
    if fun is _pytree_out and draw(st.booleans()):
        out_axes = {
            "scaled": draw(st.sampled_from([0, 1, -1, None, 3])),
            "pair": draw(st.sampled_from([0, None, (0, None), (None, 0), (-1, None)])),
        }
    else:
        out_axes = draw(st.sampled_from([0, 0, 1, -1, 2, -2, None]))
    return fun, args, in_axes, out_axes


def _run_jax(fun, args, in_axes, out_axes):
    try:
        return jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args), None
    except Exception as exc:
        return None, exc


def _check_agreement(fun, args, in_axes, out_axes):
    plan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes)
    result, error = _run_jax(fun, args, in_axes, out_axes)
    assert (plan.error is None) == (error is None), (
        f"describe_vmap error={plan.error!r} but jax error={error!r}"
    )
    if error is not None:
        assert plan.loop_code is None
        return
    real_leaves = jax.tree.leaves(result)
    assert jax.tree.structure(result) == jax.tree.structure(plan.out_axes, is_leaf=_none_leaf)
    assert [tuple(leaf.shape) for leaf in real_leaves] == [leaf.shape for leaf in plan.outputs]
    assert plan.batch_size == next(
        leaf.shape[leaf.axis] for leaf in plan.inputs if leaf.axis is not None
    )
    namespace: dict = {}
    exec(plan.loop_code, namespace)
    looped = namespace["batched"](fun, *args)
    assert jax.tree.structure(looped) == jax.tree.structure(result)
    for got, want in zip(jax.tree.leaves(looped), real_leaves):
        np.testing.assert_allclose(np.asarray(got), np.asarray(want), rtol=1e-6)


def _none_leaf(x):
    return x is None


def test_describe_vmap_agrees_with_jax_on_random_cases():
    seen = {"cases": 0, "errors": 0}

    @settings(
        max_examples=DRAWS,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(vmap_case())
    def check(case):
        fun, args, in_axes, out_axes = case
        seen["cases"] += 1
        plan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes)
        seen["errors"] += plan.error is not None
        _check_agreement(fun, args, in_axes, out_axes)

    check()
    print(f"\nproperty test: {seen['cases']} random vmap cases, {seen['errors']} errors")
    assert seen["cases"] >= 1000
    successes = seen["cases"] - seen["errors"]
    assert successes >= 200, "too few successful cases to test loop_code meaningfully"
    assert seen["errors"] >= 200, "too few error cases to test the error model meaningfully"
