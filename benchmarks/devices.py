"""GridKernel with ``devices=``: cells per second on 1, 2, 4 and 8 devices.

Each device count runs in a fresh process (the device count is fixed when jax starts); on
a machine without several accelerators the devices are XLA's forced host devices
(``XLA_FLAGS=--xla_force_host_platform_device_count=8``), which share the machine's CPU
cores: the figures then say what sharding costs and how well the cores are used, not what
eight accelerators would give. The baseline is ``devices=None`` (a plain ``jit``, one
device) measured in the same process as each row. Two functions from the heavy-function
issue: the escape-time fractal (256 iterations) and the small network's loss landscape.

    python benchmarks/devices.py [--counts 1 2 4 8] [--fractal 1024] [--loss 64] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

from heavy_functions import FRACTAL, LOSS_SETUP  # the same functions

FUNCTIONS = (
    FRACTAL
    + "\nfractal = lambda x, y: escape_time(x, y, jnp.float32(256))\n"
    + LOSS_SETUP.replace("def f(x, y):", "def loss(x, y):")
)

RUN = """
import json, statistics, sys, time
import numpy as np
from vmapwidget.kernels import GridKernel
name, n, count, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
fun = {"fractal": fractal, "loss": loss}[name]
bounds = {"fractal": ((-2.0, 0.6), (-1.3, 1.3)), "loss": ((-1.0, 1.0), (-1.0, 1.0))}[name]

def timed(kernel):
    kernel.evaluate(*bounds, n)
    times = []
    for _ in range(repeats):
        start = time.perf_counter(); values = kernel.evaluate(*bounds, n).values
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times), values

base_ms, base = timed(GridKernel(fun))
kernel = GridKernel(fun, devices=count)
ms, values = timed(kernel)
tx, ty = kernel.tile_shape(n, n)
print(json.dumps({
    "base_ms": base_ms, "ms": ms, "tiles": -(-n // tx) * -(-n // ty),
    "max_diff": float(np.nanmax(np.abs(values - base))), "devices": kernel.device_count,
}))
"""


def measure(name: str, n: int, count: int, repeats: int) -> dict[str, float]:
    env = {**os.environ, "XLA_FLAGS": "--xla_force_host_platform_device_count=8"}
    env.setdefault("JAX_PLATFORMS", "cpu")
    done = subprocess.run(
        [sys.executable, "-c", FUNCTIONS + RUN, name, str(n), str(count), str(repeats)],
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--fractal", type=int, default=1024, help="fractal grid size")
    parser.add_argument("--loss", type=int, default=64, help="loss landscape grid size")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"CPU cores: {os.cpu_count()}; devices are forced host devices unless JAX_PLATFORMS says")
    print(
        f"{'function':<8} {'grid':>6} {'devices':>7} {'tiles':>5} {'1 device ms':>11} "
        f"{'sharded ms':>10} {'Mcells/s':>9} {'speed-up':>8} {'max |diff|':>10}"
    )
    for name, n in (("fractal", args.fractal), ("loss", args.loss)):
        for count in args.counts:
            row = measure(name, n, count, args.repeats)
            cells = n * n / (row["ms"] / 1e3) / 1e6
            print(
                f"{name:<8} {f'{n}²':>6} {row['devices']:>7} {row['tiles']:>5} "
                f"{row['base_ms']:>11.1f} {row['ms']:>10.1f} {cells:>9.3g} "
                f"{row['base_ms'] / row['ms']:>7.2f}× {row['max_diff']:>10.2g}"
            )


if __name__ == "__main__":
    main()
