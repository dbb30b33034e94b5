"""xlabel, ylabel and colorbar_label: defaults, validation, and what the browser is sent."""

from __future__ import annotations

import pytest
from helpers import update_state

from vmapwidget.widgets.grid_explorer import GridExplorer, InvalidGridValue
from vmapwidget.widgets.grid_traits import MAX_LABEL


def surface(time, depth, a):
    return a * time * depth


def test_labels_default_to_the_axis_names_and_are_sent():
    w = GridExplorer(surface, resolution=8, a=(0, 1))
    assert (w.xlabel, w.ylabel, w.colorbar_label) == ("time", "depth", "")
    state = w.get_state()
    assert (state["xlabel"], state["ylabel"], state["colorbar_label"]) == ("time", "depth", "")


def test_labels_given_and_set_later():
    w = GridExplorer(surface, resolution=8, a=(0, 1), xlabel="t (s)", colorbar_label="loss")
    assert (w.xlabel, w.ylabel, w.colorbar_label) == ("t (s)", "depth", "loss")
    w.ylabel = "z (m)"
    assert w.get_state()["ylabel"] == "z (m)"
    w.xlabel = ""  # an empty label draws nothing
    assert w.xlabel == ""


@pytest.mark.parametrize("bad", [3, None, b"x", ["x"], "x" * (MAX_LABEL + 1)])
@pytest.mark.parametrize("name", ["xlabel", "ylabel", "colorbar_label"])
def test_bad_labels_are_refused_naming_the_option(name, bad):
    if bad is not None or name == "colorbar_label":  # xlabel=None: the default
        with pytest.raises(InvalidGridValue, match=f"{name} must be a string of at most"):
            GridExplorer(surface, resolution=8, a=(0, 1), **{name: bad})
    w = GridExplorer(surface, resolution=8, a=(0, 1))
    before = getattr(w, name)
    with pytest.raises(ValueError, match=name):
        setattr(w, name, bad)
    assert getattr(w, name) == before


def test_the_browser_cannot_write_labels(caplog):
    w = GridExplorer(surface, resolution=8, a=(0, 1))
    update_state(w, {"xlabel": "<img src=x onerror=alert(1)>"})
    assert w.xlabel == "time" and "ignored browser writes" in caplog.text
