"""The scheduler on a real asyncio loop: the loop stays free, latest wins, stop, errors."""

from __future__ import annotations

import asyncio
import time

import jax
import jax.numpy as jnp
import numpy as np
from tutorial_functions import numpy_wave, wave

from vmapwidget.errors import GridFunctionError
from vmapwidget.grid_evaluator import GridEvaluator
from vmapwidget.grid_scheduler import GridScheduler
from vmapwidget.grid_state import GridState
from vmapwidget.kernels import GridKernel

STATE = GridState({"a": 1.0}, (-5.0, 5.0), (-2.0, 2.0), 128)


def slow_wave(x, y, a):
    """The tutorial's wave plus 200 iterations of a map that leaves it unchanged (slow)."""
    slow = jax.lax.fori_loop(0, 200, lambda _, v: jnp.sin(v) * 0.5, x * y)
    return jnp.sin(a * x) * y + 0.0 * slow


class Recorder:
    def __init__(self) -> None:
        self.frames: list = []
        self.errors: list = []

    def frame(self, frame, tag) -> None:
        self.frames.append((tag, frame))

    def error(self, error, tag) -> None:
        self.errors.append((tag, error))


def scheduler(fun=slow_wave) -> tuple[GridScheduler, Recorder]:
    kernel = GridKernel(fun, ["a"])
    evaluator = GridEvaluator(kernel, frame_budget_ms=5, frame_interval_ms=0)  # every row
    evaluator.evaluate(STATE)  # measures the cost per cell
    record = Recorder()
    return GridScheduler(evaluator, on_frame=record.frame, on_error=record.error), record


async def until_idle(s: GridScheduler, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while s.busy and time.monotonic() < deadline:
        await asyncio.sleep(0.002)
    assert not s.busy


def test_the_loop_serves_other_callbacks_while_a_grid_is_evaluated():
    s, record = scheduler()

    async def main() -> list[int]:
        ticks: list[int] = []
        s.submit(STATE, "r1")
        while s.busy:
            ticks.append(len(record.frames))
            await asyncio.sleep(0)  # one turn of the loop: at most one unit returns per turn
        return ticks

    ticks = asyncio.run(main())
    frames = [f for _, f in record.frames]
    assert len(frames) > 2 and frames[-1].final and not frames[0].final
    assert len(ticks) > len(frames)  # the loop ran between units, many times
    assert set(range(len(frames))) <= set(ticks)  # ... and after every frame but the last
    np.testing.assert_allclose(frames[-1].values, numpy_wave((-5, 5), (-2, 2), 128, 1.0), atol=1e-5)


def test_a_newer_request_supersedes_the_running_one_and_ends_at_full_resolution():
    s, record = scheduler()
    newer = GridState({"a": 2.0}, STATE.x_range, STATE.y_range, 128)

    async def main() -> None:
        s.submit(STATE, "old")
        while not record.frames:
            await asyncio.sleep(0.001)
        s.submit(newer, "new")
        await until_idle(s)

    asyncio.run(main())
    tags = [tag for tag, _ in record.frames]
    assert tags[-1] == "new" and "old" not in tags[tags.index("new") :]
    last = record.frames[-1][1]
    assert last.final and last.state == newer
    assert [f.final for tag, f in record.frames if tag == "old"].count(True) == 0
    np.testing.assert_allclose(last.values, numpy_wave((-5, 5), (-2, 2), 128, 2.0), atol=1e-5)


def test_stop_keeps_what_was_drawn_and_computes_no_more():
    s, record = scheduler()
    many_tiles = GridState({"a": 1.0}, (-5.0, 5.0), (-2.0, 2.0), 512)  # so that some are left

    async def main() -> None:
        s.submit(many_tiles, "r")
        while not record.frames:
            await asyncio.sleep(0.001)
        s.stop()
        await until_idle(s)

    asyncio.run(main())
    assert record.frames and not any(f.final for _, f in record.frames)


def test_an_error_while_computing_reaches_on_error_and_ends_the_evaluation():
    s, record = scheduler()

    def fail(*_args):
        raise GridFunctionError("f failed on the grid: out of memory")

    async def main() -> None:
        s.evaluator.kernel.run_tile = fail
        s.submit(STATE, "r")
        await until_idle(s)

    asyncio.run(main())
    assert [tag for tag, _ in record.errors] == ["r"] and not record.frames
    assert "out of memory" in str(record.errors[0][1])


def test_a_cheap_grid_is_computed_at_once_without_a_thread_hop():
    s, record = scheduler(wave)

    async def main() -> None:
        s.submit(GridState({"a": 1.5}, (-1.0, 1.0), (-1.0, 1.0), 32), "cheap")
        assert record.frames and record.frames[-1][1].final  # before any await

    asyncio.run(main())
    assert s._executor is None


def test_a_frame_that_cannot_be_shown_ends_the_evaluation_with_an_error():
    kernel = GridKernel(slow_wave, ["a"])
    evaluator = GridEvaluator(kernel, frame_budget_ms=5)
    evaluator.evaluate(STATE)
    errors = []

    def refuse(frame, tag) -> None:
        raise ValueError("the view cannot take this frame")

    s = GridScheduler(evaluator, on_frame=refuse, on_error=lambda e, tag: errors.append((tag, e)))

    async def main() -> None:
        s.submit(STATE, "r")
        await until_idle(s)

    asyncio.run(main())
    assert [(tag, str(e)) for tag, e in errors] == [("r", "the view cannot take this frame")]
    assert not s.busy
