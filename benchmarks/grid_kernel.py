"""Kernel alone: GridKernel's jit(vmap(vmap(f))) against NumPy's vectorized meshgrid evaluation.

Both evaluate f(x, y, a) = sin(a·x)·y in float32 on an n × n grid, from the 1-D x and y to a
NumPy array on the host, alternating parameter values so nothing is cached. Also times the
frame encoding GridExplorer adds per update. Prints a markdown table of medians.

    python benchmarks/grid_kernel.py [--repeats 200]
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax.numpy as jnp
import numpy as np

from vmapwidget.kernels import GridKernel, grid_axis
from vmapwidget.widgets.grid_frames import encode_grid

SIZES = (64, 256, 512, 1024, 2048)


def f_jax(x, y, a):
    return jnp.sin(a * x) * y


def f_numpy(x, y, a):
    xx, yy = np.meshgrid(x, y, indexing="ij")
    return np.sin(a * xx) * yy


def median_ms(run, repeats: int) -> float:
    times = []
    for k in range(repeats):
        start = time.perf_counter()
        run(k)
        times.append((time.perf_counter() - start) * 1e3)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=200)
    args = parser.parse_args()
    kernel = GridKernel(f_jax, ["a"])
    rows = []
    for n in SIZES:
        x = grid_axis((-5.0, 5.0), n)
        y = grid_axis((-2.0, 2.0), n)
        values = [np.float32(0.5 + 0.01 * k) for k in range(args.repeats)]
        repeats = max(10, args.repeats // max(1, (n // 256) ** 2))
        grid = kernel(x, y, values[0])
        jax_ms = median_ms(lambda k, x=x, y=y, v=values: kernel(x, y, v[k]), repeats)
        numpy_ms = median_ms(lambda k, x=x, y=y, v=values: f_numpy(x, y, v[k]), repeats)
        encode_ms = median_ms(lambda k, g=grid: encode_grid(g), repeats)
        rows.append((n, jax_ms, numpy_ms, encode_ms))
    print(f"compiles: {kernel.compiles} (one per grid size)\n")
    print("| grid | GridKernel (ms) | NumPy meshgrid (ms) | ratio | uint16 encode (ms) |")
    print("|---|---|---|---|---|")
    for n, jax_ms, numpy_ms, encode_ms in rows:
        print(
            f"| {n}² | {jax_ms:.3f} | {numpy_ms:.3f} | {jax_ms / numpy_ms:.2f}× | {encode_ms:.3f} |"
        )


if __name__ == "__main__":
    main()
