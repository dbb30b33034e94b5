"""The custom messages a GridExplorer view sends, checked before anything reads them.

- ``{"type": "request", "vid", "seq", <partial state>, "formula"?}``: the view wants a new
  picture (see :mod:`vmapwidget.grid_state` for the state's fields);
- ``{"type": "view", "vid", "pixels": [w, h] | null}``: the view's plot size in device pixels
  when it opens (null when it closes);
- ``{"type": "stop", "vid"}``: the view's Stop button — end the evaluation in progress.

Everything comes from the browser and is untrusted: :func:`parse_message` returns a
:class:`Message` or raises :class:`BadMessage` naming what is wrong.

>>> parse_message({"type": "stop", "vid": "v1"}).kind
'stop'
>>> parse_message({"type": "request", "vid": "v1", "seq": -1})  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
vmapwidget.widgets.grid_messages.BadMessage: a request without a valid vid/seq: ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from vmapwidget.errors import short

__all__ = ["MAX_ID_LENGTH", "MAX_SEQ", "REQUEST_FIELDS", "BadMessage", "Message", "parse_message"]

MAX_ID_LENGTH = 64
MAX_SEQ = 2**53
"""Largest request number accepted (JavaScript's largest exact integer)."""
REQUEST_FIELDS = frozenset(
    {"type", "vid", "seq", "params", "x_range", "y_range", "resolution", "formula"}
)
VIEW_FIELDS = frozenset({"type", "vid", "pixels"})
STOP_FIELDS = frozenset({"type", "vid"})
MAX_PIXELS = 65536


class BadMessage(ValueError):
    """A message from the browser that is not one of the three kinds, or malformed."""


@dataclass(frozen=True)
class Message:
    """A checked message: its kind, the view it came from and the kind's own fields."""

    kind: str
    vid: str
    seq: int = 0
    fields: dict[str, Any] = field(default_factory=dict)
    """A request's state fields and formula (not yet validated: see grid_state)."""
    pixels: tuple[int, int] | None = None


def valid_vid(vid: Any) -> bool:
    """A view id: a str of 1 … MAX_ID_LENGTH characters."""
    return isinstance(vid, str) and 0 < len(vid) <= MAX_ID_LENGTH


def _valid_pixels(pixels: Any) -> bool:
    """None, or [width, height]: whole numbers from 1 to MAX_PIXELS."""
    return pixels is None or (
        isinstance(pixels, list)
        and len(pixels) == 2
        and all(
            isinstance(p, int) and not isinstance(p, bool) and 1 <= p <= MAX_PIXELS for p in pixels
        )
    )


def parse_message(content: Any) -> Message:
    """The message ``content`` is, checked (BadMessage if it is none)."""
    kind = content.get("type") if isinstance(content, dict) else None
    if kind == "view":
        pixels = content.get("pixels")
        if set(content) != VIEW_FIELDS or not valid_vid(content["vid"]):
            raise BadMessage(f"a malformed view message: {short(content)}")
        if not _valid_pixels(pixels):
            raise BadMessage(f"a malformed view message: {short(content)}")
        return Message("view", content["vid"], pixels=None if pixels is None else tuple(pixels))
    if kind == "stop":
        if set(content) != STOP_FIELDS or not valid_vid(content["vid"]):
            raise BadMessage(f"a malformed stop message: {short(content)}")
        return Message("stop", content["vid"])
    if kind != "request":
        raise BadMessage(f"a malformed message: {short(content)}")
    vid, seq = content.get("vid"), content.get("seq")
    if (
        not valid_vid(vid)
        or isinstance(seq, bool)
        or not isinstance(seq, int)
        or not 0 <= seq <= MAX_SEQ
    ):
        raise BadMessage(f"a request without a valid vid/seq: {short(content)}")
    fields = {k: v for k, v in content.items() if k not in ("type", "vid", "seq")}
    return Message("request", vid, seq, fields)
