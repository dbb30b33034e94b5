"""The wheel carries the built JS, and the package works from it with no Node on PATH."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

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
    assert built <= shipped
    assert not any(n.startswith(("js/", "node_modules/", "tests/")) for n in names)


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
