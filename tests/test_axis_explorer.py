"""AxisExplorer: traits, every selector choice checked against real jax.vmap, and browser
messages validated (bad ones rejected, state kept)."""

from __future__ import annotations

import json
import logging

import jax
import jax.numpy as jnp
import numpy as np
import pytest
import traitlets
from helpers import custom, record_sent
from tutorial_functions import add, dense_layer, sin_times, times

from vmapwidget import InvalidWidgetValue
from vmapwidget.widgets.axis_explorer import AxisExplorer

INPUTS = jnp.array([[1.1, 1.2], [2.1, 2.2], [3.1, 3.2]])
X13 = jnp.array([[1, 2, 3]])
Y31 = jnp.array([[4], [5], [6]])

TUTORIAL = {
    "dense": (dense_layer, (INPUTS,), 0, 0),
    "zip (0, 0)": (add, (jnp.array([1, 2, 3]), jnp.array([4, 5, 6])), (0, 0), 0),
    "(1, 0) out 1": (add, (X13, Y31), (1, 0), 1),
    "(1, 0) out 0": (add, (X13, Y31), (1, 0), 0),
    "(None, 0)": (times, (3.0, jnp.array([3, 4, 5])), (None, 0), 0),
}


def choose(widget, kind, value, level=0, arg=None, request=1):
    message = {"type": "set_axis", "kind": kind, "level": level, "arg": arg, "value": value}
    custom(widget, {**message, "request": request})


def real_vmap(fun, args, in_axes, out_axes):
    try:
        return jax.vmap(fun, in_axes=in_axes, out_axes=out_axes)(*args), None
    except Exception as exc:  # any error jax raises for this choice
        return None, exc


def assert_agrees_with_jax(widget, fun, args, in_axes, out_axes):
    expected, exc = real_vmap(fun, args, in_axes, out_axes)
    if exc is not None:
        assert widget.result is None and widget.error, (in_axes, out_axes, exc)
        assert widget.diagram["error"] == widget.error and widget.diagram["outputs"] == []
        return
    assert widget.error == "", (in_axes, out_axes, widget.error)
    assert widget.plan.out_shapes == expected.shape
    np.testing.assert_allclose(widget.result, expected, rtol=1e-6)
    assert widget.diagram["outputs"][0]["shape"] == list(expected.shape)


def test_the_issue_example():
    w = AxisExplorer(add, X13, Y31, in_axes=(1, 0), out_axes=1)
    assert w.result.tolist() == [[5, 7, 9]]
    assert w.plan.batch_size == 3
    assert w.diagram["levels"] == [{"index": "b", "size": 3}]
    json.dumps(w.diagram)
    assert w.unbatched is None


@pytest.mark.parametrize("name", TUTORIAL)
def test_every_in_axes_choice_matches_jax(name):
    fun, args, in_axes, out_axes = TUTORIAL[name]
    w = AxisExplorer(fun, *args, in_axes=in_axes, out_axes=out_axes)
    sent = record_sent(w)
    n = len(args)
    start = tuple(in_axes) if isinstance(in_axes, tuple) else (in_axes,) * n
    for arg in range(n):
        options = next(
            s["options"]
            for s in w.diagram["selectors"]
            if s["kind"] == "in_axes" and s["arg"] == arg
        )
        rank = np.ndim(args[arg])
        assert options == [None, *range(rank), *range(-rank, 0)]
        for value in options:
            w.in_axes, w.out_axes = in_axes, out_axes
            choose(w, "in_axes", value, arg=arg)
            assert sent[-1] == {"type": "applied", "for": "axes", "request": 1}
            spec = start[:arg] + (value,) + start[arg + 1 :]
            expected_in = spec if n > 1 or isinstance(in_axes, tuple) else value
            assert w.in_axes == expected_in
            assert_agrees_with_jax(w, fun, args, spec, out_axes)


@pytest.mark.parametrize("name", TUTORIAL)
def test_every_out_axes_choice_matches_jax(name):
    fun, args, in_axes, out_axes = TUTORIAL[name]
    w = AxisExplorer(fun, *args, in_axes=in_axes, out_axes=out_axes)
    record_sent(w)
    (selector,) = (s for s in w.diagram["selectors"] if s["kind"] == "out_axes")
    rank = w.plan.outputs[0].shape.__len__()
    assert selector["options"] == [None, *range(rank), *range(-rank, 0)]
    for value in selector["options"]:
        w.out_axes = out_axes
        choose(w, "out_axes", value)
        assert w.out_axes == value
        assert_agrees_with_jax(w, fun, args, in_axes, value)


