"""Zoom, pan, history and progress of GridExplorer in a real JupyterLab and Chromium.

The cheap tests drive the tour's ``w`` (sin(a·x)·y, x in (-3, 3) after the notebook's own
cell, 128²); the slow ones the fractal example, whose frames are refined in the background.
"""

from __future__ import annotations

import warnings

import pytest
from playwright.sync_api import Locator, Page, expect

from .notebook_ui import (
    assert_no_widget_errors,
    execute_in_kernel,
    kernel_json,
    open_notebook,
    run_all_cells,
    screenshot,
)
from .pages import SharedNotebooks
from .servers import Server


def frame_id(root: Locator) -> int:
    return int(root.locator(".vw-ge-image").get_attribute("data-frame-id") or 0)


def wait_final(page: Page, root: Locator, after: int) -> None:
    """Until a full-resolution frame newer than ``after`` is drawn and the kernel is done."""
    page.wait_for_function(
        "([el, after]) => { const c = el.querySelector('.vw-ge-image');"
        " return Number(c.dataset.frameId) > after && c.dataset.partial === 'false'; }",
        arg=[root.element_handle(), after],
        timeout=60_000,
        polling=20,
    )
    for _ in range(600):
        if not kernel_json(page, "w.busy if 'w' in dir() else False"):
            break
        page.wait_for_timeout(50)


def plot_box(root: Locator) -> dict:
    """The plot's box on screen, scrolled into view (the mouse acts on what is visible)."""
    root.locator(".vw-ge-figure").scroll_into_view_if_needed()
    box = root.locator(".vw-ge-plotbox").bounding_box()
    assert box is not None
    return box


def ranges(page: Page, name: str = "w") -> list:
    return kernel_json(
        page, f"[list({name}.x_range), list({name}.y_range), {name}.stats['compiles']]"
    )


def opened(page: Page, server: Server, notebook: str) -> Locator:
    """Open ``notebook``, run all its cells; its first GridExplorer."""
    open_notebook(page, server, notebook)
    run_all_cells(page)
    return page.locator(".vw-grid-explorer").first


def rerun(page: Page) -> Locator:
    """Run all the cells of the notebook open in ``page`` (kept open for the tests of this
    module: each test's cells make new widgets and views); its first GridExplorer."""
    run_all_cells(page)
    return page.locator(".vw-grid-explorer").first


@pytest.fixture
def explorer(shared_notebooks: SharedNotebooks, lab_server: Server) -> tuple[Page, Locator]:
    page = shared_notebooks.open(lab_server, "examples/grid_explorer.ipynb")
    root = rerun(page)
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "3")
    return page, root


def test_wheel_zooms_around_the_pointer_and_never_recompiles(explorer) -> None:
    page, root = explorer
    (x0, y0), compiles = ranges(page)[:2], ranges(page)[2]
    box = plot_box(root)
    px, py = box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5
    page.mouse.move(px, py)
    before = frame_id(root)
    # the transformed picture is on screen before any reply: set in the event's own task
    transform = root.locator(".vw-ge-plotbox").evaluate(
        "(el, [x, y]) => { el.dispatchEvent(new WheelEvent('wheel', {deltaY: -300,"
        " clientX: x, clientY: y, bubbles: true, cancelable: true}));"
        " return el.querySelector('.vw-ge-image').style.transform; }",
        [px, py],
    )
    assert "scale(2" in transform
    wait_final(page, root, before)
    (x1, y1), after_compiles = ranges(page)[:2], ranges(page)[2]
    assert x1[1] - x1[0] == pytest.approx((x0[1] - x0[0]) / 2, rel=0.02)
    assert y1[1] - y1[0] == pytest.approx((y0[1] - y0[0]) / 2, rel=0.02)
    # the point under the pointer stayed there: a quarter across before and after
    assert x0[0] + 0.25 * (x0[1] - x0[0]) == pytest.approx(
        x1[0] + 0.25 * (x1[1] - x1[0]), abs=(x0[1] - x0[0]) / 100
    )
    for _ in range(20):  # 20 more wheel steps: no new compile, ever
        page.mouse.wheel(0, -40)
    page.wait_for_timeout(400)
    wait_final(page, root, frame_id(root) - 1)
    assert ranges(page)[2] == after_compiles == compiles
    expect(root.locator(".vw-ge-image")).to_have_attribute("style", "width: 416px; height: 362px;")
    screenshot(page, "grid_zoom-wheel")
    assert_no_widget_errors(page)


