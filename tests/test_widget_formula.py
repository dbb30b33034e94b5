"""Formula entry in the widgets, user-code faults and resource bounds (no browser).

Browser messages go through ipywidgets' own entry point, ``Widget._handle_msg``, exactly as
the comm delivers them (tests/helpers.py).
"""

from __future__ import annotations

import logging
import time

import jax.numpy as jnp
import numpy as np
import psutil
import pytest
from helpers import custom, record_sent, update_state
from helpers import request as send_request

from vmapwidget import AxisExplorer, FormulaError, GridExplorer, GridFunctionError
from vmapwidget.kernels import MAX_RESOLUTION
from vmapwidget.widgets.axis_explorer import MAX_ARGUMENT_CELLS, formula_names

N = 24


def numpy_grid(fun, x_range=(-5, 5), y_range=(-2, 2), n=N):
    x = np.linspace(*x_range, n, dtype=np.float32)
    y = np.linspace(*y_range, n, dtype=np.float32)
    xx, yy = np.meshgrid(x, y, indexing="ij")
    return fun(xx, yy)


def make(formula="sin(a*x) * y", **kwargs) -> GridExplorer:
    options = {"x": (-5, 5), "y": (-2, 2), "resolution": N, "a": (0.1, 3.0, 1.0)}
    return GridExplorer(formula, **{**options, **kwargs})


@pytest.fixture
def warnings(caplog):
    caplog.set_level(logging.WARNING, logger="vmapwidget")
    return caplog


# -- formula strings --------------------------------------------------------------------------


def test_formula_string_draws_like_the_function():
    w = make()
    assert w.formula == "sin(a*x) * y" and not w.editable_formula
    expected = numpy_grid(lambda x, y: np.sin(np.float32(1.0) * x) * y)
    np.testing.assert_allclose(w.grid, expected, atol=1e-5)
    assert [s["name"] for s in w._specs] == ["a"] and w._axis_names == ("x", "y")


def test_formula_with_an_undeclared_name_is_refused_at_its_column():
    with pytest.raises(FormulaError, match="unknown name 'b' at column 12") as info:
        make("sin(a*x) + b")
    assert info.value.column == 12


def test_python_formula_setter_compiles_once_and_sliders_do_not_recompile():
    w = make()
    w.formula = "cos(a*x) + y"
    assert w.stats["compiles"] == 2
    for k, a in enumerate(np.linspace(0.1, 3.0, 20)):
        send_request(w, k + 1, params={"a": float(a)}, x_range=(-4.0, 4.0 + k / 10))
    assert w.stats["compiles"] == 2
    expected = numpy_grid(lambda x, y: np.cos(np.float32(3.0) * x) + y, (-4, 5.9))
    np.testing.assert_allclose(w.grid, expected, atol=1e-5)


def test_bad_python_formula_raises_and_changes_nothing():
    w = make()
    before = w.grid.copy()
    with pytest.raises(FormulaError, match="at column 4"):
        w.formula = "x +"
    assert w.formula == "sin(a*x) * y"
    np.testing.assert_array_equal(w.grid, before)


def test_formula_none_restores_the_python_function_but_not_for_a_formula_widget():
    w = GridExplorer(lambda x, y: x * y, resolution=8)
    assert w.formula is None
    w.formula = "x + y"
    np.testing.assert_allclose(w.grid, numpy_grid(np.add, (-1, 1), (-1, 1), 8), atol=1e-6)
    w.formula = None
    np.testing.assert_allclose(w.grid, numpy_grid(np.multiply, (-1, 1), (-1, 1), 8), atol=1e-6)
    with pytest.raises(ValueError, match="built from a formula"):
        make().formula = None


def test_visitor_edit_compiles_once_then_sliders_reuse_it():
    w = make(editable_formula=True)
    send_request(w, 1, formula="a * x + y")
    assert (w.formula, w.error, w.stats["compiles"]) == ("a * x + y", "", 2)
    for seq in range(2, 30):
        send_request(w, seq, params={"a": 0.1 + seq / 10})
    assert w.stats["compiles"] == 2
    np.testing.assert_allclose(
        w.grid, numpy_grid(lambda x, y: np.float32(3.0) * x + y), rtol=1e-5, atol=1e-5
    )


