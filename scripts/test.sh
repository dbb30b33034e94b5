#!/usr/bin/env bash
# Sets up everything (see setup.sh) and runs every test: lint, JS unit tests, Python tests and
# the browser tests against real JupyterLab / Notebook 7 / Voila servers on 127.0.0.1.
# Extra arguments go to pytest, e.g.  bash scripts/test.sh -k grid
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --with-browser

echo "== lint (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== type check (mypy --strict on src/)"
.venv/bin/mypy

echo "== JS unit tests (node --test), JSDoc types (tsc) and lint (biome)"
npm test --silent
npx tsc -p tsconfig.json
npx biome check js

echo "== the wheel (it ships the built JS) into .venv-wheel, a venv whose PATH has no Node"
rm -rf dist
.venv/bin/python -m pip wheel . --no-deps --no-build-isolation -q -w dist
bash scripts/venv.sh .venv-wheel
.venv-wheel/bin/python -m pip install -q dist/vmapwidget-*.whl jupyterlab notebook voila 2>&1 \
  | { grep -v "is ignored: it is neither a file" || true; }
.venv-wheel/bin/python -m pip install -q --force-reinstall --no-deps dist/vmapwidget-*.whl
export VMAPWIDGET_E2E_PYTHON="$PWD/.venv-wheel/bin/python"

echo "== lower bounds: the Python tests on the oldest Python and versions pyproject.toml allows"
# Python 3.10 (the oldest supported) where the machine has it, e.g. from pyenv; else python3.
oldest_python() {
  local candidate
  for candidate in python3.10 "$(pyenv root 2>/dev/null)"/versions/3.10*/bin/python3; do
    if "$candidate" -c "import sys; assert sys.version_info[:2] == (3, 10)" 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  command -v python3
}
min_python=$(oldest_python)
if ! .venv-min/bin/python -c "import sys; assert sys.version_info[:2] == $("$min_python" -c 'import sys; print(sys.version_info[:2])')" 2>/dev/null; then
  rm -rf .venv-min
fi
bash scripts/venv.sh .venv-min "$min_python"
.venv-min/bin/python --version
.venv-min/bin/python -m pip install -q -r .ci/lower-bounds.txt pytest hypothesis nbclient \
  ipykernel psutil jupyter_server 2>&1 | { grep -v "is ignored: it is neither a file" || true; }
PYTHONPATH="$PWD/src" VMAPWIDGET_PROPERTY_DRAWS=300 .venv-min/bin/python -m pytest -q -m "not e2e" \
  --ignore=tests/e2e --ignore=tests/test_packaging.py --ignore=tests/test_examples.py

echo "== Python tests, then browser tests against servers running from .venv-wheel (pytest)"
.venv/bin/python -m pytest "$@"

echo "== lower bounds of the front ends: the browser tests again, servers and kernels from .venv-front-min"
if [[ $# -gt 0 ]]; then
  echo "(skipped: pytest arguments were given)"
  exit 0
fi
bash scripts/venv.sh .venv-front-min
.venv-front-min/bin/python -m pip install -q dist/vmapwidget-*.whl -r .ci/frontend-lower-bounds.txt 2>&1 \
  | { grep -v "is ignored: it is neither a file" || true; }
.venv-front-min/bin/python -m pip install -q --force-reinstall --no-deps dist/vmapwidget-*.whl
# The tests of what depends on the front ends' versions: rendering in each of them, the
# server extension, the WebSocket guard, Voila and its launcher, installing, embedding (the
# launcher's load test, whose guard is ws_guard's, runs in the main stage only).
VMAPWIDGET_E2E_PYTHON="$PWD/.venv-front-min/bin/python" VMAPWIDGET_E2E_PINS=.ci/frontend-lower-bounds.txt \
  .venv/bin/python -m pytest -q tests/e2e/test_smoke.py tests/e2e/test_notebook7.py \
  tests/e2e/test_dashboard.py tests/e2e/test_dashboard_launcher.py tests/e2e/test_ws_guard.py \
  tests/e2e/test_server_extension.py tests/e2e/test_install.py tests/e2e/test_embed.py \
  tests/e2e/test_static_export.py \
  --deselect tests/e2e/test_dashboard_launcher.py::test_visitors_drag_while_hostile_ones_are_shut_out_then_their_kernels_go
