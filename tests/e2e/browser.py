"""The browser harness shared by the browser tests and the benchmarks: Debian's Chromium.

Playwright drives ``/usr/bin/chromium`` (``scripts/setup.sh --with-browser`` installs it);
it never downloads a browser. Import from here, not from ``conftest.py``::

    from playwright.sync_api import sync_playwright
    from tests.e2e.browser import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
"""

from __future__ import annotations

from playwright.sync_api import Browser, Playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT = {"width": 1400, "height": 900}


def launch_chromium(playwright: Playwright) -> Browser:
    """Start headless Debian Chromium with the suite's flags (no GPU, no network chatter)."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
