"""The evaluator alone: plans, tiles, levels, latest wins and the memory budget, no widget."""

from __future__ import annotations

import itertools

import jax.numpy as jnp
import numpy as np
import pytest
from tutorial_functions import numpy_wave as numpy_wave_grid
from tutorial_functions import wave

from vmapwidget.errors import MemoryBudgetError
from vmapwidget.grid_evaluator import GridEvaluator, _paint, _upsampled, plan_levels
from vmapwidget.grid_state import GridState
from vmapwidget.kernels import GridKernel, working_memory

STATE = GridState({"a": 1.0}, (-5.0, 5.0), (-2.0, 2.0), 64)


def numpy_wave(state: GridState) -> np.ndarray:
    return numpy_wave_grid(state.x_range, state.y_range, state.resolution, state.params["a"])


RAMP = np.linspace(0.0, 1.0, 16384, dtype=np.float32)


def heavy(x, y, a):
    """64 KiB or more of working memory per point: a sort materialises its 16384 values."""
    return jnp.sort(jnp.sin(a * x * RAMP + y))[4096]


def numpy_heavy(state: GridState) -> np.ndarray:
    xs = np.linspace(*state.x_range, state.resolution, dtype=np.float32)
    ys = np.linspace(*state.y_range, state.resolution, dtype=np.float32)
    a = np.float32(state.params["a"])
    return np.array([[np.sort(np.sin(a * x * RAMP + y))[4096] for y in ys] for x in xs])


def run_all(evaluator: GridEvaluator) -> list:
    frames = []
    while (unit := evaluator.next_unit()) is not None:
        block, ms = evaluator.compute(unit, evaluator.params)
        frame = evaluator.accept(unit, block, ms)
        if frame is not None:
            frames.append(frame)
    return frames


def test_a_cheap_function_is_one_call_per_frame():
    kernel = GridKernel(wave, ["a"])
    evaluator = GridEvaluator(kernel)
    frame = evaluator.evaluate(STATE)
    assert evaluator.units_total == 0 and frame.final and frame.levels == 1
    evaluator.start(STATE)
    assert evaluator.units_total == 1
    np.testing.assert_allclose(frame.values, numpy_wave(STATE), atol=1e-5)
    assert kernel.compiles == 1


def test_memory_budget_splits_the_grid_into_tiles_that_fit():
    budget = 2 << 20
    kernel = GridKernel(heavy, ["a"], memory_budget=budget)
    state = GridState({"a": 1.3}, (-1.0, 1.0), (-1.0, 1.0), 24)
    frame = GridEvaluator(kernel, frame_budget_ms=None).evaluate(state)
    tile = kernel.tile_shape(24, 24)
    assert tile[0] * tile[1] < 24 * 24
    executable, _ = kernel.executable(*tile)
    assert 0 < working_memory(executable) <= budget
    whole, _ = kernel.executable(24, 24)
    assert working_memory(whole) > budget  # the whole grid at once would not fit
    np.testing.assert_allclose(frame.values, numpy_heavy(state), atol=1e-5)


def test_a_point_larger_than_the_budget_is_refused_with_the_figure():
    def huge(x, y):  # sorts 2**20 values per point: 4 MiB
        return jnp.sort(jnp.sin(jnp.arange(1 << 20) * x))[7] * y

    kernel = GridKernel(huge, memory_budget=1 << 20)
    with pytest.raises(MemoryBudgetError, match=r"MiB of working memory for one grid point"):
        GridEvaluator(kernel).evaluate(GridState({}, (-1.0, 1.0), (-1.0, 1.0), 8))


