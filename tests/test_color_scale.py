"""norm, levels, contours, aspect, width, height and title: validation (from Python and the
browser), the log norm's limits and encoded frame, levels carried by the frame, and every
option kept by the saved state."""

from __future__ import annotations

import math

import jax.numpy as jnp
import numpy as np
import pytest
from helpers import custom, request, update_state

from vmapwidget.color_range import check_levels, check_norm, check_scale
from vmapwidget.constants import (
    COLORMAP_ENTRIES,
    MAX_FRAME_SHAPE,
    NONFINITE_CODES,
    max_frame_shape,
)
from vmapwidget.grid_frames import decode_grid, encode_grid
from vmapwidget.widgets.grid_explorer import GridExplorer, InvalidGridValue


def growth(x, y, b):
    return b * jnp.exp(3 * x) * (y + 1.5)  # positive on y > -1.5, spans decades along x


def make(**kwargs) -> GridExplorer:
    return GridExplorer(growth, x=(-3, 3), y=(-2, 2), resolution=32, b=(0.1, 5, 1), **kwargs)


def reference(b: float = 1.0, n: int = 32) -> np.ndarray:
    x = np.linspace(-3, 3, n, dtype=np.float32)
    y = np.linspace(-2, 2, n, dtype=np.float32)
    return (b * np.exp(3 * x)[:, None] * (y[None, :] + 1.5)).astype(np.float32)


BAD = {
    "norm": (["Log", "symlog", "", None, 1], "norm must be one of 'linear', 'log'"),
    "levels": ([1, 0, 257, -3, 2.5, "8", True, [4]], "levels must be None or an int from 2 to 256"),
    "contours": ([1, "yes", None, 0], "contours must be True or False"),
    "sections": ([1, "no", None], "sections must be True or False"),
    "aspect": (["square", "", None, 1.0], "aspect must be one of 'auto', 'equal'"),
    "width": ([199, 4001, 0, -1, 300.0, "500", True], "width must be None or an int from 200"),
    "height": ([149, 4001, 10**400, 200.5], "height must be None or an int from 150 to 4000"),
    "title": ([None, 3, "x" * 201], "title must be a string of at most 200 characters"),
    "colormap": (["jet", "", None, "Viridis"], "colormap must be one of 'viridis', 'plasma'"),
    "encoding": (["png", None], "encoding must be one of 'uint16', 'uint8', 'float32', 'auto'"),
}


@pytest.mark.parametrize(
    ("name", "bad"), [(name, bad) for name, (values, _) in BAD.items() for bad in values]
)
def test_bad_options_are_refused_naming_the_option_and_the_allowed_values(name, bad):
    w = make()
    before = getattr(w, name)
    with pytest.raises(ValueError, match=BAD[name][1]):
        setattr(w, name, bad)
    assert getattr(w, name) == before
    with pytest.raises(ValueError, match=BAD[name][1]):
        make(**{name: bad})


def test_the_checks_of_the_core_name_their_option():
    assert check_norm("log") == "log" and check_levels(None) is None and check_levels(256) == 256
    with pytest.raises(ValueError, match="levels"):
        check_levels(math.nan)
    check_scale((1e-3, 1.0), "log")
    for bad in ("symmetric", (0.0, 1.0), (-1.0, 1.0)):
        with pytest.raises(ValueError, match="norm='log' needs color_range"):
            check_scale(bad, "log")


def test_a_log_norm_refuses_ranges_it_cannot_draw_in_either_order():
    with pytest.raises(ValueError, match="norm='log' needs"):
        make(norm="log", color_range="symmetric")
    w = make(color_range="symmetric")
    with pytest.raises(InvalidGridValue, match="norm='log' needs"):
        w.norm = "log"
    assert w.norm == "linear"
    w = make(norm="log")
    with pytest.raises(InvalidGridValue, match="norm='log' needs"):
        w.color_range = (0, 10)
    assert w.color_range == "auto"
    w.color_range = (0.1, 10.0)
    assert w.color_limits == (0.1, 10.0)


def test_the_log_norm_colours_by_log10_and_counts_the_cells_at_or_below_zero():
    w = make(norm="log")
    values = reference()
    positive = values[values > 0]
    assert w.color_limits == pytest.approx((float(positive.min()), float(positive.max())))
    meta = w._frame_meta
    assert meta["norm"] == "log" and meta["encoding"] == "uint16"
    assert (meta["vmin"], meta["vmax"]) == pytest.approx(tuple(np.log10(w.color_limits)))
    nonpositive = int(np.count_nonzero(values <= 0))
    assert nonpositive > 0 and meta["nonpositive"] == nonpositive and meta["nonfinite"] == 0
    mask = np.frombuffer(w._mask, np.uint8).reshape(values.shape)
    np.testing.assert_array_equal(mask == NONFINITE_CODES["nonpositive"], values <= 0)
    # The colour index is exact in log10 units, and the read-back value is within the
    # uint16 step of the log range.
    q = np.frombuffer(w._frame, np.uint16).reshape(values.shape)
    t = (np.log10(values[values > 0].astype(np.float64)) - meta["vmin"]) / (
        meta["vmax"] - meta["vmin"]
    )
    expected = np.minimum(np.floor(t * COLORMAP_ENTRIES), COLORMAP_ENTRIES - 1)
    np.testing.assert_array_equal(q[values > 0] >> 8, expected)
    back = decode_grid(meta, w._frame, w._mask)
    span = meta["vmax"] - meta["vmin"]
    np.testing.assert_allclose(
        back[values > 0], values[values > 0], rtol=math.log(10) * span / 65536
    )
    assert np.isnan(back[values <= 0]).all()


