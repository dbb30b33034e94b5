"""GridExplorer's messages from the browser: requests for a picture, view sizes and Stop.

A request names its view and number (``vid``, ``seq``; latest wins per view, see
:class:`~vmapwidget.widgets.grid_views.Views`) and the values it wants (and, with
``editable_formula``, a formula); everything in it is validated before any evaluation, and a
refusal is answered with an ``error`` naming the problem and a logged warning.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from vmapwidget.errors import GridFunctionError, short
from vmapwidget.formula import FormulaError
from vmapwidget.grid_scheduler import GridScheduler
from vmapwidget.grid_state import STATE_FIELDS, requested_state
from vmapwidget.kernels import GridKernel
from vmapwidget.widgets.grid_messages import BadMessage, Message, parse_message
from vmapwidget.widgets.grid_picture import Picture, sent_as
from vmapwidget.widgets.grid_views import Views

if TYPE_CHECKING:
    import numpy as np

    from vmapwidget.grid_specs import ParamSpec
    from vmapwidget.grid_state import GridState

__all__ = ["BrowserRequest", "BrowserRequests"]

logger = logging.getLogger("vmapwidget")


@dataclass
class BrowserRequest:
    """A browser request being evaluated: whom to answer, and what to undo if it fails."""

    vid: str
    seq: int
    formula: str | None
    kernel: GridKernel
    previous: GridKernel
    answered: bool = False


class BrowserRequests:
    """The handlers of a GridExplorer's custom messages (mixed into the widget)."""

    _views: Views
    _scheduler: GridScheduler
    _picture: Picture
    specs: dict[str, ParamSpec]
    dtype: np.dtype[Any]
    editable_formula: bool
    encoding: str
    error: str
    _frame_meta: dict[str, Any]

    if TYPE_CHECKING:

        @property
        def kernel(self) -> GridKernel: ...
        def _adopt(self, kernel: GridKernel) -> None: ...
        def _formula_kernel(self, text: Any) -> GridKernel: ...
        def _on_error(self, error: Exception, request: BrowserRequest) -> None: ...
        def _reply(self, vid: str | None, seq: int | None, error: str, **extra: Any) -> None: ...
        def _apply_traits(self, state: GridState, **extra: Any) -> None: ...
        def _status_for(
            self, vid: str | None, seq: int | None, error: str, **extra: Any
        ) -> dict[str, Any]: ...

    def _on_browser_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        """Handle a request, view or stop message (see grid_messages)."""
        try:
            message = parse_message(content)
        except BadMessage as exc:
            logger.warning("GridExplorer ignored %s", exc)
            return
        if message.kind == "view":
            self._on_view(message)
        elif message.kind == "stop":
            self._on_stop(message)
        elif not self._views.accept(message.vid, message.seq):
            logger.warning("GridExplorer ignored a stale request %s #%d", message.vid, message.seq)
        else:
            self._on_request(message)

    def _on_request(self, message: Message) -> None:
        vid, seq, fields = message.vid, message.seq, message.fields
        try:
            unknown = [k for k in fields if k not in STATE_FIELDS and k != "formula"]
            if unknown:
                raise ValueError(f"unknown fields {short(unknown)}")
            state = requested_state(self._picture.state, fields, self.specs, self.dtype)
            kernel = self._requested_kernel(fields)
        except FormulaError as exc:
            logger.warning("GridExplorer refused a formula from the browser: %s", short(str(exc)))
            self._reply(vid, seq, f"formula: {short(str(exc))}", formula_column=exc.column)
            return
        except GridFunctionError as exc:
            logger.warning("GridExplorer refused a formula from the browser: %s", short(str(exc)))
            self._reply(vid, seq, f"formula: {short(str(exc))}")
            return
        except (ValueError, TypeError, OverflowError) as exc:
            logger.warning(
                "GridExplorer ignored invalid values from the browser: %s", short(str(exc))
            )
            self._reply(vid, seq, f"ignored invalid values from the browser: {short(str(exc))}")
            return
        formula = fields.get("formula")
        request = BrowserRequest(vid, seq, formula, kernel, self.kernel)
        self._adopt(kernel)
        try:
            self._scheduler.submit(state, request)
        except GridFunctionError as exc:
            self._on_error(exc, request)
        except ValueError as exc:  # the state cannot be drawn in this dtype
            self._adopt(request.previous)
            logger.warning("GridExplorer ignored values from the browser: %s", short(str(exc)))
            self._reply(vid, seq, f"ignored invalid values from the browser: {short(str(exc))}")

    def _requested_kernel(self, fields: dict[str, Any]) -> GridKernel:
        """The kernel for a requested formula, or the current one when there is none."""
        if "formula" not in fields:
            return self.kernel
        if not self.editable_formula:
            raise ValueError("this widget's formula is not editable")
        return self._formula_kernel(fields["formula"])

    def _on_view(self, message: Message) -> None:
        """Remember (or forget) a view's plot size in device pixels; resend the picture if
        that changes the sample a finer grid is sent as."""
        self._views.resize(message.vid, message.pixels)
        if not sent_as(self._frame_meta, self._views.frame_shape()):
            frame = self._picture.frame_traits(self.encoding, self._views.frame_shape())
            self._apply_traits(
                self._picture.state, **frame, _status=self._status_for(None, None, self.error)
            )

    def _on_stop(self, message: Message) -> None:
        """End the refinement; always answer, so a view showing a partial picture hides
        its Stop button even when the evaluation has already ended."""
        self._scheduler.stop()
        self._picture.stopped()
        self._reply(message.vid, None, self.error)
