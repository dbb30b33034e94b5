"""Opt-in Jupyter server extension: TCP_NODELAY on kernel WebSockets (lower widget latency).

jupyter_server leaves Nagle's algorithm on for the kernel WebSocket. A widget round trip
sends the browser a small ``status: busy`` message and then the reply; Nagle holds the reply
until the browser acknowledges the first message, and the browser delays that ACK (up to
~40 ms on Linux). ``benchmarks/grid_latency.py`` measures it: a bare slider → Label round
trip takes ~53 ms with Nagle and ~28 ms without, and GridExplorer at 64² drops from ~55 ms to
~30 ms. Enable it for one server with::

    jupyter lab --ServerApp.jpserver_extensions="{'vmapwidget.widgets.grid_server': True}"
"""

from __future__ import annotations

from typing import Any

from jupyter_server.services.kernels.websocket import KernelWebsocketHandler

_PATCHED = "_vmapwidget_nodelay"


def enable_nodelay() -> None:
    """Make every kernel WebSocket opened from now on send without Nagle's delay."""
    if getattr(KernelWebsocketHandler, _PATCHED, False):
        return
    native_open = KernelWebsocketHandler.open

    async def open_nodelay(self: KernelWebsocketHandler, *args: Any, **kwargs: Any) -> None:
        self.set_nodelay(True)
        await native_open(self, *args, **kwargs)

    KernelWebsocketHandler.open = open_nodelay
    setattr(KernelWebsocketHandler, _PATCHED, True)


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "vmapwidget.widgets.grid_server"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    enable_nodelay()
    server_app.log.info("vmapwidget: TCP_NODELAY on for kernel WebSockets")
