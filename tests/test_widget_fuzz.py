"""Hostile messages: junk from the "browser" into every widget's real comm entry point.

Each example is one comm message fed to ``Widget._handle_msg`` exactly as ipywidgets gets
it from the kernel: custom messages (``method: "custom"``), trait writes
(``method: "update"``, every synced trait and unknown ones) and malformed envelopes. The
junk: wrong types, NaN/±inf, huge integers, 1 MB strings, missing and extra keys, nested
containers, negative and huge sequence numbers, bools for ints. After each message no
exception has escaped, the widget's values are still valid, and the message was either
applied (and answered without error) or refused with a logged warning. Afterwards a valid
request still draws the right grid. The number of messages is printed at the end.
"""

from __future__ import annotations

import logging
import math
from collections import Counter

import jax.numpy as jnp
import numpy as np
import pytest
from helpers import custom, deliver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tutorial_functions import numpy_wave, wave

from vmapwidget import AxisExplorer, GridExplorer, PlanView
from vmapwidget.color_range import check_color_range
from vmapwidget.kernels import MAX_RESOLUTION, check_range
from vmapwidget.widgets.grid_explorer import COLORMAPS, MAX_VIEWS

COUNTS: Counter[str] = Counter()
EXAMPLES = 700
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
HUGE = "x" * 2**20
AUTO = object()
"""Marks a ``seq`` to be replaced by the next valid sequence number."""

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.sampled_from([10**400, -(10**400), 2**53 + 1, 2**64, -1, 0]),
    st.floats(),
    st.text(max_size=12),
    st.just(HUGE),
    st.binary(max_size=8),
)
junk = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.tuples(inner, inner),
    ),
    max_leaves=8,
)
numbers = st.one_of(st.floats(), st.integers(), st.sampled_from([0.5, 1.0, 2.9, 10**400]), junk)
pairs = st.one_of(st.tuples(numbers, numbers), st.lists(numbers, max_size=3), junk)


