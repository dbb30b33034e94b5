"""Defences shared by the widgets against whatever a browser (or a hostile page) sends.

Comm messages whose envelope is malformed (no ``method``, a ``state`` that is not a mapping,
``buffer_paths`` that do not fit the buffers) are dropped with a warning. The frontend may
write only the traits a widget lists in ``_browser_writable``; any other
trait write, a state that is not a mapping, or a value its trait refuses is dropped with a
logged warning, and the widget re-sends its current values so the browser shows them again.
Texts quoted back (in logs and error messages) are cut to :data:`MAX_QUOTE` characters.
"""

from __future__ import annotations

import logging
from typing import Any, ClassVar

import anywidget
import traitlets
from ipywidgets.widgets.widget import _put_buffers

from vmapwidget.errors import short

logger = logging.getLogger("vmapwidget")


class GuardedWidget(anywidget.AnyWidget):
    """An AnyWidget that accepts trait writes from the frontend only for listed traits."""

    _browser_writable: ClassVar[frozenset[str]] = frozenset()
    """Names of the synced traits the frontend is allowed to set."""

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """The synced state, always whole: an anywidget model in the browser has no trait
        defaults, so a state without them (``ipywidgets.embed`` drops defaults unless told
        not to) would lose the widget's ES module and values its frontend reads."""
        return super().get_state(key=key, drop_defaults=False)

    def _handle_msg(self, msg: dict[str, Any]) -> None:
        """Entry point of every comm message from the frontend: check the envelope first."""
        data = msg["content"]["data"]
        method = data.get("method") if isinstance(data, dict) else None
        if method not in ("update", "request_state", "custom"):
            logger.warning("%s ignored a comm message: %s", type(self).__name__, short(data))
            return
        if method != "update":
            super()._handle_msg(msg)
            return
        state = data.get("state", {})
        try:
            if not isinstance(state, dict):
                raise TypeError("the state is not a mapping")
            _put_buffers(state, data.get("buffer_paths", []), msg.get("buffers") or [])
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            logger.warning(
                "%s ignored an update: %s: %s", type(self).__name__, short(str(exc)), short(data)
            )
            return
        self.set_state(state)

    def set_state(self, sync_data: Any) -> None:
        """Apply a state update from the frontend: listed traits with acceptable values only."""
        name = type(self).__name__
        if not isinstance(sync_data, dict):
            logger.warning(
                "%s ignored a state update that is not a mapping: %s", name, short(sync_data)
            )
            return
        refused = [key for key in sync_data if key not in self._browser_writable]
        if refused:
            logger.warning("%s ignored browser writes to %s", name, short(refused))
        for key in sync_data:
            if key in self._browser_writable:
                self._set_from_browser(key, sync_data[key])
        resend = [key for key in refused if isinstance(key, str) and key in self.keys]
        if resend:
            self.send_state(resend)

    def _set_from_browser(self, key: str, value: Any) -> None:
        try:
            super().set_state({key: value})
        except (traitlets.TraitError, ValueError, TypeError) as exc:
            logger.warning(
                "%s ignored %s = %s from the browser: %s",
                type(self).__name__,
                key,
                short(value),
                short(str(exc)),
            )
            self.send_state(key)