def test_plan_levels_go_coarse_first_when_a_frame_would_be_slow():
    assert plan_levels(1024, None, 30) == [1024]
    assert plan_levels(64, 1e-3, 30) == [64]
    assert plan_levels(64, 0.05, 30) == [8, 64]  # 205 ms in all: no intermediate level
    assert plan_levels(256, 0.05, 30) == [8, 32, 128, 256]  # 3.3 s: every fourfold level
    levels = plan_levels(2048, 1e-4, 30)
    assert levels[-1] == 2048 and levels[0] ** 2 * 1e-4 <= 30
    assert all(b == 4 * a for a, b in itertools.pairwise(levels[:-1]))


class FixedCost:
    """A cost meter that believes one figure, whatever the runs measure."""

    def __init__(self, per_cell_ms: float) -> None:
        self.per_cell_ms = per_cell_ms

    def add(self, run_ms: float, cells: int) -> None:
        pass


def believe(kernel: GridKernel, per_cell_ms: float) -> None:
    """Make ``kernel`` plan for ``per_cell_ms`` per cell, whatever its runs measure."""
    kernel._cost = FixedCost(per_cell_ms)


def slow_evaluator(state: GridState = STATE, frame_interval_ms: float = 0) -> GridEvaluator:
    """An evaluator that believes each cell costs 0.05 ms: 64² goes progressive (a frame
    for every finished row of tiles, unless ``frame_interval_ms`` says otherwise)."""
    kernel = GridKernel(wave, ["a"])
    kernel.evaluate(state.x_range, state.y_range, 8, state.params)
    believe(kernel, 0.05)
    return GridEvaluator(kernel, frame_budget_ms=30, frame_interval_ms=frame_interval_ms)


def test_frames_within_a_level_are_spaced_but_every_level_and_the_final_one_go_out():
    evaluator = slow_evaluator(frame_interval_ms=1e9)
    evaluator.start(STATE)
    units = evaluator.units_total
    frames = run_all(evaluator)
    # 8² (one call), 64² in tiles: the first frame, then only the finished 64² level
    assert [f.level_resolution for f in frames] == [8, 64] and units > 2
    assert frames[-1].final
    np.testing.assert_allclose(frames[-1].values, numpy_wave(STATE), atol=1e-5)


def test_progressive_frames_refine_and_end_at_full_resolution():
    evaluator = slow_evaluator()
    evaluator.start(STATE)
    frames = run_all(evaluator)
    assert frames[0].level_resolution == 8
    assert frames[-1].final and frames[-1].level_resolution == 64
    assert [f.final for f in frames].count(True) == 1
    dones = [f.done for f in frames]
    assert dones == sorted(dones) and dones[-1] == 1.0
    assert all(f.values.shape == (64, 64) for f in frames)
    np.testing.assert_allclose(frames[-1].values, numpy_wave(STATE), atol=1e-5)
    # every tile of the last level fits the frame budget; the coarse level is one call
    assert len(frames) > 3
    # a coarse frame shows the coarse values, upsampled, everywhere
    assert np.isfinite(frames[0].values).all()


