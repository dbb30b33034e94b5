"""Kernel alone: GridKernel's jit(vmap(vmap(f))) against NumPy's vectorized meshgrid evaluation.

All evaluate f(x, y, a) = sin(a·x)·y in float32 on an n × n grid, from the 1-D x and y to a
NumPy array on the host, alternating parameter values so nothing is cached: NumPy both the
usual way (``meshgrid``, f on two full grids) and by broadcasting (``x[:, None]``, which,
like vmap over an un-batched x, takes sin of n values rather than n²). The runs take turns
call by call, so each ratio compares the same moments of this noisy machine. Also times the
frame encoding GridExplorer adds per update. Prints a markdown table of medians.

    python benchmarks/grid_kernel.py [--repeats 1000] [--sync-dispatch]
"""

from __future__ import annotations

import argparse
import statistics
import time

import jax
import jax.numpy as jnp
import numpy as np

from vmapwidget.grid_frames import encode_grid
from vmapwidget.kernels import GridKernel, grid_axis

SIZES = (64, 256, 512, 1024, 2048)


def f_jax(x, y, a):
    return jnp.sin(a * x) * y


def f_numpy(x, y, a):
    xx, yy = np.meshgrid(x, y, indexing="ij")
    return np.sin(a * xx) * yy


def f_numpy_broadcast(x, y, a):
    return np.sin(a * x[:, None]) * y[None, :]


def medians_ms(runs: list, repeats: int, *, interleaved: bool) -> list[float]:
    """Median time of each run: all of one run's calls back to back (warm caches, like
    ``timeit``), or the runs taking turns call by call (each call finds the caches the
    others left, as a widget's kernel call does between frames)."""
    times: list[list[float]] = [[] for _ in runs]

    def timed(run, bucket, k):
        start = time.perf_counter()
        run(k)
        bucket.append((time.perf_counter() - start) * 1e3)

    if interleaved:
        for k in range(repeats):
            for run, bucket in zip(runs, times):
                timed(run, bucket, k)
    else:
        for run, bucket in zip(runs, times):
            for k in range(repeats):
                timed(run, bucket, k)
    return [statistics.median(bucket) for bucket in times]


def print_table(title: str, rows: list) -> None:
    print(f"\n{title}\n")
    print(
        "| grid | GridKernel (ms) | NumPy meshgrid (ms) | ratio | NumPy broadcast (ms) | ratio "
        "| uint16 encode (ms) |"
    )
    print("|---|---|---|---|---|---|---|")
    for n, jax_ms, numpy_ms, broadcast_ms, encode_ms in rows:
        print(
            f"| {n}² | {jax_ms:.3f} | {numpy_ms:.3f} | {jax_ms / numpy_ms:.2f}× "
            f"| {broadcast_ms:.3f} | {jax_ms / broadcast_ms:.2f}× | {encode_ms:.3f} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=1000)
    parser.add_argument(
        "--sync-dispatch",
        action="store_true",
        help="run XLA:CPU computations in the calling thread "
        "(jax_cpu_enable_async_dispatch=False; must precede JAX's first computation)",
    )
    args = parser.parse_args()
    if args.sync_dispatch:
        jax.config.update("jax_cpu_enable_async_dispatch", False)
    print(f"XLA:CPU dispatch: {'synchronous' if args.sync_dispatch else 'asynchronous (default)'}")
    kernel = GridKernel(f_jax, ["a"])
    tables: dict[bool, list] = {False: [], True: []}
    for n in SIZES:
        x = grid_axis((-5.0, 5.0), n)
        y = grid_axis((-2.0, 2.0), n)
        values = [np.float32(0.5 + 0.01 * k) for k in range(args.repeats)]
        repeats = max(10, args.repeats // max(1, (n // 128) ** 2))
        grid = kernel(x, y, values[0])
        runs = [
            lambda k, x=x, y=y, v=values: kernel(x, y, v[k]),
            lambda k, x=x, y=y, v=values: f_numpy(x, y, v[k]),
            lambda k, x=x, y=y, v=values: f_numpy_broadcast(x, y, v[k]),
            lambda k, g=grid: encode_grid(g),
        ]
        for interleaved, rows in tables.items():
            rows.append((n, *medians_ms(runs, repeats, interleaved=interleaved)))
    print(f"compiles: {kernel.compiles} (one per grid size)")
    print_table("Back to back (each approach's calls in a row, warm caches):", tables[False])
    print_table("Taking turns (call by call, as between a widget's frames):", tables[True])


if __name__ == "__main__":
    main()
