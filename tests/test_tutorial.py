"""Every printed output of the seed tutorial, reproduced through vmapwidget's API."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from helpers import run_loop_code
from tutorial_functions import B, W, dense_layer

from vmapwidget import GridKernel, describe_vmap

BATCH = jnp.array([[1.1, 1.2], [2.1, 2.2], [3.1, 3.2]])
EXPECTED_BATCH = [[0.9, 1.53], [1.5, 2.63], [2.1, 3.73]]


def einsum_layer(x):
    return jnp.einsum("ij,bj->bi", W, x) + B


def transpose_layer(x):
    return x.dot(W.T) + B


def test_dense_layer_on_one_input():
    single = jnp.array([1.1, 1.2])
    plan = describe_vmap(dense_layer, single[None, :])
    np.testing.assert_allclose(dense_layer(single), [0.9, 1.53], rtol=1e-6)
    assert plan.out_shapes == (1, 2)


def test_dense_layer_on_a_batch_fails_without_vmap():
    with pytest.raises(TypeError, match=r"\(2,\) and \(3,\)"):
        dense_layer(BATCH)
    assert describe_vmap(dense_layer, BATCH, in_axes=0).error is None


def test_einsum_transpose_and_vmap_agree():
    plan = describe_vmap(dense_layer, BATCH)
    by_vmap = jax.vmap(dense_layer)(BATCH)
    assert plan.out_shapes == (3, 2)
    for result in (
        einsum_layer(BATCH),
        transpose_layer(BATCH),
        run_loop_code(plan, dense_layer, BATCH),
    ):
        np.testing.assert_allclose(result, EXPECTED_BATCH, rtol=1e-6)
        np.testing.assert_allclose(result, by_vmap, rtol=1e-6)


def test_zipping_two_inputs():
    def func(x, y):
        return x + y

    x, y = jnp.array([1, 2, 3]), jnp.array([4, 5, 6])
    plan = describe_vmap(func, x, y, in_axes=(0, 0))
    assert plan.out_shapes == (3,)
    np.testing.assert_array_equal(run_loop_code(plan, func, x, y), [5, 7, 9])
    np.testing.assert_array_equal(jax.vmap(func, in_axes=(0, 0))(x, y), [5, 7, 9])


@pytest.mark.parametrize(
    ("out_axes", "printed", "shape"), [(1, [[5, 7, 9]], (1, 3)), (0, [[5], [7], [9]], (3, 1))]
)
def test_non_leading_batch_dimensions(out_axes, printed, shape):
    def func(x, y):
        return x + y

    x, y = jnp.array([[1, 2, 3]]), jnp.array([[4], [5], [6]])
    plan = describe_vmap(func, x, y, in_axes=(1, 0), out_axes=out_axes)
    assert plan.out_shapes == shape
    np.testing.assert_array_equal(run_loop_code(plan, func, x, y), printed)
    np.testing.assert_array_equal(jax.vmap(func, in_axes=(1, 0), out_axes=out_axes)(x, y), printed)


def test_unbatched_argument():
    def func(x, y):
        return x * y

    y = jnp.array([3, 4, 5])
    plan = describe_vmap(func, 3.0, y, in_axes=(None, 0))
    assert plan.out_shapes == (3,)
    np.testing.assert_allclose(run_loop_code(plan, func, 3.0, y), [9.0, 12.0, 15.0])


def test_cartesian_grid_matches_numpy_meshgrid():
    def func(x, y):
        return jnp.sin(x) * y

    x_range, y_range = jnp.linspace(-5, 5), jnp.linspace(-2, 2)
    out = jax.vmap(jax.vmap(func, in_axes=(None, 0)), in_axes=(0, None))(x_range, y_range)
    result = GridKernel(func).evaluate((-5, 5), (-2, 2), 50)
    gx, gy = np.meshgrid(np.linspace(-5, 5), np.linspace(-2, 2), indexing="ij")
    assert result.values.shape == out.shape == (50, 50)
    np.testing.assert_allclose(result.values, np.sin(gx) * gy, atol=1e-5)
    np.testing.assert_allclose(result.values, out, atol=1e-6)
