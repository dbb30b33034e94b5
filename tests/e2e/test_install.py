"""The browser suite runs against the built wheel in a venv without Node, when asked to.

The test command builds the wheel, installs it with JupyterLab, Notebook 7 and Voila into a
fresh venv and sets VMAPWIDGET_E2E_PYTHON to that venv's python; every server, and so every
kernel, of the browser suite then runs from there with only that venv's bin on PATH.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .notebook_ui import execute_in_kernel, open_notebook
from .servers import Server

WHEEL_PYTHON = os.environ.get("VMAPWIDGET_E2E_PYTHON")


@pytest.mark.skipif(not WHEEL_PYTHON, reason="VMAPWIDGET_E2E_PYTHON is not set")
def test_kernel_runs_the_installed_wheel_without_node(page: Page, jupyter_server: Server):
    open_notebook(page, jupyter_server, "examples/plan_view.ipynb")
    probe = (
        "import shutil, sys, vmapwidget\n"
        "print(shutil.which('node'))\n"
        "print(vmapwidget.__file__)\n"
        "print(sys.prefix)\n"
    )
    node, module_file, prefix = execute_in_kernel(page, probe).split()
    assert node == "None"
    assert "site-packages" in module_file
    assert Path(prefix).resolve() == Path(WHEEL_PYTHON).parent.parent.resolve()
    assert (Path(module_file).parent / "static" / "plan_view.js").is_file()


PINS = os.environ.get("VMAPWIDGET_E2E_PINS")


@pytest.mark.skipif(not PINS, reason="VMAPWIDGET_E2E_PINS is not set")
def test_servers_and_kernels_run_the_pinned_versions(page: Page, jupyter_server: Server):
    """The lower-bounds run really runs the oldest front ends and widget libraries."""
    pins = dict(
        line.split("==")
        for line in Path(PINS).read_text().splitlines()
        if line.strip() and not line.startswith("#")
    )
    open_notebook(page, jupyter_server, "examples/plan_view.ipynb")
    probe = (
        "from importlib.metadata import version\n"
        f"print(' '.join(version(name) for name in {list(pins)!r}))\n"
    )
    assert execute_in_kernel(page, probe).split() == list(pins.values())
    assert page.evaluate("window.jupyterapp.version").startswith(
        pins["jupyterlab"] if jupyter_server.kind == "lab" else pins["notebook"]
    )
