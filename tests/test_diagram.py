"""The diagram description agrees with real jax.vmap: every call reads and writes the cells
the description says, for single and nested vmaps; large arrays are summarized."""

from __future__ import annotations

import itertools
import json

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from helpers import run_loop_code
from tutorial_functions import add, dense_layer, sin_times

from vmapwidget.diagram import MAX_VALUE_CELLS, call_unbatched, describe, explore


def _take(array, axes, indices):
    """Index ``array`` at ``indices[k]`` along ``axes[k]`` for every mapped level."""
    index = [slice(None)] * np.ndim(array)
    for axis, i in zip(axes, indices, strict=True):
        if axis is not None:
            index[axis] = i
    return np.asarray(array)[tuple(index)]


def assert_calls_match(fun, args, in_axes, out_axes):
    """Every call the description lists gives the output slice it says it writes."""
    exp = explore(fun, args, in_axes, out_axes)
    assert exp.error is None, exp.error
    d = describe(exp)
    sizes = [level["size"] for level in d["levels"]]
    treedefs = [jax.tree.structure(a) for a in args]
    for indices in itertools.product(*(range(n) for n in sizes)):
        flat = [
            _take(leaf, desc["axes"], indices)
            for leaf, desc in zip(jax.tree.leaves(args), d["inputs"], strict=True)
        ]
        call_args, start = [], 0
        for treedef in treedefs:
            call_args.append(jax.tree.unflatten(treedef, flat[start : start + treedef.num_leaves]))
            start += treedef.num_leaves
        expected = jax.tree.leaves(fun(*call_args))
        for out, desc, want in zip(
            jax.tree.leaves(exp.result), d["outputs"], expected, strict=True
        ):
            np.testing.assert_allclose(_take(out, desc["axes"], indices), want, rtol=1e-6)


X13 = jnp.array([[1, 2, 3]])
Y31 = jnp.array([[4], [5], [6]])
INPUTS = jnp.array([[1.1, 1.2], [2.1, 2.2], [3.1, 3.2]])


@pytest.mark.parametrize(
    ("fun", "args", "in_axes", "out_axes"),
    [
        (dense_layer, (INPUTS,), [0], [0]),
        (dense_layer, (INPUTS,), [0], [1]),
        (dense_layer, (INPUTS.T,), [1], [0]),
        (add, (jnp.array([1, 2, 3]), jnp.array([4, 5, 6])), [(0, 0)], [0]),
        (add, (X13, Y31), [(1, 0)], [1]),
        (add, (X13, Y31), [(1, 0)], [0]),
        (add, (X13, Y31), [(-1, -2)], [-1]),
        (lambda x, y: x * y, (3.0, jnp.array([3, 4, 5])), [(None, 0)], [0]),
        (
            sin_times,
            (jnp.linspace(-5, 5, 4), jnp.linspace(-2, 2, 3)),
            [(0, None), (None, 0)],
            [0, 0],
        ),
        (
            sin_times,
            (jnp.linspace(-5, 5, 4), jnp.linspace(-2, 2, 3)),
            [(0, None), (None, 0)],
            [1, 0],
        ),
        (
            sin_times,
            (jnp.linspace(-5, 5, 4), jnp.linspace(-2, 2, 3)),
            [(None, 0), (0, None)],
            [1, 0],
        ),
        (
            add,
            (jnp.arange(6.0).reshape(2, 3), jnp.arange(6.0).reshape(2, 3, 1)),
            [(1, 1), (0, 0)],
            [0, 1],
        ),
        (
            add,
            (jnp.arange(6.0).reshape(2, 3), jnp.arange(6.0).reshape(2, 3, 1)),
            [(1, 1), (0, 0)],
            [2, 0],
        ),
        (
            lambda p, x: {"o": p["w"] * x, "c": p["b"]},
            ({"w": jnp.arange(3.0), "b": 2.0}, jnp.arange(3.0)),
            [({"w": 0, "b": None}, 0)],
            [0],
        ),
    ],
)
def test_every_call_reads_and_writes_the_described_cells(fun, args, in_axes, out_axes):
    assert_calls_match(fun, args, in_axes, out_axes)


