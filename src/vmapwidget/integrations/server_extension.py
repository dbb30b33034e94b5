"""Jupyter server extension: TCP_NODELAY on kernel WebSockets (lower widget latency).

jupyter_server leaves Nagle's algorithm on for the kernel WebSocket. A widget round trip
sends the browser a small ``status: busy`` message and then the reply; Nagle holds the reply
until the browser acknowledges the first message, and the browser delays that ACK (up to
~40 ms on Linux). ``benchmarks/grid_latency.py`` measures it: a bare slider → Label round
trip takes ~40–55 ms with Nagle and ~25–30 ms without, for every widget library.

Installing vmapwidget enables this extension for Jupyter servers (JupyterLab, Notebook 7)
of the same environment, through ``etc/jupyter/jupyter_server_config.d/vmapwidget.json``.
It changes nothing but the socket option. Turn it off with::

    jupyter server extension disable vmapwidget.integrations.server_extension
"""

from __future__ import annotations

import inspect
from typing import Any

_PATCHED = "_vmapwidget_nodelay"
LOG_LINE = "vmapwidget: TCP_NODELAY on for kernel WebSockets"


def enable_nodelay() -> None:
    """Make every kernel WebSocket opened from now on send without Nagle's delay."""
    from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

    if getattr(KernelWebsocketHandler, _PATCHED, False):
        return
    native_open: Any = KernelWebsocketHandler.open

    async def open_nodelay(self: Any, *args: Any, **kwargs: Any) -> None:
        self.set_nodelay(True)
        opened = native_open(self, *args, **kwargs)
        if inspect.isawaitable(opened):
            await opened

    setattr(KernelWebsocketHandler, "open", open_nodelay)  # noqa: B010 (a method, patched)
    setattr(KernelWebsocketHandler, _PATCHED, True)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "vmapwidget.integrations.server_extension"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    enable_nodelay()
    server_app.log.info(LOG_LINE)
