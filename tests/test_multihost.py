"""The multi-host path: a notebook kernel (process 0, run by nbclient) and a second local
process joined by ``jax.distributed.initialize`` (coordinator on 127.0.0.1), each with 2
CPU devices, shard one grid over all 4 devices. Ground truth: each process's own
single-device grid, and the ``addressable_shards`` each process holds of the real global
array."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

WORKER = Path(__file__).parent / "multihost" / "worker.py"
TIMEOUT_S = 240


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def kernel_process(port: int) -> dict:
    """Process 0: worker.py run in a Jupyter kernel, as a notebook would run it."""
    cell = (
        f"import sys\nsys.argv = ['worker.py', '0', '{port}']\nexec(open({str(WORKER)!r}).read())"
    )
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(cell)])
    NotebookClient(notebook, timeout=TIMEOUT_S, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    printed = "".join(o.get("text", "") for o in outputs if o.get("name") == "stdout")
    return json.loads(printed.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def reports() -> list[dict]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "XLA_FLAGS"}
    other = subprocess.Popen(
        [sys.executable, str(WORKER), "1", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        first = kernel_process(port)
        out, err = other.communicate(timeout=TIMEOUT_S)
        assert other.returncode == 0, f"process 1 failed ({other.returncode}):\n{err[-3000:]}"
        return [first, json.loads(out.strip().splitlines()[-1])]
    finally:
        if other.poll() is None:
            other.kill()
            other.wait()


def test_two_processes_see_one_mesh_of_four_devices(reports) -> None:
    assert [r["process"] for r in reports] == [0, 1]
    assert all(r["processes"] == 2 and len(r["devices"]) == 4 for r in reports)
    assert reports[0]["devices"] == reports[1]["devices"]
    assert not set(reports[0]["local"]) & set(reports[1]["local"])


def test_the_grid_sharded_over_both_processes_equals_one_devices_grid(reports) -> None:
    for report in reports:
        for run in report["runs"]:
            assert run["device_count"] == 4
            assert run["max_diff"] <= 1e-6, run["mesh"]
        assert report["widget"]["devices"] == 4 and report["widget"]["max_diff"] <= 1e-6
        assert report["widget"]["layout_devices"] == sorted(report["devices"])
    tiled = [run for run in reports[0]["runs"] if run["tile"] != run["shape"]]
    assert tiled, "a 1024² grid within 1 MiB per device is evaluated in tiles"


def test_device_blocks_are_where_each_process_holds_the_shards(reports) -> None:
    for k, run in enumerate(reports[0]["runs"]):
        other = reports[1]["runs"][k]
        assert run["blocks"] == other["blocks"]
        tile, shape = run["tile"], run["shape"]
        held = {tuple(s) for r in reports for s in r["runs"][k]["shards"]}
        assert len(held) == 4  # every device holds one part of a tile, each process two
        first_tile = {
            (d, i0, min(i1, tile[0], shape[0]), j0, min(j1, tile[1], shape[1]))
            for d, i0, i1, j0, j1 in held
            if i0 < shape[0] and j0 < shape[1]
        }
        blocks = {tuple(b) for b in run["blocks"] if b[2] <= tile[0] and b[4] <= tile[1]}
        assert blocks == first_tile, run["mesh"]
