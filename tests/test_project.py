"""Facts about the source tree itself: one version, no import cycles, one constants file."""

from __future__ import annotations

import ast
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vmapwidget
from vmapwidget import constants

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "vmapwidget"


def test_python_and_npm_agree_on_the_version():
    package = json.loads((ROOT / "package.json").read_text())
    assert package["version"] == vmapwidget.__version__
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert f"## {vmapwidget.__version__}" in changelog


def _imports(path: Path) -> set[str]:
    """vmapwidget modules ``path`` imports at run time (not under TYPE_CHECKING)."""
    tree = ast.parse(path.read_text())
    checking = {
        id(node)
        for stmt in ast.walk(tree)
        if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test)
        for node in ast.walk(stmt)
    }
    found = set()
    for node in ast.walk(tree):
        if id(node) in checking:
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.startswith("vmapwidget.")}


def _module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_no_import_cycles_in_src():
    graph = {_module_name(p): _imports(p) for p in SRC.rglob("*.py")}
    # a package's own __init__ importing its modules is not a cycle through the package
    for name, deps in graph.items():
        graph[name] = {d for d in deps if d in graph and not name.startswith(d + ".")}
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(name: str, stack: list[str]) -> None:
        state[name] = 1
        for dep in sorted(graph[name]):
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep, [*stack, dep])
        state[name] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert cycles == []


def test_no_python_module_is_over_520_lines():
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 520
    }
    assert long == {}


def test_the_frontend_constants_are_the_pythons():
    raw = json.loads((SRC / "constants.json").read_text())
    assert list(constants.COLORMAPS) == raw["colormaps"]
    width, height = raw["figure"]["width"], raw["figure"]["height"]
    margin = raw["figure"]["margin"]
    plot = (width - margin["left"] - margin["right"], height - margin["top"] - margin["bottom"])
    assert plot == constants.FIGURE_PLOT
    assert constants.MAX_FRAME_SHAPE == (plot[0] * 2, plot[1] * 2) == (832, 724)


@pytest.mark.parametrize("which", ["this one", "the browser tests' servers"])
def test_node_scripts_of_the_venvs_in_the_checkout_run_as_commonjs(which):
    """The repo's package.json says "type": "module"; JupyterLab's own node scripts in a venv
    under the repo (made by scripts/venv.sh) must still run as CommonJS."""
    python = sys.executable if which == "this one" else os.environ.get("VMAPWIDGET_E2E_PYTHON")
    prefix = Path(python).parents[1].resolve() if python else Path("/")
    script = next(prefix.glob("lib/python*/site-packages/jupyterlab/node-version-check.js"), None)
    node = shutil.which("node")
    if ROOT not in prefix.parents or script is None or node is None:
        pytest.skip("needs node and JupyterLab in a venv inside the checkout")
    done = subprocess.run([node, str(script)], capture_output=True, text=True, timeout=60)
    assert "ES module scope" not in done.stderr, done.stderr
    assert done.returncode == 0, done.stderr
