"""Storm: 10,000 slider updates through GridExplorer's comm handler, as fast as possible.

A memory-leak and correctness check, not a speed test (``benchmarks/storm.py`` measures the
speed at larger grids): memory stays flat, the widget ends on the final value, and nothing
recompiles.
"""

from __future__ import annotations

import gc

import jax.numpy as jnp
import numpy as np
import psutil
from helpers import request

from vmapwidget import GridExplorer

UPDATES = 10_000
WARMUP = 500
RESOLUTION = 16
MAX_RSS_GROWTH = 50 * 2**20
"""Bound on the peak RSS growth after the warm-up (the benchmark measures ~0 MB)."""


def values(k: int) -> dict:
    """A drag of the parameter and, every 7th update, of the x range's upper end."""
    a = 0.1 + 2.9 * abs(((k / 997) % 2) - 1)
    if k % 7:
        return {"params": {"a": a}}
    return {"params": {"a": a}, "x_range": [-5.0, 1.0 + (k % 400) / 100]}


def test_storm_keeps_memory_flat_ends_on_the_final_value_and_compiles_once():
    w = GridExplorer(
        lambda x, y, a: jnp.sin(a * x) * y,
        x=(-5, 5),
        y=(-2, 2),
        resolution=RESOLUTION,
        a=(0.1, 3.0, 1.0),
    )
    for seq in range(WARMUP):
        request(w, seq, vid="storm", **values(seq))
    gc.collect()
    process = psutil.Process()
    base = peak = process.memory_info().rss
    for k in range(UPDATES):
        request(w, WARMUP + k, vid="storm", **values(k))
        if k % 250 == 0:
            peak = max(peak, process.memory_info().rss)
    peak = max(peak, process.memory_info().rss)
    growth = peak - base
    print(f"storm: {UPDATES} updates, peak RSS growth {growth / 2**20:.1f} MB")

    last = values(UPDATES - 1)["params"]["a"]
    x_range = w.x_range
    assert w.params == {"a": last} and w._status["seq"] == WARMUP + UPDATES - 1
    x = np.linspace(*x_range, RESOLUTION, dtype=np.float32)
    y = np.linspace(-2, 2, RESOLUTION, dtype=np.float32)
    xx, yy = np.meshgrid(x, y, indexing="ij")
    np.testing.assert_allclose(w.grid, np.sin(np.float32(last) * xx) * yy, atol=1e-5)
    assert w.stats["compiles"] == 1 and w.error == ""
    assert w.stats["frames"] == 1 + WARMUP + UPDATES
    assert growth < MAX_RSS_GROWTH
