"""Real Jupyter servers for browser tests: JupyterLab, Notebook 7 and Voila.

Each server runs from the current interpreter (``sys.executable -m ...``), or from the one
named by ``VMAPWIDGET_E2E_PYTHON`` (the test command points it at a venv that has the built
wheel installed, and then PATH holds only that venv's bin: no Node). It listens on
127.0.0.1 on a free port with a random token, serves a temporary root directory and keeps
its configuration, data and runtime files in temporary directories (no user config leaks
in, nothing is written to the home directory). It runs in its own process group and is
stopped by PID: terminate, wait, kill; kernels it started are killed too.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psutil

SERVER_PYTHON = os.environ.get("VMAPWIDGET_E2E_PYTHON") or sys.executable
STARTUP_TIMEOUT_S = 90.0
STOP_TIMEOUT_S = 10.0
START_ATTEMPTS = 3

KINDS = ("lab", "notebook", "voila", "dashboard")
DASHBOARD_NOTEBOOK = "dashboard.ipynb"
"""What a ``dashboard`` server (the ``vmapwidget-dashboard`` launcher) serves, from its root."""

# User settings that keep JupyterLab/Notebook quiet: no news prompt, no update check.
QUIET_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}


class ServerExited(RuntimeError):
    """The server process ended before it was ready."""


@dataclass
class Server:
    """A running server: its URL, token, root directory and process."""

    kind: str
    base_url: str
    token: str
    root: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` (relative to the server's base URL) with the token."""
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}/{path.lstrip('/')}{sep}token={self.token}"

    def notebook_url(self, name: str) -> str:
        """URL that opens notebook ``name`` (relative to the root) in this server's UI."""
        if self.kind == "dashboard":
            return self.url("")
        prefix = {"lab": "lab/tree", "notebook": "notebooks", "voila": "voila/render"}[self.kind]
        # ``reset``: JupyterLab would otherwise restore (and start kernels for) the tabs
        # that earlier tests left in the shared workspace.
        query = "?reset" if self.kind == "lab" else ""
        return self.url(f"{prefix}/{name}{query}")

    def add_file(self, source: Path, name: str | None = None) -> str:
        """Copy ``source`` into the server root; return its name relative to the root."""
        name = name or Path(source).name
        target = self.root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        return name

    def api(self, method: str, path: str) -> object:
        """Call the Jupyter REST API; return the decoded JSON body (None when empty)."""
        request = urllib.request.Request(
            self.url(f"api/{path}"),
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self, keep: Collection[str] = ()) -> None:
        """Shut down every session and kernel (between tests; not for Voila), but those of
        the sessions of the notebooks named in ``keep`` (paths relative to the root)."""
        if self.kind in ("voila", "dashboard"):
            return
        kept = set()
        for session in self.api("GET", "sessions"):
            if session["path"] in keep:
                kept.add((session.get("kernel") or {}).get("id"))
            else:
                self.api("DELETE", f"sessions/{session['id']}")
        for kernel in self.api("GET", "kernels"):
            if kernel["id"] not in kept:
                self.api("DELETE", f"kernels/{kernel['id']}")

    def shutdown_session(self, path: str) -> None:
        """Shut down the sessions (and their kernels) of notebook ``path``."""
        for session in self.api("GET", "sessions"):
            if session["path"] == path:
                self.api("DELETE", f"sessions/{session['id']}")

    def log_tail(self, chars: int = 4000) -> str:
        """The end of the server's log, for failure messages."""
        return self.log_path.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        """Terminate the server's process group and any kernels it started, by PID."""
        stop_process_tree(self.process)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_env(home: Path, python: str = SERVER_PYTHON) -> dict[str, str]:
    """The current environment with Jupyter's config/data/runtime dirs under ``home``, and
    only ``python``'s bin on PATH when it is another Python than this one."""
    dirs = {
        "JUPYTER_CONFIG_DIR": home / "config",
        "JUPYTER_DATA_DIR": home / "data",
        "JUPYTER_RUNTIME_DIR": home / "runtime",
        "JUPYTERLAB_SETTINGS_DIR": home / "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": home / "lab-workspaces",
        "IPYTHONDIR": home / "ipython",
    }
    for path in dirs.values():
        path.mkdir(parents=True, exist_ok=True)
    for relative, settings in QUIET_SETTINGS.items():
        target = dirs["JUPYTERLAB_SETTINGS_DIR"] / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(settings))
    env = {**os.environ, **{key: str(value) for key, value in dirs.items()}}
    env["JUPYTER_PLATFORM_DIRS"] = "1"
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.setdefault("JAX_PLATFORMS", "cpu")
    env.pop("JUPYTER_TOKEN", None)
    if sys.executable != python:
        env["PATH"] = str(Path(python).parent)
        env.pop("VIRTUAL_ENV", None)
    return env


