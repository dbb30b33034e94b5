"""GridExplorer in a real JupyterLab: it renders, follows its sliders, shows errors, recovers."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from vmapwidget.widgets.grid_explorer import MAX_FRAME_SHAPE

from .notebook_ui import (
    ARTIFACTS,
    PANEL_JS,
    PIXELS_JS,
    assert_no_widget_errors,
    execute_in_kernel,
    hover_tooltip,
    kernel_json,
    open_notebook,
    run_all_cells,
)
from .pages import SharedNotebooks
from .servers import Server

NOTEBOOK = "examples/grid_explorer.ipynb"
DARK = "JupyterLab Dark"


def widget(page: Page, index: int) -> Locator:
    return page.locator(".vw-grid-explorer").nth(index)


def drawn_frame(root: Locator) -> int:
    return int(root.locator(".vw-ge-image").get_attribute("data-frame-id") or 0)


def settle(page: Page, root: Locator, after_frame: int) -> None:
    """Wait until a frame newer than ``after_frame`` is drawn and no request is pending."""
    expect(root.locator(".vw-ge-image")).not_to_have_attribute("data-frame-id", str(after_frame))
    page.wait_for_timeout(300)


def save(root: Locator, name: str) -> None:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(path))


def save_png(page: Page, root: Locator, name: str) -> np.ndarray:
    """Click Save PNG; the saved picture as an RGB array."""
    with page.expect_download() as download:
        root.get_by_role("button", name="Save PNG").click()
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    download.value.save_as(path)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    return np.asarray(Image.open(path).convert("RGB")).astype(int)


def heatmap_of(png: np.ndarray, root: Locator, scale: int = 2) -> np.ndarray:
    """The heatmap's pixels in a PNG saved at ``scale`` times the figure's size."""
    x, y, width, height = root.locator(".vw-ge-plotbox").evaluate(
        "(c) => [c.style.left, c.style.top, c.style.width, c.style.height].map(parseFloat)"
    )
    return png[
        round(y * scale) : round((y + height) * scale),
        round(x * scale) : round((x + width) * scale),
    ]


def run_notebook(page: Page) -> Page:
    """Run all the cells of the notebook open in ``page``; both widgets drawn."""
    run_all_cells(page)
    expect(page.locator(".vw-grid-explorer")).to_have_count(2)
    expect(widget(page, 0).locator(".vw-ge-image")).to_have_attribute("data-frame-id", "3")
    return page


@pytest.fixture
def notebook(shared_notebooks: SharedNotebooks, lab_server: Server) -> Page:
    """The notebook, its cells just run, in a page the tests of this module share: each
    test's cells make new widgets (and views) of their own."""
    return run_notebook(shared_notebooks.open(lab_server, NOTEBOOK))


@pytest.fixture
def own_notebook(page: Page, lab_server: Server) -> Page:
    """The notebook, its cells just run, in the test's own ``page``."""
    open_notebook(page, lab_server, NOTEBOOK)
    return run_notebook(page)


def test_renders_and_follows_the_keyboard(notebook: Page) -> None:
    page, root = notebook, widget(notebook, 0)
    image = root.locator(".vw-ge-image")
    expect(root.locator(".vw-ge-status")).to_contain_text("128 × 128")
    expect(root.locator(".vw-ge-status")).to_contain_text("1 compile")
    before = image.evaluate(PIXELS_JS)
    save(root, "grid_explorer-light")

    slider = root.get_by_label("a", exact=True)
    slider.focus()
    frame = drawn_frame(root)
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    settle(page, root, frame)
    assert image.evaluate(PIXELS_JS) != before
    execute_in_kernel(page, "import numpy as np")
    state = kernel_json(
        page,
        "{'a': w.params['a'], 'compiles': w.stats['compiles'], 'shape': w.grid.shape, "
        "'err': float(abs(w.grid - np.sin(np.float32(w.params['a']) * np.linspace(-3, 3, 128, "
        "dtype=np.float32))[:, None] * np.linspace(-2, 2, 128, dtype=np.float32)).max())}",
    )
    assert state["a"] == pytest.approx(2.05)
    assert state["compiles"] == 1 and state["shape"] == [128, 128] and state["err"] < 1e-5
    assert float(slider.input_value()) == pytest.approx(state["a"])

    assert drawn_frame(widget(page, 1)) == 1, "the other widget must not redraw"

    with page.expect_download() as download:
        root.get_by_role("button", name="Save PNG").click()
    saved = ARTIFACTS / "screenshots" / "grid_explorer-saved.png"
    download.value.save_as(saved)
    assert saved.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    box = image.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.25)
    tooltip = root.locator(".vw-ge-tooltip")
    expect(tooltip).to_be_visible()
    expect(tooltip).to_contain_text("x = ")
    expect(tooltip).to_contain_text("f = ")
    assert_no_widget_errors(page)


