"""Slider key press → new heatmap on screen, in real JupyterLab and headless Chromium.

Starts its own JupyterLab on 127.0.0.1 (tests/e2e/servers.py; stopped by PID), opens a
generated notebook and, for each approach and grid size, displays the widget, focuses its
slider, presses ArrowRight and waits for the new pixels. Every approach uses the same
method: the time of the keydown event in the page, then a MutationObserver that sees the
new picture reach the DOM (a new ``<img>`` that has decoded, a new SVG ``href``, new rect
fills, GridExplorer's ``data-frame-id`` set right after ``putImageData``), then the next
``requestAnimationFrame`` (the frame that paints it). Approaches:

- ``gridexplorer``: this package (canvas fed by a binary frame, custom-message flow), default
  ``encoding="auto"`` (uint16 up to 512², uint8 above);
- ``gridexplorer16``, ``gridexplorer8``: the same with ``encoding="uint16"`` or ``"uint8"`` at
  every size;
- ``interact``: ``ipywidgets.interactive`` + matplotlib ``imshow`` (inline backend);
- ``interactcb``: the same with the colour bar and axis labels GridExplorer draws;
- ``heatmap``: bqplot ``HeatMap`` with an ipywidgets ``FloatSlider``;
- ``gridheatmap``: bqplot ``GridHeatMap`` (64² only: one SVG rect per cell);
- ``imagegl``: bqplot-image-gl ``ImageGL`` (skipped when bqplot-image-gl is not installed;
  WebGL draws no DOM, so its pixels are detected by reading the canvas each frame);
- ``label``: a bare ``FloatSlider`` updating a ``Label`` through the kernel (no image): the
  round-trip floor.

GridExplorer is also profiled hop by hop (keydown → WebSocket send → Python handler →
WebSocket receive → drawn → painted) and driven by two bursts of 30 steps: the key held
down with the keyboard's auto-repeat (``--repeat-ms``, default 30) and separate presses as
fast as Playwright sends them. Presses are spaced by 40 ms plus a random part of a 60 Hz
frame, so they meet the display's frames at every phase; 10 warm-up presses precede each
series.

    python benchmarks/grid_latency.py [--presses 25] [--sizes 64 256 512 1024] [--src CHECKOUT]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.e2e.notebook_ui import (  # noqa: E402
    PANEL_JS,
    execute_in_kernel,
    open_notebook,
    wait_for_idle,
)
from tests.e2e.servers import SERVER_PYTHON, Server, start_server  # noqa: E402
from vmapwidget.integrations.server_extension import LOG_LINE as NODELAY_LOG_LINE  # noqa: E402

APPROACHES = (
    "gridexplorer",
    "gridexplorer16",
    "gridexplorer8",
    "interact",
    "interactcb",
    "heatmap",
    "gridheatmap",
    "imagegl",
    "label",
)
SIZES = (64, 256, 512, 1024)
GRIDHEATMAP_MAX = 64
WARMUP_PRESSES = 10
SETTLE_MS = 5_000
FRAME_MS = 1000 / 60
BURST_MEDIANS = ("keys", "frames", "key_span_ms", "frame_interval_ms", "last_event_to_final_ms")
BQPLOT = ("heatmap", "gridheatmap", "imagegl")

SETUP = """
import json, time
import numpy as np
import jax.numpy as jnp
import ipywidgets as ipw
import bqplot as bq
import matplotlib
matplotlib.use("module://matplotlib_inline.backend_inline")
import matplotlib.pyplot as plt
from IPython.display import display
from vmapwidget.kernels import GridKernel
from vmapwidget.widgets.grid_explorer import GridExplorer

def f(x, y, a):
    return jnp.sin(a * x) * y

KERNEL = GridKernel(f, ["a"])
LOG = []

def grid(n, a):
    return KERNEL.evaluate((-5, 5), (-2, 2), n, {"a": a}).values

