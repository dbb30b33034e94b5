"""Turns "the user wants state S" into frames: chunked, coarse first, cancellable.

A :class:`GridEvaluator` plans the evaluation of one :class:`~vmapwidget.grid_state.GridState`
as a list of *units* — tiles of a level, each one call of a compiled kernel — and turns
their results into :class:`GridFrame` s. It computes nothing by itself and knows nothing
of widgets or event loops: a driver (see :mod:`vmapwidget.grid_scheduler`) asks for the
next unit, runs it (on any thread), and hands the block back.

- **Bounded memory.** Tiles fit the kernel's ``memory_budget`` (XLA's own estimate).
- **Progressive.** When the whole grid would take longer than ``frame_budget_ms`` (from the
  measured cost per cell), the plan starts with a coarse level whose whole grid fits the
  frame budget, then levels four times finer, then the requested resolution, streamed in
  tiles that each fit the frame budget. Each frame shows the finest values known: the
  current level's finished tiles over the previous level's picture. Within a level, a
  frame is handed out at most every ``frame_interval_ms``: each costs the driver an encode
  and a send, time the kernel would rather have (the first frame, every finished level and
  the final frame always go out; none when the final frame is due within half that time).
- **Latest wins.** :meth:`GridEvaluator.start` supersedes the evaluation in progress; a block
  of a superseded evaluation is dropped, so no frame older than one handed out is handed out.
  The final frame of an evaluation that is not superseded is always the full resolution.

>>> import jax.numpy as jnp
>>> from vmapwidget.grid_state import GridState
>>> from vmapwidget.kernels import GridKernel
>>> evaluator = GridEvaluator(GridKernel(lambda x, y: jnp.sin(x) * y))
>>> frame = evaluator.evaluate(GridState({}, (-3.0, 3.0), (-1.0, 1.0), 64))
>>> frame.values.shape, frame.final, frame.level, frame.levels
((64, 64), True, 0, 1)
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from vmapwidget.grid_state import GridState
from vmapwidget.kernels import (
    GridKernel,
    check_range,
    check_resolution,
    check_resolvable,
    grid_axis,
)

__all__ = [
    "DEFAULT_FRAME_BUDGET_MS",
    "FRAME_INTERVAL_MS",
    "GridEvaluator",
    "GridFrame",
    "Unit",
    "check_frame_budget",
    "plan_levels",
]

DEFAULT_FRAME_BUDGET_MS = 30.0
"""The time one frame may take to compute before an evaluation goes progressive (ms)."""

FRAME_INTERVAL_MS = 200.0
"""The least time between two frames of the same level of an evaluation (ms)."""

MIN_LEVEL = 8
"""The coarsest resolution a progressive evaluation starts from."""

LONG_LEVEL_MS = 1000.0
"""A full grid that takes longer than this gets intermediate levels (ms)."""

PLAN_HYSTERESIS = 2.0
"""A progressive plan is made again only when the cost per cell moved by more than this factor."""


def check_frame_budget(budget_ms: Any) -> float:
    """A frame budget in ms: a number from 1 to 10,000."""
    if isinstance(budget_ms, bool) or not isinstance(budget_ms, (int, float)):
        raise ValueError(f"frame_budget_ms must be a number, got {budget_ms!r}")
    if not 1 <= budget_ms <= 10_000:
        raise ValueError(f"frame_budget_ms must be between 1 and 10000, got {budget_ms}")
    return float(budget_ms)


def plan_levels(
    resolution: int,
    cost_per_cell_ms: float | None,
    frame_budget_ms: float,
    compiled: Callable[[int], bool] = lambda _: False,
) -> list[int]:
    """The resolutions an evaluation goes through, coarsest first, ending at ``resolution``.

    One level when the whole grid fits the frame budget (or nothing is measured yet). Else
    a coarse level first, a power of two whose grid takes at most a quarter of the frame
    budget (at least MIN_LEVEL: the first pixels come quickly, and cost the whole little),
    then — only when the full grid takes longer than LONG_LEVEL_MS — levels four times
    finer, so that a long evaluation shows a better picture every so often; then the full
    resolution, streamed in tiles. A coarse level of half or twice the resolution is taken
    instead when ``compiled(level)`` says it is compiled and the chosen one is not (twice
    the resolution still fits the frame budget).

    >>> plan_levels(1024, 0.2e-3, 30.0)
    [128, 1024]
    >>> plan_levels(256, 0.3, 30.0)
    [8, 32, 128, 256]
    >>> plan_levels(256, 1e-6, 30.0)
    [256]
    """
    if cost_per_cell_ms is None or cost_per_cell_ms * resolution**2 <= frame_budget_ms:
        return [resolution]
    fits = math.isqrt(max(1, int(frame_budget_ms / 4 / cost_per_cell_ms)))
    level = max(MIN_LEVEL, 1 << max(0, fits.bit_length() - 1))
    if not compiled(level):
        level = next((r for r in (level // 2, level * 2) if r >= MIN_LEVEL and compiled(r)), level)
    if level >= resolution:
        return [resolution]
    levels = [level]
    if cost_per_cell_ms * resolution**2 > LONG_LEVEL_MS:
        while level * 4 < resolution:
            level *= 4
            levels.append(level)
    return [*levels, resolution]


@dataclass(frozen=True)
class Unit:
    """One call of the kernel: a tile of one level of one evaluation."""

    generation: int
    level: int
    i: slice
    j: slice
    x: np.ndarray
    y: np.ndarray
    tile: tuple[int, int]

    @property
    def cells(self) -> int:
        """Grid cells this unit computes."""
        return len(self.x) * len(self.y)


@dataclass(frozen=True)
class GridFrame:
    """A picture to show: the finest values known of ``state``'s grid, and how far it got."""

    state: GridState
    values: np.ndarray
    """Shape ``(resolution, resolution)``, read-only."""
    x: np.ndarray
    y: np.ndarray
    level: int
    """Index of the level the newest values came from (``levels - 1``: full resolution)."""
    levels: int
    level_resolution: int
    level_tile: tuple[int, int]
    """The tile shape that level is computed in (one kernel call each)."""
    done: float
    """Fraction of all the cells of all levels computed so far (0 … 1)."""
    final: bool
    """True for the last frame of the evaluation: every cell at full resolution."""
    elapsed_ms: float
    expected_ms: float
    kernel_ms: float
    """Kernel time of the units so far (of the whole full-resolution level when final)."""
    nonfinite: int


