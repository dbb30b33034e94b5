"""The wheel's server extension turns Nagle off on kernel WebSockets, and only there.

Checked on real JupyterLab servers from the installed wheel's environment: a kernel
WebSocket is opened from here, a kernel_info round trip proves the server has opened it,
and TCP_NODELAY is read on the server's own end of that connection.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import urllib.request
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from tornado.websocket import websocket_connect

from vmapwidget.integrations.server_extension import LOG_LINE

from .servers import Server, start_server
from .sockets import tcp_nodelay


def api(server: Server, method: str, path: str) -> dict | None:
    data = b"{}" if method == "POST" else None
    request = urllib.request.Request(server.url(path), method=method, data=data)
    with urllib.request.urlopen(request, timeout=60) as response:
        body = response.read()
    return json.loads(body) if body else None


async def nodelay_after_round_trip(server: Server, path: str, message: dict | None) -> bool:
    """Open a WebSocket at ``path``, wait for a reply to ``message`` (or just connect), and
    read TCP_NODELAY on the server's end of that connection."""
    url = server.url(path).replace("http://", "ws://", 1)
    connection = await websocket_connect(url)
    try:
        if message is not None:
            await connection.write_message(json.dumps(message))
            while True:
                reply = json.loads(await asyncio.wait_for(connection.read_message(), 60))
                if reply.get("msg_type") == message["header"]["msg_type"].replace(
                    "request", "reply"
                ):
                    break
        client_port = connection.stream.socket.getsockname()[1]
        server_port = urlparse(server.base_url).port
        return tcp_nodelay(server.process.pid, server_port, client_port)
    finally:
        connection.close()


def kernel_info_request() -> dict:
    msg_id = uuid.uuid4().hex
    header = {
        "msg_id": msg_id,
        "msg_type": "kernel_info_request",
        "username": "test",
        "session": uuid.uuid4().hex,
        "version": "5.3",
        "date": "",
    }
    return {
        "header": header,
        "parent_header": {},
        "metadata": {},
        "content": {},
        "channel": "shell",
        "buffers": [],
    }


def run_coroutine(coroutine: Coroutine[Any, Any, bool]) -> bool:
    """Run ``coroutine`` on a fresh event loop in its own thread (Playwright's sync API may
    already run one in this thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def socket_options(server: Server) -> dict[str, bool]:
    kernel = api(server, "POST", "api/kernels")
    try:
        channels = f"api/kernels/{kernel['id']}/channels"
        return {
            "kernel": run_coroutine(
                nodelay_after_round_trip(server, channels, kernel_info_request())
            ),
            "events": run_coroutine(nodelay_after_round_trip(server, "api/events/subscribe", None)),
        }
    finally:
        api(server, "DELETE", f"api/kernels/{kernel['id']}")


def test_installed_extension_sets_nodelay_on_kernel_websockets(lab_server: Server):
    assert LOG_LINE in lab_server.log_path.read_text(errors="replace")
    assert socket_options(lab_server) == {"kernel": True, "events": False}


def test_disabled_extension_leaves_the_stock_server_alone(tmp_path: Path):
    config = tmp_path / "home" / "config" / "jupyter_server_config.json"
    config.parent.mkdir(parents=True)
    extensions = {"jpserver_extensions": {"vmapwidget.integrations.server_extension": False}}
    config.write_text(json.dumps({"ServerApp": extensions}))
    server = start_server("lab", tmp_path)
    try:
        assert socket_options(server) == {"kernel": False, "events": False}
        assert LOG_LINE not in server.log_path.read_text(errors="replace")
    finally:
        server.stop()