@pytest.mark.parametrize("m, n", [(8, 64), (128, 1024), (3, 7), (5, 5), (48, 64)])
def test_a_coarser_grid_is_upsampled_by_nearest_cell(m, n):
    values = np.random.default_rng(m * n).random((m, m)).astype(np.float32)
    painted = np.full((n, n), np.nan, np.float32)
    _paint(painted, values, None)
    reference = np.array([[values[i * m // n, j * m // n] for j in range(n)] for i in range(n)])
    np.testing.assert_array_equal(_upsampled(values, n), reference)
    np.testing.assert_array_equal(painted, reference)
    rows = np.arange(0, m, 2)  # some rows of the coarse grid: only the fine rows they cover
    partial = np.full((n, n), np.nan, np.float32)
    _paint(partial, values, rows)
    covered = np.isin(np.arange(n) * m // n, rows)
    np.testing.assert_array_equal(partial[covered], reference[covered])
    assert np.isnan(partial[~covered]).all()


def test_a_coarse_frame_is_the_coarse_level_repeated():
    evaluator = slow_evaluator()
    evaluator.start(STATE)
    first = run_all(evaluator)[0]
    m = first.level_resolution
    coarse = numpy_wave(GridState(STATE.params, STATE.x_range, STATE.y_range, m))
    k = STATE.resolution // m
    np.testing.assert_allclose(first.values, np.kron(coarse, np.ones((k, k))), atol=1e-5)


def test_a_newer_start_drops_the_stale_evaluation():
    evaluator = slow_evaluator()
    evaluator.start(STATE)
    stale = evaluator.next_unit()
    block, ms = evaluator.compute(stale, evaluator.params)
    newer = GridState({"a": 2.0}, STATE.x_range, STATE.y_range, 64)
    evaluator.start(newer)
    assert evaluator.accept(stale, block, ms) is None  # superseded: no frame from it
    frames = run_all(evaluator)
    assert all(f.state == newer for f in frames) and frames[-1].final
    np.testing.assert_allclose(frames[-1].values, numpy_wave(newer), atol=1e-5)


def test_cancel_ends_the_evaluation_and_hands_out_nothing_more():
    evaluator = slow_evaluator()
    evaluator.start(STATE)
    unit = evaluator.next_unit()
    block, ms = evaluator.compute(unit, evaluator.params)
    first = evaluator.accept(unit, block, ms)
    assert first is not None and not first.final
    unit = evaluator.next_unit()
    block, ms = evaluator.compute(unit, evaluator.params)
    evaluator.cancel()
    assert evaluator.accept(unit, block, ms) is None
    assert not evaluator.busy and evaluator.next_unit() is None


def test_a_unit_is_accepted_once_and_in_order():
    evaluator = slow_evaluator()
    evaluator.start(STATE)
    first = evaluator.next_unit()
    block, ms = evaluator.compute(first, evaluator.params)
    assert evaluator.accept(first, block, ms) is not None
    assert evaluator.accept(first, block, ms) is None  # the same block twice


def test_a_plan_is_kept_while_the_cost_per_cell_wanders_within_a_factor_of_two():
    evaluator = slow_evaluator()
    kernel = evaluator.kernel
    evaluator.start(STATE)
    planned = [(level.resolution, level.tile) for level in evaluator._current.levels]
    compiles = kernel.compiles
    for per_cell in (0.05 * 1.9, 0.05 / 1.9, 0.05 * 1.5):
        believe(kernel, per_cell)
        evaluator.start(STATE)
        assert [(lv.resolution, lv.tile) for lv in evaluator._current.levels] == planned
    assert kernel.compiles == compiles
    believe(kernel, 0.05 * 8)  # a real change: planned again (1.6 s: a 32² level)
    evaluator.start(STATE)
    assert [level.resolution for level in evaluator._current.levels] == [8, 32, 64]
    frames = run_all(evaluator)
    np.testing.assert_allclose(frames[-1].values, numpy_wave(STATE), atol=1e-5)


def test_a_compiled_coarse_level_of_half_or_twice_the_resolution_is_taken():
    assert plan_levels(1024, 0.2e-3, 30) == [128, 1024]
    assert plan_levels(1024, 0.2e-3, 30, lambda r: r == 256) == [256, 1024]
    assert plan_levels(1024, 0.2e-3, 30, lambda r: r in (64, 128)) == [128, 1024]
    assert plan_levels(1024, 0.2e-3, 30, lambda r: r == 512) == [128, 1024]  # too far


def test_the_expected_time_counts_the_cells_left_at_the_measured_cost():
    evaluator = slow_evaluator()
    evaluator.start(STATE)
    frames = run_all(evaluator)
    cost = 0.05
    for frame in frames[:-1]:
        left = (1 - frame.done) * (8**2 + 64**2) * cost
        assert frame.expected_ms == pytest.approx(frame.elapsed_ms + left, rel=0.01, abs=0.01)
    assert frames[-1].expected_ms == pytest.approx(frames[-1].elapsed_ms)
