"""GridExplorer's axis and colour-bar labels in a real Chromium, at every zoom depth: every
label inside the figure, none over another, each axis's labels distinct, and what they say
(a value, or an offset plus a count of 10^k) is where they stand.

The widgets are saved by ``export_html`` in a subprocess with ``jax_enable_x64`` on (the
float64 deep zooms need it, and the flag is process-wide), then the page is opened from
disk. Every ``fillText`` on a figure's chrome canvas is recorded, with the ink box Chromium
measures for it.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from .notebook_ui import browser_log, screenshot

# (x range, y range, f, dtype, title): a plain view whose y labels are as wide as the y axis
# label allows, a float32 zoom, a float64 zoom 10⁻¹¹ wide, and one far from zero.
FIGURES = [
    ((-3.0, 3.0), (0.1, 0.12), "jnp.sin(x) * y", "float32", ""),
    ((-0.7453, -0.74525), (0.11, 0.11003), "jnp.sin(4e4 * x) * jnp.cos(3e4 * y)", "float32", ""),
    ((-0.745300000001, -0.74529999999), (0.1000000001, 0.1000000003), "x + y", "float64", ""),
    ((1e6, 1e6 + 0.5), (-0.76, -0.74), "x * y", "float64", "far from zero"),
]

EXPORT = """\
import sys
import jax
jax.config.update("jax_enable_x64", True)
import jax.numpy as jnp
from vmapwidget import GridExplorer, export_html

figures = {figures!r}
widgets = [
    GridExplorer(eval("lambda x, y: " + f), x=x, y=y, resolution=32, dtype=dtype, title=title)
    for x, y, f, dtype, title in figures
]
export_html(widgets, sys.argv[1])
"""

# Record every fillText of a chrome canvas's last drawing (each starts with a clearRect): its
# text, style, anchor and ink box in CSS pixels (the transform holds devicePixelRatio and any
# rotation).
RECORD_JS = """
(() => {
  window.__texts = [];
  const figureOf = (canvas) =>
    [...document.querySelectorAll("canvas.vw-ge-chrome")].indexOf(canvas);
  const clear = CanvasRenderingContext2D.prototype.clearRect;
  CanvasRenderingContext2D.prototype.clearRect = function (...args) {
    clear.apply(this, args);
    if (this.canvas.classList.contains("vw-ge-chrome")) {
      const figure = figureOf(this.canvas);
      window.__texts = window.__texts.filter((t) => t.figure !== figure);
    }
  };
  const fill = CanvasRenderingContext2D.prototype.fillText;
  CanvasRenderingContext2D.prototype.fillText = function (text, x, y, maxWidth) {
    fill.call(this, text, x, y, maxWidth);
    if (!this.canvas.classList.contains("vw-ge-chrome")) return;
    const m = this.measureText(text);
    const squeeze = maxWidth !== undefined && m.width > maxWidth ? maxWidth / m.width : 1;
    const t = this.getTransform();
    const dpr = window.devicePixelRatio || 1;
    const corners = [
      [x - m.actualBoundingBoxLeft * squeeze, y - m.actualBoundingBoxAscent],
      [x + m.actualBoundingBoxRight * squeeze, y - m.actualBoundingBoxAscent],
      [x - m.actualBoundingBoxLeft * squeeze, y + m.actualBoundingBoxDescent],
      [x + m.actualBoundingBoxRight * squeeze, y + m.actualBoundingBoxDescent],
    ].map(([u, v]) => [(t.a * u + t.c * v + t.e) / dpr, (t.b * u + t.d * v + t.f) / dpr]);
    const xs = corners.map((c) => c[0]);
    const ys = corners.map((c) => c[1]);
    window.__texts.push({
      figure: figureOf(this.canvas),
      text, font: this.font, align: this.textAlign, baseline: this.textBaseline,
      at: [(t.a * x + t.c * y + t.e) / dpr, (t.b * x + t.d * y + t.f) / dpr],
      box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
      rotated: t.b !== 0,
    });
  };
})();
"""

# Each figure's last chrome drawing, with its canvas and plot box in CSS pixels.
DRAWN_JS = """
() => [...document.querySelectorAll(".vw-ge-figure")].map((figure, index) => {
  const chrome = figure.querySelector("canvas.vw-ge-chrome").getBoundingClientRect();
  const plot = figure.querySelector(".vw-ge-plotbox").getBoundingClientRect();
  const texts = window.__texts.filter((t) => t.figure === index);
  return {
    size: [chrome.width, chrome.height],
    plot: [plot.left - chrome.left, plot.top - chrome.top, plot.width, plot.height],
    texts,
  };
})
"""

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def number(text: str) -> float:
    """A label's number: "−0.745", "2.5", "1000", "10⁻⁶"."""
    powered = re.fullmatch(r"10(⁻?)([⁰¹²³⁴⁵⁶⁷⁸⁹]+)", text)
    if powered:
        exponent = int("".join(str(SUPERSCRIPTS.index(d)) for d in powered[2]))
        return 10.0 ** (-exponent if powered[1] else exponent)
    return float(text.replace("−", "-"))


def values(labels: list[str], offset: str | None) -> list[float]:
    """What an axis's labels stand for: each label, or offset + label × 10^k."""
    if offset is None:
        return [number(label) for label in labels]
    found = re.fullmatch(r"(?:(.+) \+ )?tick × (.+)", offset)
    assert found, offset
    base, unit = number(found[1] or "0"), number(found[2])
    return [base + number(label) * unit for label in labels]


def overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5


@pytest.fixture(scope="module")
def drawn(browser, tmp_path_factory) -> tuple[Page, list[dict]]:
    path = tmp_path_factory.mktemp("axis-labels") / "labels.html"
    done = subprocess.run(
        [sys.executable, "-c", EXPORT.format(figures=FIGURES), str(path)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    context = browser.new_context(viewport={"width": 1000, "height": 1900})
    page = context.new_page()
    page.add_init_script(RECORD_JS)
    page.goto(path.as_uri())
    expect(page.locator(".vw-static-widget[data-rendered=true]")).to_have_count(len(FIGURES))
    page.wait_for_timeout(500)  # the chrome redraws on the first animation frame (theme)
    assert not browser_log(page).page_errors
    figures = page.evaluate(DRAWN_JS)
    screenshot(page, "axis-labels")
    yield page, figures
    context.close()


def kinds(texts: list[dict]) -> dict[str, list[dict]]:
    """The texts of one drawing by what they are, from how they are drawn."""
    small = [t for t in texts if t["font"].startswith("10px")]
    return {
        "x": [t for t in texts if t["align"] == "center" and t["baseline"] == "top"],
        "y": [t for t in texts if t["align"] == "right" and t["baseline"] == "middle"],
        "bar": [
            t
            for t in texts
            if t["align"] == "left" and t["baseline"] == "middle" and t["font"].startswith("11px")
        ],
        "x offset": [t for t in small if t["baseline"] == "bottom"],
        "y offset": [t for t in small if t["baseline"] == "alphabetic" and t["align"] == "left"],
        "bar offset": [t for t in small if t["baseline"] == "alphabetic" and t["align"] == "right"],
        "y label": [t for t in texts if t["rotated"] and t["at"][0] < 40],
    }


@pytest.mark.parametrize("index", range(len(FIGURES)))
def test_labels_stay_inside_apart_and_distinct(drawn, index):
    _, figures = drawn
    figure = figures[index]
    texts = figure["texts"]
    width, height = figure["size"]
    for t in texts:
        x0, y0, x1, y1 = t["box"]
        assert x0 >= -0.5 and y0 >= -0.5 and x1 <= width + 0.5 and y1 <= height + 0.5, t
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert not overlap(a["box"], b["box"]), (a["text"], b["text"])
    for name in ("x", "y", "bar"):
        labels = [t["text"] for t in kinds(texts)[name]]
        assert len(labels) >= 2 and len(set(labels)) == len(labels), (name, labels)


@pytest.mark.parametrize("index", range(len(FIGURES)))
def test_labels_say_where_they_stand(drawn, index):
    """Each tick's value (its label, or offset + label × 10^k) lies on a straight line
    through the labels' positions that puts the plot's edges at the view's range ends."""
    _, figures = drawn
    figure = figures[index]
    x_range, y_range, *_ = FIGURES[index]
    found = kinds(figure["texts"])
    left, top, plot_width, plot_height = figure["plot"]
    for axis, (lo, hi), start, length, coordinate in (
        ("x", x_range, left, plot_width, 0),
        ("y", y_range, top + plot_height, -plot_height, 1),
    ):
        ticks = found[axis]
        offsets = [t["text"] for t in found[f"{axis} offset"]]
        assert len(offsets) <= 1
        said = values([t["text"] for t in ticks], offsets[0] if offsets else None)
        cell = (hi - lo) / 31  # a cell of the 32-point grid: the plot spans cell edges
        for value, tick in zip(said, ticks, strict=True):
            position = (tick["at"][coordinate] - start) / length  # 0 at lo's edge, 1 at hi's
            expected = lo - cell / 2 + position * (hi - lo + cell)
            pixel = (hi - lo + cell) / abs(length)  # positions are whole pixels + 0.5
            assert abs(value - expected) <= 1.5 * pixel, (axis, tick["text"], value, expected)


def test_deep_zooms_count_from_an_offset_and_plain_views_do_not(drawn):
    _, figures = drawn
    found = [kinds(f["texts"]) for f in figures]
    assert not any(found[0][k] for k in ("x offset", "y offset", "bar offset"))
    assert [t["text"] for t in found[1]["y offset"]] == ["0.110000 + tick × 10⁻⁶"]
    assert [t["text"] for t in found[2]["x offset"]] == ["−0.745300000000 + tick × 10⁻¹²"]
    assert found[2]["y offset"] and found[2]["bar offset"]
    assert [t["text"] for t in found[3]["x offset"]] == ["1000000.0 + tick × 0.1"]
    # The y axis label moves left of the widest y tick label, never onto it.
    for f in found:
        (label,) = f["y label"]
        assert all(label["box"][2] < t["box"][0] for t in f["y"])


def test_range_boxes_write_a_deep_zooms_ends_apart_and_whole(drawn):
    page, _ = drawn
    for index, (x_range, y_range, *_rest) in enumerate(FIGURES):
        root = page.locator(".vw-grid-explorer").nth(index)
        for name, value in zip(("x min", "x max", "y min", "y max"), (*x_range, *y_range)):
            box = root.get_by_label(f"{name} value", exact=True)
            assert float(box.input_value()) == pytest.approx(value, abs=abs(value) * 1e-14), name
            assert box.evaluate("(el) => el.scrollWidth <= el.clientWidth"), (index, name)