def test_visitor_bad_formula_shows_the_column_and_keeps_the_picture(warnings):
    w = make(editable_formula=True)
    before = w.grid.copy()
    send_request(w, 1, formula="__import__('os')")
    assert w.error == "formula: unknown function '__import__' at column 1"
    assert w._status["formula_column"] == 1 and w._status["seq"] == 1
    assert w.formula == "sin(a*x) * y" and w.stats["compiles"] == 1
    np.testing.assert_array_equal(w.grid, before)
    assert "refused a formula" in warnings.text
    send_request(w, 2, formula="x - y")
    assert w.error == "" and "formula_column" not in w._status
    np.testing.assert_allclose(w.grid, numpy_grid(np.subtract), atol=1e-6)


def test_formula_edit_is_refused_when_not_editable(warnings):
    w = make()
    send_request(w, 1, formula="x")
    assert w.formula == "sin(a*x) * y" and "not editable" in w.error
    assert "not editable" in warnings.text


@pytest.mark.parametrize("text", [None, 3, ["x"], "x" * 10**6])
def test_formula_edit_of_the_wrong_type_or_size_is_refused(warnings, text):
    w = make(editable_formula=True)
    send_request(w, 1, formula=text)
    # The parser's own error comes through, with the column it marks (issue 12).
    assert w.formula == "sin(a*x) * y" and w.error.startswith("formula: ")
    assert isinstance(w._status["formula_column"], int)
    assert len(w.error) < 400


def test_visitor_cannot_write_formula_or_editable_traits(warnings):
    w = make()
    state = {"formula": "x", "editable_formula": True}
    update_state(w, state)
    assert (w.formula, w.editable_formula) == ("sin(a*x) * y", False)
    assert "ignored browser writes" in warnings.text


def test_axis_explorer_takes_an_elementwise_formula():
    x, y = jnp.arange(3.0), jnp.arange(6.0).reshape(2, 3)
    w = AxisExplorer("x * y + 1", x, y, in_axes=(None, 0))
    np.testing.assert_allclose(w.result, np.arange(3.0) * np.arange(6.0).reshape(2, 3) + 1)
    assert formula_names(1) == ["x"] and formula_names(5)[-1] == "x5"
    with pytest.raises(FormulaError, match="unknown name 'z'"):
        AxisExplorer("x + z", x, y)


def test_axis_explorer_formula_set_from_python_redraws_or_raises():
    x, y = jnp.arange(3.0), jnp.arange(3.0) + 1
    w = AxisExplorer("x * y", x, y)
    w.formula = "x + y + 1"
    np.testing.assert_allclose(w.result, np.arange(3.0) + np.arange(3.0) + 2)
    assert w.diagram["outputs"][0]["values"] == ["2", "4", "6"]
    with pytest.raises(FormulaError) as refused:
        w.formula = "x +* y"
    assert refused.value.column == 4
    assert w.formula == "x + y + 1" and w.diagram["outputs"][0]["values"] == ["2", "4", "6"]
    with pytest.raises(ValueError, match="built from a formula"):
        w.formula = None
    assert w.formula == "x + y + 1"
    with pytest.raises(FormulaError, match="longer than 500") as refused:
        w.formula = "x" * 501
    assert refused.value.column == 501 and w.formula == "x + y + 1"


def test_axis_explorer_formula_replaces_a_function_and_goes_back():
    x = jnp.arange(3.0)
    w = AxisExplorer(lambda x: x * 2, x)
    assert w.formula is None and w._formula_names == ["x"]
    w.formula = "x + 10"
    np.testing.assert_allclose(w.result, np.arange(3.0) + 10)
    assert w.unbatched["outputs"][0]["values"] == ["10", "11", "12"]
    w.formula = None
    np.testing.assert_allclose(w.result, np.arange(3.0) * 2)


