"""What a GridExplorer remembers of its views: each one's last request number and plot size.

Both are bounded (``MAX_VIEWS``, oldest forgotten first), since a browser can invent views.

>>> views = Views()
>>> views.accept("v1", 3), views.accept("v1", 2), views.accept("v2", 1)
(True, False, True)
>>> views.resize("v1", (416, 362)); views.resize("v2", (900, 100)); views.frame_shape()
(832, 362)
"""

from __future__ import annotations

from collections import OrderedDict
from typing import TypeVar

from vmapwidget.constants import MAX_FRAME_SHAPE

__all__ = ["MAX_VIEWS", "Views"]

_V = TypeVar("_V")

MAX_VIEWS = 64
"""Views whose last request number and size are remembered."""


class Views:
    """Request numbers (latest wins per view) and plot sizes in device pixels."""

    def __init__(self, max_shape: tuple[int, int] = MAX_FRAME_SHAPE) -> None:
        self.max_shape = max_shape
        """The most columns × rows a frame has (a figure's plot at devicePixelRatio 2)."""
        self._seq: OrderedDict[str, int] = OrderedDict()
        self._pixels: OrderedDict[str, tuple[int, int]] = OrderedDict()

    def accept(self, vid: str, seq: int) -> bool:
        """Whether request ``seq`` of view ``vid`` is newer than its last one (remembered)."""
        if seq <= self._seq.get(vid, -1):
            return False
        _put(self._seq, vid, seq)
        return True

    def resize(self, vid: str, pixels: tuple[int, int] | None) -> None:
        """A view's plot size in device pixels, or None when it closed."""
        if pixels is None:
            self._pixels.pop(vid, None)
        else:
            _put(self._pixels, vid, pixels)

    def frame_shape(self) -> tuple[int, int]:
        """The most columns × rows a frame needs: the largest open view's plot, at most
        ``max_shape`` (all of it before any view said its size)."""
        if not self._pixels:
            return self.max_shape
        width = max(w for w, _ in self._pixels.values())
        height = max(h for _, h in self._pixels.values())
        return min(width, self.max_shape[0]), min(height, self.max_shape[1])


def _put(table: OrderedDict[str, _V], key: str, value: _V) -> None:
    table[key] = value
    table.move_to_end(key)
    while len(table) > MAX_VIEWS:
        table.popitem(last=False)
