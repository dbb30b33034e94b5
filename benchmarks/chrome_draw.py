"""GridExplorer's chrome (axes, ticks, labels, colour bar) drawn in headless Chromium: µs a call.

The chrome is redrawn whenever a frame's range or colour limits change (every frame of a
slider drag with ``color_range="auto"``), so its cost is on the path from a key press to
pixels. This times ``drawChrome`` from ``js/lib/grid_draw.js`` on a real canvas, for a plain
view and two deep zooms, and with ``--src <checkout>`` the same from another checkout's
``js/`` (e.g. before a change) in the same page, the two taking turns round by round. The
pages are served from 127.0.0.1 by a server this script starts and stops. Prints a markdown
table of medians.

    python benchmarks/chrome_draw.py [--src /tmp/before] [--calls 400] [--rounds 15]
"""

from __future__ import annotations

import argparse
import functools
import http.server
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# (name, x extent, y extent, colour limits)
VIEWS = [
    ("plain, sin(x)·y", [-3.0, 3.0], [0.1, 0.12], [-0.12, 0.12]),
    ("float32 deep zoom", [-0.7453, -0.74525], [0.11, 0.11003], [-0.6, 0.3]),
    (
        "float64 deep zoom",
        [-0.745300000001, -0.74529999999],
        [0.1000000001, 0.1000000003],
        [-0.6452999999, -0.6452999998],
    ),
]

PAGE = """<!doctype html><meta charset="utf-8"><canvas id="c"></canvas>
<script type="module">
const load = async (tree) => ({
  draw: await import(`/${tree}/js/lib/grid_draw.js`),
  maps: await import(`/${tree}/js/lib/colormaps.js`),
});
window.bench = async (trees, views, calls, rounds) => {
  const libs = {};
  for (const tree of trees) libs[tree] = await load(tree);
  const canvas = document.getElementById("c");
  const ctx = canvas.getContext("2d");
  const theme = { text: "#222", muted: "#777", line: "#bbb", background: "#fff",
                  font: "system-ui, sans-serif" };
  const times = {};
  for (let r = 0; r < rounds; r++) {
    for (const tree of trees) {
      const { draw, maps } = libs[tree];
      const layout = draw.figureLayout();
      canvas.width = layout.width;
      canvas.height = layout.height;
      for (const [name, x, y, [vmin, vmax]] of views) {
        const chrome = { layout, xExtent: x, yExtent: y, vmin, vmax, norm: "linear",
          labels: { x: "x", y: "y", colorbar: "" }, map: maps.colormap("viridis"),
          nonfinite: 0, theme };
        const start = performance.now();
        for (let k = 0; k < calls; k++) draw.drawChrome(ctx, chrome);
        const us = ((performance.now() - start) * 1000) / calls;
        (times[`${tree}|${name}`] ??= []).push(us);
      }
    }
  }
  return times;
};
window.ready = true;
</script>"""


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    quiet = type("Quiet", (http.server.SimpleHTTPRequestHandler,), {"log_message": lambda *a: None})
    handler = functools.partial(quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def median(values: list[float]) -> float:
    values = sorted(values)
    mid = len(values) // 2
    return values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, help="also time this checkout's js/ (before)")
    parser.add_argument("--calls", type=int, default=400, help="drawChrome calls a round")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp)
        (site / "index.html").write_text(PAGE)
        (site / "after").symlink_to(ROOT)
        trees = ["after"]
        if args.src is not None:
            (site / "before").symlink_to(args.src.resolve())
            trees = ["before", "after"]
        server, url = serve(site)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page()
                page.goto(f"{url}/index.html")
                page.wait_for_function("window.ready === true")
                times = page.evaluate(
                    "([t, v, c, r]) => window.bench(t, v, c, r)",
                    [trees, VIEWS, args.calls, args.rounds],
                )
                browser.close()
        finally:
            server.shutdown()
            server.server_close()
    print(
        f"\n## drawChrome in Chromium (µs a call, median of {args.rounds} rounds of {args.calls})\n"
    )
    print("| view | " + " | ".join(trees) + (" | after / before |" if len(trees) == 2 else " |"))
    print("|---" * (len(trees) + 1 + (len(trees) == 2)) + "|")
    for name, *_ in VIEWS:
        cells = [median(times[f"{tree}|{name}"]) for tree in trees]
        ratio = f" | {cells[1] / cells[0]:.2f}" if len(cells) == 2 else ""
        print(f"| {name} | " + " | ".join(f"{c:.0f}" for c in cells) + ratio + " |")


if __name__ == "__main__":
    main()
