"""The browser suite runs against the built wheel in a venv without Node, when asked to.

The test command builds the wheel, installs it with JupyterLab, Notebook 7 and Voila into a
fresh venv and sets VMAPWIDGET_E2E_PYTHON to that venv's python; every server, and so every
kernel, of the browser suite then runs from there with only that venv's bin on PATH.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page

from .notebook_ui import REPO, execute_in_kernel, open_notebook
from .servers import DASHBOARD_NOTEBOOK, Server, start_server

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


EXTRA_NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "probe",
            "metadata": {},
            "outputs": [],
            "source": "import sys, ipykernel, voila, vmapwidget\nprint('kernel in', sys.prefix)",
        }
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "nbformat": 4,
    "nbformat_minor": 5,
}


@pytest.mark.skipif(not WHEEL_PYTHON, reason="VMAPWIDGET_E2E_PYTHON is not set (no wheel built)")
@pytest.mark.skipif(bool(PINS), reason="the extra's newest versions do not depend on the pins")
def test_the_voila_extra_alone_serves_a_dashboard(tmp_path: Path):
    """``pip install "vmapwidget[voila]"`` into a clean venv is all a dashboard needs:
    ``vmapwidget-dashboard`` runs, Voila finds a Python kernel (ipykernel) and runs the
    notebook in that venv."""
    (wheel,) = (REPO / "dist").glob("vmapwidget-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", f"{wheel}[voila]"],
        capture_output=True,
        text=True,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    workdir = tmp_path / "served"
    (workdir / "root").mkdir(parents=True)
    (workdir / "root" / DASHBOARD_NOTEBOOK).write_text(json.dumps(EXTRA_NOTEBOOK))
    server = start_server("dashboard", workdir, ["--pool-size=0"], python=str(python))
    try:
        with urllib.request.urlopen(server.url(""), timeout=120) as response:
            page = response.read().decode()
    finally:
        server.stop()
    assert f"kernel in {venv}" in page or f"kernel in {venv.resolve()}" in page, page[-2000:]
