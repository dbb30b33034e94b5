"""A kernel manager whose idle culler spares a kernel its visitor has not reached yet.

With preheated kernels (Voila's pool), a kernel may wait in the pool for longer than the
cull timeout. Voila spares pooled kernels, but the moment one is handed to a visitor it is
an idle kernel with no connection — until the visitor's page has loaded and opened its
WebSocket — and jupyter_server's culler may shut it down in that gap (seen here: the page
then waits forever for "a kernel that never reached an 'alive' state"). This manager gives
a kernel that never had a connection one full timeout, counted from when the culler first
sees it outside the pool, before the usual rules apply.
"""

from __future__ import annotations

import time
from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager


class VisitorAwareKernelManager(AsyncMappingKernelManager):
    """jupyter_server's kernel manager; culling waits for a kernel's first visitor."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)  # type: ignore[no-untyped-call]
        self._visited: set[str] = set()
        self._unvisited_since: dict[str, float] = {}

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        self._forget_gone_kernels()
        if self._kernel_connections.get(kernel_id, 0):
            self._visited.add(kernel_id)
        if kernel_id not in self._visited:
            since = self._unvisited_since.setdefault(kernel_id, time.monotonic())
            if time.monotonic() - since < self.cull_idle_timeout:
                return
        await super().cull_kernel_if_idle(kernel_id)  # type: ignore[no-untyped-call]

    def _forget_gone_kernels(self) -> None:
        running = set(self._kernels)
        self._visited &= running
        for kernel_id in set(self._unvisited_since) - running:
            del self._unvisited_since[kernel_id]
