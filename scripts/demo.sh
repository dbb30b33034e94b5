#!/usr/bin/env bash
# Sets up vmapwidget (see setup.sh) and opens the tour of the tutorial in JupyterLab on
# 127.0.0.1. Set PORT to change the port (default 8888).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/python -m jupyter lab --no-browser --ServerApp.ip=127.0.0.1 \
  --ServerApp.port="${PORT:-8888}" examples/plan_view.ipynb