def test_drag_pans_box_zooms_and_history_walks_back_and_home(explorer) -> None:
    page, root = explorer
    x0, y0 = ranges(page)[:2]
    box = plot_box(root)
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    before = frame_id(root)
    page.mouse.move(cx, cy)
    page.mouse.down()
    page.mouse.move(cx + box["width"] / 8, cy, steps=5)
    page.mouse.up()
    wait_final(page, root, before)
    x1, y1 = ranges(page)[:2]
    width = x0[1] - x0[0]
    assert x1[0] == pytest.approx(x0[0] - width / 8, abs=width / 100)  # the picture followed
    assert y1 == pytest.approx(y0, abs=1e-6)

    root.get_by_role("button", name="Box").click()
    before = frame_id(root)
    page.mouse.move(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.25)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.5, steps=5)
    expect(root.locator(".vw-ge-band")).to_be_visible()
    page.mouse.up()
    wait_final(page, root, before)
    x2, y2 = ranges(page)[:2]
    assert x2[1] - x2[0] == pytest.approx((x1[1] - x1[0]) / 4, rel=0.05)
    assert y2[1] - y2[0] == pytest.approx((y1[1] - y1[0]) / 4, rel=0.05)

    before = frame_id(root)
    root.get_by_role("button", name="Back").click()
    wait_final(page, root, before)
    assert ranges(page)[0] == pytest.approx(x1, abs=width / 1000)
    before = frame_id(root)
    root.get_by_role("button", name="Forward").click()
    wait_final(page, root, before)
    assert ranges(page)[0] == pytest.approx(x2, abs=width / 1000)
    before = frame_id(root)
    root.locator(".vw-ge-plotbox").dblclick()
    wait_final(page, root, before)
    # home: the view the widget was displayed with, before the notebook set w.x_range
    x3, y3 = ranges(page)[:2]
    assert x3 == pytest.approx([-5.0, 5.0], abs=width / 1000)
    assert y3 == pytest.approx(y0, abs=width / 1000)
    assert_no_widget_errors(page)


def test_a_typed_range_end_moves_that_end_alone_deep_in_a_zoom(explorer) -> None:
    """Zoomed far below a slider step (limits (-5, 5): step 0.05), an end typed into its
    box moves that end only: the other keeps its exact value, not the one its slider snaps
    to, and the range may be narrower than a step. The boxes write both ends apart."""
    page, root = explorer
    before = frame_id(root)
    execute_in_kernel(page, "w.x_range = (0.1234500, 0.1234700)")
    wait_final(page, root, before)
    x_min = root.get_by_label("x min value", exact=True)
    x_max = root.get_by_label("x max value", exact=True)
    expect(x_min).to_have_value("0.12345")
    expect(x_max).to_have_value("0.12347")
    before = frame_id(root)
    x_max.fill("0.12346")
    x_max.press("Enter")
    wait_final(page, root, before)
    assert ranges(page)[0] == pytest.approx([0.12345, 0.12346], abs=1e-9)
    expect(x_min).to_have_value("0.12345")
    before = frame_id(root)
    x_min.fill("0.2")  # past the other end: a slider step below it, as a drag would be
    x_min.press("Enter")
    wait_final(page, root, before)
    assert ranges(page)[0] == pytest.approx([0.12346 - 0.05, 0.12346], abs=1e-9)
    x_min.fill("0.1234599999")  # narrower than float32 resolves: refused, the box goes back
    x_min.press("Enter")
    expect(root.locator(".vw-ge-error")).to_contain_text("float32")
    expect(x_min).to_have_value("0.07346")
    assert ranges(page)[0] == pytest.approx([0.12346 - 0.05, 0.12346], abs=1e-9)


def test_keyboard_zooms_pans_and_goes_home(explorer) -> None:
    page, root = explorer
    x0, y0 = ranges(page)[:2]
    width = x0[1] - x0[0]
    home = [-5.0, 5.0]  # the view the widget was displayed with, before w.x_range = (-3, 3)
    plot_box(root)
    root.locator(".vw-ge-plotbox").focus()
    for key, check in (
        ("+", lambda x: x[1] - x[0] == pytest.approx(width / 2, rel=0.02)),
        ("ArrowRight", lambda x: x[0] > x0[0] + width / 4),
        ("0", lambda x: x == pytest.approx(home, abs=width / 1000)),
    ):
        before = frame_id(root)
        page.keyboard.press(key)
        wait_final(page, root, before)
        x = ranges(page)[0]
        assert check(x), (key, x)
    assert ranges(page)[1] == pytest.approx(y0, abs=width / 1000)
    assert_no_widget_errors(page)


@pytest.fixture
def fractal(shared_notebooks: SharedNotebooks, lab_server: Server) -> tuple[Page, Locator]:
    page = shared_notebooks.open(lab_server, "examples/fractal.ipynb")
    root = rerun(page)
    expect(root.locator(".vw-ge-image")).not_to_have_attribute("data-frame-id", "1")
    execute_in_kernel(page, "w = fractal\n" + RECORD_LOOP_ERRORS)
    return page, root


