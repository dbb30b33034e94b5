#!/usr/bin/env bash
# Sets up vmapwidget from a clean clone on a fresh Debian machine:
#   .venv/ with the package (editable) and its test tools, node_modules/ and the built JS bundle.
#   With --with-browser, also Debian's chromium for the browser tests.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ "${1:-}" == "--with-browser" && ! -x /usr/bin/chromium ]]; then
  sudo_cmd=""
  [[ "$(id -u)" -ne 0 ]] && sudo_cmd="sudo"
  echo "== installing Debian's chromium for the browser tests"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium >/dev/null
fi

pip_quiet() {
  # This machine's pip config names local mirrors that may be absent; hide that noise only.
  .venv/bin/python -m pip "$@" 2>&1 | { grep -v "is ignored: it is neither a file" || true; }
}

echo "== Python environment in .venv"
bash scripts/venv.sh .venv "${PYTHON:-python3}"
pip_quiet install -q --upgrade pip

echo "== JavaScript bundle (esbuild) into src/vmapwidget/static/"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent build

echo "== vmapwidget and its test tools"
pip_quiet install -q -e ".[test]"
