"""GridExplorer without a browser: traits, validation, frames and the kernel wiring.

The frontend's messages are fed to the same handler the comm calls (``_on_browser_msg``);
what the frontend would receive is read from the synced traits.
"""

from __future__ import annotations

import asyncio
import base64
import logging
import subprocess
import sys
import warnings

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from tutorial_functions import numpy_wave as numpy_grid
from tutorial_functions import wave

from vmapwidget.grid_frames import (
    QUANTA,
    decode_grid,
    encode_grid,
    quantize,
    sample_indices,
)
from vmapwidget.grid_specs import RESOLUTION_STEPS, param_specs
from vmapwidget.kernels import MAX_RESOLUTION, GridFunctionError
from vmapwidget.widgets.grid_explorer import (
    COLORMAPS,
    MAX_FRAME_SHAPE,
    GridExplorer,
    InvalidGridValue,
)


def make(fun=wave, **kwargs) -> GridExplorer:
    options = {"x": (-5, 5), "y": (-2, 2), "resolution": 32, "a": (0.1, 3.0, 1.0)}
    return GridExplorer(fun, **{**options, **kwargs})


def request(w: GridExplorer, seq: int, vid: str = "view-1", **values) -> None:
    w._on_browser_msg(w, {"type": "request", "vid": vid, "seq": seq, **values}, [])


# -- construction -----------------------------------------------------------------------------


def test_grid_matches_numpy_meshgrid_evaluation():
    w = make(resolution=40)
    assert w.grid.shape == (40, 40)
    assert w.grid.dtype == np.float32
    np.testing.assert_allclose(w.grid, numpy_grid((-5, 5), (-2, 2), 40, 1.0), atol=1e-5)
    assert w.params == {"a": 1.0}
    assert (w.x_range, w.y_range, w.resolution) == ((-5.0, 5.0), (-2.0, 2.0), 40)
    assert w.stats["compiles"] == 1 and w.stats["frames"] == 1


def test_grid_is_read_only():
    w = make()
    with pytest.raises(ValueError):
        w.grid[0, 0] = 1.0


def test_parameter_without_value_starts_at_midpoint_and_defaults_stay_out():
    w = GridExplorer(lambda x, y, a, b=3.0: a * x + b * y, resolution=4, a=(0, 2))
    assert w.params == {"a": 1.0}
    np.testing.assert_allclose(w.grid[:, 0], 1.0 * np.linspace(-1, 1, 4) - 3.0, atol=1e-6)
    w2 = GridExplorer(lambda x, y, a, b=3.0: a * x + b * y, resolution=4, a=(0, 2), b=(0, 1, 0))
    assert w2.params == {"a": 1.0, "b": 0.0}