def test_python_side_traits_redraw():
    w = AxisExplorer(add, X13, Y31, in_axes=(1, 0), out_axes=1)
    w.out_axes = 0
    assert w.result.shape == (3, 1) and w.diagram["outputs"][0]["axes"] == [0]
    w.in_axes = [0, 0]
    assert w.in_axes == (0, 0)
    assert w.result is None and w.plan.error_args == (1,)
    assert [leaf["fault"] for leaf in w.diagram["inputs"]] == [False, True]
    w.set_axes(in_axes=(1, 0), out_axes=-1)
    assert w.result.shape == (1, 3)
    w.in_axes = (5, 0)
    assert "valid axes are 0…1" in w.error
    x_sel = w.diagram["selectors"][0]
    assert x_sel["value"] == 5 and 5 not in x_sel["options"]


def test_out_axes_choices_survive_an_error():
    w = AxisExplorer(add, X13, Y31, in_axes=(1, 0), out_axes=1)
    w.in_axes = (0, 0)
    (selector,) = (s for s in w.diagram["selectors"] if s["kind"] == "out_axes")
    assert selector["options"] == [None, 0, 1, -2, -1] and not selector["known"]


def test_out_axes_choices_are_remembered_in_python_not_in_the_synced_diagram():
    w = AxisExplorer(add, X13, Y31, in_axes=(1, 0), out_axes=1)
    w.diagram = {}
    w.in_axes = (0, 0)
    (selector,) = (s for s in w.diagram["selectors"] if s["kind"] == "out_axes")
    assert selector["options"] == [None, 0, 1, -2, -1] and not selector["known"]


def test_values_refused_from_python_raise_invalid_widget_value():
    w = AxisExplorer.nested(sin_times, jnp.arange(3.0), jnp.arange(2.0))
    with pytest.raises(InvalidWidgetValue, match="2 nested vmaps"):
        w.out_axes = 0
    formula = AxisExplorer("x * 2", jnp.arange(3.0))
    with pytest.raises(InvalidWidgetValue, match="built from a formula"):
        formula.formula = None
    with pytest.raises(InvalidWidgetValue, match="cells"):
        AxisExplorer(lambda x: x, np.zeros(2**24 + 1, np.uint8))


def test_error_is_a_str_empty_when_the_choice_works():
    w = AxisExplorer(add, X13, Y31, in_axes=(1, 0), out_axes=1)
    assert w.error == ""
    w.in_axes = (0, 0)
    assert isinstance(w.error, str) and "different sizes" in w.error


@pytest.mark.parametrize(
    "message",
    [
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": 2},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": -3},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": True},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": 1.0},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": "1"},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 0, "value": [1]},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": 2, "value": 0},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": -1, "value": 0},
        {"type": "set_axis", "kind": "in_axes", "level": 0, "arg": "0", "value": 0},
        {"type": "set_axis", "kind": "in_axes", "level": 1, "arg": 0, "value": 0},
        {"type": "set_axis", "kind": "in_axes", "level": False, "arg": 0, "value": 0},
        {"type": "set_axis", "kind": "out_axes", "level": 0, "arg": None, "value": 2},
        {"type": "set_axis", "kind": "out_axes", "level": 0, "arg": 0, "value": 0},
        {"type": "set_axis", "kind": "diagram", "level": 0, "arg": None, "value": 0},
        {"type": "set_step", "step": 10**9},
        {"type": "set_axis"},
        "in_axes=0",
        None,
    ],
)
def test_bad_browser_messages_are_rejected_and_state_is_kept(message, caplog):
    w = AxisExplorer(add, X13, Y31, in_axes=(1, 0), out_axes=1)
    sent = record_sent(w)
    before = (w.in_axes, w.out_axes, json.dumps(w.diagram))
    with caplog.at_level(logging.WARNING, logger="vmapwidget.widgets.axis_explorer"):
        custom(w, message)
    assert (w.in_axes, w.out_axes, json.dumps(w.diagram)) == before
    assert sent[-1]["type"] == "rejected" and sent[-1]["request"] is None
    assert "ignored a message from the browser" in caplog.text


def test_request_number_is_echoed_only_when_it_is_an_int():
    w = AxisExplorer(add, X13, Y31, in_axes=(1, 0), out_axes=1)
    sent = record_sent(w)
    choose(w, "out_axes", 0, request=7)
    assert sent[-1] == {"type": "applied", "for": "axes", "request": 7}
    choose(w, "out_axes", 1, request="<script>")
    assert sent[-1] == {"type": "applied", "for": "axes", "request": None}


