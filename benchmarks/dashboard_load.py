"""Dashboards in production: vmapwidget-dashboard (Voila) against JupyterLab, and many visitors.

All servers on 127.0.0.1, started and stopped by this script; every loop is bounded.

1. Slider → pixels (real Chromium, key press → the next painted frame, median) for a
   GridExplorer at 64² and 256², in JupyterLab (with the shipped server extension) and in the
   same notebook served by ``vmapwidget-dashboard``, same run.
2. A visitor's first picture (pool filled): navigation → first frame in a fresh browser
   context, median of ``--visits``; and the same for a notebook of one ipywidgets.Label
   (Voila's own floor on this machine).
3. N visitors (the widget protocol over their own kernel WebSockets, ``tests/e2e/visitors``)
   arrive together and drag a slider for ``--seconds`` (a request once the last one is
   answered, at most 60 a second as a pointer drag's events): per-visitor p50/p95 of request →
   final frame, errors, stale frames, server and kernel memory; then leave, and the time
   until only the pool's kernels remain.
4. Hostile visitors: one visitor drags alone, then again while others send every malformed
   frame of ``tests/e2e/test_ws_guard.hostile_frames`` over and over, and a flood of valid
   frames; the ratio of the medians.
5. ``--cycles`` visits that open, move the slider once and leave: kernels and server memory
   left afterwards.

    .venv/bin/python benchmarks/dashboard_load.py [--seconds 60] [--visitors 1 2 4 8] [--cycles 50]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nbformat
import psutil
from playwright.sync_api import Page, sync_playwright
from tornado.websocket import WebSocketClosedError

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.browser import launch_chromium
from tests.e2e.notebook_ui import open_notebook, run_all_cells
from tests.e2e.servers import DASHBOARD_NOTEBOOK, Server, start_server
from tests.e2e.test_dashboard_launcher import (
    kernel_processes,
    wait_for_kernels,
    wait_for_pool,
)
from tests.e2e.test_ws_guard import closed_code, connect, hostile_frames
from tests.e2e.visitors import Visitor, drag
from vmapwidget.integrations.ws_frames import V1_SUBPROTOCOL

SLIDER_SOURCE = """\
import jax.numpy as jnp
from vmapwidget import GridExplorer

def f(x, y, a):
    return jnp.sin(a * x) * jnp.cos(y)