def test_axis_names_come_from_the_signature():
    w = GridExplorer(lambda t, omega: t * omega, resolution=4)
    assert w._axis_names == ("t", "omega")
    assert w._specs == []


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"a": None}, "needs a slider range"),
        ({"a": (1, 1)}, "lo < hi"),
        ({"a": (0, 1, 2)}, "outside its slider range"),
        ({"a": (0, 1), "b": (0, 1)}, "has no parameter"),
        ({"x": (1, -1)}, "x range must have lo < hi"),
        ({"y": (0, float("nan"))}, "finite"),
        ({"resolution": 0}, "between 1 and 2048"),
        ({"resolution": MAX_RESOLUTION + 1}, "between 1 and 2048"),
        ({"resolution": 12.0}, "integer"),
        ({"colormap": "jet"}, "colormap must be one of"),
        ({"x_limits": (-1, 1)}, "must contain the range"),
    ],
)
def test_bad_construction_arguments_raise_clear_value_errors(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make(**kwargs)


def test_missing_parameter_range_names_the_parameter():
    with pytest.raises(ValueError, match=r"\['a'\] of f have no slider range: pass a=\(lo, hi\)"):
        GridExplorer(wave)


def test_function_errors_raise_grid_function_error():
    def raises(x, y):
        raise RuntimeError("boom")

    with pytest.raises(GridFunctionError, match="boom"):
        GridExplorer(raises)
    with pytest.raises(GridFunctionError, match="one number per point"):
        GridExplorer(lambda x, y: jnp.stack([x, y]))
    with pytest.raises(GridFunctionError, match="complex"):
        GridExplorer(lambda x, y: x + 1j * y)


def test_f_must_take_x_and_y():
    with pytest.raises(ValueError, match="first two arguments"):
        GridExplorer(lambda x: x)
    with pytest.raises(TypeError, match="callable"):
        GridExplorer(42)


def test_param_specs_follow_the_signature_order():
    specs = param_specs(lambda x, y, b, a: x, {"a": (0, 1), "b": (2, 4, 3)})
    assert [(s.name, s.lo, s.hi, s.value) for s in specs] == [
        ("b", 2.0, 4.0, 3.0),
        ("a", 0.0, 1.0, 0.5),
    ]
    assert specs[0].step == pytest.approx(0.01)


# -- setting from Python ----------------------------------------------------------------------


def test_setting_traits_from_python_updates_grid_without_recompiling():
    w = make()
    w.params = {"a": 2.0}
    w.x_range = (-1, 1)
    w.y_range = (0, 3)
    np.testing.assert_allclose(w.grid, numpy_grid((-1, 1), (0, 3), 32, 2.0), atol=1e-5)
    assert w._frame_meta["x_range"] == (-1.0, 1.0)
    assert w.stats["compiles"] == 1
    assert w.stats["frames"] == 4
    w.resolution = 16
    assert w.grid.shape == (16, 16)
    assert w.stats["compiles"] == 2


def test_int_after_float_does_not_recompile():
    w = make()
    for value in (1, 2.5, np.float64(1.5), np.int64(2), jnp.float32(0.5)):
        w.params = {"a": value}
    assert w.stats["compiles"] == 1
    assert w.params == {"a": 0.5}


def test_invalid_python_values_raise_and_change_nothing():
    w = make()
    before = w.grid.copy()
    for attr, value, message in [
        ("params", {"a": 99}, "outside its slider range"),
        ("params", {"zz": 1}, "unknown parameter"),
        ("params", {"a": "x"}, "must be a number"),
        ("x_range", (2, 1), "lo < hi"),
        ("resolution", 0, "between 1"),
    ]:
        with pytest.raises(InvalidGridValue, match=message):
            setattr(w, attr, value)
    assert w.params == {"a": 1.0}
    assert w.x_range == (-5.0, 5.0)
    np.testing.assert_array_equal(w.grid, before)
    assert w.stats["frames"] == 1


def test_range_beyond_the_limits_widens_the_sliders():
    w = make()
    w.x_range = (100, 110)
    lo, hi = w.x_limits
    assert lo <= 100 and hi >= 110


def test_auto_encoding_sends_one_byte_per_cell_above_512_squared():
    w = make(resolution=512)
    assert w._frame_meta["encoding"] == "uint16" and len(w._frame) == 2 * 512 * 512
    w.resolution = 600
    assert w._frame_meta["encoding"] == "uint8" and len(w._frame) == 600 * 600
    w.encoding = "uint16"
    assert len(w._frame) == 2 * 600 * 600


def test_colormap_and_encoding():
    w = make()
    assert w.colormap == "viridis" and set(COLORMAPS) >= {"viridis", "gray"}
    w.encoding = "float32"
    assert w._frame_meta["encoding"] == "float32"
    np.testing.assert_array_equal(np.frombuffer(w._frame, np.float32).reshape(32, 32), w.grid)


# -- messages from the browser ----------------------------------------------------------------


def test_browser_request_updates_traits_grid_and_status():
    w = make()
    request(w, 1, params={"a": 2.0}, x_range=[-1, 1], resolution=32)
    assert w.params == {"a": 2.0} and w.x_range == (-1.0, 1.0)
    np.testing.assert_allclose(w.grid, numpy_grid((-1, 1), (-2, 2), 32, 2.0), atol=1e-5)
    status = w._status
    assert (status["vid"], status["seq"], status["error"]) == ("view-1", 1, "")
    assert status["frames"] == 2 and status["compiles"] == 1
    assert w._frame_meta["id"] == 2


def test_many_slider_moves_compile_once():
    w = make()
    for seq, a in enumerate(np.linspace(0.1, 3.0, 60), start=1):
        value = max(1, int(a)) if seq % 3 == 0 else float(a)
        request(w, seq, params={"a": value}, y_range=[-2, 2 + seq / 10])
    assert w.stats["compiles"] == 1
    assert w.stats["frames"] == 61


def test_frame_is_binary_and_small():
    w = make(resolution=64)
    assert isinstance(w._frame, bytes)
    assert len(w._frame) == 2 * 64 * 64
    assert w._mask == b""
    assert w.stats["bytes"] <= 4 * 64 * 64
    np.testing.assert_allclose(
        decode_grid(w._frame_meta, w._frame, w._mask), w.grid, atol=4.0 / QUANTA
    )


def test_grids_finer_than_a_display_are_sent_as_a_sample():
    w = make(resolution=1024)
    meta = w._frame_meta
    width, height = MAX_FRAME_SHAPE
    assert (meta["nx"], meta["ny"], meta["sx"], meta["sy"]) == (1024, 1024, width, height)
    assert w.grid.shape == (1024, 1024)
    assert len(w._frame) == width * height  # uint8 above 512²
    assert w.stats["bytes"] == width * height
    # The header describes the whole grid; the cells are the sampled ones.
    assert (meta["vmin"], meta["vmax"]) == (float(w.grid.min()), float(w.grid.max()))
    sample = w.grid[np.ix_(sample_indices(1024, width), sample_indices(1024, height))]
    span = meta["vmax"] - meta["vmin"]
    np.testing.assert_allclose(decode_grid(meta, w._frame, w._mask), sample, atol=span / 256)
    request(w, 1, params={"a": 2.0})
    sample = w.grid[np.ix_(sample_indices(1024, width), sample_indices(1024, height))]
    np.testing.assert_allclose(
        decode_grid(w._frame_meta, w._frame, w._mask), sample, atol=span / 256
    )


def view(w: GridExplorer, vid: str, pixels: list[int] | None) -> None:
    w._on_browser_msg(w, {"type": "view", "vid": vid, "pixels": pixels}, [])


def test_frames_are_sampled_to_the_largest_open_view():
    # One evaluation per request even on a busy machine (no coarse level first).
    w = make(resolution=1024, frame_budget_ms=10_000)
    frames = w.stats["frames"]
    evaluate, evaluations = w.kernel.run_tile, []
    w.kernel.run_tile = lambda *args: evaluations.append(args) or evaluate(*args)
    view(w, "dpr1", [416, 362])
    meta = w._frame_meta
    assert (meta["nx"], meta["sx"], meta["sy"]) == (1024, 416, 362)
    assert len(w._frame) == w.stats["bytes"] == 416 * 362
    assert w.stats["frames"] == frames + 1 and w.stats["compiles"] == 1
    sample = w.grid[np.ix_(sample_indices(1024, 416), sample_indices(1024, 362))]
    span = meta["vmax"] - meta["vmin"]
    np.testing.assert_allclose(decode_grid(meta, w._frame, w._mask), sample, atol=span / 256)
    # A second, sharper view raises the sample for both; a larger one is capped.
    view(w, "dpr2", [832, 724])
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (832, 724)
    view(w, "dpr3", [1248, 1086])
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == MAX_FRAME_SHAPE
    frames = w.stats["frames"]
    view(w, "dpr3", None)
    assert w.stats["frames"] == frames  # the dpr-2 view still needs the same sample
    view(w, "dpr2", None)
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (416, 362)
    assert evaluations == []  # a new sample of the grid drawn, not a new evaluation
    request(w, 1, vid="dpr1", params={"a": 2.0})
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (416, 362)
    assert len(evaluations) == 1
    assert w._status["seq"] == 1 and w.params == {"a": 2.0}
    # The last view gone, frames go back to the largest a display may need.
    view(w, "dpr1", None)
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == MAX_FRAME_SHAPE


def test_a_view_message_leaves_grids_it_can_show_whole_alone():
    w = make(resolution=300)
    view(w, "v", [416, 362])
    assert w.stats["frames"] == 1
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (300, 300)
    w.resolution = 400
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (400, 362)
    view(w, "v", None)
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (400, 400)


def test_an_exported_page_gets_the_sharpest_sample():
    from vmapwidget.integrations.export import _widget_payload

    w = make(resolution=1024)
    view(w, "dpr1", [416, 362])
    payload = _widget_payload(w)
    meta = payload["state"]["_frame_meta"]
    assert (meta["nx"], meta["sx"], meta["sy"]) == (1024, *MAX_FRAME_SHAPE)
    assert meta["id"] == w._frame_meta["id"] and meta["x_range"] == w._frame_meta["x_range"]
    data = base64.b64decode(payload["buffers"]["_frame"])
    sample = w.grid[np.ix_(*(sample_indices(1024, n) for n in MAX_FRAME_SHAPE))]
    span = meta["vmax"] - meta["vmin"]
    np.testing.assert_allclose(decode_grid(meta, data, b""), sample, atol=span / 256)
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (416, 362)  # the live views' own


def test_sample_indices_spread_evenly_and_keep_small_grids_whole():
    assert sample_indices(5, 8).tolist() == [0, 1, 2, 3, 4]
    assert sample_indices(4, 2).tolist() == [1, 3]
    picked = sample_indices(2048, 832)
    assert picked[0] >= 0 and picked[-1] <= 2047 and np.all(np.diff(picked) >= 2)
    w = make(resolution=512)
    assert (w._frame_meta["sx"], w._frame_meta["sy"]) == (512, 512)


def test_a_sampled_frame_counts_nonfinite_cells_of_the_whole_grid():
    values = np.zeros((1000, 10), np.float32)
    values[1, :] = np.nan  # column 1 is not among the 4 sampled ones
    meta, data, mask = encode_grid(values, "uint16", max_shape=(4, 10))
    assert sample_indices(1000, 4).tolist() == [125, 375, 625, 875]
    assert meta["nonfinite"] == 10 and mask == b"" and len(data) == 2 * 4 * 10
    values[375, 3] = np.inf
    meta, _, mask = encode_grid(values, "uint16", max_shape=(4, 10))
    assert meta["nonfinite"] == 11
    assert np.frombuffer(mask, np.uint8).reshape(4, 10)[1, 3] == 2


@pytest.mark.parametrize(
    "content",
    [
        "not a dict",
        {"type": "bogus"},
        {"type": "request"},
        {"type": "request", "vid": "", "seq": 1},
        {"type": "request", "vid": "v" * 65, "seq": 1},
        {"type": "request", "vid": "v", "seq": -1},
        {"type": "request", "vid": "v", "seq": True},
        {"type": "request", "vid": "v", "seq": 1.5},
        {"type": "view", "vid": "v"},
        {"type": "view", "vid": "", "pixels": [100, 100]},
        {"type": "view", "vid": "v", "pixels": [100]},
        {"type": "view", "vid": "v", "pixels": [100, 0]},
        {"type": "view", "vid": "v", "pixels": [100, 1e9]},
        {"type": "view", "vid": "v", "pixels": [100.5, 100]},
        {"type": "view", "vid": "v", "pixels": [True, 100]},
        {"type": "view", "vid": "v", "pixels": "416x362"},
        {"type": "view", "vid": "v", "pixels": [416, 362], "evil": 1},
    ],
)
def test_malformed_messages_are_logged_and_ignored(content, caplog):
    w = make()
    with caplog.at_level(logging.WARNING, logger="vmapwidget"):
        w._on_browser_msg(w, content, [])
    assert "ignored" in caplog.text
    assert w.stats["frames"] == 1
    assert w._status["seq"] is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"params": {"a": 99}}, "outside its slider range"),
        ({"params": {"a": None}}, "must be a number"),
        ({"params": {"a": float("inf")}}, "finite"),
        ({"params": {"zz": 1}}, "params must map"),
        ({"params": [1]}, "params must map"),
        ({"x_range": [1, 0]}, "lo < hi"),
        ({"y_range": "0,1"}, "pair"),
        ({"resolution": 4096}, "between 1 and 2048"),
        ({"resolution": "64"}, "integer"),
        ({"evil": 1}, "unknown fields"),
    ],
)
def test_invalid_browser_values_show_an_error_and_keep_the_picture(values, message, caplog):
    w = make()
    before = w.grid.copy()
    with caplog.at_level(logging.WARNING, logger="vmapwidget"):
        request(w, 1, **values)
    assert message in w.error
    assert w._status["seq"] == 1 and message in w._status["error"]
    np.testing.assert_array_equal(w.grid, before)
    assert w.params == {"a": 1.0} and w.stats["frames"] == 1
    request(w, 2, params={"a": 2.0})
    assert w.error == "" and w.params == {"a": 2.0}