def slider():
    return ipw.FloatSlider(value=1.0, min=0.1, max=3.0, step=0.01, description="a")

def make_gridexplorer16(n):
    return make_gridexplorer(n, "uint16")

def make_gridexplorer8(n):
    return make_gridexplorer(n, "uint8")

def make_gridexplorer(n, encoding="auto"):
    w = GridExplorer(f, x=(-5, 5), y=(-2, 2), resolution=n, encoding=encoding, a=(0.1, 3.0, 1.0))
    handler = w._on_browser_msg
    w.on_msg(handler, remove=True)
    def timed(widget, content, buffers):
        start = time.time() * 1e3
        handler(widget, content, buffers)
        LOG.append({"seq": content.get("seq"), "start": start, "end": time.time() * 1e3,
                    "frame": w._frame_meta["id"], "a": w.params["a"], "bytes": w.stats["bytes"],
                    "compiles": w.stats["compiles"]})
    w.on_msg(timed)
    return w

def make_interact(n):
    def show(a):
        fig, ax = plt.subplots(figsize=(5.6, 4.2))
        ax.imshow(grid(n, a).T, origin="lower", extent=(-5, 5, -2, 2), aspect="auto")
        plt.show()
    return ipw.interactive(show, a=slider())

def make_interactcb(n):
    def show(a):
        fig, ax = plt.subplots(figsize=(5.6, 4.2))
        image = ax.imshow(grid(n, a).T, origin="lower", extent=(-5, 5, -2, 2), aspect="auto")
        fig.colorbar(image, ax=ax, label="f(x, y)")
        ax.set_xlabel("x")
        ax.set_ylabel("y")
        plt.show()
    return ipw.interactive(show, a=slider())

def _xy_scales():
    return bq.LinearScale(), bq.LinearScale()

def make_heatmap(n):
    sx, sy = _xy_scales()
    mark = bq.HeatMap(x=np.linspace(-5, 5, n), y=np.linspace(-2, 2, n), color=grid(n, 1.0).T,
                      scales={"x": sx, "y": sy, "color": bq.ColorScale(scheme="viridis")})
    s = slider()
    s.observe(lambda c: setattr(mark, "color", grid(n, c["new"]).T), "value")
    axes = [bq.Axis(scale=sx), bq.Axis(scale=sy, orientation="vertical")]
    fig = bq.Figure(marks=[mark], axes=axes)
    return ipw.VBox([s, fig])

def make_gridheatmap(n):
    mark = bq.GridHeatMap(color=grid(n, 1.0).T, scales={
        "row": bq.OrdinalScale(reverse=True), "column": bq.OrdinalScale(),
        "color": bq.ColorScale(scheme="viridis")})
    s = slider()
    s.observe(lambda c: setattr(mark, "color", grid(n, c["new"]).T), "value")
    return ipw.VBox([s, bq.Figure(marks=[mark])])

def make_imagegl(n):
    from bqplot_image_gl import ImageGL
    sx, sy = _xy_scales()
    mark = ImageGL(image=grid(n, 1.0).T, x=(-5, 5), y=(-2, 2),
                   scales={"x": sx, "y": sy,
                           "image": bq.ColorScale(scheme="viridis", min=-2, max=2)})
    s = slider()
    s.observe(lambda c: setattr(mark, "image", grid(n, c["new"]).T), "value")
    axes = [bq.Axis(scale=sx), bq.Axis(scale=sy, orientation="vertical")]
    fig = bq.Figure(marks=[mark], axes=axes)
    return ipw.VBox([s, fig])

def make_label(n):
    s, label = slider(), ipw.Label("–")
    s.observe(lambda c: setattr(label, "value", f"{float(grid(n, c['new'])[0, 0]):.6f}"), "value")
    return ipw.VBox([s, label])