small = GridExplorer(f, x=(-5, 5), y=(-3, 3), resolution=64, a=(0.1, 3.0, 1.0))
large = GridExplorer(f, x=(-5, 5), y=(-3, 3), resolution=256, a=(0.1, 3.0, 1.0))
"""
LABEL_SOURCE = "import ipywidgets\nipywidgets.Label('first picture')"
FRAME_MS = 1000 / 60
WARMUP_PRESSES = 3

# JS: press → painted frame of the GridExplorer ``index`` (0: 64², 1: 256²).
ARM_JS = """
(index) => {
  const image = document.querySelectorAll('.vw-ge-image')[index];
  window.__painted = new Promise((resolve) => {
    const observer = new MutationObserver(() => {
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now()));
    });
    observer.observe(image, { attributes: true, attributeFilter: ['data-frame-id'] });
  });
  window.__key = null;
  window.addEventListener('keydown', () => (window.__key = performance.now()),
    { capture: true, once: true });
}
"""
FIRST_PICTURE_JS = """
(selector) => new Promise((resolve) => {
  const seen = () => document.querySelector(selector);
  if (seen()) return resolve(performance.now());
  new MutationObserver((_, observer) => {
    if (seen()) { observer.disconnect(); requestAnimationFrame(() => resolve(performance.now())); }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})
"""


def notebook_file(source: str, path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells = [nbformat.v4.new_code_cell(cell) for cell in (source, "small", "large")]
    nbformat.write(nb, path)
    return path


def dashboard(source_nb: Path, workdir: Path, pool: int, cull_after: int) -> Server:
    (workdir / "root").mkdir(parents=True)
    shutil.copyfile(source_nb, workdir / "root" / DASHBOARD_NOTEBOOK)
    options = [f"--pool-size={pool}", f"--cull-after={cull_after}"]
    server = start_server("dashboard", workdir, options)
    wait_for_pool(server)
    return server


def slider_latency(page: Page, index: int, presses: int, rng: random.Random) -> float:
    """Median ms from a key press on widget ``index``'s slider to the next painted frame."""
    slider = page.locator(".vw-grid-explorer").nth(index).locator('input[aria-label="a"]')
    slider.scroll_into_view_if_needed()
    slider.focus()
    latencies = []
    for k in range(WARMUP_PRESSES + presses):
        page.evaluate(ARM_JS, index)
        page.keyboard.press("ArrowRight" if (k // 10) % 2 == 0 else "ArrowLeft")
        painted = page.evaluate("() => window.__painted")
        if k >= WARMUP_PRESSES:
            latencies.append(painted - page.evaluate("() => window.__key"))
        page.wait_for_timeout(40 + rng.uniform(0, FRAME_MS))
    return statistics.median(latencies)


def slider_rows(playwright, lab: Server, dash: Server, nb: Path, presses: int) -> dict:
    rng = random.Random(0)
    browser = launch_chromium(playwright)
    rows = {}
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        open_notebook(page, lab, nb)
        run_all_cells(page)
        page.locator(".vw-ge-image[data-frame-id]").nth(1).wait_for()
        page.wait_for_timeout(3000)
        rows["JupyterLab"] = [slider_latency(page, i, presses, rng) for i in (0, 1)]
        page.close()
        page = browser.new_page(viewport={"width": 1400, "height": 1400})
        page.goto(dash.notebook_url(DASHBOARD_NOTEBOOK))
        page.locator(".vw-ge-image[data-frame-id]").nth(1).wait_for(timeout=60_000)
        page.wait_for_timeout(3000)
        rows["vmapwidget-dashboard"] = [slider_latency(page, i, presses, rng) for i in (0, 1)]
    finally:
        browser.close()
    return rows


def first_pictures(playwright, server: Server, selector: str, visits: int) -> list[float]:
    """ms from navigation to ``selector`` on screen, one fresh context per visit."""
    browser = launch_chromium(playwright)
    times = []
    try:
        for _ in range(visits):
            wait_for_pool(server)
            context = browser.new_context()
            page = context.new_page()
            page.goto(server.notebook_url(DASHBOARD_NOTEBOOK), wait_until="commit")
            times.append(page.evaluate(FIRST_PICTURE_JS, selector))
            context.close()
            time.sleep(2)  # the pool refills after Voila's fill delay
    finally:
        browser.close()
    return times


def memory_mb(server: Server) -> dict[str, float]:
    kernels = [p.memory_info().rss / 2**20 for p in kernel_processes(server)]
    return {
        "server_mb": psutil.Process(server.process.pid).memory_info().rss / 2**20,
        "kernel_mb": max(kernels, default=0.0),
        "kernels": len(kernels),
    }


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[q - 1] if len(values) > 1 else values[0]


async def crowd(server: Server, n: int, seconds: float) -> dict:
    visitors = await asyncio.gather(*(Visitor.arrive(server) for _ in range(n)))
    sampled: dict[str, float] = {}

    async def sample_memory() -> None:
        await asyncio.sleep(seconds / 2)
        sampled.update(await asyncio.to_thread(memory_mb, server))

    await asyncio.gather(*(drag(v, seconds) for v in visitors), sample_memory())
    for v in visitors:
        v.leave()
    p50 = [statistics.median(v.latencies_ms) for v in visitors if v.latencies_ms]
    p95 = [percentile(v.latencies_ms, 95) for v in visitors if v.latencies_ms]
    return {
        "p50_ms": statistics.median(p50),
        "p95_ms": max(p95),
        "frames": sum(len(v.latencies_ms) for v in visitors),
        "errors": sum(len(v.errors) for v in visitors),
        "error_texts": [e for v in visitors for e in v.errors][:3],
        "stale": sum(v.stale for v in visitors),
        **sampled,
    }


async def hostile_neighbours(server: Server, seconds: float, flood: int) -> dict:
    """One visitor drags alone, then beside hostile sockets; medians and what was sent."""
    victim = await Visitor.arrive(server)
    await drag(victim, seconds)
    alone = statistics.median(victim.latencies_ms)
    victim.latencies_ms.clear()
    attacker = await Visitor.arrive(server)  # a visit of its own: the page gives a kernel
    sent = {"malformed": 0, "closed": 0, "flood": 0, "flood_closed": 0}

    async def attack() -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for protocol, frame in hostile_frames():
                ws = await connect(server, attacker.kernel_id, protocol)
                # standalone Voila closes a legacy-protocol socket at once: maybe before this
                with contextlib.suppress(WebSocketClosedError):
                    await ws.write_message(frame, binary=isinstance(frame, bytes))
                sent["malformed"] += 1
                sent["closed"] += await closed_code(ws) is not None
            try:
                for _ in range(flood):
                    await attacker.send("kernel_info_request", {})
                    sent["flood"] += 1
            except WebSocketClosedError:  # the guard's rate limit: the flood comes back
                sent["flood_closed"] += 1
                attacker.ws = await connect(server, attacker.kernel_id, V1_SUBPROTOCOL)

    await asyncio.gather(drag(victim, seconds), attack())
    beside = statistics.median(victim.latencies_ms)
    errors = len(victim.errors)
    victim.leave()
    attacker.leave()
    return {"alone_ms": alone, "beside_ms": beside, "errors": errors, **sent}


async def cycles(server: Server, count: int) -> dict:
    """``count`` visits; errors, and the server's memory after every 25th."""
    errors, server_mb = 0, []
    for done in range(1, count + 1):
        visitor = await Visitor.arrive(server)
        await visitor.slide({"a": 1.5})
        errors += len(visitor.errors)
        visitor.leave()
        if done % 25 == 0:
            server_mb.append(memory_mb(server)["server_mb"])
    return {"errors": errors, "server_every_25_mb": server_mb}


def timed(label: str, fn: Callable[[], object]) -> object:
    start = time.monotonic()
    result = fn()
    print(f"  {label}: {time.monotonic() - start:.0f} s", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="drag time per N")
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 2, 4, 8])
    parser.add_argument("--presses", type=int, default=25, help="key presses per slider row")
    parser.add_argument("--visits", type=int, default=5, help="first-picture visits")
    parser.add_argument("--cycles", type=int, default=50, help="open/close visits")
    parser.add_argument("--pool-size", type=int, default=2)
    parser.add_argument("--cull-after", type=int, default=10)
    parser.add_argument("--flood", type=int, default=200, help="valid frames per attack round")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("dashboard_load: terminated"))
    work = Path(tempfile.mkdtemp(prefix="dashboard_load-"))
    nb = notebook_file(SLIDER_SOURCE, work / "sliders.ipynb")
    label_nb = work / "label.ipynb"
    label = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(LABEL_SOURCE)])
    label.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nbformat.write(label, label_nb)
    servers: list[Server] = []
    results: dict = {}
    try:
        lab = start_server("lab", work / "lab")
        servers.append(lab)
        dash = dashboard(nb, work / "dash", args.pool_size, args.cull_after)
        servers.append(dash)
        with sync_playwright() as playwright:
            results["slider"] = timed(
                "slider rows", lambda: slider_rows(playwright, lab, dash, nb, args.presses)
            )
            lab.stop()
            servers.remove(lab)
            results["first"] = timed(
                "first pictures",
                lambda: first_pictures(
                    playwright, dash, ".vw-ge-image[data-frame-id]", args.visits
                ),
            )
            floor = dashboard(label_nb, work / "floor", args.pool_size, args.cull_after)
            servers.append(floor)
            results["floor"] = first_pictures(playwright, floor, ".widget-label", args.visits)
            floor.stop()
            servers.remove(floor)
        wait_for_kernels(dash, args.pool_size, 3 * args.cull_after + 30)
        results["idle"] = memory_mb(dash)
        results["crowd"] = {}
        for n in args.visitors:
            row = timed(f"{n} visitors", lambda n=n: asyncio.run(crowd(dash, n, args.seconds)))
            start = time.monotonic()
            left = wait_for_kernels(dash, args.pool_size, 3 * args.cull_after + 60)
            row.update(kernels_left=left - args.pool_size, gone_s=time.monotonic() - start)
            results["crowd"][n] = row
            print(f"  {n}: {row}", flush=True)
        results["hostile"] = timed(
            "hostile",
            lambda: asyncio.run(hostile_neighbours(dash, min(args.seconds, 30), args.flood)),
        )
        wait_for_kernels(dash, args.pool_size, 3 * args.cull_after + 60)
        before = memory_mb(dash)
        results["cycles"] = timed("cycles", lambda: asyncio.run(cycles(dash, args.cycles)))
        start = time.monotonic()
        left = wait_for_kernels(dash, args.pool_size, 3 * args.cull_after + 60)
        after = memory_mb(dash)
        results["cycles"].update(
            kernels_left=left - args.pool_size,
            gone_s=time.monotonic() - start,
            server_before_mb=before["server_mb"],
            server_after_mb=after["server_mb"],
        )
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(work, ignore_errors=True)
    report(results, args)