def test_axis_explorer_formula_from_the_browser_only_when_editable(caplog):
    x, y = jnp.arange(3.0), jnp.arange(3.0)
    locked = AxisExplorer("x * y", x, y)
    sent = record_sent(locked)
    with caplog.at_level(logging.WARNING, logger="vmapwidget.widgets.axis_explorer"):
        custom(locked, {"type": "set_formula", "text": "x - y", "request": 3})
    assert locked.formula == "x * y"
    assert sent[-1]["type"] == "rejected" and "not editable" in sent[-1]["reason"]
    w = AxisExplorer("x * y", x, y, editable_formula=True)
    sent = record_sent(w)
    custom(w, {"type": "set_formula", "text": "x - y + 5", "request": 4})
    assert sent[-1] == {"type": "applied", "for": "formula", "request": 4}
    np.testing.assert_allclose(w.result, np.full(3, 5.0))
    bad_formulas = (("x +* y", 4), ("__import__('os')", 1), ("x" * 501, 501), (7, None))
    for request, (bad, column) in enumerate(bad_formulas, start=10):
        custom(w, {"type": "set_formula", "text": bad, "request": request})
        assert sent[-1]["request"] == request
        assert sent[-1]["type"] == "rejected" and sent[-1]["for"] == "formula"
        assert sent[-1]["column"] == column and len(sent[-1]["reason"]) < 300
        assert w.formula == "x - y + 5"
    custom(w, {"type": "set_formula", "text": "x @ y", "request": 6})
    assert sent[-1]["type"] == "rejected"


def test_axis_explorer_formula_that_fails_under_vmap_shows_the_error():
    x, y = jnp.ones((3, 2)), jnp.ones(4)
    w = AxisExplorer("x + y", x, y, in_axes=(0, None), editable_formula=True)
    assert w.result is None and "(2,)" in w.error and "(4,)" in w.error
    custom(w, {"type": "set_formula", "text": "x * 2", "request": 1})
    assert w.error == "" and w.result.shape == (3, 2)


# -- user code faults -------------------------------------------------------------------------


def test_function_raising_at_construction_raises():
    def broken(x, y):
        raise RuntimeError("boom")

    with pytest.raises(GridFunctionError, match=r"RuntimeError.*boom"):
        GridExplorer(broken, resolution=8)


def test_complex_result_is_refused_with_a_message():
    with pytest.raises(GridFunctionError, match="complex"):
        GridExplorer(lambda x, y: x + 1j * y, resolution=8)


@pytest.mark.parametrize(
    ("fun", "expected"),
    [
        (lambda x, y: (x > y).astype(jnp.int32), lambda x, y: (x > y).astype(np.float32)),
        (lambda x, y: x > y, lambda x, y: (x > y).astype(np.float32)),
    ],
    ids=["int", "bool"],
)
def test_int_and_bool_results_are_drawn_as_floats(fun, expected):
    w = GridExplorer(fun, resolution=8)
    assert w.grid.dtype == np.float32
    np.testing.assert_array_equal(
        w.grid, expected(*np.meshgrid(*[np.linspace(-1, 1, 8)] * 2, indexing="ij"))
    )


def test_nan_everywhere_is_drawn_as_no_value():
    w = make("log(-1 - x*x) + a")
    assert np.isnan(w.grid).all() and w.stats["nonfinite"] == N * N
    assert w._frame_meta["nonfinite"] == N * N and w.error == ""
    assert set(w._mask) == {1}


def test_edit_that_fails_on_the_grid_keeps_the_last_function(warnings):
    w = GridExplorer(lambda x, y, a: x * a, resolution=8, a=(0, 1))
    before = w.grid.copy()
    w.editable_formula = True
    send_request(w, 1, formula="sqrt(x) + a")
    assert w.error == "" and np.isnan(w.grid).any()
    send_request(w, 2, formula="x +* a")
    assert w.error.startswith("formula: invalid syntax at column")
    w.formula = None
    np.testing.assert_array_equal(w.grid, before)


# -- resource bounds --------------------------------------------------------------------------


def test_huge_resolution_from_the_browser_is_refused_before_allocating(warnings):
    w = make()
    rss = psutil.Process().memory_info().rss
    start = time.perf_counter()
    send_request(w, 1, resolution=10**9)
    send_request(w, 2, resolution=MAX_RESOLUTION + 1)
    elapsed = time.perf_counter() - start
    assert elapsed < 0.5 and psutil.Process().memory_info().rss - rss < 20 * 2**20
    assert w.resolution == N and f"between 1 and {MAX_RESOLUTION}" in w.error
    assert "ignored invalid values" in warnings.text


def test_huge_resolution_from_python_is_refused():
    with pytest.raises(ValueError, match="resolution"):
        make(resolution=10**9)


def test_axis_explorer_refuses_too_many_cells():
    big = np.zeros(MAX_ARGUMENT_CELLS + 1, np.uint8)
    with pytest.raises(ValueError, match="cells"):
        AxisExplorer(lambda x: x, big)