def test_stale_sequence_numbers_are_ignored():
    w = make()
    request(w, 5, params={"a": 2.0})
    request(w, 3, params={"a": 0.5})
    assert w.params == {"a": 2.0}
    request(w, 1, vid="view-2", params={"a": 0.5})
    assert w.params == {"a": 0.5}


def test_runtime_failure_keeps_last_good_picture():
    def picky(x, y, a):
        return jnp.reshape(x, (1,))[0] * a + jnp.zeros(()) * y

    w = GridExplorer(picky, resolution=8, a=(0, 1))
    before = w.grid.copy()

    def fail(*_args, **_kwargs):
        raise GridFunctionError("f failed on the grid: XlaRuntimeError: out of memory")

    w.kernel.run_tile = fail
    request(w, 1, params={"a": 0.25})
    assert "out of memory" in w.error
    assert w.params == {"a": 0.5}
    np.testing.assert_array_equal(w.grid, before)
    with pytest.raises(GridFunctionError):
        w.params = {"a": 0.75}
    assert w.params == {"a": 0.5}


def test_nonfinite_cells_are_counted_and_masked():
    w = GridExplorer(lambda x, y: jnp.log(x) + 0 * y, x=(-1, 1), y=(0, 1), resolution=5)
    assert w.stats["nonfinite"] == 15  # 5 columns each of log(-1), log(-0.5) and log(0)
    assert w._frame_meta["nonfinite"] == 15
    assert list(np.frombuffer(w._mask, np.uint8).reshape(5, 5)[:, 0]) == [1, 1, 3, 0, 0]
    assert w.stats["bytes"] <= 4 * 25
    decoded = decode_grid(w._frame_meta, w._frame, w._mask)
    assert np.isnan(decoded[0, 0]) and decoded[2, 0] == -np.inf


