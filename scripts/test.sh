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

echo "== JS unit tests (node --test)"
npm test --silent

echo "== Python and browser tests (pytest)"
.venv/bin/python -m pytest "$@"
