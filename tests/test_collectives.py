"""Collectives over named axes: what the plan reports, its errors, and the explicit loop.

Every expectation is checked against the real ``jax.vmap`` on the same call.
"""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax import lax

from vmapwidget import describe_vmap
from vmapwidget.collectives import LOOPABLE, find_collectives, trace_program

X = jnp.arange(12.0).reshape(3, 4)


def _loop(plan, fun, *args, **kwargs):
    """``batched(fun, *args, **kwargs)`` from the plan's loop code."""
    assert plan.loop_code is not None, plan.error
    namespace = {}
    exec(plan.loop_code, namespace)
    return namespace["batched"](fun, *args, **kwargs)


def _same(got, want):
    assert jax.tree.structure(got) == jax.tree.structure(want)
    for g, w in zip(jax.tree.leaves(got), jax.tree.leaves(want)):
        assert np.shape(g) == np.shape(w)
        np.testing.assert_allclose(np.asarray(g), np.asarray(w), rtol=1e-6)


def _agree(fun, *args, in_axes=0, out_axes=0, **options):
    """The plan of the call, after checking it against jax.vmap and its loop code."""
    kwargs = {k: options.pop(k) for k in list(options) if k not in _VMAP_OPTIONS}
    plan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes, **options, **kwargs)
    want = jax.vmap(fun, in_axes=in_axes, out_axes=out_axes, **options)(*args, **kwargs)
    assert plan.error is None, plan.error
    assert plan.out_shapes == jax.tree.map(lambda leaf: tuple(np.shape(leaf)), want)
    _same(_loop(plan, fun, *args, **kwargs), want)
    return plan


_VMAP_OPTIONS = ("axis_size", "axis_name", "spmd_axis_name")


def _names(plan):
    return [(c.name, c.axis_names) for c in plan.collectives]


def test_pmean_shows_as_psum_and_the_loop_centres_the_batch():
    plan = _agree(lambda x: x - lax.pmean(x, "i"), X, axis_name="i")
    assert _names(plan) == [("psum", ("i",))]
    assert plan.collectives[0].operand_shapes == ((4,),)
    assert plan.to_json()["collectives"][0]["axis_names"] == ["i"]
    assert "f uses psum over the axis 'i'" in plan.loop_code


@pytest.mark.parametrize(
    ("fun", "expected"),
    [
        (lambda x: lax.psum(x, "i"), "psum"),
        (lambda x: lax.pmax(x, "i"), "pmax"),
        (lambda x: lax.pmin(x, "i"), "pmin"),
        (lambda x: lax.all_gather(x, "i"), "all_gather"),
        (lambda x: lax.all_gather(x, "i", axis=0, tiled=True), "all_gather"),
        (lambda x: x * lax.axis_index("i"), "axis_index"),
        (lambda x: lax.ppermute(x, "i", [(0, 2), (1, 0), (2, 1)]), "ppermute"),
    ],
)
def test_each_collective_is_named_and_looped_exactly(fun, expected):
    plan = _agree(fun, X, axis_name="i")
    assert [c.name for c in plan.collectives] == [expected]
    assert expected in LOOPABLE


def test_collective_results_are_the_same_for_every_call():
    # psum's result is not batched, so out_axes=None is accepted, as jax.vmap does.
    plan = _agree(lambda x: lax.psum(x, "i"), X, axis_name="i", out_axes=None)
    assert plan.out_shapes == (4,) and not plan.outputs[0].batched
    plan = _agree(lambda x: (lax.pmax(x, "i"), x), X, axis_name="i", out_axes=(None, 0))
    assert [leaf.batched for leaf in plan.outputs] == [False, True]


def test_axis_index_differs_from_call_to_call():
    fun = lambda x: lax.axis_index("i")  # noqa: E731
    with pytest.raises(ValueError):
        jax.vmap(fun, axis_name="i", out_axes=None)(X)
    plan = describe_vmap(fun, X, axis_name="i", out_axes=None)
    assert plan.error_side == "out_axes" and plan.loop_code is None
    assert _agree(fun, X, axis_name="i").outputs[0].batched


def test_collective_over_a_name_the_vmap_does_not_bind_is_named_in_the_error():
    fun = lambda x: lax.psum(x, "j")  # noqa: E731
    with pytest.raises(NameError):
        jax.vmap(fun, axis_name="i")(X)
    plan = describe_vmap(fun, X, axis_name="i")
    assert plan.error.startswith(
        "The function uses psum over axis 'j', but the vmap's axis name is 'i'"
    )
    assert plan.error_side == "axis_name" and plan.loop_code is None
    plan = describe_vmap(lambda x: lax.pmax(x, "i"), X)
    assert plan.error.startswith(
        "The function uses pmax over axis 'i', but this vmap has no axis_name"
    )


def test_nested_vmaps_with_two_axis_names():
    def inner(x):
        return x - lax.pmean(x, "i") + lax.psum(x, ("i", "j")) * lax.axis_index("j")

    grid = jnp.arange(24.0).reshape(3, 4, 2)
    fun = jax.vmap(inner, axis_name="j")
    plan = _agree(fun, grid, axis_name="i")
    # The inner vmap batches 'j' away: the outer plan sees the collectives over 'i'.
    assert {c.axis_names for c in plan.collectives} == {("i",)}
    wrong = describe_vmap(fun, grid, axis_name="k")
    assert "over axis 'i'" in wrong.error and "'k'" in wrong.error


def test_psum_of_a_constant_is_the_number_of_calls():
    # Folded into a constant: no collective is left, but f still needs the axis bound.
    plan = _agree(lambda x: x * lax.psum(1, "i"), X, axis_name="i")
    assert "f refers to the axis 'i'" in plan.loop_code
    plain = _agree(lambda x: x * 2, X, axis_name="i")
    assert plain.collectives == () and "jax.make_jaxpr" not in plain.loop_code


