"""GridKernel against NumPy's meshgrid evaluation, its compile counting and its errors."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np
import pytest
from tutorial_functions import wave

from vmapwidget.cost_meter import CostMeter
from vmapwidget.kernels import (
    MAX_RESOLUTION,
    GridFunctionError,
    GridKernel,
    check_range,
    check_resolution,
    grid_axis,
)


def test_grid_matches_numpy_meshgrid():
    kernel = GridKernel(wave, ["a"])
    result = kernel.evaluate((-5, 5), (-2, 2), (40, 30), {"a": 1.5})
    gx, gy = np.meshgrid(result.x, result.y, indexing="ij")
    np.testing.assert_allclose(result.values, np.sin(1.5 * gx) * gy, atol=1e-5)
    assert result.values.shape == (40, 30)
    assert result.values.dtype == np.float32
    assert result.nonfinite == 0


def test_parameters_and_ranges_never_recompile():
    kernel = GridKernel(wave, ["a"])
    for a in [1, 2.5, np.float64(0.3), np.int64(2), True + 0.5]:
        kernel.evaluate((-1, 1), (0, a + 1), 32, {"a": a})
    assert kernel.compiles == 1
    kernel.evaluate((-1, 1), (0, 1), 64, [1.0])
    assert kernel.compiles == 2
    kernel.evaluate((-3, 3), (0, 9), 32, [0.1])
    assert kernel.compiles == 2


def test_cache_is_bounded_and_evicts_least_recent():
    kernel = GridKernel(wave, ["a"], cache_size=2)
    for n in (8, 9, 10, 8):
        kernel.evaluate((0, 1), (0, 1), n, [1.0])
    assert kernel.compiles == 4
    kernel.evaluate((0, 1), (0, 1), 10, [1.0])
    assert kernel.compiles == 4


def test_call_on_explicit_axes_returns_len_x_by_len_y():
    kernel = GridKernel(lambda x, y: x * 10 + y)
    values = kernel(np.array([0.0, 1.0, 2.0]), np.array([5.0, 6.0]))
    np.testing.assert_array_equal(values, [[5, 6], [15, 16], [25, 26]])
    assert kernel.last_run_ms >= 0
    assert kernel.last_compile_ms > 0


def test_nonfinite_cells_are_counted_not_hidden():
    kernel = GridKernel(lambda x, y: jnp.log(x) + y)
    result = kernel.evaluate((-1, 1), (0, 1), 11)
    assert result.nonfinite == int(np.sum(~np.isfinite(result.values))) > 0
    low, high = result.finite_range
    assert np.isfinite(low) and np.isfinite(high)


def test_all_nan_grid_has_no_finite_range():
    result = GridKernel(lambda x, y: x * jnp.nan).evaluate((0, 1), (0, 1), 4)
    assert result.nonfinite == 16
    assert result.finite_range is None


def test_integer_and_boolean_results_become_float32():
    ints = GridKernel(lambda x, y: (x > y).astype(jnp.int32)).evaluate((0, 1), (0, 1), 3)
    bools = GridKernel(lambda x, y: x > y).evaluate((0, 1), (0, 1), 3)
    assert ints.values.dtype == bools.values.dtype == np.float32
    np.testing.assert_array_equal(ints.values, bools.values)


def test_function_that_raises_gives_a_clear_error():
    def broken(x, y):
        raise RuntimeError("boom")

    with pytest.raises(GridFunctionError, match=r"f raised RuntimeError .*boom"):
        GridKernel(broken)


def test_non_scalar_output_is_refused():
    with pytest.raises(GridFunctionError, match=r"one number per point.*shape \(2,\)"):
        GridKernel(lambda x, y: jnp.stack([x, y]))
    with pytest.raises(GridFunctionError, match="one number per point"):
        GridKernel(lambda x, y: (x, y))


def test_complex_output_is_refused():
    with pytest.raises(GridFunctionError, match="complex"):
        GridKernel(lambda x, y: x + 1j * y)


def test_wrong_number_of_parameters_is_a_trace_error():
    with pytest.raises(GridFunctionError, match="TypeError"):
        GridKernel(wave, [])


@pytest.mark.parametrize(
    ("bounds", "message"),
    [
        ((1, 1), "lo < hi"),
        ((2, 1), "lo < hi"),
        ((0, float("nan")), "finite"),
        ((0, float("inf")), "finite"),
        ((0, 1e300), "within"),
        (("0", 1), "real number"),
        ((0, 1, 2), "pair"),
        ("ab", "pair"),
        ((1e7, 1e7 + 0.1), "float32"),
    ],
)
def test_check_range_refuses_bad_ranges(bounds, message):
    with pytest.raises(ValueError, match=message):
        check_range(bounds, "x range")


@pytest.mark.parametrize("resolution", [0, -3, MAX_RESOLUTION + 1, 2.5, "64", True, None])
def test_check_resolution_refuses_bad_values(resolution):
    with pytest.raises(ValueError, match="resolution"):
        check_resolution(resolution)


def test_check_resolution_accepts_bounds():
    assert check_resolution(1) == 1
    assert check_resolution(np.int64(MAX_RESOLUTION)) == MAX_RESOLUTION


def test_parameter_values_are_validated():
    kernel = GridKernel(wave, ["a"])
    with pytest.raises(ValueError, match="finite"):
        kernel.evaluate((0, 1), (0, 1), 4, {"a": float("nan")})
    with pytest.raises(ValueError, match="missing"):
        kernel.evaluate((0, 1), (0, 1), 4, {"b": 1.0})
    with pytest.raises(ValueError, match="real number"):
        kernel.evaluate((0, 1), (0, 1), 4, {"a": "1"})
    assert kernel.compiles == 0


def test_single_point_axis_is_the_midpoint():
    np.testing.assert_array_equal(grid_axis((0.0, 2.0), 1), [1.0])
    np.testing.assert_allclose(grid_axis((0.0, 1.0), 3), [0, 0.5, 1])


def test_huge_integers_are_refused_not_overflowing():
    with pytest.raises(ValueError, match="too large"):
        check_range((0, 10**400), "x range")
    with pytest.raises(ValueError, match="too large"):
        GridKernel(wave, ["a"]).evaluate((0, 1), (0, 1), 4, {"a": 10**400})


def test_a_tile_near_a_compiled_one_reuses_it_instead_of_compiling():
    kernel = GridKernel(lambda x, y: jnp.sin(x) * y)
    assert kernel.tile_shape(256, 256, 64 * 256) == (64, 256)
    compiles = kernel.compiles
    assert kernel.tile_shape(256, 256, 32 * 256) == (64, 256)  # half the rows: 64 is compiled
    assert kernel.tile_shape(256, 256, 128 * 256) == (64, 256)  # twice: the same
    assert kernel.compiles == compiles
    assert kernel.tile_shape(256, 256, 16 * 256) == (64, 256)  # a quarter: still 64
    assert kernel.compiles == compiles
    assert kernel.tile_shape(256, 256, 8 * 256) == (8, 256)  # far from it: its own shape
    assert kernel.tile_shape(256, 256, 4 * 256) == (8, 256)  # half of 8: 8, the nearest
    assert kernel.tile_shape(256, 256) == (256, 256)  # the whole grid is never a neighbour
    x, y = np.linspace(-1, 1, 100, dtype=np.float32), np.linspace(0, 1, 256, dtype=np.float32)
    block = kernel.run_tile(x[:64], y, [], (64, 256))
    np.testing.assert_allclose(block, np.sin(x[:64, None]) * y[None, :], atol=1e-6)


def test_the_cost_per_cell_ignores_a_few_slow_runs_but_follows_a_lasting_change():
    meter = CostMeter(window=9)
    assert meter.per_cell_ms is None
    for _ in range(9):
        meter.add(15.0, 1000)
    for _ in range(4):  # tiles slowed by a busy machine, four of the last nine
        meter.add(55.0, 1000)
    assert meter.per_cell_ms == pytest.approx(0.015)
    meter.add(55.0, 1000)  # slow runs are now most of the window: the machine is slower
    assert meter.per_cell_ms == pytest.approx(0.055)


def test_the_cost_per_cell_is_the_largest_recent_calls_not_a_burst_of_small_ones():
    meter = CostMeter(window=9, recent=32)
    for _ in range(3):
        meter.add(10.0, 64 * 1024)  # full-resolution tiles
    for _ in range(20):  # a burst: coarse 128² calls, three times the cost per cell
        meter.add(5.0, 128 * 128)
    assert meter.per_cell_ms == pytest.approx(10.0 / (64 * 1024))
    for _ in range(32):  # the tiles are no longer among the recent calls
        meter.add(5.0, 128 * 128)
    assert meter.per_cell_ms == pytest.approx(5.0 / (128 * 128))
    for cells in range(1, 200):  # many shapes: only the recent ones are kept
        meter.add(1.0, cells)
    assert len(meter.by_cells) <= 33