SETUP_DONE = True
"""

# Page-side instrumentation: WebSocket sends/receives and the keydown time.
INIT_JS = """
(() => {
  window.__ws = { sent: [], recv: [] };
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...args) {
      super(...args);
      this.addEventListener('message', (e) => {
        window.__ws.recv.push([performance.timeOrigin + performance.now(),
                               e.data.byteLength ?? e.data.size ?? e.data.length]);
      });
    }
    send(data) {
      window.__ws.sent.push([performance.timeOrigin + performance.now(),
                             data.byteLength ?? data.size ?? data.length]);
      return super.send(data);
    }
  };
  window.__keys = [];
  const now = () => performance.timeOrigin + performance.now();
  window.addEventListener('keydown', () => window.__keys.push(now()), true);
  window.__gl = [];
  for (const Context of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    if (!Context) continue;
    for (const name of ['drawArrays', 'drawElements']) {
      const native = Context.prototype[name];
      Context.prototype[name] = function (...args) {
        window.__gl.push(performance.timeOrigin + performance.now());
        return native.apply(this, args);
      };
    }
  }
})();
"""

# JS: arm a detector on the output of cell `index` for `kind`; resolves with frame times.
ARM_JS = """
({ index, kind, burst, quietMs }) => {
  const now = () => performance.timeOrigin + performance.now();
  const panel = (%s)();
  const out = panel.content.widgets[index].outputArea.node;
  const frames = [];
  let done;
  window.__detect = new Promise((resolve) => (done = resolve));
  window.__keys = [];
  let quiet = null;
  let stopped = false;
  const stop = () => { stopped = true; observer.disconnect(); done(frames); };
  const record = (drawn) => requestAnimationFrame(() => {
    frames.push({ drawn, painted: now() });
    if (!burst) return stop();
    clearTimeout(quiet);
    quiet = setTimeout(stop, quietMs);
  });
  const matches = (m) => {
    const t = m.target.nodeType === 1 ? m.target : m.target.parentElement;
    if (kind.startsWith('gridexplorer')) return m.attributeName === 'data-frame-id';
    if (kind === 'heatmap') return t.tagName === 'image' && m.attributeName === 'href';
    if (kind === 'gridheatmap') return t.tagName === 'rect';
    if (kind === 'label') return !!t.closest('.widget-label') && !t.closest('.widget-readout');
    return false;
  };
  const observer = new MutationObserver(async (mutations) => {
    const drawn = now();
    if (kind.startsWith('interact')) {
      for (const m of mutations) for (const node of m.addedNodes) {
        const img = node.tagName === 'IMG' ? node : node.querySelector?.('img');
        if (img) { try { await img.decode(); } catch (e) {} record(now()); return; }
      }
      return;
    }
    if (mutations.some(matches)) record(drawn);
  });
  observer.observe(out, { subtree: true, childList: true, attributes: true, characterData: true });
  if (kind === 'imagegl') {
    // WebGL leaves no trace in the DOM: a draw call after the key press, then the next frame.
    let seen = window.__gl.length;
    const poll = () => {
      if (stopped) return;
      const keys = window.__keys;
      const fresh = window.__gl.slice(seen).filter((t) => keys.length && t > keys[0]);
      seen = window.__gl.length;
      if (fresh.length) {
        frames.push({ drawn: fresh[fresh.length - 1], painted: now() });
        if (!burst) return stop();
        clearTimeout(quiet);
        quiet = setTimeout(stop, quietMs);
      }
      requestAnimationFrame(poll);
    };
    requestAnimationFrame(poll);
  }
}
""".replace("%s", PANEL_JS)

RUN_CELL_JS = """
async (index) => {
  const panel = (%s)();
  panel.content.activeCellIndex = index;
  await window.jupyterapp.commands.execute('notebook:run-cell');
}
""".replace("%s", PANEL_JS)

CLEAR_CELL_JS = f"(index) => ({PANEL_JS})().content.widgets[index].model.sharedModel.setOutputs([])"

SLIDER = {
    "gridexplorer": '.vw-grid-explorer input[aria-label="a"]',
    "gridexplorer16": '.vw-grid-explorer input[aria-label="a"]',
    "gridexplorer8": '.vw-grid-explorer input[aria-label="a"]',
    "default": ".widget-slider .noUi-handle",
}
READY = {
    "gridexplorer": ".vw-ge-image[data-frame-id]",
    "gridexplorer16": ".vw-ge-image[data-frame-id]",
    "gridexplorer8": ".vw-ge-image[data-frame-id]",
    "interact": ".widget-output img",
    "interactcb": ".widget-output img",
    "heatmap": ".bqplot image",
    "gridheatmap": ".bqplot rect",
    "imagegl": ".bqplot canvas",
    "label": ".widget-label",
}


def notebook(
    approaches: list[str], sizes: list[int], work: Path
) -> tuple[Path, list[tuple[str, int]]]:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    nb.cells.append(nbformat.v4.new_code_cell(SETUP))
    cases = []
    for n in sizes:
        for kind in approaches:
            if kind == "gridheatmap" and n > GRIDHEATMAP_MAX:
                continue
            cases.append((kind, n))
            nb.cells.append(nbformat.v4.new_code_cell(f"make_{kind}({n})"))
    path = work / "grid_latency.ipynb"
    nbformat.write(nb, path)
    return path, cases


def open_settled(
    playwright: Playwright, server: Server, path: Path, init_js: str
) -> tuple[Browser, Page]:
    """Chromium with ``init_js`` in every page, notebook ``path`` open in ``server``, its
    first cell run (it must end by setting ``SETUP_DONE``), and JupyterLab given SETTLE_MS to
    finish its start-up work."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.add_init_script(init_js)
    open_notebook(page, server, path)
    page.evaluate(RUN_CELL_JS, 0)
    wait_for_idle(page)
    if execute_in_kernel(page, "print('SETUP_DONE' in globals())") != "True\n":
        output = page.locator(".jp-Cell").first.locator(".jp-OutputArea").inner_text()
        sys.exit(f"grid_latency: the setup cell failed in {SERVER_PYTHON}:\n{output[-2000:]}")
    where = execute_in_kernel(page, "import vmapwidget; print(vmapwidget.__file__)").strip()
    print(f"kernel: vmapwidget from {where}", flush=True)
    # JupyterLab keeps busy for a few seconds after it opens a notebook and starts a kernel;
    # whichever case ran first used to pay for it.
    page.wait_for_timeout(SETTLE_MS)
    return browser, page


