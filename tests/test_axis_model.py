"""describe_vmap on hand-picked cases, each checked against real jax.vmap."""

from __future__ import annotations

import doctest
import json
from collections import namedtuple

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from helpers import run_loop_code
from tutorial_functions import add

from vmapwidget import axis_model, describe_vmap

X_ROW = jnp.array([[1, 2, 3]])
Y_COL = jnp.array([[4], [5], [6]])


def _jax_error(fun, *args, in_axes, out_axes=0):
    with pytest.raises(Exception) as info:
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


def test_unmapped_non_array_argument_is_passed_through_like_jax():
    def fun(label, x):
        return x * len(label)

    plan = describe_vmap(fun, "text", jnp.ones(2), in_axes=(None, 0))
    real = jax.vmap(fun, in_axes=(None, 0))("text", jnp.ones(2))
    assert plan.error is None
    assert plan.out_shapes == real.shape == (2,)
    assert plan.inputs[0].dtype == "str"
    np.testing.assert_array_equal(run_loop_code(plan, fun, "text", jnp.ones(2)), real)


def test_mapped_non_array_argument_is_explained():
    plan = describe_vmap(lambda s, x: x, "text", jnp.ones(2), in_axes=(0, 0))
    _jax_error(lambda s, x: x, "text", jnp.ones(2), in_axes=(0, 0))
    assert "argument `s` is a str" in plan.error
    assert plan.error_args == (0,)


def test_mapped_string_array_is_refused_like_jax():
    words = np.array(["a", "b"])
    plan = describe_vmap(lambda w: w, words)
    _jax_error(lambda w: w, words, in_axes=0)
    assert "dtype <U1" in plan.error
    assert plan.error_side == "in_axes"


def test_to_json_round_trips_through_json():
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


def test_typed_prng_keys_can_be_mapped_and_passed_whole():
    keys = jax.random.split(jax.random.key(0), 3)

    def noisy(key, x):
        return x + jax.random.normal(key)

    plan = describe_vmap(noisy, keys, jnp.ones(3))
    real = jax.vmap(noisy)(keys, jnp.ones(3))
    assert plan.error is None and plan.out_shapes == real.shape
    assert plan.inputs[0].dtype.startswith("key<")
    np.testing.assert_allclose(run_loop_code(plan, noisy, keys, jnp.ones(3)), real, rtol=1e-6)
    whole = describe_vmap(noisy, keys[0], jnp.ones(3), in_axes=(None, 0))
    assert whole.out_shapes == (3,)


def test_python_control_flow_on_unmapped_values_runs_eagerly_like_jax():
    def fun(x, n):
        if n * 2 > 3:
            return x * n
        return x

    n = jnp.array(2.0)
    plan = describe_vmap(fun, jnp.ones(3), n, in_axes=(0, None))
    assert plan.out_shapes == jax.vmap(fun, in_axes=(0, None))(jnp.ones(3), n).shape
    mapped = describe_vmap(fun, jnp.ones(3), jnp.ones(3), in_axes=(0, 0))
    _jax_error(fun, jnp.ones(3), jnp.ones(3), in_axes=(0, 0))
    assert "TracerBoolConversionError" in mapped.error


def test_out_axes_none_on_a_cond_output_independent_of_the_batch():
    def fun(x, c):
        return jax.lax.cond(c > 0, lambda a, b: (a, b), lambda a, b: (a * 2, b * 2), x, c)

    spec = dict(in_axes=(0, None), out_axes=(0, None))
    plan = describe_vmap(fun, jnp.ones(3), 1.0, **spec)
    real = jax.vmap(fun, **spec)(jnp.ones(3), 1.0)
    assert plan.error is None
    assert plan.out_shapes == ((3,), ()) == (real[0].shape, real[1].shape)
    assert [leaf.batched for leaf in plan.outputs] == [True, False]


def test_out_axes_none_on_a_while_loop_counter():
    def fun(x):
        return jax.lax.while_loop(lambda c: c[0] < 3.0, lambda c: (c[0] + 1, c[1] * 2), (0.0, x))

    plan = describe_vmap(fun, jnp.ones(3), out_axes=(None, 0))
    real = jax.vmap(fun, out_axes=(None, 0))(jnp.ones(3))
    assert plan.error is None and plan.out_shapes == ((), (3,)) == (real[0].shape, real[1].shape)
    assert [leaf.batched for leaf in plan.outputs] == [False, True]


