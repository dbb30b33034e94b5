"""One malformed kernel WebSocket frame closes that socket; nobody else notices.

Against real servers on 127.0.0.1: JupyterLab with the wheel's server extension (a plain
kernel, and a Voila page served by Voila's server extension), and standalone Voila given
``--Voila.kernel_websocket_connection_class=...GuardedWebsocketConnection``.
A well-behaved client keeps a kernel WebSocket open while hostile clients, each on its own
socket to the same kernel, send one crafted frame each (an offset count of 2**62, which on a
stock server stalls the event loop for good; truncated frames, offsets out of order or out of
range, garbage on the legacy protocol). Each hostile socket is closed with code 1007 and one
warning in the server log, and the well-behaved client gets its kernel_info_reply within 2 s.
Standalone Voila serves only the v1 protocol: a legacy socket is closed with code 1003 (its
filter would read the legacy frames of a widget's buffers as v1 and never return), and a
socket the guard has closed gets nothing more while its client has not answered the close.
A server configured with a connection class of its own keeps it, with TCP_NODELAY still on.
"""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import socket
import struct
import subprocess
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)
from tornado.websocket import WebSocketClientConnection, WebSocketClosedError, websocket_connect

from vmapwidget.integrations.server_extension import GUARD_LOG_LINE, LOG_LINE
from vmapwidget.integrations.ws_connection import (
    CLOSE_CODE,
    LEGACY_CLOSE_CODE,
    LEGACY_WARNING,
    RATE_CLOSE_CODE,
    RATE_WARNING,
    WARNING,
)
from vmapwidget.integrations.ws_frames import V1_SUBPROTOCOL

from .servers import SERVER_PYTHON, Server, start_server
from .sockets import tcp_nodelay
from .test_server_extension import api, kernel_info_request, run_coroutine, socket_options

GUARD = "vmapwidget.integrations.ws_connection.GuardedWebsocketConnection"
REPLY_WITHIN_S = 2.0
CONNECT_TIMEOUT_S = 30.0
FIRST_REPLY_TIMEOUT_S = 30.0
CLOSE_WITHIN_S = 5.0
WARNED = WARNING.split("%r)")[1].split("%s")[0]
RATE_WARNED = RATE_WARNING.split("%d")[1].split("%g")[0]
LEGACY_WARNED = LEGACY_WARNING.split("%r): ")[1]
TINY_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "a",
            "metadata": {},
            "outputs": [],
            "source": "x = 1",
        }
    ],
    "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    },
    "nbformat": 4,
    "nbformat_minor": 5,
}


def message_parts(message: dict) -> list[bytes]:
    keys = ("header", "parent_header", "metadata", "content")
    return [json.dumps(message[key]).encode() for key in keys]


def v1_message(message: dict) -> bytes:
    return serialize_msg_to_ws_v1(message_parts(message), message["channel"])


def v1_frame(offsets: list[int], body: bytes) -> bytes:
    return struct.pack(f"<{len(offsets) + 1}Q", len(offsets), *offsets) + body


def hostile_frames() -> list[tuple[str | None, bytes | str]]:
    """(subprotocol, frame): each is refused by the guard; the first would stall a stock server."""
    valid = v1_message(kernel_info_request())
    count = int.from_bytes(valid[:8], "little")
    offsets = list(struct.unpack_from(f"<{count}Q", valid, 8))
    body = valid[8 * (count + 1) :]
    legacy = serialize_binary_message(kernel_info_request())
    return [
        (V1_SUBPROTOCOL, (2**62).to_bytes(8, "little")),
        (V1_SUBPROTOCOL, valid[:-3]),
        (V1_SUBPROTOCOL, v1_frame([*offsets[:2], offsets[3], offsets[2], *offsets[4:]], body)),
        (V1_SUBPROTOCOL, v1_frame([*offsets[:-1], 2**63], body)),
        (V1_SUBPROTOCOL, "not a binary frame"),
        (None, (2**31 - 1).to_bytes(4, "big") + legacy[4:]),
        (None, b"\xff\xff\xff\xff" + legacy[4:]),
        (None, legacy[:8] + b"garbage" + legacy[15:]),
        (None, "[1, 2, 3]"),
    ]


async def connect(
    server: Server, kernel_id: str, protocol: str | None
) -> WebSocketClientConnection:
    path = f"api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}"
    url = server.url(path).replace("http://", "ws://", 1)
    subprotocols = [protocol] if protocol else None
    return await asyncio.wait_for(
        websocket_connect(url, subprotocols=subprotocols), CONNECT_TIMEOUT_S
    )


