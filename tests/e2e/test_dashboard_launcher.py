"""``vmapwidget-dashboard``: examples/dashboard.ipynb served with production defaults.

The launcher (the console script from the wheel) runs Voila on 127.0.0.1 with a pool of
preheated kernels, the guarded WebSocket and culling. Against it: a visitor's first picture
in a real browser comes from a preheated kernel; two visitors drag a slider at once (the
widget protocol over their own kernel sockets) while a third sends a crafted frame — every
request answered by its own final frame, none stale, no error, the bad socket closed; when
the visitors have left, their kernels are shut down and only the pool remains.
A short version of ``benchmarks/dashboard_load.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import shutil
import time
from collections.abc import Iterator
from urllib.parse import urlparse

import psutil
import pytest
from playwright.sync_api import Page, expect
from tornado.websocket import WebSocketClosedError

from vmapwidget.integrations.ws_connection import CLOSE_CODE, LEGACY_CLOSE_CODE, RATE_CLOSE_CODE
from vmapwidget.integrations.ws_frames import V1_SUBPROTOCOL

from .notebook_ui import REPO
from .servers import DASHBOARD_NOTEBOOK, Server, start_server
from .sockets import tcp_nodelay
from .test_server_extension import kernel_info_request, run_coroutine
from .test_ws_guard import closed_code, connect, hostile_frames, v1_message, voila_filters
from .visitors import Visitor, drag

POOL_SIZE = 1
CULL_AFTER_S = 4
DRAG_S = 3.0
FLOOD_BURST = 200  # the guard's burst allowance in this module's server (the default is 2,000)
POOL_READY_S = 120.0
CULLED_WITHIN_S = 60.0


def kernel_processes(server: Server) -> list[psutil.Process]:
    """The server's running kernels (zombies and processes that just ended excluded)."""
    kernels = []
    for child in psutil.Process(server.process.pid).children(recursive=True):
        with contextlib.suppress(psutil.Error):
            if child.status() != psutil.STATUS_ZOMBIE and "ipykernel_launcher" in " ".join(
                child.cmdline()
            ):
                kernels.append(child)
    return kernels


def wait_for_kernels(server: Server, count: int, within_s: float) -> int:
    """Wait until the server runs ``count`` kernels; the number it runs in the end."""
    deadline = time.monotonic() + within_s
    while (running := len(kernel_processes(server))) != count and time.monotonic() < deadline:
        time.sleep(0.5)
    return running


def wait_for_pool(server: Server) -> None:
    """Wait until Voila reports the pool filled (its kernels have run the notebook)."""
    deadline = time.monotonic() + POOL_READY_S
    mark = "is filled with"
    while time.monotonic() < deadline:
        log = server.log_path.read_text(errors="replace")
        if log.count(mark) and log.rfind(mark) > log.rfind("Kernel started"):
            return
        time.sleep(0.5)
    raise TimeoutError(f"pool not filled in {POOL_READY_S} s:\n{server.log_tail()}")


@pytest.fixture(scope="module")
def dashboard_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    workdir = tmp_path_factory.mktemp("dashboard-launcher")
    (workdir / "root").mkdir()
    shutil.copyfile(REPO / "examples" / "dashboard.ipynb", workdir / "root" / DASHBOARD_NOTEBOOK)
    options = [f"--pool-size={POOL_SIZE}", f"--cull-after={CULL_AFTER_S}", "--show_tracebacks=True"]
    options += [f"--GuardedWebsocketConnection.max_frame_burst={FLOOD_BURST}"]
    server = start_server("dashboard", workdir, options)
    yield server
    server.stop()


def test_launcher_listens_on_loopback_only_with_a_preheated_pool(dashboard_server: Server):
    wait_for_pool(dashboard_server)
    listening = {
        c.laddr.ip
        for c in psutil.Process(dashboard_server.process.pid).net_connections("tcp")
        if c.status == psutil.CONN_LISTEN
    }
    assert listening == {"127.0.0.1"}
    assert wait_for_kernels(dashboard_server, POOL_SIZE, POOL_READY_S) == POOL_SIZE


