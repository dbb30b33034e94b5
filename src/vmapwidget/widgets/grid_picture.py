"""The picture a GridExplorer shows, and what it sends of it: frame traits and status.

:class:`Picture` keeps the latest frame handed out by the evaluator (the values drawn, their
coordinates and state, how far a progressive evaluation got) and the counters the status
line reports; it encodes the frame for the browser (:mod:`vmapwidget.grid_frames`) sampled
to the size the views need, and builds each ``_status``.

>>> import jax.numpy as jnp
>>> from vmapwidget.grid_evaluator import GridEvaluator
>>> from vmapwidget.grid_state import GridState
>>> from vmapwidget.kernels import GridKernel
>>> kernel = GridKernel(lambda x, y: x * y)
>>> picture = Picture(GridEvaluator(kernel).evaluate(GridState({}, (-1, 1), (-1, 1), 64)), kernel)
>>> traits = picture.frame_traits("uint16", (32, 32))
>>> traits["_frame_meta"]["nx"], traits["_frame_meta"]["sx"], traits["_frame_meta"]["partial"]
(64, 32, False)
>>> sent_as(traits["_frame_meta"], (32, 32)), sent_as(traits["_frame_meta"], (64, 64))
(True, False)
>>> picture.status("v1", 3, "", compiles=1)["progress"]["final"]
True
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np

from vmapwidget.color_range import ColorScale
from vmapwidget.grid_evaluator import GridFrame
from vmapwidget.grid_frames import encode_grid
from vmapwidget.kernels import GridKernel

__all__ = ["AUTO_UINT8_CELLS", "Picture", "sent_as"]

AUTO_UINT8_CELLS = 512 * 512
"""Above this many cells the "auto" encoding sends uint8 (see benchmarks/README.md)."""


class Picture:
    """The latest frame shown (``grid``, ``x``, ``y``, ``state``, ``progress``) and the
    counters of what was sent (``stats``, ``frames``, ``replies``)."""

    def __init__(
        self, frame: GridFrame, kernel: GridKernel, scale: ColorScale | None = None
    ) -> None:
        self.scale = scale or ColorScale()
        self.frames = 0
        self.replies = 0
        self.stats: dict[str, Any] = {}
        self.progress: dict[str, Any] = {}
        self.keep(frame, kernel)

    def keep(self, frame: GridFrame, kernel: GridKernel) -> None:
        """Make ``frame`` the picture drawn; a final frame updates the kernel's stats."""
        self.grid, self.x, self.y, self.state = frame.values, frame.x, frame.y, frame.state
        # the resolution and tile shape of the level the newest values came from
        self.level = (frame.level_resolution, frame.level_tile)
        # A first, coarse level upsampled: a sample at its own resolution is the same picture.
        self.detail = frame.level_resolution if frame.level == 0 and frame.levels > 1 else None
        self.progress = {
            "level": frame.level + 1,
            "levels": frame.levels,
            "resolution": frame.level_resolution,
            "done": round(frame.done, 4),
            "elapsed_ms": round(frame.elapsed_ms, 1),
            "expected_ms": round(frame.expected_ms, 1),
            "final": frame.final,
        }
        if not frame.final:
            return
        n = frame.state.resolution
        self.stats.update(
            kernel_ms=frame.kernel_ms,
            compile_ms=kernel.last_compile_ms,
            nonfinite=frame.nonfinite,
            cost_per_cell_ms=kernel.cost_per_cell_ms,
            devices=kernel.device_count,
        )
        tile = frame.level_tile
        self.stats["tiles"] = -(-n // tile[0]) * -(-n // tile[1])

    @property
    def partial(self) -> bool:
        """True while the picture is a step of an evaluation still in progress."""
        return self.progress.get("final") is False

    def stopped(self) -> None:
        """The evaluation of a partial picture was stopped: it is what stays."""
        if self.partial:
            self.progress = {**self.progress, "stopped": True}

    def frame_traits(self, encoding: str, shape: tuple[int, int]) -> dict[str, Any]:
        """The frame traits of the picture, sampled to ``shape``; a new frame id."""
        start = time.perf_counter()
        if encoding == "auto":
            encoding = "uint8" if self.grid.size > AUTO_UINT8_CELLS else "uint16"
        if self.detail is not None:
            shape = (min(shape[0], self.detail), min(shape[1], self.detail))
        meta, data, mask = encode_grid(self.grid, encoding, shape, *self.scale)
        self.frames += 1
        meta.update(id=self.frames, x_range=self.state.x_range, y_range=self.state.y_range)
        meta["partial"] = self.partial
        self.stats["encode_ms"] = (time.perf_counter() - start) * 1e3
        self.stats["bytes"] = len(data) + len(mask)
        return {"_frame": data, "_mask": mask, "_frame_meta": meta}

    def resampled(self, meta: dict[str, Any], shape: tuple[int, int]) -> dict[str, Any]:
        """The frame traits of the frame ``meta`` describes, sampled to ``shape``, same id
        (what a saved page needs: it cannot ask for another sample)."""
        lo, hi = meta["limits"]
        scale = ColorScale((lo, hi) if lo < hi else "auto", meta["norm"], meta["levels"])
        sharp, data, mask = encode_grid(self.grid, meta["encoding"], shape, *scale)
        sharp.update(id=meta["id"], x_range=meta["x_range"], y_range=meta["y_range"])
        sharp["partial"] = meta.get("partial", False)
        return {"_frame": data, "_mask": mask, "_frame_meta": sharp}

    def status(
        self, vid: str | None, seq: int | None, error: str, *, compiles: int, **extra: Any
    ) -> dict[str, Any]:
        """A new ``_status``: the request it answers, counters and progress."""
        self.replies += 1
        return {
            "reply": self.replies,
            "vid": vid,
            "seq": seq,
            "error": error,
            "compiles": compiles,
            "frames": self.frames,
            "progress": dict(self.progress),
            **{k: v for k, v in self.stats.items() if isinstance(v, (int, float))},
            **extra,
        }


class PictureViews:
    """A widget's read-only views of its ``_picture``."""

    _picture: Picture

    @property
    def grid(self) -> np.ndarray:
        """The values currently drawn, shape ``(len(x), len(y))``; a read-only array."""
        return self._picture.grid

    @property
    def x(self) -> np.ndarray:
        """The grid's x coordinates (read-only)."""
        return self._picture.x

    @property
    def y(self) -> np.ndarray:
        """The grid's y coordinates (read-only)."""
        return self._picture.y


def sent_as(meta: dict[str, Any], shape: tuple[int, int]) -> bool:
    """Whether the frame ``meta`` describes is its grid sampled to at most ``shape``."""
    return (meta["sx"], meta["sy"]) == (min(meta["nx"], shape[0]), min(meta["ny"], shape[1]))
