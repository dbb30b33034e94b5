#!/usr/bin/env bash
# Usage: bash scripts/venv.sh DIR [PYTHON] — a venv in DIR (made by PYTHON, default python3)
# unless one is there. It gets its own package.json: the Node scripts that packages in it run
# (JupyterLab's) are CommonJS, and without it the repo's "type": "module" applies to them and
# they fail at every server start.
set -euo pipefail
[[ -x "$1/bin/python" ]] || "${2:-python3}" -m venv "$1"
echo '{"type": "commonjs"}' > "$1/package.json"