def test_tutorial_call_and_axes():
    d = describe(explore(add, (X13, Y31), [(1, 0)], [1]))
    assert [leaf["axes"] for leaf in d["inputs"]] == [[1], [0]]
    assert d["outputs"][0]["axes"] == [1]
    assert d["outputs"][0]["values"] == ["5", "7", "9"]
    text = "".join(s.get("text", "b") for s in d["call"])
    assert text == "add(x[:, b], y[b])"
    assert "".join(s.get("text", "b") for s in d["writes"]) == "out[:, b]"
    assert d["levels"] == [{"index": "b", "size": 3}]
    assert d["jax_code"] == "jax.vmap(add, in_axes=(1, 0), out_axes=1)(x, y)"
    assert "f(x[:, b], y[b])" in d["loop_code"]


def test_nested_grid_description_and_loop_code():
    x, y = jnp.linspace(-5, 5, 4), jnp.linspace(-2, 2, 3)
    exp = explore(sin_times, (x, y), [(0, None), (None, 0)], [0, 0])
    d = describe(exp)
    assert d["levels"] == [{"index": "i", "size": 4}, {"index": "j", "size": 3}]
    assert [leaf["axes"] for leaf in d["inputs"]] == [[0, None], [None, 0]]
    assert d["outputs"][0]["axes"] == [0, 1]
    assert (
        "".join(s.get("text", "ij"[s.get("level", 0)]) for s in d["call"])
        == "sin_times(x[i], y[j])"
    )
    assert d["jax_code"] == (
        "jax.vmap(jax.vmap(sin_times, in_axes=(None, 0), out_axes=0), "
        "in_axes=(0, None), out_axes=0)(x, y)"
    )
    np.testing.assert_allclose(run_loop_code(d, sin_times, x, y), exp.result, rtol=1e-6)


@pytest.mark.parametrize("out_axes", [[0, 0], [1, 0], [0, None]])
def test_nested_loop_code_matches_jax(out_axes):
    x, y = jnp.arange(4.0), jnp.arange(3.0)
    fun = (lambda x, y: x * y) if out_axes[1] is not None else (lambda x, y: x + 1.0)
    exp = explore(fun, (x, y), [(0, None), (None, 0)], out_axes)
    assert exp.error is None
    assert_calls_match(fun, (x, y), [(0, None), (None, 0)], out_axes)
    np.testing.assert_allclose(run_loop_code(describe(exp), fun, x, y), exp.result)


@pytest.mark.parametrize(
    ("fun", "args", "in_axes"),
    [
        (lambda x, y: (x * y,), (jnp.arange(3.0), jnp.arange(4.0)), [(0, None), (None, 0)]),
        (lambda x, y: x * 2, (jnp.ones((3, 4)), None), [(0, None), (0, None)]),
    ],
    ids=["one-element-tuple-output", "None-argument"],
)
def test_nested_loop_code_is_only_written_for_single_arrays(fun, args, in_axes):
    exp = explore(fun, args, in_axes, [0, 0])
    assert exp.error is None
    assert describe(exp)["loop_code"] is None


def test_a_hidden_output_rank_is_probed_once_for_all_levels(monkeypatch):
    import vmapwidget.exploration as exploration

    exp = explore(add, (X13, Y31), [(0, 0), (0, 0)], [0, 0])
    assert exp.error_level == 0 and not exp.plans[0].outputs
    calls = []
    monkeypatch.setattr(exploration, "explore", lambda *a: calls.append(a) or explore(*a))
    d = describe(exp)
    assert [s["known"] for s in d["selectors"] if s["kind"] == "out_axes"] == [False, False]
    describe(exp)
    assert len(calls) == 1


def test_inner_level_fault_is_reported_at_the_inner_level():
    exp = explore(sin_times, (jnp.arange(4.0), jnp.arange(3.0)), [(0, None), (None, 1)], [0, 0])
    assert (exp.error_level, exp.error_side, exp.error_args) == (1, "in_axes", (1,))
    d = describe(exp)
    assert d["levels"] == [] and d["call"] is None and d["outputs"] == []
    assert [leaf["axes"] for leaf in d["inputs"]] == [[0, None], [None, None]]
    with pytest.raises(ValueError):
        jax.vmap(jax.vmap(sin_times, (None, 1)), (0, None))(jnp.arange(4.0), jnp.arange(3.0))


