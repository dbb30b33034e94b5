"""Pages saved with widget state by Jupyter's own tools show the widgets' last picture.

Three paths, none with a kernel: ``ipywidgets.embed.embed_minimal_html``; a notebook run
and saved in JupyterLab with "Save Widget State Automatically" on, converted with
``nbconvert --to html``; and the same for a notebook executed by nbclient, which stores the
same metadata.
Both pages load require.js, @jupyter-widgets/html-manager and anywidget from public CDNs,
which this machine cannot reach: the browser is served those files from the npm packages
of the same names and versions (``package.json``) at the CDN URLs the pages ask for; any
other off-machine request is refused and recorded. The one change made to a page: the
require.js tag loses its SRI hash (npm's require.js is not cdnjs's minified file).
"""

from __future__ import annotations

import json
import math
import re
import time
import urllib.request
from pathlib import Path

import anywidget
import jax.numpy as jnp
import nbformat
import pytest
from ipywidgets.embed import dependency_state, embed_minimal_html
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from playwright.sync_api import Page, Route, expect

from vmapwidget import AxisExplorer, GridExplorer, PlanView
from vmapwidget.integrations.export import export_html

from .notebook_ui import (
    PANEL_JS,
    PIXELS_JS,
    REPO,
    browser_log,
    hover_tooltip,
    open_notebook,
    run_all_cells,
    screenshot,
)
from .servers import Server

NODE_MODULES = REPO / "node_modules"
HTML_MANAGER = NODE_MODULES / "@jupyter-widgets" / "html-manager"
ANYWIDGET_JS = NODE_MODULES / "anywidget"
REQUIREJS = NODE_MODULES / "requirejs" / "require.js"


def npm_version(package: Path) -> str:
    return json.loads((package / "package.json").read_text())["version"]


class FakeCdn:
    """Serves the CDN files these pages load from local npm packages; refuses the rest."""

    def __init__(self) -> None:
        self.served: list[str] = []
        self.refused: list[str] = []

    def handle(self, route: Route) -> None:
        url = route.request.url
        if url.startswith(("file://", "http://127.0.0.1")):
            route.continue_()
            return
        local = self.local_file(url)
        if local is None or not local.is_file():
            self.refused.append(url)
            route.abort()
            return
        self.served.append(url)
        content_type = "text/css" if local.suffix == ".css" else "application/javascript"
        route.fulfill(status=200, body=local.read_bytes(), content_type=content_type)

    @staticmethod
    def local_file(url: str) -> Path | None:
        if re.search(r"/require(\.min)?\.js$", url):
            return REQUIREJS
        manager = re.search(r"/@jupyter-widgets/html-manager@[^/]+/dist/(.+)$", url)
        if manager:
            return HTML_MANAGER / "dist" / manager.group(1)
        widget = re.search(r"/anywidget@([^/]+)/dist/(.+)$", url)
        if widget:
            return ANYWIDGET_JS / "dist" / widget.group(2)
        return None


@pytest.fixture
def cdn(page: Page) -> FakeCdn:
    fake = FakeCdn()
    page.route("**/*", fake.handle)
    return fake


def test_npm_packages_match_what_the_pages_ask_for():
    major_minor = ".".join(anywidget.__version__.split(".")[:2])
    assert npm_version(ANYWIDGET_JS).startswith(major_minor + "."), (
        f"npm anywidget {npm_version(ANYWIDGET_JS)} vs Python anywidget {anywidget.__version__}"
    )
    from ipywidgets.embed import __html_manager_version__

    wanted = __html_manager_version__.lstrip("^~").split(".")[0]
    assert npm_version(HTML_MANAGER).split(".")[0] == wanted


def sample_widgets() -> tuple[GridExplorer, AxisExplorer, PlanView]:
    grid = GridExplorer(
        lambda x, y, a: jnp.sin(a * x) * y, x=(-3, 3), y=(-2, 2), resolution=48, a=(0.1, 3, 1.7)
    )
    axes = AxisExplorer(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)), in_axes=(1, 0))
    plan = PlanView(lambda x: x * 2, jnp.ones((3, 2)))
    return grid, axes, plan


def check_widgets(page: Page, grid: GridExplorer, axes: AxisExplorer, plan: PlanView) -> str:
    """The page shows each widget's saved picture; returns the heatmap's pixel digest."""
    root = page.locator(".vw-grid-explorer")
    expect(root).to_have_count(1)
    expect(root.locator(".vw-ge-status")).to_contain_text("48 × 48")
    x, y, f = hover_tooltip(page, root)
    a = grid.params["a"]
    expected = math.sin(a * x) * y
    spread = float(grid.grid.max() - grid.grid.min())
    assert abs(f - expected) <= 1e-3 * spread + 1e-3 * abs(expected), (x, y, f, expected)
    diagram = page.locator(".vw-axis-explorer")
    expect(diagram).to_have_count(1)
    expect(diagram).to_contain_text("(1, 3)")
    expect(page.locator(".vw-plan-view .vw-jax-code")).to_have_text(plan.plan["jax_code"])
    return root.locator(".vw-ge-image").evaluate(PIXELS_JS)


