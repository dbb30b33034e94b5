"""Checks of kernel WebSocket frames, made before jupyter_server parses them.

jupyter_server trusts the counts a browser writes into a frame. A v1 frame
(``v1.kernel.websocket.jupyter.org``) starts with an 8-byte little-endian offset count, and
``deserialize_msg_from_ws_v1`` loops that many times on the server's only event-loop thread:
one 8-byte frame saying 2**62 stalls every visitor for good. A legacy binary frame starts
with a 4-byte big-endian count, and ``deserialize_binary_message`` builds a struct format of
that many characters (2**31 - 1: gigabytes) before it looks at the frame's length.

The checks here bound every count by the frame's own length first, then check the offsets
(never decreasing, inside the frame), the sizes of the parts and the parts jupyter_server
reads itself (the channel name, the JSON header or message), so that a frame that passes is
parsed by jupyter_server without an exception. Each raises :class:`BadFrame` with the reason.
They import nothing from jupyter_server; ``ws_connection.py`` applies them.

A valid v1 frame (the channel, then header, parent header, metadata and content):

>>> import json
>>> header = json.dumps({"msg_type": "kernel_info_request"}).encode()
>>> parts = [b"shell", header, b"{}", b"{}", b"{}"]
>>> offsets = [8 * (len(parts) + 2)]
>>> for part in parts:
...     offsets.append(offsets[-1] + len(part))
>>> table = b"".join(n.to_bytes(8, "little") for n in [len(offsets), *offsets])
>>> check_v1_frame(table + b"".join(parts))
>>> try:
...     check_v1_frame((2**62).to_bytes(8, "little"))
... except BadFrame as bad:
...     print(bad)
v1 frame declares 4611686018427387904 offsets, but its 8 bytes hold at most 0
"""

from __future__ import annotations

import itertools
import json
import struct
from dataclasses import dataclass
from typing import Any

__all__ = [
    "DEFAULT_LIMITS",
    "V1_SUBPROTOCOL",
    "BadFrame",
    "FrameLimits",
    "check_frame",
    "check_legacy_frame",
    "check_text_frame",
    "check_v1_frame",
]

V1_SUBPROTOCOL = "v1.kernel.websocket.jupyter.org"
# The channel, then header, parent header, metadata and content: the fewest parts a kernel
# message has, so the fewest offsets a v1 frame from a client has (one more than its parts).
MIN_V1_PARTS = 5
MAX_CHANNEL_BYTES = 64
# jupyter_server walks a legacy message's header and parent header recursively (extract_dates).
MAX_HEADER_DEPTH = 32
# The parts of a message that jupyter_server's Session reads by key.
MESSAGE_KEYS = ("header", "parent_header", "metadata", "content")


class BadFrame(ValueError):
    """A kernel WebSocket frame that jupyter_server must not parse; the text says why."""


@dataclass(frozen=True)
class FrameLimits:
    """How much one frame may carry.

    ``max_parts``: parts of one message (the channel, the four JSON parts and the binary
    buffers). ``max_part_bytes``: bytes in one part, and characters in one text frame.
    Tornado limits a whole frame already (``websocket_max_message_size``, 10 MiB by default).
    """

    max_parts: int = 4096
    max_part_bytes: int = 64 * 2**20


DEFAULT_LIMITS = FrameLimits()


def check_frame(
    message: str | bytes, subprotocol: str | None, limits: FrameLimits = DEFAULT_LIMITS
) -> None:
    """Check one incoming frame of a socket speaking ``subprotocol`` (None: the legacy one).

    >>> check_frame("[]", None)
    Traceback (most recent call last):
    ...
    vmapwidget.integrations.ws_frames.BadFrame: text frame is JSON list, not an object
    """
    if subprotocol == V1_SUBPROTOCOL:
        if not isinstance(message, bytes):
            raise BadFrame("text frame on the v1 protocol, which sends only binary frames")
        check_v1_frame(message, limits)
    elif isinstance(message, bytes):
        check_legacy_frame(message, limits)
    else:
        check_text_frame(message, limits)


def check_v1_frame(data: bytes, limits: FrameLimits = DEFAULT_LIMITS) -> None:
    """Check a binary frame of the v1 protocol: 8-byte little-endian offset count n, n offsets
    (8 bytes each) from the frame's start; part i runs from offset i to offset i + 1."""
    size = len(data)
    if size < 8:
        raise BadFrame(f"v1 frame of {size} bytes, shorter than its 8-byte offset count")
    count = int.from_bytes(data[:8], "little")
    room = size // 8 - 1
    if count > room:
        raise BadFrame(
            f"v1 frame declares {count} offsets, but its {size} bytes hold at most {room}"
        )
    if count < MIN_V1_PARTS + 1:
        raise BadFrame(f"v1 frame with {count} offsets; a message needs {MIN_V1_PARTS + 1}")
    if count - 1 > limits.max_parts:
        raise BadFrame(f"v1 frame of {count - 1} parts; at most {limits.max_parts} allowed")
    offsets = struct.unpack_from(f"<{count}Q", data, 8)
    _check_bounds(offsets, 8 * (count + 1), size, limits, "v1")
    channel = data[offsets[0] : offsets[1]]
    if len(channel) > MAX_CHANNEL_BYTES:
        raise BadFrame(f"channel name of {len(channel)} bytes; at most {MAX_CHANNEL_BYTES}")
    _decode(channel, "channel name")
    _check_header(_json_object(data[offsets[1] : offsets[2]], "header"))


