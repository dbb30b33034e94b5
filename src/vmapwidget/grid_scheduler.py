"""Runs a :class:`~vmapwidget.grid_evaluator.GridEvaluator` without blocking the event loop.

Each unit (one kernel call) runs on a worker thread while the loop that submitted it — in a
Jupyter kernel, the one that receives the comm messages — stays free: a newer request that
arrives meanwhile supersedes the evaluation, and the rest of the stale one is dropped when
the unit in flight returns (a running XLA call cannot be interrupted, so cancellation takes
at most one unit's time). Frames and errors are handed back on the loop's thread.

An evaluation of a single unit (a cheap function: the whole grid in one call within the
frame budget) runs at once on the caller's thread, and so does everything when no event
loop is running (a plain script, a test): no thread hop where none is needed.

>>> import jax.numpy as jnp
>>> from vmapwidget.grid_evaluator import GridEvaluator
>>> from vmapwidget.grid_state import GridState
>>> from vmapwidget.kernels import GridKernel
>>> frames = []
>>> scheduler = GridScheduler(
...     GridEvaluator(GridKernel(lambda x, y: x * y)),
...     on_frame=lambda frame, tag: frames.append((tag, frame.final)),
...     on_error=print,
... )
>>> scheduler.submit(GridState({}, (-1.0, 1.0), (-1.0, 1.0), 32), tag="first")
>>> frames
[('first', True)]
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

import numpy as np

from vmapwidget.grid_evaluator import GridEvaluator, GridFrame, Unit
from vmapwidget.grid_state import GridState

__all__ = ["GridScheduler"]


class GridScheduler:
    """Feeds an evaluator's units to a worker thread, one at a time, latest request first.

    ``on_frame(frame, tag)`` gets every frame of the current request (``tag`` is what
    :meth:`submit` was given); ``on_error(exception, tag)`` gets an error raised by a unit,
    after which that evaluation is over.
    """

    def __init__(
        self,
        evaluator: GridEvaluator,
        *,
        on_frame: Callable[[GridFrame, Any], None],
        on_error: Callable[[Exception, Any], None],
    ) -> None:
        self.evaluator = evaluator
        self.on_frame = on_frame
        self.on_error = on_error
        self._tag: Any = None
        self._in_flight = False
        self._executor: ThreadPoolExecutor | None = None

    @property
    def busy(self) -> bool:
        """True while an evaluation has units left or one is running."""
        return self.evaluator.busy or self._in_flight

    def submit(self, state: GridState, tag: Any = None) -> None:
        """Evaluate ``state``, superseding what is in progress. Planning errors (ValueError,
        GridFunctionError) raise here; errors while computing go to ``on_error``."""
        self.evaluator.start(state)
        self._tag = tag
        loop = _running_loop()
        if loop is None or self.evaluator.units_total == 1:
            self._run_here()
        else:
            self._pump(loop)

    def stop(self) -> None:
        """End the evaluation in progress; frames already handed out stay the latest."""
        self.evaluator.cancel()

    def close(self) -> None:
        """Stop, and let the worker thread go."""
        self.stop()
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None

    def _run_here(self) -> None:
        tag = self._tag
        while (unit := self.evaluator.next_unit()) is not None:
            try:
                block, run_ms = self.evaluator.compute(unit, self.evaluator.params)
            except Exception as exc:
                self.evaluator.cancel()
                self.on_error(exc, tag)
                return
            frame = self.evaluator.accept(unit, block, run_ms)
            if frame is not None:
                self.on_frame(frame, tag)

    def _pump(self, loop: asyncio.AbstractEventLoop) -> None:
        if self._in_flight:
            return  # the unit in flight picks up the next one when it returns
        unit = self.evaluator.next_unit()
        if unit is None:
            return
        if self._executor is None:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="vmapwidget-grid")
        self._in_flight = True
        future = self._executor.submit(self.evaluator.compute, unit, self.evaluator.params)
        tag = self._tag
        future.add_done_callback(
            lambda done: loop.call_soon_threadsafe(self._returned, loop, unit, tag, done)
        )

    def _returned(
        self,
        loop: asyncio.AbstractEventLoop,
        unit: Unit,
        tag: Any,
        done: Future[tuple[np.ndarray, float]],
    ) -> None:
        self._in_flight = False
        if unit.generation != self.evaluator.generation:
            self._pump(loop)  # a stale unit: its block is dropped
            return
        error = done.exception()
        try:
            if error is None:
                frame = self.evaluator.accept(unit, *done.result())
                if frame is not None and frame.level == 0:
                    self.on_frame(frame, tag)  # the coarse picture goes out first, at once
                    frame = None
                self._pump(loop)  # the next unit computes while this frame is sent
                if frame is not None:
                    self.on_frame(frame, tag)
        except Exception as exc:  # a frame that cannot be shown ends the evaluation too
            error = exc
        if error is not None:
            self.evaluator.cancel()
            self.on_error(error if isinstance(error, Exception) else RuntimeError(error), tag)


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
