"""How long a grid cell takes to compute, from the recent runs of a kernel.

>>> meter = CostMeter()
>>> for _ in range(3):
...     meter.add(10.0, 64 * 1024)  # full-resolution tiles: 10 ms each
>>> for _ in range(20):
...     meter.add(5.0, 128 * 128)  # a burst of coarse calls, dearer per cell
>>> round(meter.per_cell_ms * 1e6)  # ns per cell: the tiles' figure
153
"""

from __future__ import annotations

import statistics
from collections import deque

__all__ = ["CostMeter"]


class CostMeter:
    """Milliseconds per cell, from the recent runs of the largest call shape among the last
    ``recent`` calls: the median of its last ``window`` runs. A small call costs more per
    cell (the call's own overhead: a 128² coarse level three times a 64 × 1024 tile's), so
    a burst of coarse calls must not make a grid look slower; a few runs slowed by a busy
    machine do not move the median, a change that lasts does once it is most of the window."""

    def __init__(self, window: int = 9, recent: int = 32) -> None:
        self.window, self.recent = window, recent
        self.by_cells: dict[int, deque[float]] = {}
        self.recent_cells: deque[int] = deque(maxlen=recent)

    def add(self, run_ms: float, cells: int) -> None:
        cells = max(cells, 1)
        self.by_cells.setdefault(cells, deque(maxlen=self.window)).append(run_ms / cells)
        self.recent_cells.append(cells)
        if len(self.by_cells) > self.recent:
            self.by_cells = {c: self.by_cells[c] for c in set(self.recent_cells)}

    @property
    def per_cell_ms(self) -> float | None:
        if not self.recent_cells:
            return None
        return statistics.median(self.by_cells[max(self.recent_cells)])