def test_python_changes_and_resolution_redraw(notebook: Page) -> None:
    page, root = notebook, widget(notebook, 0)
    frame = drawn_frame(root)
    execute_in_kernel(page, "w.resolution = 64; w.params = {'a': 0.5}")
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-frame-id", str(frame + 2))
    expect(root.locator(".vw-ge-status")).to_contain_text("64 × 64")
    expect(root.locator(".vw-ge-status")).to_contain_text("2 compiles")
    assert root.get_by_label("a value").input_value() == "0.5"
    assert root.get_by_label("resolution").evaluate("(s) => s.nextSibling.textContent") == (
        "64 × 64"
    )
    resolution = root.get_by_label("resolution")
    resolution.focus()
    frame = drawn_frame(root)
    page.keyboard.press("ArrowRight")
    settle(page, root, frame)
    assert kernel_json(page, "w.resolution") == 96
    assert root.locator(".vw-ge-image").evaluate("(c) => c.width") == 96


@pytest.mark.parametrize("page", [1, 2, 3], indirect=True, ids=["dpr1", "dpr2", "dpr3"])
def test_fine_grid_is_sent_at_display_size_and_hover_reads_its_cells(own_notebook: Page) -> None:
    page, root = own_notebook, widget(own_notebook, 0)
    # What the view told Python: its plot in device pixels.
    dpr = page.evaluate("window.devicePixelRatio")
    plot = root.locator(".vw-ge-image").bounding_box()
    assert plot is not None
    pixels = [round(plot["width"] * dpr), round(plot["height"] * dpr)]
    assert pixels == [416 * dpr, 362 * dpr]
    assert pixels in kernel_json(page, "list(map(list, w._views._pixels.values()))")
    frame = drawn_frame(root)
    execute_in_kernel(page, "w.resolution = 1024")
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-frame-id", str(frame + 1))
    expect(root.locator(".vw-ge-status")).to_contain_text("1024 × 1024")
    meta = kernel_json(page, "{**w._frame_meta, 'bytes': w.stats['bytes']}")
    sent = [min(p, most) for p, most in zip(pixels, MAX_FRAME_SHAPE)]  # 832 × 724 at most
    assert [meta["nx"], meta["sx"], meta["sy"]] == [1024, *sent]
    assert meta["bytes"] == sent[0] * sent[1]
    image = root.locator(".vw-ge-image")
    image.scroll_into_view_if_needed()
    box = image.bounding_box()
    assert box is not None
    assert image.evaluate("(c) => c.width") == min(1024, round(box["width"] * dpr))
    span = meta["vmax"] - meta["vmin"]
    for fx, fy in [(0.13, 0.21), (0.52, 0.77), (0.9, 0.4)]:
        x, y, f = hover_tooltip(page, root, fx, fy)
        # The cell the tooltip names, looked up in the whole grid in Python.
        cell = kernel_json(
            page,
            f"(lambda i, j: [i, j, float(w.grid[i, j])])("
            f"round(({x} - w.x_range[0]) / (w.x_range[1] - w.x_range[0]) * 1023), "
            f"round(({y} - w.y_range[0]) / (w.y_range[1] - w.y_range[0]) * 1023))",
        )
        assert abs(f - cell[2]) <= span / 512 + 1e-3 * span, (x, y, f, cell)
    # Save PNG draws at twice the figure's size, from a sample fetched at that size: its
    # columns come in identical pairs only if a 1× sample was merely scaled up.
    heatmap = heatmap_of(save_png(page, root, f"grid_explorer-1024-dpr{dpr}"), root)
    assert heatmap.shape[:2] == (2 * 362, 2 * 416)
    pairs_differ = np.any(heatmap[:, 0::2] != heatmap[:, 1::2], axis=(0, 2))
    assert pairs_differ.mean() > 0.5, pairs_differ.mean()
    sent_now = "[w._frame_meta['sx'], w._frame_meta['sy']]"
    for _ in range(20):
        if kernel_json(page, sent_now) == sent:
            break
        page.wait_for_timeout(100)
    assert kernel_json(page, sent_now) == sent
    # A view that closes says so: with none left, frames go back to the largest sample.
    page.evaluate(f"() => ({PANEL_JS})().content.widgets[1].model.sharedModel.setOutputs([])")
    expect(page.locator(".vw-grid-explorer")).to_have_count(1)
    closed = "[len(w._views._pixels), w._frame_meta['sx'], w._frame_meta['sy']]"
    for _ in range(20):
        if kernel_json(page, closed)[0] == 0:
            break
        page.wait_for_timeout(100)
    assert kernel_json(page, closed) == [0, *MAX_FRAME_SHAPE]