def test_scan_carry_batched_only_after_some_iterations():
    def fun(x):
        def body(carry, _):
            _, second, third = carry
            return (second, third, third), None

        (first, _, _), _ = jax.lax.scan(body, (0.0, 0.0, x), None, length=3)
        return first

    plan = describe_vmap(fun, jnp.ones(3), out_axes=None)
    _jax_error(fun, jnp.ones(3), in_axes=0, out_axes=None)
    assert plan.error_side == "out_axes"
    assert "depends on a mapped argument" in plan.error
    assert describe_vmap(fun, jnp.ones(3)).outputs[0].batched


def test_custom_vjp_output_independent_of_the_batch():
    @jax.custom_vjp
    def fun(x):
        return x, jnp.ones(2)

    fun.defvjp(lambda x: (fun(x), None), lambda _, g: (g[0],))
    plan = describe_vmap(fun, jnp.ones(3), out_axes=(0, None))
    real = jax.vmap(fun, out_axes=(0, None))(jnp.ones(3))
    assert plan.out_shapes == ((3,), (2,)) == (real[0].shape, real[1].shape)


@pytest.mark.filterwarnings("ignore:The default behavior of pure_callback")
def test_pure_callback_agrees_with_jax_on_whether_it_batches():
    def fun(x):
        shape = jax.ShapeDtypeStruct((), jnp.float32)
        return jax.pure_callback(lambda a: np.float32(a * 2), shape, x)

    plan = describe_vmap(fun, jnp.ones(3))
    try:
        jax.vmap(fun)(jnp.ones(3))
    except NotImplementedError:
        assert plan.error_side == "function" and "vmap_method" in plan.error
    else:
        assert plan.error is None


def test_none_argument_keeps_the_loop_aligned():
    def fun(unused, x):
        return x * 2

    plan = describe_vmap(fun, None, jnp.arange(3.0), in_axes=(None, 0))
    assert plan.error is None and plan.out_shapes == (3,)
    np.testing.assert_allclose(run_loop_code(plan, fun, None, jnp.arange(3.0)), [0, 2, 4])


def test_none_inside_an_argument_is_an_empty_subtree():
    arg = {"w": jnp.ones((2, 3)), "unused": None}
    plan = describe_vmap(lambda p: p["w"], arg, in_axes=({"w": 1, "unused": 0},))
    real = jax.vmap(lambda p: p["w"], in_axes=({"w": 1, "unused": 0},))(arg)
    assert plan.out_shapes == real.shape == (3, 2)
    assert [leaf.path for leaf in plan.inputs] == ["p['w']"]


def test_namedtuple_and_list_arguments_and_outputs():
    Pair = namedtuple("Pair", ["first", "second"])

    def fun(pair, items):
        return Pair(first=pair.first + items[0], second=[jnp.sum(pair.second)])

    pair, items = Pair(jnp.ones((2, 3)), jnp.ones(4)), [jnp.ones(3)]
    spec = dict(in_axes=(Pair(1, None), [0]), out_axes=Pair(-1, [None]))
    plan = describe_vmap(fun, pair, items, **spec)
    real = jax.vmap(fun, **spec)(pair, items)
    assert plan.out_shapes == Pair((2, 3), [()])
    assert jax.tree.map(lambda a: a.shape, real) == plan.out_shapes
    assert [leaf.path for leaf in plan.inputs] == ["pair.first", "pair.second", "items[0]"]
    mismatch = describe_vmap(fun, pair, items, in_axes=((1, None), [0]))
    _jax_error(fun, pair, items, in_axes=((1, None), [0]))
    assert "`pair`" in mismatch.error and mismatch.error_args == (0,)


def test_list_out_axes_for_a_tuple_output_is_refused_like_jax():
    def fun(x):
        return x, x * 2

    plan = describe_vmap(fun, jnp.ones(3), out_axes=[0, 0])
    _jax_error(fun, jnp.ones(3), in_axes=0, out_axes=[0, 0])
    assert plan.error_side == "out_axes"
    assert "does not fit" in plan.error