def test_a_log_norm_with_values_beyond_a_fixed_range_sends_true_log_values():
    values = reference()
    meta, data, mask = encode_grid(values, "uint16", None, (1.0, 10.0), "log")
    assert meta["encoding"] == "float32" and meta["limits"] == [1.0, 10.0]
    assert (meta["vmin"], meta["vmax"]) == (0.0, 1.0)
    back = decode_grid(meta, data, mask)
    # a float32 log10 and back loses about eps·|ln v| (1.3e-6 at v ≈ 3e4 with older numpy)
    np.testing.assert_allclose(back[values > 0], values[values > 0], rtol=1e-5)


def test_a_grid_with_nothing_positive_draws_no_colours_under_a_log_norm():
    w = GridExplorer(lambda x, y: -(x**2) - 1, resolution=8, norm="log")
    assert w._frame_meta["nonpositive"] == 64 and w.color_limits == (0.0, 0.0)
    assert w.get_state()["_frame_meta"]["nonpositive"] == 64


@pytest.mark.parametrize("encoding", ["uint16", "uint8"])
def test_levels_travel_with_the_frame_and_its_colour_index_gives_each_cells_band(encoding):
    w = make(levels=4, encoding=encoding)
    meta = w._frame_meta
    assert meta["levels"] == 4
    shift = 8 if encoding == "uint16" else 0
    dtype = np.uint16 if encoding == "uint16" else np.uint8
    index = (np.frombuffer(w._frame, dtype).reshape(w.grid.shape) >> shift).astype(np.int64)
    t = (w.grid.astype(np.float64) - meta["vmin"]) / (meta["vmax"] - meta["vmin"])
    np.testing.assert_array_equal(index * 4 // 256, np.minimum(np.floor(t * 4), 3))


def test_changing_norm_or_levels_redraws_the_same_grid_without_evaluating():
    w = make()
    compiles, grid, frames = w.stats["compiles"], w.grid.copy(), w.stats["frames"]
    w.levels = 12
    w.norm = "log"
    w.contours = True
    assert w.stats["frames"] == frames + 2 and w.stats["compiles"] == compiles
    np.testing.assert_array_equal(w.grid, grid)
    assert (w._frame_meta["levels"], w._frame_meta["norm"]) == (12, "log")
    request(w, 1, params={"b": 2.0})
    assert (w._frame_meta["levels"], w._frame_meta["norm"]) == (12, "log")
    np.testing.assert_allclose(w.grid, reference(2.0), rtol=1e-5)


def test_options_are_set_later_synced_and_kept_by_the_saved_state():
    w = make()
    options = {
        "norm": "log",
        "levels": 9,
        "contours": True,
        "sections": True,
        "aspect": "equal",
        "width": 640,
        "height": 480,
        "title": "growth rate",
    }
    for name, value in options.items():
        setattr(w, name, value)
    state = w.get_state()
    assert {name: state[name] for name in options} == options
    assert (state["_frame_meta"]["norm"], state["_frame_meta"]["levels"]) == ("log", 9)
    w.width = w.height = None
    assert w.get_state()["width"] is None


@pytest.mark.parametrize(
    ("name", "value"),
    [("norm", "log"), ("levels", 4), ("contours", True), ("width", 900), ("title", "<b>x</b>")],
)
def test_the_browser_cannot_write_the_options(name, value, caplog):
    w = make()
    before = getattr(w, name)
    update_state(w, {name: value})
    assert getattr(w, name) == before and "ignored browser writes" in caplog.text
    request(w, 1, params={"b": 3.0})
    np.testing.assert_allclose(w.grid, reference(3.0), rtol=1e-5)


def view(w: GridExplorer, vid: str, pixels: list[int]) -> None:
    custom(w, {"type": "view", "vid": vid, "pixels": pixels})


def test_a_wider_figure_gets_frames_as_fine_as_its_plot():
    w = GridExplorer(lambda x, y: x * y, resolution=2048)
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == MAX_FRAME_SHAPE
    w.width = 1200  # a plot of 1200 - 58 - 86 = 1056 CSS pixels: 2112 device pixels at dpr 2
    assert w._frame_meta["sx"] == 2048 and w._frame_meta["sy"] == MAX_FRAME_SHAPE[1]
    view(w, "v", [1056, 362])
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (1056, 362)
    w.width = None
    view(w, "v", [1056, 362])
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (MAX_FRAME_SHAPE[0], 362)
    assert max_frame_shape(4000, 4000) == (2 * (4000 - 144), 2 * (4000 - 58))
