"""Dashboard visitors without a browser: a client that speaks the widget protocol.

A visitor does what a page does, over the same endpoints: GET the dashboard (Voila hands it
a kernel that has run the notebook), open the kernel WebSocket (v1 protocol), find the
GridExplorer's comm, announce a view and send slider requests (the messages the JS sends),
then wait for the frame that answers each one. It records key → final frame latency,
frames that answer an older request after a newer one (stale), and errors.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from typing import Any

from jupyter_server.services.kernels.connection.base import (
    deserialize_msg_from_ws_v1,
    serialize_msg_to_ws_v1,
)
from tornado.websocket import WebSocketClientConnection, websocket_connect

from vmapwidget.integrations.ws_frames import V1_SUBPROTOCOL

from .servers import Server

CONNECT_TIMEOUT_S = 60.0
REPLY_TIMEOUT_S = 30.0
VIEW_PIXELS = [256, 256]
# A person dragging a slider: one input event per 60 Hz display frame. Faster than the
# WebSocket guard's sustained rate (200 frames/s), a scripted visitor would be shut out as a
# flood once its burst allowance (2,000 frames) ran out.
DRAG_INTERVAL_S = 1 / 60
CONFIG_RE = re.compile(r'id="jupyter-config-data"[^>]*>(.*?)</script>', re.DOTALL)


def page_kernel(server: Server, path: str = "") -> str:
    """GET the dashboard page (a visit: Voila gives it a kernel); that kernel's id."""
    with urllib.request.urlopen(server.url(path), timeout=CONNECT_TIMEOUT_S) as response:
        page = response.read().decode()
    config = CONFIG_RE.search(page)
    if config is None:
        raise RuntimeError(f"no jupyter-config-data in the page: {page[-1000:]}")
    return json.loads(config.group(1))["kernelId"]


def message(msg_type: str, content: dict[str, Any], session: str) -> dict[str, Any]:
    header = {
        "msg_id": uuid.uuid4().hex,
        "msg_type": msg_type,
        "username": "visitor",
        "session": session,
        "date": "2026-01-01T00:00:00Z",
        "version": "5.3",
    }
    return {"header": header, "parent_header": {}, "metadata": {}, "content": content}


@dataclass
class Visitor:
    """One visitor's kernel socket and what it measured."""

    server: Server
    kernel_id: str
    ws: WebSocketClientConnection
    session: str
    vid: str = field(default_factory=lambda: f"lt-{uuid.uuid4().hex[:8]}")
    comm_id: str = ""
    seq: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    stale: int = 0
    errors: list[str] = field(default_factory=list)
    _newest_seen: int = -1

    @classmethod
    async def arrive(cls, server: Server, path: str = "") -> Visitor:
        """Open the page, connect to its kernel, find the GridExplorer, announce a view."""
        kernel_id = await asyncio.to_thread(page_kernel, server, path)
        session = uuid.uuid4().hex
        url = server.url(f"api/kernels/{kernel_id}/channels?session_id={session}")
        ws = await asyncio.wait_for(
            websocket_connect(url.replace("http://", "ws://", 1), subprotocols=[V1_SUBPROTOCOL]),
            CONNECT_TIMEOUT_S,
        )
        visitor = cls(server, kernel_id, ws, session)
        visitor.comm_id = await visitor._grid_comm()
        await visitor._custom({"type": "view", "vid": visitor.vid, "pixels": VIEW_PIXELS})
        return visitor

    async def send(self, msg_type: str, content: dict[str, Any]) -> str:
        msg = message(msg_type, content, self.session)
        parts = [json.dumps(msg[k]).encode() for k in ("header", "parent_header")]
        parts += [json.dumps(msg[k]).encode() for k in ("metadata", "content")]
        await self.ws.write_message(serialize_msg_to_ws_v1(parts, "shell"), binary=True)
        return msg["header"]["msg_id"]

    async def receive(self, timeout: float = REPLY_TIMEOUT_S) -> dict[str, Any]:
        frame = await asyncio.wait_for(self.ws.read_message(), timeout)
        if frame is None:
            raise ConnectionError(f"kernel socket closed ({self.ws.close_code})")
        channel, parts = deserialize_msg_from_ws_v1(frame)
        header, parent, _, content = (json.loads(p) for p in parts[:4])
        return {"channel": channel, "header": header, "parent": parent, "content": content}

    async def _grid_comm(self) -> str:
        """The comm id of the page's GridExplorer (the widget with a ``_frame_meta``)."""
        asked = await self.send("comm_info_request", {"target_name": "jupyter.widget"})
        comms: list[str] = []
        while not comms:
            msg = await self.receive()
            if (
                msg["header"]["msg_type"] == "comm_info_reply"
                and msg["parent"].get("msg_id") == asked
            ):
                comms = list(msg["content"]["comms"])
        pending = {}
        for comm_id in comms:
            content = {"comm_id": comm_id, "data": {"method": "request_state"}}
            pending[await self.send("comm_msg", content)] = comm_id
        deadline = time.monotonic() + REPLY_TIMEOUT_S
        while time.monotonic() < deadline:
            msg = await self.receive(deadline - time.monotonic())
            data = msg["content"].get("data", {})
            if msg["parent"].get("msg_id") in pending and "_frame_meta" in data.get("state", {}):
                return msg["content"]["comm_id"]
        raise RuntimeError("no GridExplorer among the page's widgets")

    async def _custom(self, content: dict[str, Any]) -> None:
        data = {"method": "custom", "content": content}
        await self.send("comm_msg", {"comm_id": self.comm_id, "data": data})

    async def slide(self, params: dict[str, float]) -> float:
        """Send a slider request; wait for the final frame that answers it; its latency (ms).
        Frames for an older request arriving after a newer one's are counted in ``stale``."""
        self.seq += 1
        seq, start = self.seq, time.perf_counter()
        await self._custom({"type": "request", "vid": self.vid, "seq": seq, "params": params})
        while True:
            msg = await self.receive()
            data = msg["content"].get("data", {})
            if msg["content"].get("comm_id") != self.comm_id or data.get("method") != "update":
                continue
            status = data["state"].get("_status")
            if not status or status.get("vid") != self.vid or status.get("seq") is None:
                continue
            if status["seq"] < self._newest_seen and "_frame_meta" in data["state"]:
                self.stale += 1
            self._newest_seen = max(self._newest_seen, status["seq"])
            if status["seq"] != seq:
                continue
            if status.get("error"):
                self.errors.append(status["error"])
                return float("nan")
            if status.get("progress", {}).get("final", True):
                latency = (time.perf_counter() - start) * 1e3
                self.latencies_ms.append(latency)
                return latency

    def leave(self) -> None:
        self.ws.close()


async def drag(
    visitor: Visitor, seconds: float, name: str = "a", interval_s: float = DRAG_INTERVAL_S
) -> None:
    """Move slider ``name`` back and forth for ``seconds``, one request after another (as
    a dragged slider does: the next step once the last frame is drawn), at most one per
    ``interval_s`` (a pointer drag's events come once per display frame)."""
    deadline = time.monotonic() + seconds
    step, value = 0.05, 1.0
    while (start := time.monotonic()) < deadline:
        value += step
        if not 0.2 <= value <= 2.8:
            step = -step
        try:
            await visitor.slide({name: round(value, 4)})
        except (TimeoutError, ConnectionError) as error:
            visitor.errors.append(repr(error))
            return
        await asyncio.sleep(max(0.0, start + interval_s - time.monotonic()))
