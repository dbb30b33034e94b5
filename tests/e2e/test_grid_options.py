"""GridExplorer's plot options in a real JupyterLab and in a saved page: levels, contours and
the log norm in the pixels, an equal aspect, a figure that follows its container or a given
size (frames re-sampled to it), a title, and all of it kept by Save PNG and export_html."""

from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp
import numpy as np
import pytest
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from vmapwidget import GridExplorer
from vmapwidget.integrations.export import export_html

from .notebook_ui import (
    ARTIFACTS,
    assert_no_widget_errors,
    browser_log,
    execute_in_kernel,
    kernel_json,
    run_source,
)
from .servers import Server

SOURCE = """
import jax.numpy as jnp
from vmapwidget import GridExplorer

w = GridExplorer(
    lambda x, y, b: b * jnp.exp(x) * (y + 3), x=(-2, 2), y=(-2, 2), resolution=128, b=(0.5, 4, 1)
)
w
"""

COLOURS_JS = """
(canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  const seen = new Set();
  let dark = 0;
  for (let k = 0; k < data.length; k += 4) {
    seen.add((data[k] << 16) | (data[k + 1] << 8) | data[k + 2]);
    if (data[k] + data[k + 1] + data[k + 2] < 120) dark += 1;
  }
  return { colours: seen.size, dark, width: canvas.width, height: canvas.height };
}
"""

# Opaque pixels of the chrome canvas in the strip above the plot (where a title goes), short
# of the plot's frame.
TITLE_INK_JS = """
(root) => {
  const chrome = root.querySelector('.vw-ge-chrome');
  const top = parseFloat(root.querySelector('.vw-ge-plotbox').style.top);
  const scale = chrome.width / parseFloat(chrome.style.width);
  const rows = Math.floor((top - 4) * scale);
  const data = chrome.getContext('2d').getImageData(0, 0, chrome.width, rows).data;
  let ink = 0;
  for (let k = 3; k < data.length; k += 4) if (data[k] > 128) ink += 1;
  return ink;
}
"""

BOX_JS = "(el) => [el.style.width, el.style.height].map(parseFloat)"


@pytest.fixture
def notebook(page: Page, lab_server: Server, tmp_path: Path) -> Page:
    run_source(page, lab_server, tmp_path / "grid_options.ipynb", SOURCE)
    expect(page.locator(".vw-grid-explorer")).to_have_count(1)
    expect(page.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "1")
    return page


def frame_id(root: Locator) -> str:
    return root.locator(".vw-ge-image").get_attribute("data-frame-id") or "0"


def change(page: Page, root: Locator, code: str) -> None:
    """Run ``code`` in the kernel and wait for the frame it sends to be drawn."""
    before = frame_id(root)
    execute_in_kernel(page, code)
    expect(root.locator(".vw-ge-image")).not_to_have_attribute("data-frame-id", before)
    page.wait_for_timeout(200)


def colours(root: Locator) -> dict:
    return root.locator(".vw-ge-image").evaluate(COLOURS_JS)


def save(root: Locator, name: str) -> None:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(path))


def test_levels_contours_and_log_norm_show_in_the_pixels_and_the_png(notebook: Page) -> None:
    page = notebook
    root = page.locator(".vw-grid-explorer")
    assert colours(root)["colours"] > 100
    change(page, root, "w.levels = 6")
    banded = colours(root)
    assert banded["colours"] == 6 and banded["dark"] == 0
    execute_in_kernel(page, "w.contours = True")
    page.wait_for_function(
        "(c) => c.width > 200", arg=root.locator(".vw-ge-image").element_handle()
    )
    lined = colours(root)
    dpr = page.evaluate("window.devicePixelRatio")
    # Iso-lines are drawn at the plot's own device pixels, over the 6 bands.
    assert (lined["width"], lined["height"]) == (416 * dpr, 362 * dpr)
    assert lined["dark"] > 200 and lined["colours"] > 6
    save(root, "grid_options-levels-contours")
    change(page, root, "w.norm = 'log'")
    assert kernel_json(page, "[w._frame_meta['norm'], w._frame_meta['levels']]") == ["log", 6]
    log = colours(root)
    assert log["dark"] > 200
    with page.expect_download() as download:
        root.get_by_role("button", name="Save PNG").click()
    path = ARTIFACTS / "screenshots" / "grid_options-log.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    download.value.save_as(path)
    png = np.asarray(Image.open(path).convert("RGB")).astype(int)
    x, y, width, height = (2 * v for v in (58, 14, 416, 362))
    heatmap = png[y : y + height, x : x + width]
    assert (heatmap.sum(axis=2) < 120).sum() > 400  # the lines, at twice the size
    save(root, "grid_options-log")
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme', "
        "{theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    page.wait_for_timeout(500)
    save(root, "grid_options-log-dark")
    page.evaluate(  # the theme is saved on the server: give the next tests the light one
        "() => window.jupyterapp.commands.execute('apputils:change-theme', "
        "{theme: 'JupyterLab Light'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'true'")
    assert_no_widget_errors(page)