def without_requirejs_integrity(path: Path) -> Path:
    """A copy of the page whose require.js tag has no SRI hash: the fake CDN serves npm's
    require.js, not the minified bytes cdnjs serves (the page's only change)."""
    text = path.read_text(encoding="utf-8")
    tag = re.compile(r'(<script[^>]*require(?:\.min)?\.js"[^>]*?)\s+integrity="[^"]*"')
    copy = path.with_name(f"{path.stem}.test.html")
    copy.write_text(tag.sub(r"\1", text), encoding="utf-8")
    return copy


def open_page(page: Page, path: Path, cdn: FakeCdn) -> None:
    page.goto(without_requirejs_integrity(path).as_uri())
    expect(page.locator(".vw-grid-explorer .vw-ge-image[data-frame-id]")).to_have_count(1)
    assert any("html-manager" in url for url in cdn.served), cdn.served
    assert any("anywidget@" in url for url in cdn.served), cdn.served


def reference_digest(page: Page, widgets: list, path: Path) -> str:
    """The heatmap digest of the same widgets in vmapwidget's own static export."""
    export_html(widgets, path)
    page.goto(path.as_uri())
    expect(page.locator(".vw-static-widget[data-rendered=true]")).to_have_count(len(widgets))
    return page.locator(".vw-ge-image").evaluate(PIXELS_JS)


def test_embed_minimal_html_shows_the_last_picture(page: Page, cdn: FakeCdn, tmp_path: Path):
    grid, axes, plan = widgets = sample_widgets()
    grid.params = {"a": 2.3}  # the picture saved is the last one drawn, not the first
    path = tmp_path / "embedded.html"
    embed_minimal_html(
        path, views=list(widgets), state=dependency_state(list(widgets)), title="embedded"
    )
    open_page(page, path, cdn)
    digest = check_widgets(page, grid, axes, plan)
    screenshot(page, "embed-minimal-html")
    assert not browser_log(page).widget_errors(), browser_log(page).text()
    assert digest == reference_digest(page, [grid], tmp_path / "reference.html")


WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
WIDGETS_SETTINGS = "lab/api/settings/@jupyter-widgets/jupyterlab-manager:plugin"
NOTEBOOK_CELLS = [
    "import jax.numpy as jnp\nfrom vmapwidget import AxisExplorer, GridExplorer, PlanView",
    "grid = GridExplorer(lambda x, y, a: jnp.sin(a * x) * y, x=(-3, 3), y=(-2, 2),\n"
    "                    resolution=48, a=(0.1, 3, 1.7))\ngrid.params = {'a': 2.3}\ngrid",
    "AxisExplorer(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)), in_axes=(1, 0))",
    "PlanView(lambda x: x * 2, jnp.ones((3, 2)))",
]


def notebook_with_widgets() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in NOTEBOOK_CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    return notebook


def saved_models(notebook: nbformat.NotebookNode) -> set[str]:
    state = notebook.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    return {model["model_name"] for model in state.values()}


def check_converted(page: Page, notebook: nbformat.NotebookNode, tmp_path: Path, shot: str):
    """Convert ``notebook`` with nbconvert (lab template); its page shows the saved widgets."""
    assert "AnyModel" in saved_models(notebook)
    body, _ = HTMLExporter(template_name="lab").from_notebook_node(notebook)
    path = tmp_path / "converted.html"
    path.write_text(body, encoding="utf-8")
    cdn = FakeCdn()
    page.route("**/*", cdn.handle)
    open_page(page, path, cdn)
    grid, axes, plan = sample_widgets()
    grid.params = {"a": 2.3}
    digest = check_widgets(page, grid, axes, plan)
    screenshot(page, shot)
    assert not browser_log(page).widget_errors(), browser_log(page).text()
    assert digest == reference_digest(page, [grid], tmp_path / "reference.html")


def put_setting(server: Server, raw: str) -> None:
    body = json.dumps({"raw": raw}).encode()
    request = urllib.request.Request(server.url(WIDGETS_SETTINGS), data=body, method="PUT")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status in (200, 204), response.status


def test_jupyterlab_save_widget_state_then_nbconvert(page: Page, lab_server: Server, tmp_path):
    source = tmp_path / "saved_state.ipynb"
    nbformat.write(notebook_with_widgets(), source)
    put_setting(lab_server, json.dumps({"saveState": True}))
    try:
        name = open_notebook(page, lab_server, source)
        run_all_cells(page)
        expect(page.locator(".vw-grid-explorer .vw-ge-image[data-frame-id]")).to_have_count(1)
        saved = lab_server.root / name
        deadline = time.monotonic() + 60
        while "AnyModel" not in saved_models(nbformat.read(saved, as_version=4)):
            assert time.monotonic() < deadline, "JupyterLab saved no widget state"
            page.evaluate(f"() => ({PANEL_JS})().context.save()")
            page.wait_for_timeout(1000)
    finally:
        put_setting(lab_server, "{}")
    check_converted(page, nbformat.read(saved, as_version=4), tmp_path, "jupyterlab-saved-state")


def test_notebook_saved_with_widget_state_converts_to_a_live_page(page: Page, tmp_path: Path):
    notebook = notebook_with_widgets()
    NotebookClient(notebook, timeout=300, store_widget_state=True).execute()
    check_converted(page, notebook, tmp_path, "nbconvert-widget-state")