def test_all_nonfinite_grid_still_draws():
    w = GridExplorer(lambda x, y: jnp.nan * x * y, resolution=3)
    assert w.stats["nonfinite"] == 9
    assert w._frame_meta["vmin"] == 0.0


def test_two_widgets_are_independent():
    w1, w2 = make(), make(a=(0.1, 3.0, 2.0))
    request(w1, 1, params={"a": 0.5})
    assert w1.params == {"a": 0.5} and w2.params == {"a": 2.0}
    assert w2.stats["frames"] == 1


def test_resolution_steps_offered_to_the_frontend():
    w = make()
    assert w._resolution_steps[0] == 1 and w._resolution_steps[-1] == MAX_RESOLUTION
    assert set(RESOLUTION_STEPS) <= set(w._resolution_steps)


# -- the frame encoding -----------------------------------------------------------------------


def test_uint16_levels_give_exactly_the_float_colour_index():
    rng = np.random.default_rng(0)
    values = rng.normal(size=(300, 300)).astype(np.float32)
    meta, data, _ = encode_grid(values)
    levels = np.frombuffer(data, np.uint16).reshape(values.shape)
    t = (values.astype(np.float64) - meta["vmin"]) / (meta["vmax"] - meta["vmin"])
    expected = np.minimum(np.floor(t * 256), 255).astype(int)
    np.testing.assert_array_equal(levels >> 8, expected)