def test_first_picture_comes_from_a_preheated_kernel(page: Page, dashboard_server: Server):
    wait_for_pool(dashboard_server)
    log_start = len(dashboard_server.log_path.read_text(errors="replace"))
    page.goto(dashboard_server.notebook_url(DASHBOARD_NOTEBOOK))
    expect(page.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "1")
    expect(page.locator(".vw-axis-explorer")).to_have_count(1)
    assert "Using pre-heated kernel" in dashboard_server.log_path.read_text()[log_start:]


async def hostile_sockets(server: Server, kernel_id: str, flood_kernel_id: str) -> list[int]:
    """Every malformed frame, each on a socket of its own to ``kernel_id``, then a flood of
    valid frames to ``flood_kernel_id``; the close code of each socket."""
    codes = []
    for protocol, frame in hostile_frames():
        hostile = await connect(server, kernel_id, protocol)
        with contextlib.suppress(WebSocketClosedError):  # a legacy socket may be closed at once
            await hostile.write_message(frame, binary=isinstance(frame, bytes))
        codes.append(await closed_code(hostile))
    flood = await connect(server, flood_kernel_id, V1_SUBPROTOCOL)
    with contextlib.suppress(WebSocketClosedError):
        for _ in range(3 * FLOOD_BURST):
            await flood.write_message(v1_message(kernel_info_request()), binary=True)
    codes.append(await closed_code(flood))
    return codes


async def drag_until(visitor: Visitor, done: asyncio.Event) -> None:
    """Drag for DRAG_S, and on until ``done`` is set."""
    deadline = time.monotonic() + DRAG_S
    while not visitor.errors and (time.monotonic() < deadline or not done.is_set()):
        await drag(visitor, 0.5)


async def two_visitors_and_hostile_ones(server: Server) -> dict[str, object]:
    first = await Visitor.arrive(server)
    second = await Visitor.arrive(server)
    port = urlparse(server.base_url).port
    nodelay = tcp_nodelay(server.process.pid, port, first.ws.stream.socket.getsockname()[1])
    done = asyncio.Event()
    try:
        dragging = asyncio.gather(drag_until(first, done), drag_until(second, done))
        try:
            codes = await hostile_sockets(server, second.kernel_id, first.kernel_id)
        finally:
            done.set()
        await dragging
    finally:
        first.leave()
        second.leave()
    return {"visitors": [first, second], "nodelay": nodelay, "codes": codes}


def test_visitors_drag_while_hostile_ones_are_shut_out_then_their_kernels_go(
    dashboard_server: Server,
):
    """Two visitors drag a slider while every malformed frame of the guard's suite, and a
    flood, arrive on their kernels' sockets: each hostile socket is closed, the visitors
    get every frame."""
    wait_for_pool(dashboard_server)
    outcome = run_coroutine(two_visitors_and_hostile_ones(dashboard_server))
    assert outcome["nodelay"] is True
    legacy_code = LEGACY_CLOSE_CODE if voila_filters() else CLOSE_CODE
    expected = [legacy_code if protocol is None else CLOSE_CODE for protocol, _ in hostile_frames()]
    assert outcome["codes"] == [*expected, RATE_CLOSE_CODE]
    assert "Traceback" not in dashboard_server.log_path.read_text(), dashboard_server.log_tail()
    for visitor in outcome["visitors"]:
        assert visitor.errors == [], (visitor.seq, visitor.latencies_ms)
        assert visitor.stale == 0
        assert len(visitor.latencies_ms) >= 3, visitor.latencies_ms
    # Both visitors gone: their kernels are culled, the pool is refilled to its size.
    running = wait_for_kernels(dashboard_server, POOL_SIZE, CULLED_WITHIN_S)
    assert running == POOL_SIZE, dashboard_server.log_tail()
    assert dashboard_server.log_path.read_text().count("Culling 'idle' kernel") >= 2