def server_command(
    kind: str,
    port: int,
    token: str,
    root: Path,
    extra_args: Sequence[str] = (),
    python: str = SERVER_PYTHON,
) -> list[str]:
    """The command line that starts a ``kind`` server from ``python``'s environment;
    ``extra_args`` go at its end."""
    common = [f"--port={port}", "--no-browser"]
    if kind == "dashboard":
        launcher = str(Path(python).parent / "vmapwidget-dashboard")
        return [launcher, DASHBOARD_NOTEBOOK, *common, f"--token={token}", *extra_args]
    if kind == "voila":
        return [
            python,
            "-m",
            "voila",
            str(root),
            *common,
            "--Voila.ip=127.0.0.1",
            f"--token={token}",
            "--show_tracebacks=True",
            *extra_args,
        ]
    app = {"lab": "LabApp", "notebook": "JupyterNotebookApp"}[kind]
    command = [
        python,
        "-m",
        "jupyter",
        kind,
        *common,
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        "--ServerApp.allow_root=True",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        "--LanguageServerManager.autodetect=False",
        f"--{app}.expose_app_in_browser=True",
    ]
    if kind == "lab":
        command += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
    return [*command, *extra_args]


def readiness_path(kind: str) -> str:
    """A URL path that answers 200 once the server is ready."""
    return {"voila": "voila/tree", "dashboard": "voila/static/voila.js"}.get(kind, "api/status")


def start_server(
    kind: str, workdir: Path, extra_args: Sequence[str] = (), python: str = SERVER_PYTHON
) -> Server:
    """Start a ``kind`` server (lab, notebook or voila) under ``workdir``; wait until ready.
    ``extra_args``: more command-line options (traitlets config) for the server; ``python``:
    the environment it runs from (its kernels too).

    A server that exits during start-up (say, another process took its port between
    ``free_port`` and the bind) is retried on a new port.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown server kind {kind!r}; expected one of {KINDS}")
    for _ in range(START_ATTEMPTS - 1):
        with contextlib.suppress(ServerExited):
            return start_once(kind, workdir, extra_args, python)
    return start_once(kind, workdir, extra_args, python)


def start_once(
    kind: str, workdir: Path, extra_args: Sequence[str] = (), python: str = SERVER_PYTHON
) -> Server:
    """Launch one server and wait until it is ready; stop it if it never gets there."""
    server = launch(kind, workdir, extra_args, python)
    try:
        wait_until_ready(server)
    except BaseException:
        server.stop()
        raise
    return server


def launch(
    kind: str, workdir: Path, extra_args: Sequence[str] = (), python: str = SERVER_PYTHON
) -> Server:
    """Start the ``kind`` server process on a free port with a fresh token."""
    root = workdir / "root"
    root.mkdir(parents=True, exist_ok=True)
    port, token = free_port(), secrets.token_hex(16)
    log_path = workdir / f"{kind}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            server_command(kind, port, token, root, extra_args, python),
            cwd=root,
            env=isolated_env(workdir / "home", python),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Server(kind, f"http://127.0.0.1:{port}", token, root, log_path, process)


def wait_until_ready(server: Server, timeout: float = STARTUP_TIMEOUT_S) -> None:
    """Poll the readiness URL until it answers 200; fail early if the process exits."""
    deadline = time.monotonic() + timeout
    url = server.url(readiness_path(server.kind))
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerExited(
                f"{server.kind} server exited with {server.process.returncode}:\n"
                f"{server.log_tail()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        _wait_for_exit(server.process, 0.2)
    raise TimeoutError(f"{server.kind} server not ready after {timeout:.0f}s:\n{server.log_tail()}")


def _wait_for_exit(process: subprocess.Popen, seconds: float) -> None:
    """Wait up to ``seconds`` for ``process`` to exit (a poll interval that ends early)."""
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=seconds)


def stop_process_tree(process: subprocess.Popen) -> None:
    """Terminate ``process``, its process group and all its descendants (kernels)."""
    if process.poll() is not None:
        return
    try:
        descendants = psutil.Process(process.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        descendants = []
    _signal_group(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _signal_group(process.pid, signal.SIGKILL)
        process.wait(timeout=STOP_TIMEOUT_S)
    _signal_group(process.pid, signal.SIGKILL)
    for child in descendants:
        _kill_quietly(child)


def _signal_group(pgid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _kill_quietly(proc: psutil.Process) -> None:
    try:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT_S)
    except (psutil.NoSuchProcess, psutil.TimeoutExpired):
        pass