# Exceptions in event-loop callbacks (the scheduler's) are only logged where no test sees them.
RECORD_LOOP_ERRORS = """
import asyncio
loop_errors = []
def _record(loop, context):
    loop_errors.append(repr(context.get("exception") or context.get("message")))
    loop.default_exception_handler(context)
asyncio.get_running_loop().set_exception_handler(_record)
"""
KERNEL_STATE = (
    "dict(busy=w.busy, status=w._status, error=w.error, progress=w._picture.progress,"
    " in_flight=w._scheduler._in_flight, current=w._evaluator._current is not None,"
    " generation=w._evaluator.generation, comm=w.comm is not None, loop_errors=loop_errors)"
)


def refine_and_stop(page: Page, root: Locator, key: str) -> bool:
    """Press ``key`` on the iterations slider (seconds of work at 2048²), wait until the
    picture is being refined, press Stop; True once the status says "stopped at" and Stop is
    hidden. False when the evaluation finished before Stop reached the kernel (its reply is
    then the final status: nothing was left to stop). Anything else fails, with the kernel's
    state."""
    stop = root.get_by_role("button", name="Stop")
    expect(stop).to_be_hidden()
    root.get_by_label("iterations", exact=True).focus()
    page.keyboard.press(key)
    expect(root.locator(".vw-ge-status")).to_contain_text("refining", timeout=30_000)
    expect(stop).to_be_visible()
    screenshot(page, "grid_zoom-refining")
    stop.click()
    try:
        expect(root.locator(".vw-ge-status")).to_contain_text("stopped at", timeout=30_000)
        expect(stop).to_be_hidden()
    except AssertionError as exc:
        state = kernel_json(page, KERNEL_STATE)
        if state["progress"].get("final") is True and not state["busy"]:
            return False
        raise AssertionError(f"{exc}\nthe kernel: {state}") from exc
    return True


def test_a_slow_frame_shows_progress_and_stop_keeps_what_is_drawn(fractal) -> None:
    page, root = fractal
    execute_in_kernel(page, "w.resolution = 2048; w.x_range, w.y_range = (-2.2, 0.8), (-1.5, 1.5)")
    # End: 1024 iterations; each key a new value, in case an evaluation ends before Stop
    # gets there (a loaded machine can delay the click by the evaluation's seconds).
    for key in ("End", "PageDown", "End"):
        if refine_and_stop(page, root, key):
            break
        warnings.warn(f"the evaluation after {key} finished before Stop", stacklevel=1)
    else:
        pytest.fail("every evaluation finished before Stop reached the kernel")
    slider = root.get_by_label("iterations", exact=True)
    for _ in range(400):
        if not kernel_json(page, "w.busy"):
            break
        page.wait_for_timeout(50)
    drawn = frame_id(root)
    page.wait_for_timeout(1000)
    assert frame_id(root) == drawn  # nothing more comes after Stop
    assert kernel_json(page, "[w.busy, w.params['iterations']]") == [
        False,
        pytest.approx(float(slider.input_value())),
    ]
    assert_no_widget_errors(page)


def test_a_burst_during_a_slow_frame_ends_at_the_last_value_full_resolution(fractal) -> None:
    page, root = fractal
    slider = root.get_by_label("iterations", exact=True)
    slider.focus()
    ids = []
    root.locator(".vw-ge-image").evaluate(
        "(c) => { window.__vwIds = []; new MutationObserver(() => "
        "window.__vwIds.push(Number(c.dataset.frameId))).observe(c, {attributes: true,"
        " attributeFilter: ['data-frame-id']}); }"
    )
    before = frame_id(root)
    for _ in range(15):
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(20)
    value = float(slider.input_value())
    for _ in range(1200):  # until the kernel has the last value and is done refining it
        if kernel_json(page, "[w.params['iterations'], w.busy]") == [value, False]:
            break
        page.wait_for_timeout(50)
    wait_final(page, root, before)
    ids = page.evaluate("() => window.__vwIds")
    assert ids == sorted(ids) and len(set(ids)) == len(ids)  # never an older frame
    state = kernel_json(page, "[w.params['iterations'], w.busy, w.grid.shape]")
    assert state == [pytest.approx(value), False, [512, 512]]
    assert root.locator(".vw-ge-image").get_attribute("data-partial") == "false"
    assert_no_widget_errors(page)


@pytest.mark.parametrize("name", ["fractal", "loss_landscape"])
def test_heavy_examples_run_top_to_bottom(page: Page, lab_server: Server, name: str) -> None:
    root = opened(page, lab_server, f"examples/{name}.ipynb")
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-partial", "false")
    screenshot(page, f"example-{name}")
    assert_no_widget_errors(page)