def press_once(page: Page, index: int, kind: str, timeout_ms: float = 5_000) -> dict | None:
    """One key press; {key, drawn, painted} in wall-clock ms, or None if nothing was drawn."""
    page.evaluate(ARM_JS, {"index": index, "kind": kind, "burst": False, "quietMs": 0})
    page.keyboard.press("ArrowRight")
    frames = page.evaluate(
        "(t) => Promise.race([window.__detect, new Promise((r) => setTimeout(() => r([]), t))])",
        timeout_ms,
    )
    keys = page.evaluate("() => window.__keys")
    if not frames or not keys:
        return None
    return {"key": keys[0], **frames[0]}


def burst(
    page: Page, index: int, kind: str, presses: int, repeat_ms: float | None, key: str
) -> dict:
    """`presses` steps of `key`: held down with the keyboard's auto-repeat (a keydown
    every `repeat_ms`, then one keyup), or with `repeat_ms` None as fast as Playwright
    sends separate presses."""
    page.evaluate(ARM_JS, {"index": index, "kind": kind, "burst": True, "quietMs": 800})
    start = time.perf_counter()
    for k in range(presses):
        if repeat_ms is None:
            page.keyboard.press(key)
            continue
        wait = start + k * repeat_ms / 1e3 - time.perf_counter()
        if wait > 0:
            time.sleep(wait)
        page.keyboard.down(key)
    if repeat_ms is not None:
        page.keyboard.up(key)
    frames = page.evaluate(
        "(t) => Promise.race([window.__detect, new Promise((r) => setTimeout(() => r([]), t))])",
        10_000,
    )
    if not frames:
        raise RuntimeError(f"a burst of {presses} × {key} drew nothing")
    keys = page.evaluate("() => window.__keys")
    painted = [f["painted"] for f in frames]
    return {
        "keys": len(keys),
        "frames": len(frames),
        "key_span_ms": keys[-1] - keys[0],
        "frame_interval_ms": (painted[-1] - painted[0]) / (len(painted) - 1)
        if len(painted) > 1
        else float("nan"),
        "last_event_to_final_ms": painted[-1] - keys[-1],
    }


