"""describe_vmap on hand-picked cases, each checked against real jax.vmap."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from vmapwidget import describe_vmap


def add(x, y):
    return x + y


X_ROW = jnp.array([[1, 2, 3]])
Y_COL = jnp.array([[4], [5], [6]])


def _jax_error(fun, *args, in_axes, out_axes=0):
    with pytest.raises((ValueError, TypeError)) as info:
        jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args)
    return str(info.value)


@pytest.mark.parametrize(("out_axes", "shape"), [(1, (1, 3)), (0, (3, 1)), (-1, (1, 3))])
def test_non_leading_batch_axes_match_jax(out_axes, shape):
    plan = describe_vmap(add, X_ROW, Y_COL, in_axes=(1, 0), out_axes=out_axes)
    real = jax.vmap(add, in_axes=(1, 0), out_axes=out_axes)(X_ROW, Y_COL)
    assert plan.error is None
    assert plan.out_shapes == shape == real.shape
    assert plan.batch_size == 3
    assert [(leaf.path, leaf.axis, leaf.example_shape) for leaf in plan.inputs] == [
        ("x", 1, (1,)),
        ("y", 0, (1,)),
    ]


def test_negative_in_axes_are_normalized():
    plan = describe_vmap(add, X_ROW, Y_COL, in_axes=(-1, -2), out_axes=-2)
    assert [leaf.axis for leaf in plan.inputs] == [1, 0]
    assert plan.out_axes == 0
    assert plan.out_shapes == jax.vmap(add, in_axes=(-1, -2), out_axes=-2)(X_ROW, Y_COL).shape


def test_unbatched_argument_is_passed_whole():
    plan = describe_vmap(lambda x, y: x * y, 3.0, jnp.array([3, 4, 5]), in_axes=(None, 0))
    assert plan.inputs[0].axis is None
    assert plan.inputs[0].example_shape == ()
    assert plan.out_shapes == (3,)


def test_axis_out_of_range_names_the_argument():
    plan = describe_vmap(add, X_ROW, Y_COL, in_axes=(2, 0))
    _jax_error(add, X_ROW, Y_COL, in_axes=(2, 0))
    assert plan.error_side == "in_axes"
    assert plan.error_args == (0,)
    assert "argument `x`" in plan.error
    assert "axis 2" in plan.error
    assert "(1, 3)" in plan.error


def test_scalar_cannot_be_mapped():
    plan = describe_vmap(add, 3.0, jnp.ones(2), in_axes=(0, 0))
    _jax_error(add, 3.0, jnp.ones(2), in_axes=(0, 0))
    assert "scalar" in plan.error
    assert plan.error_args == (0,)


def test_inconsistent_sizes_name_both_arguments_and_blame_the_odd_one():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(3), in_axes=(0, 0))
    jax_message = _jax_error(add, jnp.ones(2), jnp.ones(3), in_axes=(0, 0))
    assert "inconsistent sizes" in jax_message
    assert "`x` axis 0 has size 2" in plan.error
    assert "`y` axis 0 has size 3" in plan.error
    assert plan.error_args == (1,)


def test_all_none_in_axes():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(2), in_axes=None)
    _jax_error(add, jnp.ones(2), jnp.ones(2), in_axes=None)
    assert "at least one non-None" in plan.error


def test_wrong_number_of_in_axes():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(2), in_axes=(0,))
    _jax_error(add, jnp.ones(2), jnp.ones(2), in_axes=(0,))
    assert "1 entry" in plan.error
    assert "2 positional arguments" in plan.error


def test_non_int_axis_is_refused_like_jax():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(2), in_axes=(0, True))
    _jax_error(add, jnp.ones(2), jnp.ones(2), in_axes=(0, True))
    assert "True" in plan.error


def test_top_level_dict_in_axes_is_refused_like_jax():
    arg = {"a": jnp.ones(2)}
    plan = describe_vmap(lambda d: d["a"], arg, in_axes={"a": 0})
    _jax_error(lambda d: d["a"], arg, in_axes={"a": 0})
    assert "wrap it" in plan.error


def test_out_axes_out_of_range():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(2), in_axes=0, out_axes=2)
    _jax_error(add, jnp.ones(2), jnp.ones(2), in_axes=0, out_axes=2)
    assert plan.error_side == "out_axes"
    assert "output `out`" in plan.error
    assert "out of bounds" in plan.error


def test_out_axes_none_on_a_batched_output():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(2), out_axes=None)
    _jax_error(add, jnp.ones(2), jnp.ones(2), in_axes=0, out_axes=None)
    assert "depends on a mapped argument" in plan.error


def test_out_axes_none_on_an_unbatched_output_is_fine():
    def fun(x):
        return x * 2, jnp.arange(3.0)

    plan = describe_vmap(fun, jnp.ones((4, 2)), out_axes=(0, None))
    real = jax.vmap(fun, out_axes=(0, None))(jnp.ones((4, 2)))
    assert plan.out_shapes == ((4, 2), (3,)) == (real[0].shape, real[1].shape)
    assert [leaf.batched for leaf in plan.outputs] == [True, False]


def test_dense_layer_error_is_a_function_error():
    weights = jnp.array([[0.2, 0.4], [0.9, 0.2]])

    def dense_layer(x):
        return weights.dot(x)

    plan = describe_vmap(dense_layer, jnp.ones((3, 3)))
    _jax_error(dense_layer, jnp.ones((3, 3)), in_axes=0)
    assert plan.error_side == "function"
    assert "TypeError" in plan.error
    assert "(3,)" in plan.error


def test_pytree_arguments_and_outputs_leaf_by_leaf():
    def fun(params, x):
        return {"out": params["w"] * x + params["b"], "norm": jnp.sum(x)}

    params = {"b": jnp.zeros(2), "w": jnp.ones((5, 2))}
    x = jnp.ones((5, 2))
    in_axes = ({"b": None, "w": 0}, 0)
    plan = describe_vmap(fun, params, x, in_axes=in_axes, out_axes={"out": 1, "norm": 0})
    real = jax.vmap(fun, in_axes=in_axes, out_axes={"out": 1, "norm": 0})(params, x)
    assert [leaf.path for leaf in plan.inputs] == ["params['b']", "params['w']", "x"]
    assert [leaf.axis for leaf in plan.inputs] == [None, 0, 0]
    assert [leaf.path for leaf in plan.outputs] == ["out['norm']", "out['out']"]
    assert plan.out_shapes == {"out": (2, 5), "norm": (5,)}
    assert plan.out_shapes == jax.tree.map(lambda a: a.shape, real)


def test_pytree_prefix_mismatch_names_the_argument():
    params = {"b": jnp.zeros(2), "w": jnp.ones((5, 2))}
    plan = describe_vmap(lambda p: p["w"], params, in_axes=({"w": 0, "c": None},))
    assert plan.error_args == (0,)
    assert "`p`" in plan.error


def test_parameter_names_fall_back_for_star_args():
    plan = describe_vmap(lambda *xs: xs[0], jnp.ones(3), jnp.ones(3), in_axes=(0, 0))
    assert plan.arg_names == ("xs[0]", "xs[1]")


def test_non_array_argument_is_explained():
    plan = describe_vmap(lambda s, x: x, "text", jnp.ones(2), in_axes=(None, 0))
    assert "not an array" in plan.error
    assert plan.error_args == (0,)


def test_to_json_round_trips_through_json():
    import json

    plan = describe_vmap(add, X_ROW, Y_COL, in_axes=(1, 0), out_axes=1)
    data = json.loads(json.dumps(plan.to_json()))
    assert data["batch_size"] == 3
    assert data["in_axes"] == [1, 0]
    assert data["inputs"][0]["shape"] == [1, 3]
    assert data["outputs"][0]["axis"] == 1
    assert data["loop_code"] == plan.loop_code


def test_batch_of_size_zero_matches_jax_and_has_no_loop():
    empty = np.zeros((0, 2), np.float32)
    plan = describe_vmap(lambda x: x * 2, empty)
    assert plan.out_shapes == jax.vmap(lambda x: x * 2)(empty).shape == (0, 2)
    assert plan.loop_code is None


def test_inputs_are_listed_beside_an_error():
    plan = describe_vmap(add, X_ROW, Y_COL, in_axes=(2, 0))
    assert [(leaf.path, leaf.shape) for leaf in plan.inputs] == [("x", (1, 3)), ("y", (3, 1))]
    sized = describe_vmap(add, jnp.ones((2, 3)), jnp.ones((3, 1)), in_axes=(0, 0))
    assert [leaf.axis for leaf in sized.inputs] == [0, 0]
