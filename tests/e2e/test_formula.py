"""A visitor edits GridExplorer's formula in the text box of a real JupyterLab.

A good formula changes the picture; ``__import__('os')`` is refused with the column marked
under the box and the last picture kept; a good formula again recovers, and a formula that
is NaN everywhere is drawn and reported as having no finite values.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest
from playwright.sync_api import Locator, Page, expect

from .notebook_ui import (
    ARTIFACTS,
    PIXELS_JS,
    assert_no_widget_errors,
    execute_in_kernel,
    open_notebook,
    run_all_cells,
)
from .servers import Server

SOURCE = """\
from vmapwidget import GridExplorer

w = GridExplorer("sin(a*x) * y", x=(-5, 5), y=(-2, 2), resolution=64, a=(0.1, 3, 1),
                 editable_formula=True)
w"""


def kernel_state(page: Page) -> dict:
    code = "import json; print(json.dumps([w.formula, w.stats['compiles'], w.error]))"
    formula, compiles, error = json.loads(execute_in_kernel(page, code))
    return {"formula": formula, "compiles": compiles, "error": error}


def frame_id(root: Locator) -> str:
    return root.locator(".vw-ge-image").get_attribute("data-frame-id") or ""


def type_formula(page: Page, root: Locator, text: str) -> None:
    """Replace the text box's content by ``text`` (one input event, so one request) and
    wait for Python's answer to that request."""
    seq = int(root.get_attribute("data-seq") or 0) + 1
    root.locator(".vw-ge-formula").fill(text)
    expect(root).to_have_attribute("data-seq", str(seq))


@pytest.fixture
def notebook(page: Page, lab_server: Server, tmp_path: Path) -> Page:
    path = tmp_path / "formula.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(SOURCE)]), path)
    open_notebook(page, lab_server, path)
    run_all_cells(page)
    expect(page.locator(".vw-grid-explorer .vw-ge-image")).to_have_attribute("data-frame-id", "1")
    return page


def test_visitor_edits_the_formula(notebook: Page) -> None:
    page = notebook
    root = page.locator(".vw-grid-explorer")
    image, box = root.locator(".vw-ge-image"), root.locator(".vw-ge-formula")
    error, mark = root.locator(".vw-ge-error"), root.locator(".vw-ge-formula-mark")
    expect(box).to_have_value("sin(a*x) * y")
    first = image.evaluate(PIXELS_JS)

    type_formula(page, root, "cos(a*x) + y")
    expect(image).to_have_attribute("data-frame-id", "2")
    good = image.evaluate(PIXELS_JS)
    assert good != first
    assert kernel_state(page) == {"formula": "cos(a*x) + y", "compiles": 2, "error": ""}

    type_formula(page, root, "__import__('os')")
    expect(error).to_have_text("formula: unknown function '__import__' at column 1")
    expect(mark).to_have_text("^")
    expect(box).to_have_class(re.compile(r"\bvw-ge-formula-invalid\b"))
    assert frame_id(root) == "2" and image.evaluate(PIXELS_JS) == good
    assert kernel_state(page)["formula"] == "cos(a*x) + y"
    type_formula(page, root, "sin(a*x) * os")
    expect(error).to_have_text("formula: unknown name 'os' at column 12")
    expect(mark).to_have_text(" " * 11 + "^")
    assert frame_id(root) == "2" and image.evaluate(PIXELS_JS) == good
    path = ARTIFACTS / "screenshots" / "formula-error.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(path))

    type_formula(page, root, "x * y + a")
    expect(image).to_have_attribute("data-frame-id", "3")
    expect(error).to_be_hidden()
    expect(mark).to_be_hidden()
    assert image.evaluate(PIXELS_JS) not in (first, good)

    slider = root.get_by_label("a", exact=True)
    slider.focus()
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    expect(image).not_to_have_attribute("data-frame-id", "3")
    state = kernel_state(page)
    assert state == {"formula": "x * y + a", "compiles": 3, "error": ""}

    type_formula(page, root, "log(-1 - x*x) + a")
    expect(root.locator(".vw-ge-status")).to_contain_text("no finite values")
    expect(error).to_be_hidden()
    assert_no_widget_errors(page)