def reply_type(frame: bytes | str, protocol: str | None) -> tuple[str, str]:
    """(msg_type, parent msg_id) of a frame from the server."""
    if protocol == V1_SUBPROTOCOL:
        _, parts = deserialize_msg_from_ws_v1(frame)
        header, parent = json.loads(parts[0]), json.loads(parts[1])
    else:
        message = json.loads(frame)
        header, parent = message["header"], message["parent_header"]
    return header["msg_type"], parent.get("msg_id", "")


async def kernel_info_round_trip(
    connection: WebSocketClientConnection, protocol: str | None, timeout: float
) -> float:
    """Send a kernel_info_request; return the seconds until its reply arrived."""
    request = kernel_info_request()
    start = time.monotonic()
    if protocol == V1_SUBPROTOCOL:
        await connection.write_message(v1_message(request), binary=True)
    else:
        await connection.write_message(json.dumps(request))
    deadline = start + timeout
    while (left := deadline - time.monotonic()) > 0:
        frame = await asyncio.wait_for(connection.read_message(), left)
        assert frame is not None, f"socket closed ({connection.close_code})"
        if reply_type(frame, protocol) == ("kernel_info_reply", request["header"]["msg_id"]):
            return time.monotonic() - start
    raise TimeoutError(f"no kernel_info_reply within {timeout} s")


async def closed_code(connection: WebSocketClientConnection) -> int | None:
    """Read until the server closes ``connection``; its close code."""
    deadline = time.monotonic() + CLOSE_WITHIN_S
    while (left := deadline - time.monotonic()) > 0:
        if await asyncio.wait_for(connection.read_message(), left) is None:
            return connection.close_code
    raise TimeoutError(f"socket still open {CLOSE_WITHIN_S} s after a bad frame")


async def visit_with_hostile_neighbours(
    server: Server, kernel_id: str, legacy_served: bool
) -> dict[str, object]:
    good = await connect(server, kernel_id, V1_SUBPROTOCOL)
    legacy = await connect(server, kernel_id, None)
    try:
        await kernel_info_round_trip(good, V1_SUBPROTOCOL, FIRST_REPLY_TIMEOUT_S)
        if legacy_served:
            await kernel_info_round_trip(legacy, None, FIRST_REPLY_TIMEOUT_S)
        legacy_code = None if legacy_served else await closed_code(legacy)
        client_port = good.stream.socket.getsockname()[1]
        nodelay = tcp_nodelay(server.process.pid, urlparse(server.base_url).port, client_port)
        codes, replies = [], []
        for protocol, frame in hostile_frames():
            hostile = await connect(server, kernel_id, protocol)
            await hostile.write_message(frame, binary=isinstance(frame, bytes))
            codes.append(await closed_code(hostile))
            replies.append(await kernel_info_round_trip(good, V1_SUBPROTOCOL, REPLY_WITHIN_S))
        if legacy_served:
            replies.append(await kernel_info_round_trip(legacy, None, REPLY_WITHIN_S))
        return {
            "nodelay": nodelay,
            "codes": codes,
            "legacy_code": legacy_code,
            "slowest_reply_s": max(replies),
        }
    finally:
        good.close()
        legacy.close()


def check_guard(server: Server, kernel_id: str, legacy_served: bool = True) -> None:
    """Each hostile frame closes its socket; in standalone Voila (``legacy_served`` False)
    every legacy socket is closed at once instead, whatever it sends."""
    log_start = server.log_path.stat().st_size
    outcome = run_coroutine(visit_with_hostile_neighbours(server, kernel_id, legacy_served))
    assert outcome["nodelay"] is True
    legacy = [protocol is None for protocol, _ in hostile_frames()]
    refused = LEGACY_CLOSE_CODE if not legacy_served else CLOSE_CODE
    assert outcome["codes"] == [refused if old else CLOSE_CODE for old in legacy]
    assert outcome["legacy_code"] == (None if legacy_served else LEGACY_CLOSE_CODE)
    assert outcome["slowest_reply_s"] < REPLY_WITHIN_S
    with server.log_path.open("rb") as log:
        log.seek(log_start)
        new_log = log.read().decode(errors="replace")
    bad_frames = len(legacy) if legacy_served else legacy.count(False)
    assert new_log.count(WARNED) == bad_frames, new_log
    assert new_log.count(LEGACY_WARNED) == (0 if legacy_served else legacy.count(True) + 1)
    assert "Traceback" not in new_log, new_log


