"""Jupyter server extension: TCP_NODELAY on kernel WebSockets, their frames checked.

jupyter_server leaves Nagle's algorithm on for the kernel WebSocket. A widget round trip
sends the browser a small ``status: busy`` message and then the reply; Nagle holds the reply
until the browser acknowledges the first message, and the browser delays that ACK (up to
~40 ms on Linux). ``benchmarks/grid_latency.py`` measures it: a bare slider → Label round
trip takes ~40–55 ms with Nagle and ~25–30 ms without, for every widget library.

Installing vmapwidget enables this extension for Jupyter servers (JupyterLab, Notebook 7)
of the same environment, through ``etc/jupyter/jupyter_server_config.d/vmapwidget.json``.
It also checks every frame browsers send on kernel WebSockets before jupyter_server parses
it (``ws_frames.py``): one malformed frame could otherwise stall the whole server. Turn it
off with::

    jupyter server extension disable vmapwidget.integrations.server_extension

How: jupyter_server creates one connection object per kernel WebSocket from the class in
its tornado settings (``kernel_websocket_connection_class``), read on every connection. The
extension puts ``ws_connection.GuardedWebsocketConnection`` (TCP_NODELAY and the frame checks)
there when that setting still holds jupyter_server's default, ``ZMQChannelsWebsocketConnection``;
that is the documented hook, so nothing of jupyter_server is patched, Voila running as an
extension of the same server is covered, and the connection's own code stays jupyter_server's.
A server configured with another class (a gateway's, the user's own) keeps it: the extension
then only turns Nagle off, by wrapping ``KernelWebsocketHandler.open`` as before, and logs
that frames are not checked (wrapping someone else's connection class could break it).
"""

from __future__ import annotations

import inspect
from typing import Any

_PATCHED = "_vmapwidget_nodelay"
LOG_LINE = "vmapwidget: TCP_NODELAY on for kernel WebSockets"
GUARD_LOG_LINE = "vmapwidget: kernel WebSocket frames checked (GuardedWebsocketConnection)"
NO_GUARD_LOG_LINE = (
    "vmapwidget: kernel WebSocket frames NOT checked: the server uses its own connection "
    "class %s (set it to vmapwidget.integrations.ws_connection.GuardedWebsocketConnection "
    "or a subclass of it to check them)"
)
SETTING = "kernel_websocket_connection_class"


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


def install_guard(server_app: Any) -> bool:
    """Make ``server_app`` use the guarded connection class unless it was given another one;
    return whether its kernel WebSockets now have the guard."""
    from jupyter_server.services.kernels.connection.channels import (
        ZMQChannelsWebsocketConnection,
    )

    from .ws_connection import GuardedWebsocketConnection

    settings = server_app.web_app.settings
    chosen = settings.get(SETTING)
    if isinstance(chosen, type) and issubclass(chosen, GuardedWebsocketConnection):
        return True
    if chosen is not ZMQChannelsWebsocketConnection:
        return False
    settings[SETTING] = GuardedWebsocketConnection
    server_app.kernel_websocket_connection_class = GuardedWebsocketConnection
    return True


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": "vmapwidget.integrations.server_extension"}]


def _load_jupyter_server_extension(server_app: Any) -> None:
    if install_guard(server_app):
        server_app.log.info(GUARD_LOG_LINE)
    else:
        enable_nodelay()
        chosen = server_app.web_app.settings.get(SETTING)
        server_app.log.warning(NO_GUARD_LOG_LINE, getattr(chosen, "__qualname__", chosen))
    server_app.log.info(LOG_LINE)