class Recorder(logging.Handler):
    """Counts the warnings the widgets log."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


@pytest.fixture(scope="module")
def recorder():
    handler = Recorder()
    logger = logging.getLogger("vmapwidget")
    logger.addHandler(handler)
    yield handler
    logger.removeHandler(handler)


@pytest.fixture(scope="module", autouse=True)
def report(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    line = f"widget fuzz: {sum(COUNTS.values())} messages ({dict(COUNTS)})"
    if reporter is None:
        print(line)
    else:
        reporter.write_line(line)


def logged(recorder: Recorder, send) -> bool:
    before = recorder.count
    send()
    return recorder.count > before


# -- GridExplorer -----------------------------------------------------------------------------


@pytest.fixture(scope="module", params=[False, True], ids=["fixed", "editable"])
def grid(request):
    return GridExplorer(
        wave, x=(-5, 5), y=(-2, 2), resolution=8, a=(0.1, 3.0, 1.0), editable_formula=request.param
    )


grid_fields = {
    "type": st.one_of(st.just("request"), st.just("request"), junk),
    "vid": st.one_of(st.just("fuzz"), st.just("fuzz"), st.text(min_size=1, max_size=80), junk),
    "seq": st.one_of(st.just(AUTO), st.just(AUTO), st.integers(-5, 2**60), junk),
    "params": st.one_of(
        st.fixed_dictionaries({}, optional={"a": numbers}),
        st.dictionaries(st.text(max_size=3), numbers, max_size=3),
        junk,
    ),
    "x_range": pairs,
    "y_range": pairs,
    "resolution": st.one_of(
        st.sampled_from([1, 4, 8, 0, -1, MAX_RESOLUTION + 1, 10**9, 10**30, True]), junk
    ),
    "formula": st.one_of(
        st.sampled_from(["a * x", "x +", "__import__('os')", "sin(a*x) * y", "b", HUGE]), junk
    ),
}
grid_requests = st.fixed_dictionaries(
    {}, optional={**grid_fields, "extra": junk, "seq ": junk, "": junk}
)


def check_grid(w: GridExplorer, editable: bool) -> None:
    assert set(w.params) == {"a"} and 0.1 <= w.params["a"] <= 3.0
    assert math.isfinite(w.params["a"])
    assert 1 <= w.resolution <= MAX_RESOLUTION and w.grid.shape == (w.resolution,) * 2
    assert check_range(w.x_range, "x") == w.x_range and check_range(w.y_range, "y") == w.y_range
    assert w.colormap in COLORMAPS and w.editable_formula is editable
    assert check_color_range(w.color_range) == w.color_range
    assert w.color_limits == (w._frame_meta["vmin"], w._frame_meta["vmax"])
    assert (w.formula is None) if not editable else (w.formula in (None, "a * x", "sin(a*x) * y"))
    assert len(w.error) < 1000 and len(w._views._seq) <= MAX_VIEWS


@given(content=st.one_of(grid_requests, grid_requests, junk))
@FUZZ
def test_grid_explorer_custom_messages(grid, recorder, content):
    if isinstance(content, dict) and content.get("seq") is AUTO:
        vid = content.get("vid")
        content["seq"] = grid._views._seq.get(vid if isinstance(vid, str) else "", -1) + 1
    replies = grid._status["reply"]
    rejected = logged(recorder, lambda: custom(grid, content))
    status = grid._status
    answered = status["reply"] > replies and status["error"] == ""
    assert rejected or (answered and status["seq"] == content["seq"])
    check_grid(grid, grid.editable_formula)
    COUNTS["GridExplorer custom"] += 1


sync_keys = GridExplorer.class_trait_names(sync=True)
states = st.one_of(
    st.dictionaries(st.sampled_from([*sync_keys, "nope", "__class__"]), junk, max_size=4),
    st.fixed_dictionaries({"colormap": st.one_of(st.sampled_from(COLORMAPS), junk)}),
    st.fixed_dictionaries(
        {"color_range": st.one_of(st.sampled_from(["auto", "symmetric", [-1, 1], [2, 1]]), pairs)}
    ),
    junk,
)
envelopes = st.one_of(
    st.fixed_dictionaries(
        {"method": st.just("update"), "state": states},
        optional={"buffer_paths": st.one_of(st.just([["_frame"]]), junk)},
    ),
    st.fixed_dictionaries(
        {}, optional={"method": st.one_of(st.sampled_from(["custom", "request_state"]), junk)}
    ),
    junk,
)


def harmless(data) -> bool:
    """Messages that change nothing and need no warning: state requests, empty updates."""
    return isinstance(data, dict) and (
        data.get("method") in ("custom", "request_state") or data.get("state") == {}
    )


def applied_write(w, data) -> bool:
    """A write of the traits the browser may set (colormap, color_range), applied as sent."""
    state = data.get("state") if isinstance(data, dict) else None
    if not isinstance(state, dict) or len(state) != 1:
        return False
    if set(state) == {"colormap"}:
        return w.colormap == state["colormap"]
    if set(state) == {"color_range"}:
        sent = state["color_range"]
        try:
            return w.color_range == check_color_range(sent)  # a pair as floats
        except ValueError:
            return False
    return False


@given(data=envelopes, buffers=st.lists(st.binary(max_size=4), max_size=2))
@FUZZ
def test_grid_explorer_trait_writes_and_envelopes(grid, recorder, data, buffers):
    frame, formula = grid._frame, grid.formula
    rejected = logged(recorder, lambda: deliver(grid, data, buffers))
    assert rejected or harmless(data) or applied_write(grid, data)
    state = data.get("state") if isinstance(data, dict) else None
    recoloured = isinstance(state, dict) and "color_range" in state  # a new frame, same grid
    assert (grid._frame == frame or recoloured) and grid.formula == formula
    check_grid(grid, grid.editable_formula)
    COUNTS["GridExplorer update/envelope"] += 1


def test_grid_explorer_draws_right_after_the_junk(grid):
    vid = "after-fuzz"
    values = {"params": {"a": 2.0}, "x_range": [-3, 3], "y_range": [-1, 2], "resolution": 16}
    custom(grid, {"type": "request", "vid": vid, "seq": 1, **values})
    assert grid.error == "" and grid._status["seq"] == 1
    np.testing.assert_allclose(grid.grid, numpy_wave((-3, 3), (-1, 2), 16, 2.0), atol=1e-5)


def test_many_views_do_not_grow_memory(grid):
    for k in range(10 * MAX_VIEWS):
        custom(grid, {"type": "request", "vid": f"view-{k}", "seq": 0, "params": {"a": 1.0}})
    assert len(grid._views._seq) == MAX_VIEWS
    COUNTS["GridExplorer custom"] += 10 * MAX_VIEWS


# -- AxisExplorer -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def axes():
    return AxisExplorer(
        lambda x, y: x + y, jnp.ones((2, 3)), jnp.ones((3,)), in_axes=(1, 0), out_axes=0
    )


small_ints = st.integers(-3, 3)
axis_messages = st.fixed_dictionaries(
    {},
    optional={
        "type": st.one_of(st.just("set_axis"), st.just("set_axis"), junk),
        "kind": st.one_of(st.sampled_from(["in_axes", "out_axes"]), junk),
        "level": st.one_of(small_ints, st.just(True), junk),
        "arg": st.one_of(small_ints, st.none(), st.just(False), junk),
        "value": st.one_of(small_ints, st.none(), st.just(True), st.floats(), junk),
        "request": junk,
        "extra": junk,
    },
)


def check_axes(w: AxisExplorer) -> None:
    selectors = [s for s in w.diagram["selectors"] if s["editable"]]
    assert len(selectors) == 3
    for s in selectors:
        value = w.in_axes[s["arg"]] if s["kind"] == "in_axes" else w.out_axes
        assert type(value) in (int, type(None)) and value in s["options"]


@given(content=st.one_of(axis_messages, axis_messages, junk))
@FUZZ
def test_axis_explorer_custom_messages(axes, recorder, content):
    rejected = logged(recorder, lambda: custom(axes, content))
    assert rejected or (isinstance(content, dict) and content.get("type") == "set_axis")
    check_axes(axes)
    COUNTS["AxisExplorer custom"] += 1


axis_envelopes = st.fixed_dictionaries(
    {
        "method": st.just("update"),
        "state": st.one_of(
            st.dictionaries(
                st.sampled_from([*AxisExplorer.class_trait_names(sync=True), "in_axes", "nope"]),
                junk,
                max_size=3,
            ),
            junk,
        ),
    },
    optional={"buffer_paths": junk},
)


@given(data=st.one_of(axis_envelopes, junk))
@FUZZ
def test_axis_explorer_trait_writes(axes, recorder, data):
    diagram = axes.diagram
    rejected = logged(recorder, lambda: deliver(axes, data))
    assert rejected or harmless(data)
    assert axes.diagram == diagram
    check_axes(axes)
    COUNTS["AxisExplorer update/envelope"] += 1


def test_axis_explorer_still_answers_after_the_junk(axes):
    for kind, arg, value in [("in_axes", 0, 1), ("in_axes", 1, 0), ("out_axes", None, 1)]:
        custom(axes, {"type": "set_axis", "kind": kind, "level": 0, "arg": arg, "value": value})
    assert axes.in_axes == (1, 0) and axes.out_axes == 1 and axes.error == ""
    np.testing.assert_allclose(axes.result, np.full((2, 3), 2.0))


# -- PlanView ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def view():
    return PlanView(lambda x: x * 2, jnp.ones((3, 2)), in_axes=1)


@given(data=st.one_of(axis_envelopes, envelopes, junk))
@FUZZ
def test_plan_view_ignores_every_write(view, recorder, data):
    plan = view.plan
    rejected = logged(recorder, lambda: deliver(view, data))
    assert rejected or harmless(data)
    assert view.plan == plan
    COUNTS["PlanView update/envelope"] += 1