HOPS = (
    "key → WebSocket send",
    "send → Python handler",
    "Python handler",
    "Python → frame received",
    "received → drawn",
    "drawn → painted",
)


def hops(presses: list[dict], log: list[dict], ws: dict) -> dict[str, float]:
    """Median time of each hop of GridExplorer's single presses (wall-clock ms)."""
    rows: dict[str, list[float]] = {name: [] for name in HOPS}
    for press, entry in zip(presses, log, strict=False):
        sent = [t for t, _ in ws["sent"] if press["key"] <= t <= entry["start"]]
        recv = [t for t, size in ws["recv"] if t >= entry["start"] and size >= entry["bytes"]]
        if not sent or not recv:
            continue
        marks = [press["key"], sent[0], entry["start"], entry["end"], recv[0]]
        marks += [press["drawn"], press["painted"]]
        for name, a, b in zip(HOPS, marks, marks[1:], strict=False):
            rows[name].append(b - a)
    return {name: statistics.median(v) for name, v in rows.items() if v}


def use_source(src: Path) -> None:
    """Make the servers and kernels started from now on import vmapwidget from ``src`` (a
    checkout, or its ``src`` tree, with its JS built)."""
    src = src.resolve()
    src = src / "src" if (src / "src" / "vmapwidget").is_dir() else src
    os.environ["PYTHONPATH"] = f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presses", type=int, default=25)
    parser.add_argument("--burst", type=int, default=30, help="key presses per burst")
    parser.add_argument("--bursts", type=int, default=5, help="bursts of each kind (medians)")
    parser.add_argument(
        "--repeat-ms",
        type=float,
        default=30.0,
        help="auto-repeat interval of the held key in the burst (30 ms: the fastest "
        "default setting of common desktops)",
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument("--approaches", nargs="+", default=list(APPROACHES))
    parser.add_argument(
        "--stock",
        action="store_true",
        help="disable vmapwidget.integrations.server_extension "
        "(leave Nagle on for kernel WebSockets)",
    )
    parser.add_argument(
        "--src", type=Path, help="run the server and kernels on this checkout instead"
    )
    args = parser.parse_args()
    if args.src is not None:
        use_source(args.src)
    approaches = [a for a in args.approaches if a in APPROACHES]
    if "imagegl" in approaches and importlib.util.find_spec("bqplot_image_gl") is None:
        print("bqplot-image-gl is not installed: skipping the ImageGL column")
        approaches.remove("imagegl")
    workdir = Path(tempfile.mkdtemp(prefix="grid_latency-"))
    path, cases = notebook(approaches, args.sizes, workdir)
    spacing = random.Random(0)
    results: dict[tuple[str, int], dict] = {}
    if args.stock:
        config = workdir / "home" / "config" / "jupyter_server_config.json"
        config.parent.mkdir(parents=True)
        extensions = {"jpserver_extensions": {"vmapwidget.integrations.server_extension": False}}
        config.write_text(json.dumps({"ServerApp": extensions}))
    # A timeout's SIGTERM unwinds like an exception, so `finally` stops the server.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("grid_latency: terminated"))
    server = start_server("lab", workdir)
    started = time.time()
    try:
        with sync_playwright() as playwright:
            browser, page = open_settled(playwright, server, path, INIT_JS)
            for index, (kind, n) in enumerate(cases, start=1):
                page.evaluate(RUN_CELL_JS, index)
                wait_for_idle(page)
                ready = page.locator(".jp-Cell").nth(index).locator(READY[kind])
                ready.first.wait_for(state="attached", timeout=60_000)
                cell = page.locator(".jp-Cell").nth(index)
                slider = cell.locator(SLIDER.get(kind, SLIDER["default"])).first
                slider.scroll_into_view_if_needed()
                slider.focus()
                page.wait_for_timeout(300)
                for _ in range(WARMUP_PRESSES):
                    press_once(page, index, kind, timeout_ms=3_000)
                execute_in_kernel(page, "LOG.clear()")
                page.evaluate("() => { window.__ws.sent = []; window.__ws.recv = []; }")
                presses = []
                for _ in range(args.presses):
                    press = press_once(page, index, kind)
                    if press is None and not presses:
                        break  # nothing drawn at all: do not wait out every press
                    if press is not None:
                        presses.append(press)
                    # A random pause, so the presses meet the display's 60 Hz frames at
                    # every phase instead of locking onto one.
                    page.wait_for_timeout(40 + spacing.uniform(0, FRAME_MS))
                latencies = [p["painted"] - p["key"] for p in presses]
                result = {
                    "median_ms": statistics.median(latencies) if latencies else float("nan"),
                    "missed": args.presses - len(latencies),
                }
                if kind.startswith("gridexplorer"):
                    log = json.loads(execute_in_kernel(page, "print(json.dumps(LOG))"))
                    ws = page.evaluate("() => window.__ws")
                    result["hops"] = hops(presses, log, ws)
                    result["bytes"] = log[-1]["bytes"] if log else None
                    result["compiles"] = log[-1]["compiles"] if log else None
                    result["bursts"] = {}
                    # Bursts for the default encoding only (they take a minute per size).
                    burst_kinds = (("repeat", args.repeat_ms), ("flood", None))
                    for name, repeat_ms in burst_kinds if kind == "gridexplorer" else ():
                        runs = []
                        for k in range(args.bursts):
                            # Back and forth, so the slider never runs into its end.
                            key = "ArrowLeft" if k % 2 else "ArrowRight"
                            execute_in_kernel(page, "LOG.clear()")
                            run = burst(page, index, kind, args.burst, repeat_ms, key)
                            log = json.loads(execute_in_kernel(page, "print(json.dumps(LOG))"))
                            values = [entry["a"] for entry in log]
                            run["monotonic"] = values == sorted(values, reverse=k % 2 == 1)
                            runs.append(run)
                            result["compiles"] = log[-1]["compiles"] if log else None
                        result["bursts"][name] = {
                            "runs": runs,
                            **{
                                key: statistics.median(r[key] for r in runs)
                                for key in BURST_MEDIANS
                            },
                            "final_range_ms": [
                                min(r["last_event_to_final_ms"] for r in runs),
                                max(r["last_event_to_final_ms"] for r in runs),
                            ],
                            "monotonic": all(r["monotonic"] for r in runs),
                        }
                results[(kind, n)] = result
                print(f"{kind:>12} {n:>5}²: {result}", flush=True)
                page.evaluate(CLEAR_CELL_JS, index)
            browser.close()
    finally:
        server.stop()
        nodelay = NODELAY_LOG_LINE in server.log_path.read_text(errors="replace")
        shutil.rmtree(workdir, ignore_errors=True)
    print(f"\nserver: TCP_NODELAY on kernel WebSockets {'on' if nodelay else 'off (stock)'}")
    report(results, approaches, args, time.time() - started)


def report(results: dict, approaches: list[str], args: argparse.Namespace, seconds: float) -> None:
    sizes = args.sizes
    print(f"\n## Key press → new heatmap on screen, median of {args.presses} (ms)\n")
    print("| approach | " + " | ".join(f"{n}²" for n in sizes) + " |")
    print("|---|" + "---|" * len(sizes))
    for kind in approaches:
        cells = []
        for n in sizes:
            r = results.get((kind, n))
            cells.append("—" if r is None else f"{r['median_ms']:.0f}")
        print(f"| {kind} | " + " | ".join(cells) + " |")
    ours_kinds = [k for k in approaches if k.startswith("gridexplorer")]
    print("\n## GridExplorer against the baselines, same run\n")
    print(
        "| grid | variant | ms | best bqplot | ratio (≤ 0.6) | interact | speed-up (≥ 5×) "
        "| interact + colour bar | speed-up |"
    )
    print("|---|---|---|---|---|---|---|---|---|")

    def text(value: float | None, fmt: str) -> str:
        return "—" if value is None else format(value, fmt)

    for n in sizes:
        bq = [results[(k, n)]["median_ms"] for k in BQPLOT if (k, n) in results]
        best = min(bq) if bq else None
        mpl = results.get(("interact", n), {}).get("median_ms")
        mpl_cb = results.get(("interactcb", n), {}).get("median_ms")
        for kind in ours_kinds:
            ours = results.get((kind, n), {}).get("median_ms")
            if ours is None:
                continue
            ratio = best and ours / best
            speedup = f"{mpl / ours:.1f}×" if mpl else "—"
            speedup_cb = f"{mpl_cb / ours:.1f}×" if mpl_cb else "—"
            print(
                f"| {n}² | {kind} | {ours:.0f} | {text(best, '.0f')} | {text(ratio, '.2f')} "
                f"| {text(mpl, '.0f')} | {speedup} | {text(mpl_cb, '.0f')} | {speedup_cb} |"
            )
    print("\n## GridExplorer: hops (median ms)\n")
    print("| grid | variant | " + " | ".join(HOPS) + " |")
    print("|---|---|" + "---|" * len(HOPS))
    for n in sizes:
        for kind in ours_kinds:
            r = results.get((kind, n))
            if r:
                hop_text = " | ".join(f"{r['hops'].get(h, float('nan')):.1f}" for h in HOPS)
                print(f"| {n}² | {kind} | {hop_text} |")
    print(f"\n## GridExplorer: bytes per update, bursts of {args.burst} key presses\n")
    print(
        f"*repeat*: the key held down, auto-repeating every {args.repeat_ms:g} ms; *flood*: "
        "separate presses as fast as Playwright sends them. Medians of "
        f"{args.bursts} bursts each (last key → final frame: median and range). Ratios: "
        "that median over the single-press median (above) and over the median interval "
        "between frames drawn in a burst.\n"
    )
    print(
        "| grid | variant | bytes/update (≤ 4×cells) | compiles | burst | keys sent in "
        "| frames drawn | frame interval | last key → final frame | ÷ single | ÷ interval "
        "| frames in key order |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for n in sizes:
        for kind in ours_kinds:
            r = results.get((kind, n))
            if not r:
                continue
            if not r["bursts"]:
                print(
                    f"| {n}² | {kind} | {r['bytes']} ({r['bytes'] / (n * n):.2g} B/cell) | "
                    f"{r['compiles']} | — | | | | | | | |"
                )
            for name, b in r["bursts"].items():
                final = b["last_event_to_final_ms"]
                print(
                    f"| {n}² | {kind} | {r['bytes']} ({r['bytes'] / (n * n):.2g} B/cell) | "
                    f"{r['compiles']} | {name} | {b['key_span_ms']:.0f} ms | {b['frames']:.0f} | "
                    f"{b['frame_interval_ms']:.0f} ms | {final:.0f} ms "
                    f"({b['final_range_ms'][0]:.0f}–{b['final_range_ms'][1]:.0f}) | "
                    f"{final / r['median_ms']:.1f} | {final / b['frame_interval_ms']:.1f} | "
                    f"{b['monotonic']} |"
                )
    print(f"\ntotal run {seconds:.0f} s")


if __name__ == "__main__":
    main()
