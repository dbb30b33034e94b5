"""Storm: 10,000 parameter updates into GridExplorer's comm handler, as fast as possible.

Each update is the custom message a slider drag sends (``{"type": "request", ...}``), fed to
``Widget._handle_msg`` as ipywidgets gets it from the kernel; every one is evaluated and
answered (the frontend would coalesce a drag, so this is the worst case). After a warm-up
of 500 updates, the resident set size is sampled every 250 updates. Prints, per resolution,
the updates per second, the peak RSS growth over the warm-up level, the compile count and
whether the widget ended on the final value (the NumPy evaluation of the last update).

Then a storm of formula edits from the text box (``"formula": text``; each compiles once):
the time per edit and the RSS growth between the 100th and the last edit (JAX's own caches
fill during the first hundred or so).

    python benchmarks/storm.py [--updates 10000] [--resolutions 16 128] [--edits 500]
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.tutorial_functions import numpy_wave, wave
from vmapwidget import GridExplorer

WARMUP = 500
WARMUP_EDITS = 100
SAMPLE_EVERY = 250


def update(w: GridExplorer, seq: int, a: float) -> None:
    content = {"type": "request", "vid": "storm", "seq": seq, "params": {"a": a}}
    w._handle_msg({"content": {"data": {"method": "custom", "content": content}}, "buffers": []})


def slider_value(k: int) -> float:
    """A drag back and forth across the slider range [0.1, 3]."""
    return 0.1 + 2.9 * abs(((k / 997) % 2) - 1)


def storm(resolution: int, updates: int) -> dict[str, float]:
    """Run the storm; the figures: updates/s, peak RSS growth (MB), compiles, final ok."""
    w = GridExplorer(wave, x=(-5, 5), y=(-2, 2), resolution=resolution, a=(0.1, 3.0, 1.0))
    process = psutil.Process()
    for seq in range(WARMUP):
        update(w, seq, slider_value(seq))
    gc.collect()
    base = peak = process.memory_info().rss
    start = time.perf_counter()
    for k in range(updates):
        update(w, WARMUP + k, slider_value(k))
        if k % SAMPLE_EVERY == 0:
            peak = max(peak, process.memory_info().rss)
    seconds = time.perf_counter() - start
    peak = max(peak, process.memory_info().rss)
    last = slider_value(updates - 1)
    final_ok = w.params == {"a": last} and np.allclose(
        w.grid, numpy_wave((-5, 5), (-2, 2), resolution, last), atol=1e-5
    )
    return {
        "updates_per_s": updates / seconds,
        "seconds": seconds,
        "rss_growth_mb": (peak - base) / 2**20,
        "compiles": w.stats["compiles"],
        "final_ok": final_ok,
    }


def formula_storm(edits: int) -> dict[str, float]:
    """Formula edits through the comm handler: ms per edit, RSS growth after the 100th."""
    w = GridExplorer(
        "sin(a*x) * y", x=(-5, 5), y=(-2, 2), resolution=64, a=(0.1, 3, 1), editable_formula=True
    )
    process = psutil.Process()
    base = 0
    start = time.perf_counter()
    for k in range(edits):
        content = {"type": "request", "vid": "edit", "seq": k, "formula": f"sin(a*x) * y + {k}"}
        w._handle_msg(
            {"content": {"data": {"method": "custom", "content": content}}, "buffers": []}
        )
        if k == WARMUP_EDITS:
            gc.collect()
            base = process.memory_info().rss
    seconds = time.perf_counter() - start
    gc.collect()
    return {
        "ms_per_edit": seconds / edits * 1e3,
        "rss_growth_mb": (process.memory_info().rss - base) / 2**20,
        "compiles": w.stats["compiles"],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--updates", type=int, default=10_000)
    parser.add_argument("--resolutions", type=int, nargs="+", default=[16, 128])
    parser.add_argument("--edits", type=int, default=500)
    args = parser.parse_args()
    print(f"{args.updates} updates after {WARMUP} warm-up updates\n")
    print("| grid | updates/s | time (s) | peak RSS growth (MB) | compiles | ends on final value |")
    print("|---|---|---|---|---|---|")
    for n in args.resolutions:
        r = storm(n, args.updates)
        print(
            f"| {n}² | {r['updates_per_s']:.0f} | {r['seconds']:.1f} | "
            f"{r['rss_growth_mb']:.1f} | {r['compiles']} | {'yes' if r['final_ok'] else 'NO'} |"
        )
    e = formula_storm(args.edits)
    print(f"\n{args.edits} formula edits at 64²\n")
    print("| ms per edit | RSS growth after edit 100 (MB) | compiles |")
    print("|---|---|---|")
    print(f"| {e['ms_per_edit']:.0f} | {e['rss_growth_mb']:.1f} | {e['compiles']} |")


if __name__ == "__main__":
    main()
