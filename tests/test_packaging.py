"""The wheel carries the built JS, and the package works from it with no Node on PATH."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import vmapwidget

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "--no-build-isolation"]
        + ["-q", "-w", str(out)],
        check=True,
    )
    (built,) = out.glob("vmapwidget-*.whl")
    return built


def test_wheel_ships_every_bundle(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    shipped = {Path(n).name for n in names if n.startswith("vmapwidget/static/")}
    built = {p.name for p in (ROOT / "src/vmapwidget/static").glob("*.js")}
    assert built
    sheets = {p.name for p in (ROOT / "src/vmapwidget/static").glob("*.css")}
    assert {"axis_explorer.css", "grid_explorer.css", "plan_view.css"} <= sheets <= shipped
    assert "export_runtime.js" in built
    assert built <= shipped
    assert not any(n.startswith(("js/", "node_modules/", "tests/")) for n in names)


def test_wheel_enables_the_nodelay_server_extension(wheel):
    data = f"vmapwidget-{vmapwidget.__version__}.data/data"
    config_path = f"{data}/etc/jupyter/jupyter_server_config.d/vmapwidget.json"
    with zipfile.ZipFile(wheel) as archive:
        config = json.loads(archive.read(config_path))
    extensions = config["ServerApp"]["jpserver_extensions"]
    assert extensions == {"vmapwidget.integrations.server_extension": True}
    (module,) = extensions
    points = importlib.import_module(module)._jupyter_server_extension_points()
    assert points == [{"module": module}]


def test_installed_wheel_renders_without_node(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target)]
        + [str(wheel)],
        check=True,
    )
    script = (
        "import vmapwidget, jax.numpy as jnp\n"
        f"assert vmapwidget.__file__.startswith({str(target)!r}), vmapwidget.__file__\n"
        "v = vmapwidget.PlanView(lambda x: x * 2, jnp.ones((3, 2)))\n"
        "assert 'vw-plan-view' in str(v._esm)\n"
        "print(v.plan['out_axes'], v.plan['outputs'][0]['shape'])\n"
    )
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    env = {**os.environ, "PATH": str(empty_bin), "PYTHONPATH": str(target)}
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "0 [3, 2]"


def test_server_extension_and_package_import_without_jax():
    script = (
        "import sys, vmapwidget, vmapwidget.integrations.server_extension\n"
        "assert 'jax' not in sys.modules and 'anywidget' not in sys.modules\n"
        "assert sorted(vmapwidget.__all__) == sorted([*vmapwidget._HOMES, '__version__'])\n"
        "assert vmapwidget.GridExplorer.__module__ == 'vmapwidget.widgets.grid_explorer'\n"
        "assert 'jax' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_wheel_declares_the_dashboard_launcher_and_the_voila_extra(wheel):
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        entry_points = archive.read(next(n for n in names if n.endswith("entry_points.txt")))
        metadata = archive.read(next(n for n in names if n.endswith("/METADATA"))).decode()
    assert "vmapwidget-dashboard = vmapwidget.integrations.dashboard:main" in entry_points.decode()
    assert "Provides-Extra: voila" in metadata
    assert any(
        line.startswith("Requires-Dist: voila") and "extra == 'voila'" in line.replace('"', "'")
        for line in metadata.splitlines()
    ), metadata