@pytest.fixture(scope="module")
def guarded_voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    option = f"--Voila.kernel_websocket_connection_class={GUARD}"
    server = start_server("voila", tmp_path_factory.mktemp("guarded-voila"), [option])
    yield server
    server.stop()


def voila_kernel(server: Server, source: str = "x = 1") -> str:
    """Render a one-cell notebook (Voila starts its kernel); the kernel's id from the page."""
    notebook = json.loads(json.dumps(TINY_NOTEBOOK))
    notebook["cells"][0]["source"] = source
    name = f"tiny-{abs(hash(source))}.ipynb"
    (server.root / name).write_text(json.dumps(notebook))
    with urllib.request.urlopen(server.url(f"voila/render/{name}"), timeout=60) as response:
        page = response.read().decode()
    config = re.search(r'id="jupyter-config-data"[^>]*>(.*?)</script>', page, re.DOTALL)
    assert config, page[-2000:]
    return json.loads(config.group(1))["kernelId"]


def test_jupyterlab_extension_closes_only_the_socket_that_sent_a_bad_frame(lab_server: Server):
    assert GUARD_LOG_LINE in lab_server.log_path.read_text(errors="replace")
    kernel = api(lab_server, "POST", "api/kernels")
    try:
        check_guard(lab_server, kernel["id"])
    finally:
        api(lab_server, "DELETE", f"api/kernels/{kernel['id']}")


def test_voila_as_a_server_extension_gets_the_guard_from_ours(lab_server: Server):
    check_guard(lab_server, voila_kernel(lab_server))


def test_standalone_voila_with_the_connection_class_closes_only_the_bad_socket(
    guarded_voila: Server,
):
    check_guard(guarded_voila, voila_kernel(guarded_voila), legacy_served=not voila_filters())


def voila_filters() -> bool:
    """Whether the servers' Voila filters outgoing messages with a handler of its own, which
    misreads legacy frames (0.5.13 has it, 0.5.6 has not); the guard then closes legacy
    sockets."""
    probe = "import voila.tornado.kernel_websocket_handler"
    return subprocess.run([SERVER_PYTHON, "-c", probe], capture_output=True).returncode == 0


def silent_v1_socket(server: Server, kernel_id: str) -> socket.socket:
    """A v1 kernel WebSocket opened by hand, whose client never reads: once the server
    closes it, the close is never answered (tornado waits 5 s for that)."""
    port = urlparse(server.base_url).port or 80
    path = server.url(f"api/kernels/{kernel_id}/channels?session_id={uuid.uuid4().hex}")
    raw = socket.create_connection(("127.0.0.1", port), timeout=CONNECT_TIMEOUT_S)
    key = base64.b64encode(os.urandom(16)).decode()
    request = (
        f"GET {path.split(str(port), 1)[1]} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
        f"Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: {V1_SUBPROTOCOL}\r\n\r\n"
    )
    raw.sendall(request.encode())
    response = b""
    while b"\r\n\r\n" not in response:
        response += raw.recv(4096)
    assert response.startswith(b"HTTP/1.1 101"), response[:200]
    return raw


def masked_binary_frame(payload: bytes) -> bytes:
    """A client's binary WebSocket frame (masked, as RFC 6455 requires); payload < 126 B."""
    mask = os.urandom(4)
    body = bytes(b ^ mask[i % 4] for i, b in enumerate(payload))
    return bytes([0x82, 0x80 | len(payload)]) + mask + body


# A comm target that answers with a binary buffer (Voila runs no code a visitor sends, but
# opens comms, as widgets do).
BUFFER_TARGET = """
import comm
comm.get_comm_manager().register_target(
    "probe", lambda c, msg: c.send({"answer": 1}, buffers=[b"x" * 64])
)
"""


def comm_open(target_name: str) -> dict:
    message = kernel_info_request()
    message["header"]["msg_type"] = "comm_open"
    message["content"] = {"comm_id": uuid.uuid4().hex, "target_name": target_name, "data": {}}
    return message


