"""color_range and color_limits: validation, the limits of each mode, frames coloured against
them (exact inside, true values outside), and writes from the browser's Lock button."""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import pytest
from helpers import request, update_state

from vmapwidget.color_range import check_color_range, color_limits
from vmapwidget.constants import COLORMAP_ENTRIES
from vmapwidget.grid_frames import decode_grid, encode_grid
from vmapwidget.widgets.grid_explorer import GridExplorer, InvalidGridValue


def amplitude(x, y, b):
    return b * jnp.sin(x) * y


def make(**kwargs) -> GridExplorer:
    return GridExplorer(amplitude, x=(-3, 3), y=(-2, 2), resolution=32, b=(0.1, 5, 1), **kwargs)


def reference(b: float, n: int = 32) -> np.ndarray:
    x = np.linspace(-3, 3, n, dtype=np.float32)
    y = np.linspace(-2, 2, n, dtype=np.float32)
    return b * np.sin(x)[:, None] * y[None, :]


@pytest.mark.parametrize(
    "bad",
    [
        "fixed",
        "",
        (1, 0),
        (0, 0),
        (0, math.inf),
        (0, 10**400),
        (math.nan, 1),
        (0,),
        (0, 1, 2),
        ("a", "b"),
        (True, 2),
        None,
        3,
        {"lo": 0},
    ],
)
def test_bad_color_ranges_are_refused_naming_the_option_and_the_choices(bad):
    with pytest.raises(
        ValueError, match=r"color_range must be 'auto', 'symmetric' or a \(lo, hi\)"
    ):
        check_color_range(bad)
    w = make()
    with pytest.raises(InvalidGridValue, match="color_range"):
        w.color_range = bad
    assert w.color_range == "auto"
    with pytest.raises(ValueError, match="color_range"):
        make(color_range=bad)


@pytest.mark.parametrize(
    ("bounds", "mode", "limits"),
    [
        ((-0.5, 2.0), "auto", (-0.5, 2.0)),
        ((-0.5, 2.0), "symmetric", (-2.0, 2.0)),
        ((1.0, 3.0), "symmetric", (-3.0, 3.0)),
        ((-4.0, -1.0), "symmetric", (-4.0, 4.0)),
        ((-0.5, 2.0), (0.0, 1.0), (0.0, 1.0)),
        (None, "auto", (0.0, 0.0)),
        (None, "symmetric", (0.0, 0.0)),
    ],
)
def test_color_limits_of_each_mode(bounds, mode, limits):
    assert color_limits(bounds, mode) == limits


def test_the_widget_reports_the_limits_of_each_mode_and_they_follow_the_amplitude():
    w = make()
    top = float(np.abs(reference(1.0)).max())
    assert w.color_limits == pytest.approx((float(w.grid.min()), float(w.grid.max())))
    w.params = {"b": 2.0}
    assert w.color_limits == pytest.approx((float(w.grid.min()), float(w.grid.max())))
    w.color_range = "symmetric"
    assert w.color_limits == pytest.approx((-2 * top, 2 * top), rel=1e-6)
    w.color_range = (-1, 1)
    w.params = {"b": 3.0}
    assert w.color_limits == (-1.0, 1.0)
    assert w._frame_meta["vmin"] == -1.0 and w._frame_meta["vmax"] == 1.0


def test_a_fixed_range_holding_the_values_keeps_the_exact_quantized_colours():
    values = reference(1.0)
    meta, data, mask = encode_grid(values, "uint16", None, (-3.0, 3.0))
    assert (meta["encoding"], meta["vmin"], meta["vmax"], mask) == ("uint16", -3.0, 3.0, b"")
    levels = np.frombuffer(data, np.uint16).reshape(values.shape)
    t = (values.astype(np.float64) + 3.0) / 6.0
    expected = np.minimum(np.floor(t * COLORMAP_ENTRIES), COLORMAP_ENTRIES - 1)
    np.testing.assert_array_equal(levels >> 8, expected)  # the colour index the browser uses
    np.testing.assert_allclose(decode_grid(meta, data, mask), values, atol=6.0 / 65536)


def test_values_beyond_a_fixed_range_travel_as_float32_so_the_tooltip_is_true():
    values = reference(3.0)  # reaches ±3·0.997·2
    meta, data, mask = encode_grid(values, "uint16", None, (-1.0, 1.0))
    assert meta["encoding"] == "float32" and (meta["vmin"], meta["vmax"]) == (-1.0, 1.0)
    np.testing.assert_array_equal(decode_grid(meta, data, mask), values)


def test_changing_the_range_redraws_the_same_grid_without_evaluating():
    w = make()
    compiles, grid, frames = w.stats["compiles"], w.grid.copy(), w.stats["frames"]
    first_id = w._frame_meta["id"]
    w.color_range = (-0.5, 0.5)
    assert w._frame_meta["id"] > first_id and w.stats["frames"] == frames + 1
    assert w.stats["compiles"] == compiles
    np.testing.assert_array_equal(w.grid, grid)
    assert w._frame_meta["encoding"] == "float32"  # the grid reaches ±2 beyond ±0.5


def test_the_browser_locks_and_unlocks_the_range_and_a_later_frame_keeps_it():
    w = make()
    drawn = w.color_limits
    update_state(w, {"color_range": list(drawn)})  # the Lock button
    assert w.color_range == drawn
    request(w, 1, params={"b": 4.0})
    np.testing.assert_allclose(w.grid, reference(4.0), rtol=1e-5, atol=1e-6)
    assert w.color_limits == drawn
    update_state(w, {"color_range": "auto"})  # Unlock
    assert w.color_limits == pytest.approx((float(w.grid.min()), float(w.grid.max())))


@pytest.mark.parametrize(
    "bad", [[1, 0], ["x", 1], [0, 1e400], "fixed", [0, 1, 2], {"lo": 0}, None, [[0], [1]]]
)
def test_bad_ranges_from_the_browser_are_refused_and_the_widget_goes_on(bad, caplog):
    w = make()
    w.color_range = "symmetric"
    update_state(w, {"color_range": bad})
    assert w.color_range == "symmetric"
    assert "ignored color_range" in caplog.text
    request(w, 1, params={"b": 2.0})
    top = float(np.abs(w.grid).max())
    assert w.color_limits == pytest.approx((-top, top))
