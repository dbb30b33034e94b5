"""The examples open and run in Jupyter Notebook 7: every displayed widget renders, and a
GridExplorer slider and an AxisExplorer selector respond (plan_view.ipynb: test_smoke.py)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from .notebook_ui import (
    PIXELS_JS,
    assert_no_widget_errors,
    execute_in_kernel,
    open_notebook,
    run_all_cells,
    screenshot,
)
from .pages import SharedNotebooks
from .servers import Server

# JS: how many widget views the code cells display (read from the cell models).
DISPLAYED_WIDGETS_JS = """
() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter((cell) => cell.model.type === 'code')
  .flatMap((cell) => cell.model.outputs.toJSON())
  .filter((o) => o.data && o.data['application/vnd.jupyter.widget-view+json'])
  .length
"""
OUR_ROOTS = ".vw-grid-explorer, .vw-axis-explorer, .vw-plan-view"


def run_and_count(page: Page, server: Server, notebook: str, expected: dict[str, int]) -> None:
    """Open and run ``notebook``; every displayed widget must render (``expected``: how many
    roots of each selector, which together account for every displayed widget)."""
    open_notebook(page, server, notebook)
    rerun_and_count(page, expected)


def rerun_and_count(page: Page, expected: dict[str, int]) -> None:
    """Run all the cells of the notebook open in ``page``; every displayed widget must
    render (``expected``: as for ``run_and_count``)."""
    run_all_cells(page)
    for selector, count in expected.items():
        expect(page.locator(selector)).to_have_count(count)
    assert page.evaluate(DISPLAYED_WIDGETS_JS) == sum(expected.values())
    assert page.locator(OUR_ROOTS).count() == sum(
        n for s, n in expected.items() if s.startswith(".vw-")
    )
    assert_no_widget_errors(page)


@pytest.fixture
def grid_notebook(shared_notebooks: SharedNotebooks, notebook_server: Server) -> Locator:
    """examples/grid_explorer.ipynb, run; its first GridExplorer, showing frame 3. The
    notebook stays open for the tests of this module (each test's run makes new widgets
    and views); its page: ``grid_notebook.page``."""
    page = shared_notebooks.open(notebook_server, "examples/grid_explorer.ipynb")
    rerun_and_count(page, {".vw-grid-explorer": 2, ".bqplot.figure": 1})
    root = page.locator(".vw-grid-explorer").first
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "3")
    return root


def test_grid_explorer_example_runs_and_its_slider_redraws(grid_notebook: Locator) -> None:
    page = grid_notebook.page
    image = grid_notebook.locator(".vw-ge-image")
    before = image.evaluate(PIXELS_JS)
    slider = grid_notebook.get_by_label("a", exact=True)
    slider.scroll_into_view_if_needed()
    box = slider.bounding_box()
    slider.click(position={"x": box["width"] * 0.9, "y": box["height"] / 2})
    expect(image).not_to_have_attribute("data-frame-id", "3")
    assert image.evaluate(PIXELS_JS) != before
    assert execute_in_kernel(page, "print(w.params['a'] > 2.5)") == "True\n"
    assert float(slider.input_value()) > 2.5
    screenshot(page, "notebook7-grid_explorer")
    assert_no_widget_errors(page)


def test_grid_explorer_slider_follows_the_keyboard(grid_notebook: Locator) -> None:
    page = grid_notebook.page
    slider = grid_notebook.get_by_label("a", exact=True)
    slider.focus()
    page.keyboard.press("ArrowRight")
    expect(slider).to_have_value("2.01", timeout=5_000)


def test_tour_runs_and_a_selector_redraws(page: Page, notebook_server: Server) -> None:
    run_and_count(
        page,
        notebook_server,
        "examples/tour.ipynb",
        {".vw-axis-explorer": 9, ".vw-grid-explorer": 2},
    )
    out1 = page.locator(".vw-axis-explorer").nth(2)
    shape = out1.locator('.vw-leaf[data-path="out"] .vw-leaf-shape')
    expect(shape).to_have_text("shape (1, 3)")
    out1.locator('.vw-sel[data-kind="out_axes"]').get_by_role("radio", name="0", exact=True).click()
    expect(shape).to_have_text("shape (3, 1)")
    expect(out1.locator(".vw-code").first).to_have_text(
        "jax.vmap(func, in_axes=(1, 0), out_axes=0)(x, y)"
    )
    assert execute_in_kernel(page, "print(out1.out_axes, out1.result.shape)") == "0 (3, 1)\n"
    out1.scroll_into_view_if_needed()
    screenshot(page, "notebook7-tour")
    assert_no_widget_errors(page)