@dataclass
class _Level:
    resolution: int
    x: np.ndarray
    y: np.ndarray
    tile: tuple[int, int]
    values: np.ndarray | None = None
    filled: np.ndarray | None = None  # per x row: computed at this level
    kernel_ms: float = 0.0


@dataclass
class _Evaluation:
    generation: int
    state: GridState
    params: list[np.ndarray]
    levels: list[_Level]
    units: Iterator[Unit]
    total_cells: int
    total_units: int
    started: float = field(default_factory=time.perf_counter)
    done_cells: int = 0
    kernel_ms: float = 0.0
    picture: np.ndarray | None = None
    next_unit: Unit | None = None
    last_frame: float | None = None  # perf_counter() when the last frame was handed out
    picture_shown: bool = False  # the picture itself was handed out (it must not change)


class GridEvaluator:
    """Plans and assembles chunked, progressive evaluations of a :class:`GridKernel`.

    ``frame_budget_ms=None`` never goes progressive (every evaluation is one level, in as
    few tiles as the memory budget allows).
    """

    def __init__(
        self,
        kernel: GridKernel,
        *,
        frame_budget_ms: float | None = DEFAULT_FRAME_BUDGET_MS,
        frame_interval_ms: float = FRAME_INTERVAL_MS,
    ) -> None:
        self.kernel = kernel
        self.frame_budget_ms = frame_budget_ms
        self.frame_interval_ms = frame_interval_ms
        self.generation = 0
        self._current: _Evaluation | None = None
        self._plans_kernel: GridKernel | None = None
        self._plans: dict[tuple[int, float], tuple[float, list[tuple[int, tuple[int, int]]]]] = {}

    # -- planning ----------------------------------------------------------------------------

    def start(self, state: GridState, *, progressive: bool = True) -> None:
        """Begin evaluating ``state``, superseding any evaluation in progress. Validates the
        state (ValueError) and plans the tiles (GridFunctionError, MemoryBudgetError)."""
        dtype = self.kernel.dtype
        n = check_resolution(state.resolution)
        for bounds, what in ((state.x_range, "x range"), (state.y_range, "y range")):
            check_range(bounds, what, dtype)
            check_resolvable(bounds, n, dtype, what)
        params = self.kernel.canonical_params(state.params)
        budget = self.frame_budget_ms if progressive else None
        levels = [
            _Level(
                res,
                grid_axis(state.x_range, res, dtype),
                grid_axis(state.y_range, res, dtype),
                tile,
            )
            for res, tile in self._plan(n, budget)
        ]
        self.generation += 1
        self._current = _Evaluation(
            self.generation,
            state,
            params,
            levels,
            self._units(self.generation, levels),
            sum(level.resolution**2 for level in levels),
            sum(-(-lv.resolution // lv.tile[0]) * -(-lv.resolution // lv.tile[1]) for lv in levels),
        )
        self._current.next_unit = next(self._current.units, None)

    def _plan(self, n: int, budget: float | None) -> list[tuple[int, tuple[int, int]]]:
        """(resolution, tile) of each level for an ``n × n`` grid. A progressive plan is kept
        while the measured cost per cell stays within PLAN_HYSTERESIS of the cost it was made
        for: a cost that wanders across a power of two must not compile new shapes."""
        cost = self.kernel.cost_per_cell_ms
        if budget is None or cost is None:
            return [(n, self.kernel.tile_shape(n, n))]
        if self._plans_kernel is not self.kernel:  # plans are the kernel's (f, memory budget)
            self._plans_kernel, self._plans = self.kernel, {}
        kept = self._plans.get((n, budget))
        if kept is not None and kept[0] / PLAN_HYSTERESIS <= cost <= kept[0] * PLAN_HYSTERESIS:
            return kept[1]
        resolutions = plan_levels(n, cost, budget, lambda r: self.kernel.is_compiled(r, r))
        max_cells = None if len(resolutions) == 1 else max(1, int(budget / cost))
        plan = [(res, self.kernel.tile_shape(res, res, max_cells)) for res in resolutions]
        self._plans[(n, budget)] = (cost, plan)
        return plan

    @staticmethod
    def _units(generation: int, levels: list[_Level]) -> Iterator[Unit]:
        for index, level in enumerate(levels):
            tx, ty = level.tile
            n = level.resolution
            for i0 in range(0, n, tx):
                for j0 in range(0, n, ty):
                    i, j = slice(i0, min(i0 + tx, n)), slice(j0, min(j0 + ty, n))
                    yield Unit(generation, index, i, j, level.x[i], level.y[j], level.tile)

    def cancel(self) -> None:
        """Stop the evaluation in progress; what was handed out stays the latest frame."""
        self.generation += 1
        self._current = None

    @property
    def busy(self) -> bool:
        """True while an evaluation has units left."""
        return self._current is not None and self._current.next_unit is not None

    @property
    def units_total(self) -> int:
        """Units the evaluation in progress has in all (0 when there is none)."""
        return self._current.total_units if self._current else 0

    @property
    def state(self) -> GridState | None:
        """The state being evaluated, or None."""
        return self._current.state if self._current else None

    def next_unit(self) -> Unit | None:
        """The next unit to compute (it stays next until :meth:`accept` takes its block)."""
        return self._current.next_unit if self._current else None

    @property
    def params(self) -> list[np.ndarray]:
        """The canonical parameter values of the evaluation in progress."""
        assert self._current is not None
        return self._current.params

    def compute(self, unit: Unit, params: list[np.ndarray]) -> tuple[np.ndarray, float]:
        """Run one unit (thread-safe: it only calls the compiled kernel); (block, ms)."""
        start = time.perf_counter()
        block = self.kernel.run_tile(unit.x, unit.y, params, unit.tile)
        return block, (time.perf_counter() - start) * 1e3

    # -- assembling --------------------------------------------------------------------------

    def accept(self, unit: Unit, block: np.ndarray, run_ms: float) -> GridFrame | None:
        """Take a unit's block; the frame to show now, or None (a superseded unit's block,
        one that completes nothing visible yet, or one too soon after the last frame)."""
        ev = self._current
        if ev is None or unit.generation != ev.generation or unit is not ev.next_unit:
            return None
        level = ev.levels[unit.level]
        n = level.resolution
        if level.values is None:
            level.values = np.empty((n, n), self.kernel.dtype)
            level.filled = np.zeros(n, bool)
        assert level.filled is not None
        level.values[unit.i, unit.j] = block
        if unit.j.stop == n:
            level.filled[unit.i] = True
        level.kernel_ms += run_ms
        ev.kernel_ms += run_ms
        ev.done_cells += unit.cells
        ev.next_unit = next(ev.units, None)
        if unit.j.stop != n:
            return None  # a row is only shown whole
        now = time.perf_counter()
        if not level.filled.all() and ev.last_frame is not None:
            since_ms = (now - ev.last_frame) * 1e3
            left_ms = self._left_ms(ev, (now - ev.started) * 1e3)
            if since_ms < self.frame_interval_ms or left_ms < self.frame_interval_ms / 2:
                return None  # too soon after the last frame, or the final one is near
        ev.last_frame = now
        return self._frame(ev, unit.level)

    def _left_ms(self, ev: _Evaluation, elapsed_ms: float) -> float:
        """The time the cells left will take, at the cost per cell of the recent tiles (the
        mean so far misleads: a coarse level costs more per cell)."""
        cost = self.kernel.cost_per_cell_ms
        if cost is not None:
            return (ev.total_cells - ev.done_cells) * cost
        return elapsed_ms * (ev.total_cells / ev.done_cells - 1)

    def _frame(self, ev: _Evaluation, index: int) -> GridFrame:
        final_level = ev.levels[-1]
        level = ev.levels[index]
        assert level.values is not None and level.filled is not None
        level_done = bool(level.filled.all())
        if index == len(ev.levels) - 1 and level_done:
            values = level.values
        elif ev.picture is None and level_done:  # a whole first level: the picture is it
            values = ev.picture = _upsampled(level.values, final_level.resolution)
            ev.picture_shown = True
        else:
            if ev.picture is None:
                ev.picture = np.full((final_level.resolution,) * 2, np.nan, self.kernel.dtype)
            elif ev.picture_shown:  # handed out read-only: paint on a copy
                ev.picture = ev.picture.copy()
            rows = np.flatnonzero(level.filled) if not level_done else None
            _paint(ev.picture, level.values, rows)
            values = ev.picture.copy()
            ev.picture_shown = False
        if level_done and index < len(ev.levels) - 1:
            level.values = level.filled = None  # the picture holds it now
        values.setflags(write=False)
        elapsed = (time.perf_counter() - ev.started) * 1e3
        fraction = ev.done_cells / ev.total_cells
        expected = elapsed + self._left_ms(ev, elapsed)
        final = ev.next_unit is None
        if final:
            self._current = None
        nonfinite = int(values.size - np.count_nonzero(np.isfinite(values))) if final else 0
        return GridFrame(
            state=ev.state,
            values=values,
            x=final_level.x,
            y=final_level.y,
            level=index,
            levels=len(ev.levels),
            level_resolution=level.resolution,
            level_tile=level.tile,
            done=fraction,
            final=final,
            elapsed_ms=elapsed,
            expected_ms=expected,
            kernel_ms=final_level.kernel_ms if final else ev.kernel_ms,
            nonfinite=nonfinite,
        )

    def evaluate(self, state: GridState) -> GridFrame:
        """The whole grid of ``state`` at full resolution, now (memory-bounded tiles, no
        coarse levels): what a Python setter needs. Supersedes any evaluation in progress."""
        self.start(state, progressive=False)
        frame = None
        while (unit := self.next_unit()) is not None:
            block, run_ms = self.compute(unit, self.params)
            frame = self.accept(unit, block, run_ms) or frame
        assert frame is not None and frame.final
        return frame


def _upsampled(values: np.ndarray, n: int) -> np.ndarray:
    """A coarser or equal square grid ``values`` as an ``n × n`` grid, by nearest cell
    (row and column ``i`` of the result are those of ``values`` at ``i·m // n``)."""
    m = values.shape[0]
    if n % m == 0:  # a whole ratio, as levels four times finer have: 9× faster than indexing
        return np.repeat(np.repeat(values, n // m, axis=0), n // m, axis=1)
    source = (np.arange(n) * m) // n
    return np.take(np.take(values, source, axis=0), source, axis=1)


def _paint(picture: np.ndarray, values: np.ndarray, rows: np.ndarray | None) -> None:
    """Upsample ``values`` (a coarser or equal grid) into ``picture`` by nearest cell;
    only the given rows of ``values`` (all when None)."""
    if rows is None:
        picture[:] = _upsampled(values, picture.shape[0])
        return
    n, m = picture.shape[0], values.shape[0]
    source = (np.arange(n) * m) // n  # the coarse row (and column) each fine one falls in
    fine = np.flatnonzero(np.isin(source, rows))
    picture[fine] = np.take(values[source[fine]], source, axis=1)
