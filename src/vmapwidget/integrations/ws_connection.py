"""A kernel WebSocket connection for jupyter_server and Voila: no Nagle delay, frames checked.

``GuardedWebsocketConnection`` is jupyter_server's own ``ZMQChannelsWebsocketConnection``
(the class that bridges a browser's kernel WebSocket to the kernel's ZMQ sockets) with two
changes:

- once the socket is up (``connect``), it sets ``TCP_NODELAY`` on it, as the server extension
  does (see ``server_extension.py`` for why: ~20 ms less per widget round trip);
- every incoming frame is checked by ``ws_frames.check_frame`` before jupyter_server parses
  it. A bad frame (say a v1 frame claiming 2**62 offsets, which would stall the server's event
  loop for good) closes that socket with code 1007 and one logged warning; the other sockets,
  the kernel and the server carry on;
- each socket may send ``max_frame_burst`` frames at once and ``max_frames_per_second`` after
  that (a token bucket, ``frame_rate``): a socket flooding the kernel with requests is closed
  with code 1008 and one logged warning before it slows the other visitors' kernels down;
- nothing is sent to a socket once it is closed or refused. jupyter_server takes a socket
  whose handshake is gone for one of the legacy protocol, and standalone Voila reads every
  outgoing binary frame as a v1 frame: a legacy frame with buffers (a widget's picture) gives
  it an offset count near 2**60 and its event loop never returns. For the same reason a
  standalone Voila with that filter (0.5.13 has it, 0.5.6 has not) gets no legacy-protocol
  sockets: one is closed with code 1003 at once (Voila's own page always speaks v1).

Standalone Voila (it loads no Jupyter server extensions) takes it on the command line::

    voila app.ipynb --Voila.kernel_websocket_connection_class=\\
vmapwidget.integrations.ws_connection.GuardedWebsocketConnection

and a Jupyter server as ``--ServerApp.kernel_websocket_connection_class=...`` (the vmapwidget
server extension installs it there by itself). The limits are configurable, e.g.
``--GuardedWebsocketConnection.max_part_bytes=16777216`` or
``--GuardedWebsocketConnection.max_frames_per_second=0`` (no rate limit). Needs
jupyter_server >= 2 (the connection classes appeared there; JupyterLab >= 4.1.1 requires >= 2.4).
"""

from __future__ import annotations

import time
from typing import Any, cast

from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from traitlets import Float, Int

from .frame_rate import FrameRate
from .ws_frames import DEFAULT_LIMITS, V1_SUBPROTOCOL, BadFrame, FrameLimits, check_frame

__all__ = ["CLOSE_CODE", "LEGACY_CLOSE_CODE", "RATE_CLOSE_CODE", "GuardedWebsocketConnection"]

# RFC 6455: "a message with data inconsistent with its type", "violates its policy", and
# "a type of data it cannot accept".
CLOSE_CODE = 1007
RATE_CLOSE_CODE = 1008
LEGACY_CLOSE_CODE = 1003
WARNING = "vmapwidget: closed kernel WebSocket for kernel %s (session %r): bad frame: %s"
RATE_WARNING = (
    "vmapwidget: closed kernel WebSocket for kernel %s (session %r): more than %d frames at "
    "once and %g a second after that"
)
LEGACY_WARNING = (
    "vmapwidget: closed kernel WebSocket for kernel %s (session %r): standalone Voila serves "
    "only the v1 kernel protocol (its filter misreads legacy binary frames and would stall)"
)


class GuardedWebsocketConnection(ZMQChannelsWebsocketConnection):
    """jupyter_server's kernel WebSocket connection with TCP_NODELAY and checked frames."""

    max_parts = Int(
        DEFAULT_LIMITS.max_parts,
        config=True,
        help="Most parts in one kernel message (channel, JSON parts, binary buffers).",
    )
    max_part_bytes = Int(
        DEFAULT_LIMITS.max_part_bytes,
        config=True,
        help="Most bytes in one part of a binary frame, characters in one text frame.",
    )

    max_frames_per_second = Float(
        200.0,
        config=True,
        help="Frames one socket may send per second once its burst is spent (0: no limit).",
    )
    max_frame_burst = Int(
        2000,
        config=True,
        help="Frames one socket may send at once (a notebook's Run All sends one per cell).",
    )

    _refused = False
    _rate: FrameRate | None = None

    def connect(self) -> Any:
        """Turn Nagle's algorithm off, start the frame count, then connect to the kernel (a
        legacy socket in standalone Voila is connected, so that the count of the kernel's
        connections stays right, then closed, with nothing sent to it)."""
        self.websocket_handler.set_nodelay(True)
        self._rate = FrameRate(self.max_frames_per_second, self.max_frame_burst, time.monotonic())
        legacy_in_voila = self.subprotocol != V1_SUBPROTOCOL and _in_standalone_voila(
            self.websocket_handler
        )
        self._refused = legacy_in_voila
        connected = super().connect()
        if legacy_in_voila:
            self.log.warning(LEGACY_WARNING, self.kernel_id, self.session.session)
            if connected is None:
                self._close_legacy()
            else:
                connected.add_done_callback(lambda _: self._close_legacy())
        return connected

    def handle_outgoing_message(self, stream: Any, outgoing_msg: list[Any]) -> None:
        """Pass a kernel message on, unless this socket is closed or refused."""
        if self._refused or self.websocket_handler.ws_connection is None:
            return
        super().handle_outgoing_message(stream, outgoing_msg)

    def handle_incoming_message(self, incoming_msg: str | bytes) -> None:
        """Check the frame; pass it on to jupyter_server, or close this socket."""
        if self._refused:
            return
        if self._rate is not None and not self._rate.admit(time.monotonic()):
            self._refused = True
            self.log.warning(
                RATE_WARNING,
                self.kernel_id,
                self.session.session,
                self.max_frame_burst,
                self.max_frames_per_second,
            )
            self.websocket_handler.close(RATE_CLOSE_CODE, "too many kernel messages")
            return
        try:
            check_frame(incoming_msg, self.subprotocol, self.limits)
        except BadFrame as reason:
            self._refuse(reason)
            return
        # jupyter_server annotates ``str``; tornado hands it ``bytes`` for binary frames.
        super().handle_incoming_message(cast(Any, incoming_msg))

    @property
    def limits(self) -> FrameLimits:
        """The configured limits on one frame."""
        return FrameLimits(max_parts=self.max_parts, max_part_bytes=self.max_part_bytes)

    def _close_legacy(self) -> None:
        self.websocket_handler.close(LEGACY_CLOSE_CODE, "legacy kernel protocol not served")

    def _refuse(self, reason: BadFrame) -> None:
        self._refused = True
        self.log.warning(WARNING, self.kernel_id, self.session.session, reason)
        self.websocket_handler.close(CLOSE_CODE, "malformed kernel message")


def _in_standalone_voila(handler: Any) -> bool:
    """Whether ``handler`` is standalone Voila's kernel WebSocket handler."""
    try:
        from voila.tornado.kernel_websocket_handler import VoilaKernelWebsocketHandler
    except ImportError:
        return False
    return isinstance(handler, VoilaKernelWebsocketHandler)