def test_keyword_arguments_and_unmapped_arguments_reach_the_collective_loop():
    def fun(x, scale, *, shift):
        return lax.psum(x * scale, "i") + shift

    plan = _agree(fun, X, 2.0, in_axes=(0, None), axis_name="i", shift=jnp.ones((3, 4)))
    assert plan.kwarg_names == ("shift",)
    assert "shift=shift" in plan.jax_code and "axis_name='i'" in plan.jax_code


def test_collectives_inside_inner_programs_are_reported_but_not_looped():
    fun = lambda x: jax.jit(lambda y: lax.psum(y, "i"))(x) * 2  # noqa: E731
    plan = describe_vmap(fun, X, axis_name="i")
    assert plan.error is None and plan.out_shapes == jax.vmap(fun, axis_name="i")(X).shape
    assert [(c.name, c.nested) for c in plan.collectives] == [("psum", True)]
    assert plan.loop_code is None


@pytest.mark.parametrize(
    ("fun", "name"),
    [
        (lambda x: lax.psum_scatter(x, "i"), "psum_scatter"),
        (lambda x: lax.all_to_all(x, "i", 0, 0), "all_to_all"),
    ],
)
def test_collectives_the_loop_does_not_write_out_give_no_loop(fun, name):
    square = jnp.arange(9.0).reshape(3, 3)
    plan = describe_vmap(fun, square, axis_name="i")
    assert plan.error is None
    assert plan.out_shapes == jax.vmap(fun, axis_name="i")(square).shape
    assert [c.name for c in plan.collectives] == [name] and name not in LOOPABLE
    assert plan.loop_code is None


def test_find_collectives_walks_inner_programs_in_order():
    def fun(x):
        y = lax.cond(x.sum() > 0, lambda v: lax.pmax(v, "i"), lambda v: v, x)
        return lax.psum(y, "i")

    jaxpr = jax.make_jaxpr(fun, axis_env=[("i", 3)])(jnp.ones(2)).jaxpr
    found = find_collectives(jaxpr)
    assert [(c.name, c.nested) for c in found] == [("pmax", True), ("psum", False)]
    assert found[0].step < found[1].step


def test_trace_program_binds_unknown_names_and_lists_them():
    program = trace_program(lambda x: lax.psum(x, "j") + lax.psum(x, "i"), (X[0],), {}, "i", 3)
    assert program is not None and program.unbound == ("j",)
    assert trace_program(lambda x: x.item(), (X[0],), {}, "i", 3) is None


def test_spmd_axis_name_is_reported():
    plan = _agree(lambda x: x * 2, X, axis_name="i", spmd_axis_name="devices")
    assert plan.spmd_axis_name == "devices" and plan.to_json()["spmd_axis_name"] == "devices"
    assert "spmd_axis_name='devices'" in plan.jax_code and "spmd_axis_name" in plan.loop_code


def test_ppermute_under_vmap_must_name_every_call():
    fun = lambda x: lax.ppermute(x, "i", [(0, 1), (1, 0)])  # noqa: E731
    with pytest.raises(AssertionError):
        jax.vmap(fun, axis_name="i")(X)
    plan = describe_vmap(fun, X, axis_name="i")
    assert plan.error.startswith("The function uses ppermute over axis 'i' with 2 (source,")
    assert "all 3 calls" in plan.error and plan.loop_code is None


def _nest(fun, args, in_axes, names):
    """``jax.vmap(jax.vmap(fun, ...), ...)`` with each level's axis name, outermost first."""
    for ia, name in reversed(list(zip(in_axes, names))):
        fun = jax.vmap(fun, in_axes=ia, axis_name=name)
    return fun(*args)


@pytest.mark.parametrize(
    ("collective", "reduced_over"),
    [
        (lambda x, y: x * y - lax.pmean(x * y, "rows"), [0]),
        (lambda x, y: x * y / lax.psum(y, "cols"), [1]),
        (lambda x, y: lax.pmax(x * y, "rows") + lax.psum(x, "cols"), [0, 1]),
        (lambda x, y: lax.psum(x * y, ("rows", "cols")), [0]),
    ],
    ids=["outer", "inner", "both", "both-at-once"],
)
def test_nested_axis_names_agree_with_jax_and_name_their_level(collective, reduced_over):
    from vmapwidget.diagram import describe, explore

    args, in_axes, names = (
        (jnp.arange(1.0, 4.0), jnp.arange(1.0, 5.0)),
        [(0, None), (None, 0)],
        (
            "rows",
            "cols",
        ),
    )
    exp = explore(collective, args, in_axes, [0, 0], names=names)
    assert exp.error is None, exp.error
    _same(exp.result, _nest(collective, args, in_axes, names))
    d = describe(exp)
    assert [c["level"] for c in d["collectives"]] == reduced_over
    assert d["axis_names"] == ["'rows'", "'cols'"]
    assert "axis_name='rows'" in d["jax_code"] and "axis_name='cols'" in d["jax_code"]
    assert d["loop_code"] is None


def test_a_nest_using_an_unnamed_level_says_so_like_jax():
    from vmapwidget.diagram import explore

    fun = lambda x, y: lax.psum(x * y, "cols")  # noqa: E731
    args, in_axes = (jnp.arange(3.0), jnp.arange(4.0)), [(0, None), (None, 0)]
    with pytest.raises(NameError):
        _nest(fun, args, in_axes, ("rows", None))
    exp = explore(fun, args, in_axes, [0, 0], names=("rows", None))
    assert exp.error is not None and "'cols'" in exp.error
