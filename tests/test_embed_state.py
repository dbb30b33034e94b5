"""ipywidgets.embed keeps the whole state of vmapwidget's widgets, defaults included."""

from __future__ import annotations

import base64

import jax.numpy as jnp
import pytest
from helpers import custom
from ipywidgets.embed import dependency_state, embed_data

from vmapwidget import AxisExplorer, GridExplorer, PlanView
from vmapwidget.widgets.grid_explorer import MAX_FRAME_SHAPE

WIDGETS = {
    "PlanView": lambda: PlanView(lambda x: x * 2, jnp.ones((3, 2))),
    "AxisExplorer": lambda: AxisExplorer(lambda x, y: x + y, jnp.ones(3), jnp.ones(3)),
    "GridExplorer": lambda: GridExplorer("sin(a * x) * y", resolution=16, a=(0.1, 3.0)),
}


@pytest.mark.parametrize("name", WIDGETS)
@pytest.mark.parametrize("drop_defaults", [True, False])
def test_embedded_state_is_whole(name, drop_defaults):
    widget = WIDGETS[name]()
    for state in (
        embed_data(views=[widget], drop_defaults=drop_defaults)["manager_state"]["state"],
        dependency_state([widget], drop_defaults=drop_defaults),
    ):
        saved = state[widget.model_id]["state"]
        assert saved["_esm"] == widget._esm and "vw-" in saved["_esm"]
        synced = {key for key in widget.keys if not key.startswith("_view_")}
        buffers = {path[0] for path in _buffer_paths(state[widget.model_id])}
        assert synced <= set(saved) | buffers, synced - set(saved) - buffers


def _buffer_paths(entry: dict) -> list[list]:
    return [buffer["path"] for buffer in entry.get("buffers", [])]


def test_embedded_grid_explorer_carries_the_sharpest_sample():
    widget = GridExplorer("sin(a * x) * y", resolution=1024, a=(0.1, 3.0))
    custom(widget, {"type": "view", "vid": "v", "pixels": [416, 362]})
    assert (widget._frame_meta["sx"], widget._frame_meta["sy"]) == (416, 362)
    entry = embed_data(views=[widget])["manager_state"]["state"][widget.model_id]
    meta = entry["state"]["_frame_meta"]
    assert (meta["nx"], meta["sx"], meta["sy"]) == (1024, *MAX_FRAME_SHAPE)
    assert meta["id"] == widget._frame_meta["id"]
    sizes = {
        buffer["path"][0]: len(base64.b64decode(buffer["data"])) for buffer in entry["buffers"]
    }
    assert sizes["_frame"] == MAX_FRAME_SHAPE[0] * MAX_FRAME_SHAPE[1]