async def buffers_while_a_closed_socket_is_unanswered(server: Server, kernel_id: str) -> float:
    good = await connect(server, kernel_id, V1_SUBPROTOCOL)
    raw = silent_v1_socket(server, kernel_id)
    try:
        await kernel_info_round_trip(good, V1_SUBPROTOCOL, FIRST_REPLY_TIMEOUT_S)
        warned = server.log_path.read_text(errors="replace").count(WARNED) + 1
        raw.sendall(masked_binary_frame((2**62).to_bytes(8, "little")))
        deadline = time.monotonic() + CLOSE_WITHIN_S
        while server.log_path.read_text(errors="replace").count(WARNED) < warned:
            assert time.monotonic() < deadline, "the bad frame was not refused"
            await asyncio.sleep(0.05)
        # The answer, with a binary buffer, goes to every socket of the kernel.
        await good.write_message(v1_message(comm_open("probe")), binary=True)
        while (
            reply_type(
                frame := await asyncio.wait_for(good.read_message(), CONNECT_TIMEOUT_S),
                V1_SUBPROTOCOL,
            )[0]
            != "comm_msg"
        ):
            pass
        assert len(deserialize_msg_from_ws_v1(frame)[1]) == 5  # four JSON parts, one buffer
        await asyncio.sleep(0.5)  # the closed socket's copy comes on a stream of its own
        return await kernel_info_round_trip(good, V1_SUBPROTOCOL, REPLY_WITHIN_S)
    finally:
        raw.close()
        good.close()


def test_standalone_voila_sends_nothing_to_a_socket_it_has_closed(guarded_voila: Server):
    reply_s = run_coroutine(
        buffers_while_a_closed_socket_is_unanswered(
            guarded_voila, voila_kernel(guarded_voila, BUFFER_TARGET)
        )
    )
    assert reply_s < REPLY_WITHIN_S


CUSTOM_CONNECTION = '''
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection


class CustomConnection(ZMQChannelsWebsocketConnection):
    """A connection class of the user's own: the extension must leave it in place."""
'''


def test_a_server_with_its_own_connection_class_keeps_it_and_still_gets_nodelay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    (tmp_path / "custom_connection.py").write_text(CUSTOM_CONNECTION)
    monkeypatch.setenv("PYTHONPATH", str(tmp_path), prepend=os.pathsep)
    option = "--ServerApp.kernel_websocket_connection_class=custom_connection.CustomConnection"
    server = start_server("lab", tmp_path / "server", [option])
    try:
        log = server.log_path.read_text(errors="replace")
        assert LOG_LINE in log and GUARD_LOG_LINE not in log
        assert (
            "frames NOT checked: the server uses its own connection class CustomConnection" in log
        )
        assert socket_options(server) == {"kernel": True, "events": False}
    finally:
        server.stop()


RATE_BURST, RATE_PER_S = 20, 10.0


@pytest.fixture(scope="module")
def rate_limited_voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    options = [
        f"--Voila.kernel_websocket_connection_class={GUARD}",
        f"--GuardedWebsocketConnection.max_frame_burst={RATE_BURST}",
        f"--GuardedWebsocketConnection.max_frames_per_second={RATE_PER_S}",
    ]
    server = start_server("voila", tmp_path_factory.mktemp("rate-limited-voila"), options)
    yield server
    server.stop()


async def flood_beside_a_steady_visitor(server: Server, kernel_id: str) -> dict[str, object]:
    steady = await connect(server, kernel_id, V1_SUBPROTOCOL)
    flood = await connect(server, kernel_id, V1_SUBPROTOCOL)
    try:
        await kernel_info_round_trip(steady, V1_SUBPROTOCOL, FIRST_REPLY_TIMEOUT_S)
        for _ in range(5 * RATE_BURST):
            try:
                await flood.write_message(v1_message(kernel_info_request()), binary=True)
            except WebSocketClosedError:  # the server closed it mid-flood: the close code says why
                break
        code = await closed_code(flood)
        # Twice the burst in all, at half the rate: never refused.
        replies = []
        for _ in range(2 * RATE_BURST):
            replies.append(await kernel_info_round_trip(steady, V1_SUBPROTOCOL, REPLY_WITHIN_S))
            await asyncio.sleep(2 / RATE_PER_S)
        return {"code": code, "steady_replies": len(replies), "slowest_s": max(replies)}
    finally:
        steady.close()
        flood.close()


def test_a_socket_over_its_frame_rate_is_closed_and_a_steady_one_is_not(
    rate_limited_voila: Server,
):
    server = rate_limited_voila
    kernel_id = voila_kernel(server)
    log_start = server.log_path.stat().st_size
    outcome = run_coroutine(flood_beside_a_steady_visitor(server, kernel_id))
    assert outcome["code"] == RATE_CLOSE_CODE
    assert outcome["steady_replies"] == 2 * RATE_BURST
    assert outcome["slowest_s"] < REPLY_WITHIN_S
    with server.log_path.open("rb") as log:
        log.seek(log_start)
        new_log = log.read().decode(errors="replace")
    assert new_log.count(RATE_WARNED) == 1, new_log
    assert "Traceback" not in new_log, new_log
