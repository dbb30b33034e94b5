"""How many frames one kernel WebSocket may send: a token bucket, refilled at a steady rate.

A browser's widgets send a few frames per user action (a slider drag is throttled to tens a
second); a script flooding the socket sends thousands. The bucket lets ``burst`` frames
through at once and ``per_second`` after that; a frame that finds it empty is refused.

>>> bucket = FrameRate(per_second=10, burst=3, now=0.0)
>>> [bucket.admit(0.0) for _ in range(4)]
[True, True, True, False]
>>> bucket.admit(0.1), bucket.admit(0.1)
(True, False)
"""

from __future__ import annotations

__all__ = ["FrameRate"]


class FrameRate:
    """A token bucket of ``burst`` frames refilled at ``per_second``; ``per_second <= 0``: off."""

    def __init__(self, per_second: float, burst: int, now: float) -> None:
        self.per_second = float(per_second)
        self.burst = max(1, int(burst))
        self._tokens = float(self.burst)
        self._at = now

    def admit(self, now: float) -> bool:
        """Whether one more frame, arriving at ``now`` (seconds), is within the rate."""
        if self.per_second <= 0:
            return True
        elapsed = max(0.0, now - self._at)
        self._tokens = min(float(self.burst), self._tokens + elapsed * self.per_second)
        self._at = now
        if self._tokens < 1.0:
            return False
        self._tokens -= 1.0
        return True
