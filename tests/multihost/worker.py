"""One process of a two-process ``jax.distributed`` run on this machine's CPU (see
tests/test_multihost.py): ``python worker.py PROCESS_ID PORT``, or run in a Jupyter kernel
with ``sys.argv`` set (process 0). Each process has 2 forced host devices; both run the same
program (JAX's multi-controller model) and print one JSON line of what they saw."""

from __future__ import annotations

import json
import os
import sys

process_id, port = int(sys.argv[1]), int(sys.argv[2])
os.environ["XLA_FLAGS"] = (
    os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=2"
)
os.environ["JAX_PLATFORMS"] = "cpu"

import jax  # noqa: E402

jax.config.update("jax_cpu_collectives_implementation", "gloo")
jax.distributed.initialize(
    coordinator_address=f"127.0.0.1:{port}",
    num_processes=2,
    process_id=process_id,
    initialization_timeout=60,
)

import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import Mesh  # noqa: E402

from vmapwidget import GridExplorer  # noqa: E402
from vmapwidget.device_mesh import global_arrays  # noqa: E402
from vmapwidget.kernels import GridKernel, grid_axis  # noqa: E402


def wave(x, y, a):
    return jnp.sin(a * x) * jnp.cos(y) + x * y


devices = np.array(jax.devices())
meshes = {"1d": Mesh(devices, ("x",)), "2x2": Mesh(devices.reshape(2, 2), ("x", "y"))}
one = GridKernel(wave, ["a"], devices=[jax.local_devices()[0]])  # this process alone
report: dict = {
    "process": jax.process_index(),
    "processes": jax.process_count(),
    "devices": [d.id for d in jax.devices()],
    "local": [d.id for d in jax.local_devices()],
    "runs": [],
}
for name, mesh in meshes.items():
    for shape, budget in [((37, 29), 1 << 30), ((64, 64), 1 << 30), ((1024, 1024), 1 << 20)]:
        kernel = GridKernel(wave, ["a"], devices=mesh, memory_budget=budget)
        got = kernel.evaluate((-2, 1), (-1.5, 1.5), shape, {"a": 1.7}).values
        want = one.evaluate((-2, 1), (-1.5, 1.5), shape, {"a": 1.7}).values
        tile = kernel.tile_shape(*shape)
        executable, _ = kernel.executable(*tile)
        px, py = kernel.padded_shape(*tile)
        args = [grid_axis((-1, 1), px), grid_axis((-1, 1), py), np.float32(1.0)]
        out = executable(*global_arrays(args, kernel._in_shardings))
        shards = [
            [s.device.id, s.index[0].start or 0, s.index[0].stop or px,
             s.index[1].start or 0, s.index[1].stop or py]
            for s in out.addressable_shards
        ]  # fmt: skip
        report["runs"].append(
            {
                "mesh": name,
                "shape": list(shape),
                "tile": list(tile),
                "padded": [px, py],
                "max_diff": float(np.abs(got - want).max()),
                "device_count": kernel.device_count,
                "blocks": [list(b) for b in kernel.device_blocks(*shape)],
                "shards": shards,
            }
        )

widget = GridExplorer(wave, devices=meshes["2x2"], resolution=48, a=(0.1, 3.0, 1.0))
widget.params = {"a": 2.0}
want = one.evaluate(widget.x_range, widget.y_range, (48, 48), {"a": 2.0}).values
report["widget"] = {
    "devices": widget.stats["devices"],
    "max_diff": float(np.abs(widget.grid - want).max()),
    "layout_devices": sorted({b[0] for b in widget.device_layout}),
}
widget.close()
print(json.dumps(report), flush=True)
jax.distributed.shutdown()