def test_out_axes_type_is_checked_before_the_number_of_in_axes():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(2), in_axes=(0,), out_axes=1.5)
    jax_message = _jax_error(add, jnp.ones(2), jnp.ones(2), in_axes=(0,), out_axes=1.5)
    assert "out_axes" in jax_message
    assert plan.error_side == "out_axes"


def test_every_spec_is_matched_to_its_argument_before_axes_are_checked():
    params = {"w": jnp.ones(3)}
    plan = describe_vmap(add, jnp.ones(3), params, in_axes=(5, {"b": 0}))
    jax_message = _jax_error(add, jnp.ones(3), params, in_axes=(5, {"b": 0}))
    assert "tree prefix" in jax_message
    assert plan.error_args == (1,)


def test_function_returning_a_non_array_names_the_output():
    plan = describe_vmap(lambda x: (x, "label"), jnp.ones(3))
    _jax_error(lambda x: (x, "label"), jnp.ones(3), in_axes=0)
    assert plan.error_side == "function"
    assert "output `out[1]`" in plan.error
    assert "axis_model" not in plan.error


def test_all_none_in_axes_names_the_arguments():
    plan = describe_vmap(add, jnp.ones(2), jnp.ones(2), in_axes=(None, None))
    assert "`x`, `y` passed whole" in plan.error


@pytest.mark.parametrize(
    ("fun", "args", "in_axes", "out_axes"),
    [
        (3, (jnp.ones(3),), 0, 0),
        (None, (jnp.ones(3),), 0, 0),
        (add, (jnp.ones(3), jnp.ones(3)), 0.0, 0),
        (add, (jnp.ones(3), jnp.ones(3)), "0", 0),
        (add, (jnp.ones(3), jnp.ones(3)), np.int64(0), 0),
        (add, (jnp.ones(3), jnp.ones(3)), (np.int32(0), 0), 0),
        (add, (jnp.ones(3), jnp.ones(3)), {0, 1}, 0),
        (add, (jnp.ones(3), jnp.ones(3)), 0, np.int64(0)),
        (add, (jnp.ones(3), jnp.ones(3)), 0, object()),
        (add, (object(), jnp.ones(3)), 0, 0),
        (add, (2**70, jnp.ones(3)), (None, 0), 0),
        (add, (np.array([1, "b"], dtype=object), jnp.ones(2)), 0, 0),
        (lambda: 1.0, (), 0, 0),
        (lambda x: x, (None,), 0, 0),
        (lambda x: 1 / 0, (jnp.ones(3),), 0, 0),
        (lambda x: object(), (jnp.ones(3),), 0, 0),
    ],
)
def test_describe_vmap_never_raises_and_agrees_on_failure(fun, args, in_axes, out_axes):
    plan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes)
    try:
        jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args)
    except Exception:
        assert plan.error is not None and plan.loop_code is None
    else:
        assert plan.error is None
    assert "\n" not in (plan.error or "")
    json.dumps(plan.to_json())


def test_an_exception_that_cannot_be_printed_is_still_reported():
    class Unprintable(Exception):
        def __str__(self):
            raise RuntimeError("no")

    def fun(x):
        raise Unprintable

    plan = describe_vmap(fun, jnp.ones(3))
    assert plan.error_side == "function" and "Unprintable" in plan.error


def test_module_examples_run():
    assert doctest.testmod(axis_model, optionflags=doctest.ELLIPSIS).failed == 0


def test_keyword_arguments_are_mapped_along_axis_0_and_listed_by_name():
    def fun(x, *, scale, shift):
        return x * scale["s"] + shift

    x, scale, shift = jnp.ones((3, 2)), {"s": jnp.arange(3.0)[:, None]}, jnp.arange(6.0)
    shift = shift.reshape(3, 2)
    plan = describe_vmap(fun, x, in_axes=1, shift=shift, scale=scale)
    with pytest.raises(ValueError):
        jax.vmap(fun, in_axes=1)(x, shift=shift, scale=scale)
    assert "inconsistent" in plan.error or "different sizes" in plan.error
    plan = describe_vmap(fun, x, shift=shift, scale=scale)
    real = jax.vmap(fun)(x, shift=shift, scale=scale)
    assert plan.error is None and plan.out_shapes == real.shape
    assert plan.kwarg_names == ("scale", "shift")
    assert [(leaf.path, leaf.axis, leaf.keyword, leaf.arg_index) for leaf in plan.inputs] == [
        ("x", 0, False, 0),
        ("scale['s']", 0, True, 1),
        ("shift", 0, True, 2),
    ]
    assert plan.to_json()["kwarg_names"] == ["scale", "shift"]
    assert plan.jax_code.endswith("(x, scale=scale, shift=shift)")