def report(results: dict, args: argparse.Namespace) -> None:
    print("\n## Slider → pixels (median ms, same run)\n")
    print("| server | 64² | 256² |\n|---|---|---|")
    for name, (small, large) in results["slider"].items():
        print(f"| {name} | {small:.1f} | {large:.1f} |")
    first, floor = results["first"], results["floor"]
    print(f"\n## First picture, pool of {args.pool_size} filled ({args.visits} fresh visits)\n")
    print("| page | median s | range s |\n|---|---|---|")
    for name, times in (("dashboard.ipynb-like (2 GridExplorers)", first), ("one Label", floor)):
        print(
            f"| {name} | {statistics.median(times) / 1e3:.2f} | "
            f"{min(times) / 1e3:.2f}–{max(times) / 1e3:.2f} |"
        )
    idle = results["idle"]
    print(
        f"\nIdle: server {idle['server_mb']:.0f} MB, {idle['kernels']} pooled kernels of "
        f"≤ {idle['kernel_mb']:.0f} MB"
    )
    print(f"\n## N visitors dragging for {args.seconds:.0f} s (request → final frame)\n")
    print(
        "| N | p50 ms | p95 ms (worst visitor) | frames | errors | stale | server MB | "
        "kernel MB | kernels left | gone after s |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    base = None
    largest = None
    for n, row in results["crowd"].items():
        base = base or row["p50_ms"]
        if row["p50_ms"] <= 2 * base:
            largest = n
        print(
            f"| {n} | {row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['frames']} | "
            f"{row['errors']} | {row['stale']} | {row.get('server_mb', 0):.0f} | "
            f"{row.get('kernel_mb', 0):.0f} | {row['kernels_left']} | {row['gone_s']:.0f} |"
        )
    for n, row in results["crowd"].items():
        for text in row.get("error_texts", []):
            print(f"N = {n}: {text}")
    print(f"\nLargest N with p50 within 2× of N = {next(iter(results['crowd']))}: {largest}")
    h = results["hostile"]
    print(
        f"\n## Hostile visitors\n\nalone {h['alone_ms']:.1f} ms, beside hostile sockets "
        f"{h['beside_ms']:.1f} ms ({h['beside_ms'] / h['alone_ms']:.2f}×); errors "
        f"{h['errors']}; malformed frames {h['malformed']} (sockets closed {h['closed']}), "
        f"flood {h['flood']} frames (sockets closed by the rate limit {h['flood_closed']})"
    )
    c = results["cycles"]
    print(
        f"\n## {args.cycles} open/close visits\n\nerrors {c['errors']}; kernels left beyond "
        f"the pool {c['kernels_left']} ({c['gone_s']:.0f} s after the last); server "
        f"{c['server_before_mb']:.0f} → {c['server_after_mb']:.0f} MB (after every 25 visits: "
        f"{', '.join(f'{mb:.0f}' for mb in c['server_every_25_mb'])} MB)"
    )


if __name__ == "__main__":
    main()