def test_an_equal_aspect_draws_square_cells_for_a_square_domain(notebook: Page) -> None:
    page = notebook
    root = page.locator(".vw-grid-explorer")
    box = root.locator(".vw-ge-plotbox")
    assert box.evaluate(BOX_JS) == [416, 362]
    execute_in_kernel(page, "w.aspect = 'equal'")
    expect(box).to_have_css("width", "362px")
    assert box.evaluate(BOX_JS) == [362, 362]
    change(page, root, "w.x_range = (-2, 6)")  # twice as wide as high
    width, height = box.evaluate(BOX_JS)
    assert abs(width / height - 2) < 0.01 and width == 416
    save(root, "grid_options-equal")
    assert_no_widget_errors(page)


def test_the_figure_follows_its_container_and_a_given_size_and_resamples(notebook: Page) -> None:
    page = notebook
    root = page.locator(".vw-grid-explorer")
    box = root.locator(".vw-ge-plotbox")
    dpr = page.evaluate("window.devicePixelRatio")
    change(page, root, "w.resolution = 1024")
    assert kernel_json(page, "[w._frame_meta['sx'], w._frame_meta['sy']]") == [416 * dpr, 362 * dpr]
    root.evaluate("(r) => { r.parentElement.style.width = '360px'; }")
    expect(root.locator(".vw-ge-figure")).to_have_css("width", "360px")
    assert box.evaluate(BOX_JS) == [360 - 144, 270 - 58]
    page.wait_for_function(
        "(c) => c.width === Math.round(216 * window.devicePixelRatio)",
        arg=root.locator(".vw-ge-image").element_handle(),
    )
    assert kernel_json(page, "[w._frame_meta['sx'], w._frame_meta['sy']]") == [216 * dpr, 212 * dpr]
    save(root, "grid_options-narrow")
    execute_in_kernel(page, "w.width = 800; w.height = 500")
    expect(root.locator(".vw-ge-figure")).to_have_css("width", "800px")
    assert box.evaluate(BOX_JS) == [800 - 144, 500 - 58]
    page.wait_for_function(
        "(dpr) => document.querySelector('.vw-ge-image').width === Math.round(656 * dpr)", arg=dpr
    )
    assert kernel_json(page, "[w._frame_meta['sx'], w._frame_meta['sy']]") == [656 * dpr, 442 * dpr]
    assert_no_widget_errors(page)


def test_a_title_is_drawn_above_the_plot(notebook: Page) -> None:
    page = notebook
    root = page.locator(".vw-grid-explorer")
    # The strip above the plot holds only the frame's edge and the top tick label's tip.
    before = root.evaluate(TITLE_INK_JS)
    execute_in_kernel(page, "w.title = 'Growth of b·exp(x)·(y + 3)'")
    expect(root.locator(".vw-ge-plotbox")).to_have_css("top", "36px")
    assert root.evaluate(TITLE_INK_JS) > before + 200
    save(root, "grid_options-title")
    assert_no_widget_errors(page)


def test_a_saved_page_keeps_every_option(page: Page, tmp_path: Path) -> None:
    w = GridExplorer(
        lambda x, y: jnp.exp(x) * (y + 3),
        x=(-2, 2),
        y=(-2, 2),
        resolution=96,
        norm="log",
        levels=5,
        contours=True,
        aspect="equal",
        width=480,
        title="saved",
        colormap="turbo",
    )
    path = tmp_path / "options.html"
    export_html([w], path, title="options")
    page.goto(path.as_uri())
    expect(page.locator(".vw-static-widget[data-rendered=true]")).to_have_count(1)
    root = page.locator(".vw-grid-explorer")
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "1")
    # 480 × 360: a plot of at most 336 × 280 (the title takes 22 px), square for the domain.
    assert root.locator(".vw-ge-plotbox").evaluate(BOX_JS) == [280, 280]
    shown = colours(root)
    assert shown["dark"] > 100 and shown["colours"] > 5
    assert root.evaluate(TITLE_INK_JS) > 60
    save(root, "grid_options-saved")
    assert not browser_log(page).page_errors


SECTION_INK_JS = """
(canvas) => {
  const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0;
  for (let k = 3; k < data.length; k += 4) if (data[k] > 128) ink += 1;
  return ink;
}
"""


def test_sections_show_f_along_x_and_y_under_the_pointer(notebook: Page) -> None:
    page = notebook
    root = page.locator(".vw-grid-explorer")
    sections = root.locator(".vw-ge-sections")
    expect(sections).to_be_hidden()
    execute_in_kernel(page, "w.sections = True")
    expect(sections).to_be_visible()
    image = root.locator(".vw-ge-image")
    box = image.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.5)
    expect(sections).to_have_attribute("data-cell", "96,63")
    canvases = sections.locator("canvas")
    ink = [canvases.nth(k).evaluate(SECTION_INK_JS) for k in range(2)]
    assert min(ink) > 300
    page.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] * 0.5)
    expect(sections).to_have_attribute("data-cell", "32,63")
    save(root, "grid_options-sections")
    execute_in_kernel(page, "w.sections = False")
    expect(sections).to_be_hidden()
    assert_no_widget_errors(page)
