"""Pages for browser tests: one per test (the ``page`` fixture) or one kept open for the
tests of a module that share a notebook (``SharedNotebooks``, the ``shared_notebooks``
fixture). Import from here, not from ``conftest.py``."""

from __future__ import annotations

import contextlib
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import Error as PlaywrightError

from .browser import VIEWPORT
from .notebook_ui import browser_log, notebook_ready, open_notebook, rewind_notebook, watch_page
from .servers import Server

DEFAULT_TIMEOUT_MS = 60_000


def new_page(browser: Browser, scale: float = 1) -> tuple[BrowserContext, Page]:
    """A new context (1400×900, devicePixelRatio ``scale``) and page, its console watched."""
    context = browser.new_context(viewport=VIEWPORT, device_scale_factor=scale)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    watch_page(page)
    return context, page


class SharedNotebooks:
    """Notebooks kept open for the tests of one module: one page (1400×900) and kernel each.

    ``open`` opens a notebook the first time a test asks for it, as ``open_notebook`` does;
    later tests get the same page back, its kernel still running, rewound (scrolled to the
    top, the mouse off the widgets) for the test's fixture to run all the cells again: new
    widgets, new views, without the seconds a page load and a kernel start take. So only
    tests for which a re-run is as good as a fresh notebook share one. A page is opened anew
    when the last one failed a test, lost its kernel or shows a dialog. The notebook is
    copied under the name ``shared-<name>``: its session is not that of a test that opens
    the same notebook in a page of its own.
    """

    def __init__(self, browser: Browser, kept: dict[str, set[str]]) -> None:
        self.browser = browser
        self.kept = kept
        """Per kind of server, the notebooks whose kernels outlive a test (``ServerPool``)."""
        self.pages: dict[tuple[str, str], tuple[BrowserContext, Page, Server]] = {}
        self.used: list[tuple[str, str]] = []
        """The notebooks the current test opened."""
        self.test_name = ""

    def open(self, server: Server, path: str | Path, name: str | None = None) -> Page:
        """The page showing notebook ``path`` (relative to the repo) in ``server``, its
        kernel idle: opened now, or the one an earlier test used, rewound."""
        name = f"shared-{name or Path(path).name}"
        key = (server.kind, name)
        self.used.append(key)
        if key in self.pages:
            page = self.pages[key][1]
            if notebook_ready(page, name):
                browser_log(page).start_test(self.test_name)
                rewind_notebook(page)
                return page
            self.discard(key)
        context, page = new_page(self.browser)
        self.pages[key] = (context, page, server)
        self.kept.setdefault(server.kind, set()).add(name)
        open_notebook(page, server, path, name)
        return page

    def discard(self, key: tuple[str, str]) -> None:
        """Close the page of notebook ``key`` and shut its kernel down."""
        context, _, server = self.pages.pop(key)
        self.kept[server.kind].discard(key[1])
        with contextlib.suppress(PlaywrightError):  # a crashed page's context may be gone
            context.close()
        if server.process.poll() is None:
            server.shutdown_session(key[1])

    def close(self) -> None:
        for key in list(self.pages):
            self.discard(key)
