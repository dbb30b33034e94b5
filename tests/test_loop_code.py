"""The loop source reads like the tutorial's loop and reproduces jax.vmap when executed."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
from helpers import run_loop_code

from vmapwidget import describe_vmap
from vmapwidget.codegen import index_expression


def test_index_expression_slices_along_the_axis():
    assert index_expression("x", None) == "x"
    assert index_expression("x", 0) == "x[b]"
    assert index_expression("x", 2) == "x[:, :, b]"


def test_simple_loop_uses_parameter_names_and_index_expressions():
    def func(x, y):
        return x + y

    x, y = jnp.array([[1, 2, 3]]), jnp.array([[4], [5], [6]])
    plan = describe_vmap(func, x, y, in_axes=(1, 0), out_axes=1)
    assert "def batched(f, x, y):" in plan.loop_code
    assert "f(x[:, b], y[b])" in plan.loop_code
    assert "for b in range(3)" in plan.loop_code
    assert "jnp.stack(results, axis=1)" in plan.loop_code
    np.testing.assert_array_equal(run_loop_code(plan, func, x, y), [[5, 7, 9]])


def test_loop_passes_unbatched_arguments_whole():
    def func(x, y):
        return x * y

    plan = describe_vmap(func, 3.0, jnp.array([3, 4, 5]), in_axes=(None, 0))
    assert "f(x, y[b])" in plan.loop_code
    np.testing.assert_allclose(run_loop_code(plan, func, 3.0, jnp.array([3, 4, 5])), [9, 12, 15])


def test_unsafe_parameter_names_are_replaced():
    def func(f, b):
        return f - b

    plan = describe_vmap(func, jnp.ones(2), jnp.ones(2))
    assert "def batched(f, a0, a1):" in plan.loop_code
    np.testing.assert_array_equal(run_loop_code(plan, func, jnp.ones(2), jnp.ones(2)), [0, 0])


def test_tree_loop_reproduces_pytree_vmap():
    def fun(params, x):
        return {"out": params["w"] * x, "const": jnp.arange(2.0)}

    params = {"w": jnp.arange(6.0).reshape(3, 2)}
    x = jnp.arange(6.0).reshape(2, 3)
    spec = dict(in_axes=({"w": 0},), out_axes={"out": 1, "const": None})
    plan = describe_vmap(lambda p: fun(p, x.T), params, **spec)
    looped = run_loop_code(plan, lambda p: fun(p, x.T), params)
    real = jax.vmap(lambda p: fun(p, x.T), **spec)(params)
    assert "IN_AXES = [[0]]" in plan.loop_code
    for got, want in zip(jax.tree.leaves(looped), jax.tree.leaves(real)):
        np.testing.assert_allclose(got, want)


def test_jax_code_uses_function_name_and_arguments():
    def dense_layer(x):
        return x

    plan = describe_vmap(dense_layer, jnp.ones((3, 2)))
    assert plan.jax_code == "jax.vmap(dense_layer, in_axes=0, out_axes=0)(x)"
    lam = describe_vmap(lambda x, y: x, jnp.ones(3), 1.0, in_axes=[0, None])
    assert lam.jax_code == "jax.vmap(f, in_axes=(0, None), out_axes=0)(x, y)"


def test_tree_loop_slices_typed_keys_inside_a_pytree():
    def fun(params, x):
        return x + jax.random.normal(params["key"])

    params = {"key": jax.random.split(jax.random.key(0), 3)}
    plan = describe_vmap(fun, params, jnp.ones(3))
    assert "IN_AXES = [[0], [0]]" in plan.loop_code
    np.testing.assert_allclose(
        run_loop_code(plan, fun, params, jnp.ones(3)), jax.vmap(fun)(params, jnp.ones(3)), rtol=1e-6
    )


def test_none_argument_uses_the_tree_loop():
    plan = describe_vmap(lambda unused, x: x * 2, None, jnp.arange(3.0), in_axes=(None, 0))
    assert "IN_AXES = [[], [0]]" in plan.loop_code


def test_keyword_arguments_are_sliced_along_axis_0_in_the_loop():
    def func(x, *, w):
        return {"y": x @ w["m"], "n": jnp.sum(w["m"])}

    x, w = jnp.ones((2, 3)), {"m": jnp.arange(24.0).reshape(2, 3, 4)}
    plan = describe_vmap(func, x, w=w, out_axes={"y": 1, "n": 0})
    assert "def batched(f, *args, **kwargs):" in plan.loop_code
    namespace = {}
    exec(plan.loop_code, namespace)
    looped = namespace["batched"](func, x, w=w)
    real = jax.vmap(func, out_axes={"y": 1, "n": 0})(x, w=w)
    assert jax.tree.structure(looped) == jax.tree.structure(real)
    for got, want in zip(jax.tree.leaves(looped), jax.tree.leaves(real)):
        np.testing.assert_allclose(got, want)


def test_loop_with_axis_size_passes_every_argument_whole():
    def func(x, y):
        return x * y

    plan = describe_vmap(func, 2.0, jnp.arange(3.0), in_axes=None, axis_size=2)
    assert "axis_size=2" in plan.loop_code and "f(x, y)" in plan.loop_code
    real = jax.vmap(func, in_axes=None, axis_size=2)(2.0, jnp.arange(3.0))
    np.testing.assert_allclose(run_loop_code(plan, func, 2.0, jnp.arange(3.0)), real)
