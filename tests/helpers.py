"""Helpers shared by the Python tests: running generated loop code, talking to a widget as
its browser does.

Browser messages go through ipywidgets' own entry point, ``Widget._handle_msg``, exactly as
the comm delivers them (the widget's ``on_msg`` handlers see what the browser's would).
Import them as ``from helpers import ...`` (pytest puts ``tests/`` on ``sys.path``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ipywidgets import Widget

from vmapwidget import VmapPlan

__all__ = ["custom", "deliver", "record_sent", "request", "run_loop_code", "update_state"]


def run_loop_code(plan: VmapPlan | dict[str, Any], fun: Callable[..., Any], *args: Any) -> Any:
    """Execute the explicit loop a plan (or a diagram's JSON) carries as ``loop_code`` and
    return ``batched(fun, *args)``, for comparison with ``jax.vmap``."""
    source = plan.loop_code if isinstance(plan, VmapPlan) else plan["loop_code"]
    assert source is not None, "no loop code to run"
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    return namespace["batched"](fun, *args)


def deliver(widget: Widget, data: Any, buffers: Iterable[bytes] = ()) -> None:
    """Feed ``widget`` one comm message whose ``data`` is ``data`` (``{"method": ...}``)."""
    widget._handle_msg({"content": {"data": data}, "buffers": list(buffers)})


def custom(widget: Widget, content: Any, buffers: Iterable[bytes] = ()) -> None:
    """A custom message from the browser (what the frontend's ``model.send`` makes)."""
    deliver(widget, {"method": "custom", "content": content}, buffers)


def update_state(widget: Widget, state: Any) -> None:
    """A trait write from the browser (what the frontend's ``model.save_changes`` makes)."""
    deliver(widget, {"method": "update", "state": state})


def request(widget: Widget, seq: int, vid: str = "view-1", **values: Any) -> None:
    """A GridExplorer view's request for new values (``params``, ``x_range``, ...)."""
    custom(widget, {"type": "request", "vid": vid, "seq": seq, **values})


def record_sent(widget: Widget) -> list[Any]:
    """Replace ``widget.send`` by a recorder: the returned list collects every custom message
    the widget sends to the browser from now on."""
    sent: list[Any] = []
    widget.send = lambda content, buffers=None: sent.append(content)
    return sent
