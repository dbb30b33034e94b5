"""The kernel WebSocket frame checks, against jupyter_server's own serializers and parsers.

A frame that passes must be parsed by jupyter_server without an exception; every frame
jupyter_server's (and so JupyterLab's) serializer writes must pass.
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)

from vmapwidget.integrations.ws_frames import (
    MAX_CHANNEL_BYTES,
    V1_SUBPROTOCOL,
    BadFrame,
    FrameLimits,
    check_frame,
    check_legacy_frame,
    check_text_frame,
    check_v1_frame,
)

HEADER = {"msg_id": "1", "msg_type": "comm_msg", "session": "s", "username": "u", "version": "5.3"}
MESSAGE = {"header": HEADER, "parent_header": {}, "metadata": {}, "content": {"data": {"a": 1}}}
FAST = settings(max_examples=100, deadline=None)
buffers = st.lists(st.binary(max_size=64), max_size=5)


def nested(depth: int) -> dict:
    """A JSON object nested ``depth`` deep: {"a": {"a": ... {}}}."""
    value: dict = {}
    for _ in range(depth - 1):
        value = {"a": value}
    return value


def json_parts(message: dict = MESSAGE) -> list[bytes]:
    return [
        json.dumps(message[key]).encode()
        for key in ("header", "parent_header", "metadata", "content")
    ]


def v1_frame(extra: list[bytes] = (), channel: str = "shell") -> bytes:
    return serialize_msg_to_ws_v1([*json_parts(), *extra], channel)


def legacy_frame(extra: list[bytes] = (), message: dict = MESSAGE) -> bytes:
    return serialize_binary_message({**message, "channel": "shell", "buffers": list(extra)})


def v1_raw(offsets: list[int], body: bytes) -> bytes:
    return struct.pack(f"<{len(offsets) + 1}Q", len(offsets), *offsets) + body


def legacy_raw(offsets: list[int], body: bytes) -> bytes:
    return struct.pack(f">{len(offsets) + 1}I", len(offsets), *offsets) + body


def refused(check, frame, match: str | None = None, **limits: int) -> None:
    with pytest.raises(BadFrame, match=match):
        check(frame, FrameLimits(**limits)) if limits else check(frame)


# Frames that jupyter_server writes pass and read back the same.


@FAST
@given(extra=buffers, channel=st.sampled_from(["shell", "control", "stdin", "iopub"]))
def test_v1_frames_from_jupyter_servers_serializer_pass_and_round_trip(extra, channel):
    frame = v1_frame(extra, channel)
    check_v1_frame(frame)
    check_frame(frame, V1_SUBPROTOCOL)
    assert deserialize_msg_from_ws_v1(frame) == (channel, [*json_parts(), *extra])


@FAST
@given(extra=buffers)
def test_legacy_frames_from_jupyter_servers_serializer_pass_and_round_trip(extra):
    frame = legacy_frame(extra)
    check_legacy_frame(frame)
    check_frame(frame, None)
    message = deserialize_binary_message(frame)
    assert message["content"] == MESSAGE["content"] and message["buffers"] == extra


def test_legacy_text_frames_pass():
    check_text_frame(json.dumps({**MESSAGE, "channel": "shell", "buffers": []}))
    check_text_frame(json.dumps({**MESSAGE, "parent_header": nested(32)}))
    check_frame(json.dumps(MESSAGE), None)


# Counts that would make jupyter_server loop or allocate without end are refused at once.


@pytest.mark.parametrize("count", [2**62, 2**64 - 1, 7])
def test_a_v1_offset_count_beyond_the_frame_is_refused_at_once(count):
    start = time.perf_counter()
    refused(check_v1_frame, count.to_bytes(8, "little"), "declares")
    refused(check_v1_frame, count.to_bytes(8, "little") + bytes(40), "declares")
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("count", [2**31 - 1, 2**32 - 1, 2**31])
def test_a_legacy_part_count_beyond_the_frame_is_refused_at_once(count):
    start = time.perf_counter()
    refused(check_legacy_frame, count.to_bytes(4, "big") + bytes(100), "declares")
    assert time.perf_counter() - start < 1.0


def test_every_truncated_frame_is_refused():
    v1, legacy = v1_frame([b"xyz"]), legacy_frame([b"xyz"])
    for size in range(len(v1)):
        refused(check_v1_frame, v1[:size])
    # A legacy frame's last part runs to the frame's end, so only cuts before it show.
    for size in range(len(legacy) - 3):
        refused(check_legacy_frame, legacy[:size])


# Offsets: never decreasing, after the table, inside the frame.


def test_v1_offsets_out_of_order_or_range_are_refused():
    body = b"shell" + b"".join(json_parts())
    good = [56, 61]
    for part in json_parts():
        good.append(good[-1] + len(part))
    check_v1_frame(v1_raw(good, body))
    decreasing = [*good[:2], good[3], good[2], *good[4:]]
    refused(check_v1_frame, v1_raw(decreasing, body), "is before")
    refused(check_v1_frame, v1_raw([*good[:-1], good[-1] + 1], body), "past its")
    refused(check_v1_frame, v1_raw([*good[:-1], 2**63], body), "past its")
    refused(check_v1_frame, v1_raw([8, *good[1:]], body), "inside its offsets")
    refused(check_v1_frame, v1_raw(good[:5], body), "needs 6")


def test_legacy_offsets_out_of_order_or_range_are_refused():
    body = json.dumps(MESSAGE).encode() + b"abcd"
    start = 4 * 3
    good = [start, start + len(body) - 4]
    check_legacy_frame(legacy_raw(good, body))
    refused(check_legacy_frame, legacy_raw([good[1], good[0]], body), "is before")
    refused(check_legacy_frame, legacy_raw([start, start + len(body) + 1], body), "past its")
    refused(check_legacy_frame, legacy_raw([4, good[1]], body), "inside its offsets")
    refused(check_legacy_frame, legacy_raw([], body), "no parts")


# Sizes.


def test_oversized_or_too_many_parts_are_refused():
    refused(check_v1_frame, v1_frame([bytes(301)]), "part 5 has 301 bytes", max_part_bytes=300)
    check_v1_frame(v1_frame([bytes(300)]), FrameLimits(max_part_bytes=300))
    refused(check_v1_frame, v1_frame([b""] * 4), "9 parts", max_parts=8)
    refused(check_legacy_frame, legacy_frame([bytes(301)]), "has 301 bytes", max_part_bytes=300)
    check_legacy_frame(legacy_frame([bytes(300)]), FrameLimits(max_part_bytes=300))
    refused(check_legacy_frame, legacy_frame([b""] * 8), "9 parts", max_parts=8)
    text = json.dumps(MESSAGE)
    refused(check_text_frame, text, "characters", max_part_bytes=len(text) - 1)


# What jupyter_server reads itself: the channel, the header, the legacy message.


def test_v1_channel_and_header_are_checked():
    refused(check_v1_frame, v1_frame(channel="x" * (MAX_CHANNEL_BYTES + 1)), "channel name")
    raw = bytearray(v1_frame())
    raw[56] = 0xFF  # the channel's first byte
    refused(check_v1_frame, bytes(raw), "not UTF-8")
    parts = json_parts()
    for header, reason in [(b"{", "not JSON"), (b"[]", "not an object"), (b"{}", "msg_type")]:
        frame = serialize_msg_to_ws_v1([header, *parts[1:]], "shell")
        refused(check_v1_frame, frame, reason)
    deep = b"[" * 100_000 + b"]" * 100_000
    refused(check_v1_frame, serialize_msg_to_ws_v1([deep, *parts[1:]], "shell"), "not JSON")


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("garbage", "not JSON"),
        ("[1, 2]", "not an object"),
        ("null", "not an object"),
        (json.dumps({**MESSAGE, "header": []}), "no header object"),
        (json.dumps({"header": HEADER}), "no parent_header object"),
        (json.dumps({**MESSAGE, "metadata": None}), "no metadata object"),
        (json.dumps({**MESSAGE, "header": {"msg_id": "1"}}), "msg_type"),
        (json.dumps({**MESSAGE, "channel": ["shell"]}), "channel is JSON list"),
        (json.dumps({**MESSAGE, "buffers": ["AAAA"]}), "with buffers"),
        (json.dumps({**MESSAGE, "parent_header": nested(33)}), "parent_header is nested deeper"),
        (json.dumps({**MESSAGE, "header": {**HEADER, "x": nested(32)}}), "header is nested deeper"),
    ],
)
def test_malformed_legacy_messages_are_refused(text, reason):
    refused(check_text_frame, text, reason)
    if "buffers" not in reason:
        refused(check_legacy_frame, legacy_raw([8], text.encode()), reason)


def test_check_frame_dispatches_on_the_protocol():
    refused(lambda frame: check_frame(frame, V1_SUBPROTOCOL), json.dumps(MESSAGE), "text frame")
    refused(lambda frame: check_frame(frame, None), v1_frame(), "declares")
    refused(lambda frame: check_frame(frame, None), "x", "not JSON")


# Random bytes and random damage: refused, or parsed by jupyter_server without an error.


def parses_in_v1(frame: bytes) -> None:
    channel, parts = deserialize_msg_from_ws_v1(frame)
    assert isinstance(channel, str) and len(parts) >= 4
    assert isinstance(json.loads(parts[0])["msg_type"], str)


def parses_in_legacy(frame: bytes) -> None:
    message = deserialize_binary_message(frame)
    assert isinstance(message["header"]["msg_type"], str)


def passes_or_refused(check, parse, frame: bytes) -> None:
    try:
        check(frame)
    except BadFrame as bad:
        assert str(bad)
    else:
        parse(frame)


@FAST
@given(st.binary(max_size=200))
def test_random_bytes_are_refused_or_parse(frame):
    passes_or_refused(check_v1_frame, parses_in_v1, frame)
    passes_or_refused(check_legacy_frame, parses_in_legacy, frame)
    with pytest.raises(BadFrame):
        check_frame(frame.decode("latin-1"), V1_SUBPROTOCOL)


@FAST
@given(
    extra=buffers,
    protocol=st.sampled_from(["v1", "legacy"]),
    damage=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=4),
    cut=st.integers(0, 10_000),
)
def test_damaged_frames_are_refused_or_parse(extra, protocol, damage, cut):
    if protocol == "v1":
        frame, check, parse = bytearray(v1_frame(extra)), check_v1_frame, parses_in_v1
    else:
        frame, check, parse = bytearray(legacy_frame(extra)), check_legacy_frame, parses_in_legacy
    for position, value in damage:
        frame[position % len(frame)] = value
    passes_or_refused(check, parse, bytes(frame))
    passes_or_refused(check, parse, bytes(frame[: cut % (len(frame) + 1)]))


def test_the_frame_checks_import_nothing_from_jupyter_server():
    script = (
        "import sys, vmapwidget.integrations.ws_frames\n"
        "assert 'jupyter_server' not in sys.modules and 'tornado' not in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
