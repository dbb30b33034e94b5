"""Heavy functions on a grid: peak memory, cells per second, and progressive frames.

Two functions from the heavy-function issue:

- the loss landscape of a small network (2,000 samples, 8 → 64 tanh → 1;
  f(x, y) = loss(W + x·D1 + y·D2)) at 32² … 512²: each size runs in a fresh process, which
  reports its peak RSS growth over the evaluation (``ru_maxrss`` after minus before) and
  the time for the full grid, for ``GridExplorer``'s default 1 GiB memory budget and for the
  plain ``jit(vmap(vmap(f)))`` of the tutorial (no budget: skipped above ``--plain-max``,
  where it needs tens of GB);
- an escape-time fractal (256 iterations of z ← z² + c) at 1024²: the kernel alone (median
  of 5 full-grid calls) against the progressive evaluation a browser request gets (first
  frame, full-resolution frame, number of frames), through the real GridScheduler on an
  asyncio loop — the kernel's part of "key press → first new pixels / full frame".

    python benchmarks/heavy_functions.py [--sizes 32 64 128 256 512] [--plain-max 64]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time

LOSS_SETUP = """
import jax, jax.numpy as jnp
k = jax.random.split(jax.random.PRNGKey(0), 6)
X = jax.random.normal(k[0], (2000, 8)); Y = jnp.sin(X.sum(1))
W1 = jax.random.normal(k[1], (8, 64)) * 0.3; W2 = jax.random.normal(k[2], (64,)) * 0.3
D1 = jax.random.normal(k[3], (8, 64)); D2 = jax.random.normal(k[4], (8, 64))
def f(x, y):
    W = W1 + x * D1 + y * D2
    return jnp.mean((jnp.tanh(X @ W) @ W2 - Y) ** 2)
"""

LOSS_RUN = """
import resource, time, json, sys, numpy as np
n, mode = int(sys.argv[1]), sys.argv[2]
xs = np.linspace(-1, 1, n, dtype=np.float32)
if mode == "plain":
    g = jax.jit(jax.vmap(jax.vmap(f, (None, 0)), (0, None)))
    g(xs[:2], xs[:2]).block_until_ready()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter(); np.asarray(g(xs, xs)); seconds = time.perf_counter() - start
    tiles = 1
else:
    from vmapwidget.kernels import GridKernel
    kernel = GridKernel(f)
    kernel.evaluate((-1, 1), (-1, 1), 2)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter(); kernel.evaluate((-1, 1), (-1, 1), n)
    seconds = time.perf_counter() - start
    tx, ty = kernel.tile_shape(n, n); tiles = -(-n // tx) * -(-n // ty)
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"rss_mb": (after - before) / 1024, "seconds": seconds, "tiles": tiles}))
"""

FRACTAL = """
import jax, jax.numpy as jnp
def escape_time(x, y, iterations):
    c = jax.lax.complex(x, y)
    def body(_, state):
        z, inside, count = state
        z = jnp.where(inside > 0, z * z + c, z)
        inside = inside * (jnp.abs(z) <= 2.0)
        return z, inside, count + inside
    start = (jnp.zeros((), jnp.complex64), jnp.ones(()), jnp.zeros(()))
    return jax.lax.fori_loop(0, iterations.astype(jnp.int32), body, start)[2]
"""


def loss_case(n: int, mode: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", LOSS_SETUP + LOSS_RUN, str(n), mode],
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1][:120]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def fractal_case(n: int, iterations: float) -> dict[str, float]:
    namespace: dict = {}
    exec(FRACTAL, namespace)
    from vmapwidget.grid_evaluator import GridEvaluator
    from vmapwidget.grid_scheduler import GridScheduler
    from vmapwidget.grid_state import GridState
    from vmapwidget.kernels import GridKernel

    kernel = GridKernel(namespace["escape_time"], ["iterations"])
    params = {"iterations": iterations}
    kernel.evaluate((-2.2, 0.8), (-1.5, 1.5), n, params)
    alone = []
    for _ in range(5):
        start = time.perf_counter()
        kernel.evaluate((-2.2, 0.8), (-1.5, 1.5), n, params)
        alone.append((time.perf_counter() - start) * 1e3)
    evaluator = GridEvaluator(kernel)
    stamps: list[tuple[float, bool]] = []
    scheduler = GridScheduler(
        evaluator,
        on_frame=lambda frame, _tag: stamps.append((time.perf_counter(), frame.final)),
        on_error=lambda error, _tag: print("error:", error),
    )

    async def one(shift: float) -> tuple[float, float, int]:
        stamps.clear()
        state = GridState({"iterations": iterations}, (-2.2 + shift, 0.8 + shift), (-1.5, 1.5), n)
        start = time.perf_counter()
        scheduler.submit(state)
        while scheduler.busy:
            await asyncio.sleep(0.0005)
        return (stamps[0][0] - start) * 1e3, (stamps[-1][0] - start) * 1e3, len(stamps)

    async def runs() -> list[tuple[float, float, int]]:
        await one(0.0)  # compiles the levels
        return [await one(0.001 * k) for k in range(1, 6)]

    results = asyncio.run(runs())
    scheduler.close()
    return {
        "alone_ms": statistics.median(alone),
        "first_ms": statistics.median(r[0] for r in results),
        "full_ms": statistics.median(r[1] for r in results),
        "frames": statistics.median(r[2] for r in results),
        "tiles": evaluator.kernel.tile_shape(n, n),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[32, 64, 128, 256, 512])
    parser.add_argument("--plain-max", type=int, default=64)
    parser.add_argument("--fractal", type=int, default=1024)
    args = parser.parse_args()

    print("## Loss landscape (2,000 samples, 8 → 64 → 1): full grid, fresh process per row")
    print("| grid | evaluation | peak RSS growth | time | cells/s | kernel calls |")
    print("|---|---|---|---|---|---|")
    for n in args.sizes:
        for mode in ("plain", "budget"):
            if mode == "plain" and n > args.plain_max:
                continue
            row = loss_case(n, mode)
            label = "jit(vmap(vmap(f)))" if mode == "plain" else "GridKernel, 1 GiB budget"
            if "error" in row:
                print(f"| {n}² | {label} | — | — | — | {row['error']} |")
                continue
            print(
                f"| {n}² | {label} | {row['rss_mb']:.0f} MB | {row['seconds']:.2f} s | "
                f"{n * n / row['seconds']:,.0f} | {row['tiles']} |",
                flush=True,
            )

    n = args.fractal
    row = fractal_case(n, 256.0)
    print(f"\n## Escape-time fractal, {n}², 256 iterations (median of 5, ms)")
    print("| kernel alone | first frame | full-resolution frame | ÷ kernel alone | frames | tile |")
    print("|---|---|---|---|---|---|")
    print(
        f"| {row['alone_ms']:.0f} | {row['first_ms']:.0f} | {row['full_ms']:.0f} | "
        f"{row['full_ms'] / row['alone_ms']:.2f} | {row['frames']:.0f} | {row['tiles']} |"
    )


if __name__ == "__main__":
    main()