def test_a_scalar_keyword_argument_cannot_be_mapped():
    with pytest.raises(ValueError):
        jax.vmap(lambda x, b: x * b)(jnp.ones(3), b=2.0)
    plan = describe_vmap(lambda x, b: x * b, jnp.ones(3), b=2.0)
    assert plan.error.startswith("Keyword argument `b` is a scalar")
    assert plan.error_side == "in_axes" and plan.error_args == (1,)
    assert [leaf.path for leaf in plan.inputs] == ["x", "b"]


def test_keyword_arguments_alone_give_the_batch():
    plan = describe_vmap(lambda x, b: x + b, jnp.ones(2), in_axes=None, b=jnp.ones((5, 2)))
    real = jax.vmap(lambda x, b: x + b, in_axes=None)(jnp.ones(2), b=jnp.ones((5, 2)))
    assert plan.error is None and plan.batch_size == 5 and plan.out_shapes == real.shape


def test_axis_size_makes_an_all_none_spec_valid():
    real = jax.vmap(lambda a: a * 2, in_axes=None, axis_size=4)(1.0)
    plan = describe_vmap(lambda a: a * 2, 1.0, in_axes=None, axis_size=4)
    assert plan.error is None and plan.out_shapes == real.shape == (4,)
    assert plan.batch_size == 4 and plan.axis_size == 4
    np.testing.assert_allclose(run_loop_code(plan, lambda a: a * 2, 1.0), real)
    with pytest.raises(ValueError):
        jax.vmap(lambda a: a * 2, in_axes=None)(1.0)
    plan = describe_vmap(lambda a: a * 2, 1.0, in_axes=None)
    assert "axis_size" in plan.error and plan.error_side == "in_axes"


def test_axis_size_without_any_argument():
    real = jax.vmap(lambda: jnp.arange(2.0), axis_size=3)()
    plan = describe_vmap(lambda: jnp.arange(2.0), axis_size=3)
    assert plan.error is None and plan.out_shapes == real.shape == (3, 2)
    np.testing.assert_allclose(run_loop_code(plan, lambda: jnp.arange(2.0)), real)
    assert "axis_size" in describe_vmap(lambda: 1.0).error


def test_axis_size_must_match_the_mapped_axes():
    plan = describe_vmap(lambda x: x, jnp.ones(3), axis_size=4)
    assert plan.error.startswith("axis_size is 4, but the mapped axes have size 3")
    assert plan.error_side == "axis_size" and plan.error_args == (0,)
    assert describe_vmap(lambda x: x, jnp.ones(3), axis_size=3).error is None


@pytest.mark.parametrize("bad", [-1, 2.0, "3", True])
def test_axis_size_must_be_a_non_negative_int(bad):
    plan = describe_vmap(lambda x: x, 1.0, in_axes=None, axis_size=bad)
    assert plan.error_side == "axis_size" and "non-negative int" in plan.error


def test_axis_name_must_be_hashable():
    with pytest.raises(TypeError):
        jax.vmap(lambda x: x, axis_name=["i"])(jnp.ones(3))
    plan = describe_vmap(lambda x: x, jnp.ones(3), axis_name=["i"])
    assert plan.error_side == "axis_name" and "hashable" in plan.error


def test_axis_names_are_reported_in_the_plan_and_its_json():
    plan = describe_vmap(lambda x: x * 2, jnp.ones(3), axis_name="i", spmd_axis_name="d")
    assert plan.error is None and (plan.axis_name, plan.spmd_axis_name) == ("i", "d")
    data = json.loads(json.dumps(plan.to_json()))
    assert (data["axis_name"], data["spmd_axis_name"], data["collectives"]) == ("i", "d", [])
    assert "axis_name='i', spmd_axis_name='d'" in plan.jax_code
