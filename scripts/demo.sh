#!/usr/bin/env bash
# Sets up vmapwidget (see setup.sh) and serves a live example on 127.0.0.1:
#   bash scripts/demo.sh          the tour of the tutorial in JupyterLab
#   bash scripts/demo.sh voila    the dashboard, served by vmapwidget-dashboard (Voila, no code shown)
# PORT changes the port (default 8888).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
port="${PORT:-8888}"
if [[ "${1:-lab}" == "voila" ]]; then
  exec .venv/bin/vmapwidget-dashboard examples/dashboard.ipynb --no-browser --port="$port"
fi
exec .venv/bin/python -m jupyter lab --no-browser --ServerApp.ip=127.0.0.1 --allow-root \
  --ServerApp.port="$port" examples/tour.ipynb