def test_error_shows_a_message_and_recovers(notebook: Page) -> None:
    page, root = notebook, widget(notebook, 0)
    execute_in_kernel(
        page,
        "from vmapwidget.kernels import GridFunctionError\n"
        "good = w.kernel.run_tile\n"
        "def broken(*args, **kwargs):\n"
        "    raise GridFunctionError('f failed on the grid: XlaRuntimeError: RESOURCE_EXHAUSTED')\n"
        "w.kernel.run_tile = broken",
    )
    image = root.locator(".vw-ge-image")
    before = image.evaluate(PIXELS_JS)
    slider = root.get_by_label("a", exact=True)
    slider.focus()
    page.keyboard.press("ArrowLeft")
    expect(root.locator(".vw-ge-error")).to_contain_text("RESOURCE_EXHAUSTED")
    assert image.evaluate(PIXELS_JS) == before
    save(root, "grid_explorer-error")

    execute_in_kernel(page, "w.kernel.run_tile = good")
    frame = drawn_frame(root)
    page.keyboard.press("ArrowLeft")
    settle(page, root, frame)
    expect(root.locator(".vw-ge-error")).to_be_empty()
    assert image.evaluate(PIXELS_JS) != before
    assert_no_widget_errors(page)


def test_nonfinite_cells_and_dark_theme(notebook: Page) -> None:
    page, ripple = notebook, widget(notebook, 1)
    expect(ripple.locator(".vw-ge-status")).to_contain_text("NaN/inf")
    ripple.scroll_into_view_if_needed()
    page.evaluate(
        "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", DARK
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    page.wait_for_timeout(500)
    colour = ripple.locator(".vw-ge-status").evaluate("(el) => getComputedStyle(el).color")
    channels = [int(c) for c in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    assert min(channels) > 128, f"status text {colour} is not light on the dark theme"
    save(ripple, "grid_explorer-dark")
    save(widget(page, 0), "grid_explorer-dark-first")
    assert_no_widget_errors(page)


CANVAS_RGB_JS = "(c) => Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data)"


def canvas_rgb(root: Locator) -> np.ndarray:
    image = root.locator(".vw-ge-image")
    width, height = image.evaluate("(c) => [c.width, c.height]")
    return np.array(image.evaluate(CANVAS_RGB_JS)).reshape(height, width, 4)[..., :3]


def redraw(page: Page, root: Locator, code: str) -> np.ndarray:
    frame = drawn_frame(root)
    execute_in_kernel(page, code)
    settle(page, root, frame)
    return canvas_rgb(root)


def test_a_locked_colour_range_shows_an_amplitude_change(notebook: Page) -> None:
    page, root = notebook, widget(notebook, 0)  # sin(a·x)·y: halving y's range halves f
    full = canvas_rgb(root)
    halved = redraw(page, root, "w.y_range = (-1, 1)")
    same = np.all(halved == full, axis=-1).mean()
    assert same > 0.97, f"auto colours: only {same:.1%} of the pixels stay the same"
    redraw(page, root, "w.y_range = (-2, 2)")
    limits = kernel_json(page, "list(w.color_limits)")
    lock = root.get_by_role("button", name="Lock colours")
    expect(lock).to_have_attribute("aria-pressed", "false")
    frame = drawn_frame(root)
    lock.click()
    expect(root.get_by_role("button", name="Unlock colours")).to_have_attribute(
        "aria-pressed", "true"
    )
    settle(page, root, frame)
    assert kernel_json(page, "[list(w.color_range), list(w.color_limits)]") == [limits, limits]
    save(root, "grid_explorer-locked")
    locked = redraw(page, root, "w.y_range = (-1, 1)")
    assert kernel_json(page, "list(w.color_limits)") == limits
    changed = np.any(locked != full, axis=-1).mean()
    assert changed > 0.5, f"a locked range: only {changed:.1%} of the pixels changed"
    frame = drawn_frame(root)
    root.get_by_role("button", name="Unlock colours").click()
    settle(page, root, frame)
    assert kernel_json(page, "w.color_range") == "auto"
    unlocked = canvas_rgb(root)
    assert np.all(unlocked == halved, axis=-1).mean() > 0.99
    assert_no_widget_errors(page)


def alpha(name: str) -> np.ndarray:
    """The alpha channel of a PNG save_png saved."""
    return np.asarray(Image.open(ARTIFACTS / "screenshots" / f"{name}.png"))[..., 3]


def test_labels_are_drawn_and_saved(notebook: Page) -> None:
    page, root = notebook, widget(notebook, 0)
    chrome = root.locator(".vw-ge-chrome")
    before = chrome.evaluate(PIXELS_JS)
    png_before = save_png(page, root, "grid_explorer-no-labels")
    execute_in_kernel(page, "w.xlabel = 'position x (m)'; w.colorbar_label = 'height f (m)'")
    page.wait_for_function(
        "([c, h]) => (" + PIXELS_JS + ")(c) !== h", arg=[chrome.element_handle(), before]
    )
    save(root, "grid_explorer-labels")
    png = save_png(page, root, "grid_explorer-labels")
    # the colour bar's label: ink (opaque pixels; the PNG's background is transparent) in a
    # strip at the figure's right edge, where there was none before
    ink = [
        alpha(name)[:, -24:-2] > 128 for name in ("grid_explorer-no-labels", "grid_explorer-labels")
    ]
    assert not ink[0].any() and ink[1].sum() > 100
    assert png.shape == png_before.shape
    assert kernel_json(page, "[w.xlabel, w.ylabel, w.colorbar_label]") == [
        "position x (m)",
        "y",
        "height f (m)",
    ]
    assert_no_widget_errors(page)