def check_legacy_frame(data: bytes, limits: FrameLimits = DEFAULT_LIMITS) -> None:
    """Check a binary frame of the legacy protocol: 4-byte big-endian part count n, n offsets
    (4 bytes each) where the parts start; the last part runs to the frame's end, the first
    is the message as JSON (without its buffers)."""
    size = len(data)
    if size < 4:
        raise BadFrame(f"legacy frame of {size} bytes, shorter than its 4-byte part count")
    count = int.from_bytes(data[:4], "big")
    room = size // 4 - 1
    if count > room:
        raise BadFrame(
            f"legacy frame declares {count} parts, but its {size} bytes hold at most {room}"
        )
    if count < 1:
        raise BadFrame("legacy frame with no parts; a message needs its JSON part")
    if count > limits.max_parts:
        raise BadFrame(f"legacy frame of {count} parts; at most {limits.max_parts} allowed")
    bounds = (*struct.unpack_from(f">{count}I", data, 4), size)
    _check_bounds(bounds, 4 * (count + 1), size, limits, "legacy")
    _check_message(_json_object(data[bounds[0] : bounds[1]], "message"))


def check_text_frame(text: str, limits: FrameLimits = DEFAULT_LIMITS) -> None:
    """Check a text frame of the legacy protocol: a whole message as a JSON object."""
    if len(text) > limits.max_part_bytes:
        raise BadFrame(f"text frame of {len(text)} characters; at most {limits.max_part_bytes}")
    message = _json_object(text, "text frame")
    _check_message(message)
    if message.get("buffers", []) != []:
        raise BadFrame("text frame with buffers; binary buffers need a binary frame")


def _check_bounds(
    bounds: tuple[int, ...], table_end: int, size: int, limits: FrameLimits, protocol: str
) -> None:
    """Consecutive ``bounds`` delimit the parts: after the offset table, never decreasing,
    inside the frame, each part within the size limit."""
    for index, bound in enumerate(bounds):
        if bound > size:
            raise BadFrame(f"{protocol} frame's offset {index} ({bound}) is past its {size} bytes")
    if bounds[0] < table_end:
        raise BadFrame(f"{protocol} frame's first part starts at {bounds[0]}, inside its offsets")
    for index, (start, stop) in enumerate(itertools.pairwise(bounds)):
        if stop < start:
            raise BadFrame(f"{protocol} frame's offset {index + 1} ({stop}) is before {start}")
        if stop - start > limits.max_part_bytes:
            raise BadFrame(
                f"{protocol} frame's part {index} has {stop - start} bytes; "
                f"at most {limits.max_part_bytes}"
            )


def _decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadFrame(f"{what} is not UTF-8 ({error.reason} at byte {error.start})") from None


def _json_object(data: bytes | str, what: str) -> dict[str, Any]:
    text = _decode(data, what) if isinstance(data, bytes) else data
    try:
        value = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise BadFrame(f"{what} is not JSON ({type(error).__name__})") from None
    if not isinstance(value, dict):
        raise BadFrame(f"{what} is JSON {type(value).__name__}, not an object")
    return value


def _check_header(header: dict[str, Any]) -> None:
    if not isinstance(header.get("msg_type"), str):
        raise BadFrame("header has no msg_type string")


def _check_message(message: dict[str, Any]) -> None:
    """What jupyter_server and its Session read of a legacy message, by key."""
    for key in MESSAGE_KEYS:
        if not isinstance(message.get(key), dict):
            raise BadFrame(f"message has no {key} object")
    _check_header(message["header"])
    for key in ("header", "parent_header"):
        if not _nested_at_most(message[key], MAX_HEADER_DEPTH):
            raise BadFrame(f"message's {key} is nested deeper than {MAX_HEADER_DEPTH}")
    channel = message.get("channel")
    if channel is not None and not isinstance(channel, str):
        raise BadFrame(f"message's channel is JSON {type(channel).__name__}, not a string")


def _nested_at_most(value: object, limit: int) -> bool:
    """Whether JSON ``value`` nests objects/arrays ``limit`` deep at most (no recursion)."""
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            item = list(item.values())
        if isinstance(item, list):
            if depth > limit:
                return False
            stack.extend((child, depth + 1) for child in item)
    return True
