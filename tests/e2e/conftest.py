"""Fixtures for browser tests: real Jupyter servers and headless Chromium pages.

- ``lab_server`` / ``notebook_server`` / ``voila_server``: session-scoped, started lazily on
  first use, one each per session, stopped (with their kernels) at the end of the session.
  After every test the kernels of the started Jupyter servers are shut down (but those of
  the notebooks ``shared_notebooks`` keeps open).
- ``jupyter_server``: parametrized over JupyterLab and Notebook 7 for tests that must pass
  in both frontends.
- ``browser``: one headless Debian Chromium per session (launched by ``browser.py``, which
  the benchmarks use too); ``page``: a fresh context and page per test (1400×900) whose
  console messages and page errors are recorded. When a test fails, a full-page screenshot,
  the console log and the server logs are saved under ``test-artifacts/<test name>/``.
- ``shared_notebooks``: notebooks kept open, one page and kernel each, for the tests of a
  module that only need the notebook's cells run again (``SharedNotebooks``).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from .browser import launch_chromium
from .notebook_ui import ARTIFACTS, REPO, browser_log
from .pages import SharedNotebooks, new_page
from .servers import Server, start_server

E2E_DIR = Path(__file__).resolve().parent
EXPECT_TIMEOUT_MS = 20_000
BUNDLE = REPO / "src" / "vmapwidget" / "static" / "plan_view.js"

# Playwright's ``expect`` waits 5 s by default: too short on a busy two-core machine.
expect.set_options(timeout=EXPECT_TIMEOUT_MS)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test under tests/e2e with ``e2e``."""
    for item in items:
        if E2E_DIR in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo):
    """Remember each phase's report on the item so fixtures can see failures."""
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


class ServerPool:
    """Starts each kind of server at most once per session and stops them all."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.started: dict[str, Server] = {}
        self.kept: dict[str, set[str]] = {}
        """Per kind of server, the notebooks whose kernels outlive a test (shared ones)."""

    def get(self, kind: str) -> Server:
        if kind not in self.started:
            self.started[kind] = start_server(kind, self.workdir / kind)
        return self.started[kind]

    def stop_all(self) -> None:
        for server in self.started.values():
            server.stop()


@pytest.fixture(scope="session")
def server_pool(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerPool]:
    if not BUNDLE.exists():
        pytest.fail(f"{BUNDLE} is missing: run `npm run build` before the browser tests.")
    pool = ServerPool(tmp_path_factory.mktemp("servers"))
    yield pool
    pool.stop_all()


@pytest.fixture(scope="session")
def lab_server(server_pool: ServerPool) -> Server:
    """A JupyterLab server (started once per session)."""
    return server_pool.get("lab")


@pytest.fixture(scope="session")
def notebook_server(server_pool: ServerPool) -> Server:
    """A Jupyter Notebook 7 server (started once per session)."""
    return server_pool.get("notebook")


@pytest.fixture(scope="session")
def voila_server(server_pool: ServerPool) -> Server:
    """A Voila server serving its root directory (started once per session)."""
    return server_pool.get("voila")


@pytest.fixture(params=["lab", "notebook"])
def jupyter_server(request: pytest.FixtureRequest, server_pool: ServerPool) -> Server:
    """JupyterLab, then Notebook 7: for tests that must pass in both."""
    return server_pool.get(request.param)


@pytest.fixture(autouse=True)
def _fresh_kernels(request: pytest.FixtureRequest) -> Iterator[None]:
    """After each browser test, shut down the kernels it left running."""
    yield
    if "server_pool" not in request.fixturenames:
        return
    pool = request.getfixturevalue("server_pool")
    for kind, server in pool.started.items():
        if server.process.poll() is None:
            server.shutdown_kernels(keep=pool.kept.get(kind, ()))


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Headless Debian Chromium, shared by the session."""
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:
    """A new context and page per test; artifacts are saved when the test fails.

    Parametrize it indirectly with a number for another devicePixelRatio than 1."""
    context, page = new_page(browser, getattr(request, "param", 1))
    yield page
    if _failed(request.node):
        save_artifacts(request, page)
    context.close()


@pytest.fixture(scope="module")
def _module_notebooks(browser: Browser, server_pool: ServerPool) -> Iterator[SharedNotebooks]:
    shared = SharedNotebooks(browser, server_pool.kept)
    yield shared
    shared.close()


@pytest.fixture
def shared_notebooks(
    _module_notebooks: SharedNotebooks, request: pytest.FixtureRequest
) -> Iterator[SharedNotebooks]:
    """The module's ``SharedNotebooks``. When the test fails, artifacts are saved from each
    page it used, which is then closed: the next test opens a fresh one."""
    shared = _module_notebooks
    shared.used, shared.test_name = [], request.node.nodeid
    yield shared
    if _failed(request.node):
        for key in dict.fromkeys(shared.used):
            if key in shared.pages:
                save_artifacts(request, shared.pages[key][1])
                shared.discard(key)


def _failed(item: pytest.Item) -> bool:
    reports = (getattr(item, f"report_{when}", None) for when in ("setup", "call"))
    return any(report is not None and report.failed for report in reports)


def save_artifacts(request: pytest.FixtureRequest, page: Page) -> Path:
    """Save a full-page screenshot, the console log and server logs for a failed test."""
    target = ARTIFACTS / re.sub(r"[^\w.\[\]-]+", "_", request.node.name)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        page.screenshot(path=str(target / "screenshot.png"), full_page=True, timeout=15_000)
    except Exception as error:  # the page may have crashed; keep the other artifacts
        (target / "screenshot-error.txt").write_text(repr(error))
    (target / "console.log").write_text(browser_log(page).text())
    if "server_pool" in request.fixturenames:
        for kind, server in request.getfixturevalue("server_pool").started.items():
            shutil.copyfile(server.log_path, target / f"{kind}-server.log")
    return target