def test_constant_grid_uses_the_middle_colour():
    levels = quantize(np.full((2, 2), 3.0, np.float32), 3.0, 3.0)
    assert (levels == QUANTA // 2).all()


def test_uint8_levels_are_the_colour_index():
    values = np.linspace(-1, 1, 1000, dtype=np.float32).reshape(10, 100)
    meta, data, _ = encode_grid(values, "uint8")
    levels = np.frombuffer(data, np.uint8).reshape(values.shape)
    t = (values.astype(np.float64) + 1) / 2
    np.testing.assert_array_equal(levels, np.minimum(np.floor(t * 256), 255))
    assert len(data) == values.size
    np.testing.assert_allclose(decode_grid(meta, data, b""), values, atol=1 / 256)


def test_float32_encoding_roundtrips_exactly():
    values = np.array([[1.5, np.nan], [np.inf, -2.0]], np.float32)
    meta, data, mask = encode_grid(values, "float32")
    np.testing.assert_array_equal(decode_grid(meta, data, mask), values)
    with pytest.raises(ValueError, match="encoding"):
        encode_grid(values, "uint4")


def test_bqplot_figure_mirrors_the_grid():
    w = make(resolution=16)
    heatmap = w.figure.marks[0]
    assert w.figure is w.figure
    np.testing.assert_array_equal(heatmap.color, w.grid.T)
    request(w, 1, params={"a": 2.0}, x_range=[0, 1])
    np.testing.assert_array_equal(heatmap.color, w.grid.T)
    assert heatmap.x[0] == 0.0 and heatmap.x[-1] == 1.0
    w.colormap = "magma"
    assert heatmap.scales["color"].scheme == "magma"
    w.colormap = "RdBu_r"
    assert (heatmap.scales["color"].scheme, heatmap.scales["color"].reverse) == ("RdBu", True)
    assert (heatmap.scales["color"].min, heatmap.scales["color"].max) == (None, None)
    w.color_range = (-0.5, 0.25)
    assert (heatmap.scales["color"].min, heatmap.scales["color"].max) == (-0.5, 0.25)
    request(w, 2, params={"a": 1.5})
    assert (heatmap.scales["color"].min, heatmap.scales["color"].max) == (-0.5, 0.25)
    w.color_range = "auto"
    assert (heatmap.scales["color"].min, heatmap.scales["color"].max) == (None, None)


def test_bqplot_mirror_puts_a_one_point_grid_where_the_kernel_does():
    w = make(resolution=1, x=(0, 4), y=(-2, 0))
    heatmap = w.figure.marks[0]
    assert w.x.tolist() == [2.0] and w.y.tolist() == [-1.0]
    # bqplot draws no one-point axis: two equal cells centred on the kernel's point
    assert heatmap.x.mean() == 2.0 and heatmap.y.mean() == -1.0
    assert (heatmap.color == w.grid[0, 0]).all()


def test_bqplot_mirror_builds_without_warnings():
    w = make(resolution=8)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure = w.figure
    assert [str(c.message) for c in caught if issubclass(c.category, DeprecationWarning)] == []
    assert [axis.side for axis in figure.axes] == ["bottom", "left", "right"]


def test_x_y_and_axis_names_are_the_kernels_coordinates():
    w = make(resolution=5, x=(0, 4))
    np.testing.assert_array_equal(w.x, np.linspace(0, 4, 5, dtype=np.float32))
    assert w.axis_names == ("x", "y") and w.y.shape == (5,)


def test_zooming_past_float32_says_so_and_keeps_the_picture():
    w = make(resolution=64, x=(0, 1))
    before = w.grid.copy()
    request(w, 1, x_range=[1.0, 1.0 + 1e-6])
    assert "zoomed past what float32 can resolve" in w.error and "float64" in w.error
    np.testing.assert_array_equal(w.grid, before)
    with pytest.raises(InvalidGridValue, match="float32"):
        w.x_range = (1.0, 1.0 + 1e-9)


def test_float64_needs_x64_and_then_resolves_deep_zooms():
    with pytest.raises(ValueError, match="jax_enable_x64"):
        make(dtype="float64")
    with pytest.raises(ValueError, match="float32' or 'float64"):
        make(dtype="int8")
    script = (
        "import jax; jax.config.update('jax_enable_x64', True)\n"
        "import jax.numpy as jnp, numpy as np\n"
        "from vmapwidget import GridExplorer\n"
        "w = GridExplorer(lambda x, y: x - 1.0, x=(1.0, 1.0 + 1e-9), y=(0, 1), "
        "resolution=16, dtype='float64')\n"
        "assert w.grid.dtype == np.float64 and len(set(w.grid[:, 0].tolist())) == 16\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.stdout.strip() == "ok", done.stderr[-2000:]


def slow_wave(x, y, a):
    """The tutorial's wave plus 200 iterations of a map that leaves it unchanged (slow)."""
    slow = jax.lax.fori_loop(0, 200, lambda _, v: jnp.sin(v) * 0.5, x * y)
    return jnp.sin(a * x) * y + 0.0 * slow


async def until_idle(w: GridExplorer) -> None:
    for _ in range(30000):
        if not w.busy:
            return
        await asyncio.sleep(0.001)
    raise AssertionError("the evaluation did not end")


def test_a_slow_request_is_refined_while_the_loop_serves_messages():
    w = make(slow_wave, resolution=128, frame_budget_ms=5)
    progress = []

    async def main() -> None:
        request(w, 1, params={"a": 2.0})
        assert w.busy  # the handler returned before the whole grid was computed
        while w.busy:
            progress.append(dict(w._status["progress"]))
            await asyncio.sleep(0.001)

    asyncio.run(main())
    refining = [p for p in progress if p["final"] is False]
    assert refining and all(p["levels"] > 1 for p in refining)
    assert [p["done"] for p in refining] == sorted(p["done"] for p in refining)
    assert w._status["progress"]["final"] is True and w._status["seq"] == 1
    np.testing.assert_allclose(w.grid, numpy_grid((-5, 5), (-2, 2), 128, 2.0), atol=1e-5)
    assert w._frame_meta["partial"] is False and w.params == {"a": 2.0}


def test_stop_ends_the_refinement_and_keeps_the_picture():
    w = make(slow_wave, resolution=128, frame_budget_ms=5)

    async def main() -> None:
        request(w, 1, params={"a": 2.0})
        frames = w.stats["frames"]
        while w.stats["frames"] == frames:
            await asyncio.sleep(0.001)
        w._on_browser_msg(w, {"type": "stop", "vid": "view-1"}, [])
        await until_idle(w)

    asyncio.run(main())
    kept = w.grid.copy()
    assert w._status["progress"]["stopped"] is True and w._frame_meta["partial"] is True
    replies = w._status["reply"]
    w._on_browser_msg(w, {"type": "stop", "vid": "view-2"}, [])  # late: answered all the same
    assert w._status["reply"] == replies + 1 and w._status["vid"] == "view-2"
    assert w._status["progress"]["stopped"] is True
    np.testing.assert_array_equal(w.grid, kept)
    w.params = {"a": 1.5}  # a Python setter still draws the whole grid before it returns
    assert w._status["progress"]["final"] is True
    np.testing.assert_allclose(w.grid, numpy_grid((-5, 5), (-2, 2), 128, 1.5), atol=1e-5)


def test_a_newer_request_during_a_slow_one_wins():
    w = make(slow_wave, resolution=128, frame_budget_ms=5)
    seen = []

    async def main() -> None:
        for seq, a in enumerate((0.5, 1.0, 1.5, 2.5), start=1):
            request(w, seq, params={"a": a})
            seen.append(w._frame_meta["id"])
            await asyncio.sleep(0.01)
        await until_idle(w)

    asyncio.run(main())
    assert w.params == {"a": 2.5} and w._status["seq"] == 4
    np.testing.assert_allclose(w.grid, numpy_grid((-5, 5), (-2, 2), 128, 2.5), atol=1e-5)
    assert seen == sorted(seen)


def test_a_coarse_first_frame_is_sent_at_its_own_resolution_and_the_final_one_whole():
    w = make(slow_wave, resolution=128, frame_budget_ms=5)
    sent = []
    w.observe(lambda change: sent.append((change["new"], w._frame, w._mask)), "_frame_meta")

    async def main() -> None:
        request(w, 1, params={"a": 2.0})
        await until_idle(w)

    asyncio.run(main())
    (first, data, mask), (last, _, _) = sent[0], sent[-1]
    n = first["sx"]
    assert first["partial"] and first["nx"] == 128 and n < 128 and first["sy"] == n
    # the coarse level itself: f on an n × n grid over the same ranges
    np.testing.assert_allclose(
        decode_grid(first, data, mask), numpy_grid((-5, 5), (-2, 2), n, 2.0), atol=4.0 / QUANTA
    )
    assert not last["partial"] and (last["sx"], last["nx"]) == (128, 128)