def test_dense_layer_shows_what_happens_without_vmap():
    w = AxisExplorer(dense_layer, INPUTS)
    assert w.unbatched["call"] == "dense_layer(x)"
    assert w.unbatched["error"].startswith("TypeError")
    np.testing.assert_allclose(w.result, jax.vmap(dense_layer)(INPUTS))
    assert w.diagram["outputs"][0]["values"][:2] == ["0.9", "1.53"]


def test_function_that_raises_shows_its_error():
    def broken(x):
        raise ValueError("no good")

    w = AxisExplorer(broken, jnp.ones(3))
    assert "no good" in w.error and w.result is None
    assert "no good" in w.unbatched["error"]


def test_pytree_in_axes_keep_selectors_for_plain_arguments_only():
    params = {"w": jnp.arange(3.0), "b": 2.0}
    w = AxisExplorer(
        lambda p, x: p["w"] * x + p["b"], params, jnp.arange(3.0), in_axes=({"w": 0, "b": None}, 0)
    )
    sent = record_sent(w)
    np.testing.assert_allclose(w.result, jnp.arange(3.0) ** 2 + 2.0)
    choose(w, "in_axes", None, arg=0)
    assert sent[-1]["type"] == "rejected"
    choose(w, "in_axes", None, arg=1)
    assert sent[-1]["type"] == "applied"
    assert w.in_axes == ({"w": 0, "b": None}, None)
    assert w.result.shape == (3, 3)


def test_nested_grid_and_its_selectors():
    x, y = jnp.linspace(-5, 5, 4), jnp.linspace(-2, 2, 3)
    w = AxisExplorer.nested(sin_times, x, y)
    sent = record_sent(w)
    grid = jax.vmap(jax.vmap(sin_times, in_axes=(None, 0)), in_axes=(0, None))(x, y)
    np.testing.assert_allclose(w.result, grid)
    assert len(w.plans) == 2 and w.plan.out_shapes == (4, 3)
    choose(w, "out_axes", 1, level=0)
    assert sent[-1]["type"] == "applied" and w.out_axes == (1, 0)
    np.testing.assert_allclose(w.result, grid.T)
    choose(w, "in_axes", 0, level=1, arg=0)
    assert w.in_axes == ((0, None), (0, 0))
    assert w.diagram["error_level"] == 1 and w.diagram["error_side"] == "in_axes"
    with pytest.raises(ValueError):
        jax.vmap(jax.vmap(sin_times, in_axes=(0, 0)), in_axes=(0, None))(x, y)
    with pytest.raises(traitlets.TraitError):
        w.in_axes = (0, None, 0)
    with pytest.raises(traitlets.TraitError):
        w.out_axes = 0
    assert w.in_axes == ((0, None), (0, 0))


def test_needs_an_argument():
    with pytest.raises(TypeError):
        AxisExplorer(lambda: 1.0)


def test_keyword_arguments_and_axis_names_pass_through():
    def centre(x, *, w):
        return x * w - jax.lax.pmean(x * w, "i")

    x, w = jnp.arange(6.0).reshape(3, 2), jnp.arange(3.0)[:, None] * jnp.ones((3, 2))
    e = AxisExplorer(centre, x, w=w, axis_name="i")
    np.testing.assert_allclose(e.result, jax.vmap(centre, axis_name="i")(x, w=w))
    assert e.plan.kwarg_names == ("w",) and e.plan.axis_name == "i"
    assert [(leaf["path"], leaf["axes"]) for leaf in e.diagram["inputs"]] == [
        ("x", [0]),
        ("w", [0]),
    ]
    assert e.diagram["inputs"][1]["keyword"]
    assert [(c["name"], c["axis_names"]) for c in e.diagram["collectives"]] == [("psum", ["i"])]
    assert "w=w" in e.diagram["jax_code"] and "axis_name='i'" in e.diagram["jax_code"]
    assert e.diagram["loop_code"] == e.plan.loop_code is not None


def test_axis_size_without_a_mapped_argument():
    e = AxisExplorer(lambda a: a + 1, jnp.arange(2.0), in_axes=None, axis_size=3)
    real = jax.vmap(lambda a: a + 1, in_axes=None, axis_size=3)(jnp.arange(2.0))
    np.testing.assert_allclose(e.result, real)
    e.set_axes(in_axes=0)
    assert e.result is None and e.plan.error_side == "axis_size"


def test_nested_explorer_refuses_single_vmap_options():
    with pytest.raises(TypeError):
        AxisExplorer(lambda x: x, jnp.ones((2, 2)), axis_name="i", _depth=2)