def test_error_keeps_the_input_axes_that_explain_it():
    exp = explore(add, (X13, Y31), [(0, 0)], [1])
    assert exp.error_side == "in_axes" and exp.error_args == (1,)
    d = describe(exp)
    assert [leaf["axes"] for leaf in d["inputs"]] == [[0], [0]]
    assert [leaf["fault"] for leaf in d["inputs"]] == [False, True]
    assert d["loop_code"] is None


def test_function_error_is_shown():
    def broken(x):
        raise RuntimeError("boom")

    exp = explore(broken, (jnp.ones(3),), [0], [0])
    assert exp.error_side == "function" and "boom" in exp.error
    assert exp.result is None


@pytest.mark.parametrize("cells", [1, MAX_VALUE_CELLS])
def test_small_arrays_are_sent_with_values(cells):
    d = describe(explore(lambda x: x * 2, (jnp.arange(cells),), [0], [0]))
    assert d["inputs"][0]["values"] == [str(i) for i in range(cells)]
    assert d["outputs"][0]["values"] == [str(2 * i) for i in range(cells)]


def test_large_arrays_are_summarized_not_sent():
    d = describe(explore(lambda x: x * 2, (jnp.arange(MAX_VALUE_CELLS + 1),), [0], [0]))
    assert d["inputs"][0]["values"] is None and d["outputs"][0]["values"] is None
    huge = describe(explore(lambda x: x.sum(), (jnp.zeros((1000, 1000)),), [0], [0]))
    assert huge["inputs"][0]["shape"] == [1000, 1000]
    assert len(json.dumps(huge)) < 10_000


def test_selectors_offer_none_and_every_axis_with_negative_forms():
    d = describe(explore(add, (X13, jnp.arange(3)), [(1, 0)], [0]))
    ins = [s for s in d["selectors"] if s["kind"] == "in_axes"]
    assert [s["options"] for s in ins] == [[None, 0, 1, -2, -1], [None, 0, -1]]
    (out,) = [s for s in d["selectors"] if s["kind"] == "out_axes"]
    assert out["options"] == [None, 0, 1, -2, -1] and out["known"]


def test_scalar_arguments_can_only_be_passed_whole():
    d = describe(explore(lambda x, y: x * y, (3.0, jnp.arange(3)), [(None, 0)], [0]))
    assert d["selectors"][0]["options"] == [None]


def test_pytree_in_axes_are_read_only():
    args = ({"w": jnp.ones(3), "b": 2.0}, jnp.arange(3.0))
    d = describe(explore(lambda p, x: p["w"] * x, args, [({"w": 0, "b": None}, 0)], [0]))
    p_sel, x_sel = (s for s in d["selectors"] if s["kind"] == "in_axes")
    assert not p_sel["editable"] and p_sel["text"] == "{'w': 0, 'b': None}"
    assert x_sel["editable"] and x_sel["value"] == 0
    assert [leaf["path"] for leaf in d["inputs"]] == ["p['b']", "p['w']", "x"]


def test_unknown_output_rank_falls_back_to_known_choices():
    exp = explore(add, (X13, Y31), [(0, 0)], [1])
    (out,) = [s for s in describe(exp, [[None, 0, 1, -2, -1]])["selectors"] if s["name"] == "out"]
    assert out["options"] == [None, 0, 1, -2, -1] and not out["known"]
    (out,) = [s for s in describe(exp)["selectors"] if s["name"] == "out"]
    assert out["options"] == [None, 0, 1]


def test_call_unbatched_shows_the_dense_layer_error_and_the_einsum_result():
    failed = call_unbatched(dense_layer, INPUTS)
    assert failed["call"] == "dense_layer(x)"
    assert failed["error"].startswith("TypeError")
    with pytest.raises(TypeError):
        dense_layer(INPUTS)

    def einsum_layer(x):
        W = jnp.array([[0.2, 0.4], [0.9, 0.2]])
        return jnp.einsum("ij,bj->bi", W, x) + jnp.array([0.2, 0.3])

    ok = call_unbatched(einsum_layer, INPUTS)
    assert ok["error"] is None and ok["outputs"][0]["shape"] == [3, 2]
