"""GridExplorer's bqplot mirror (``w.figure``) in a real JupyterLab: bqplot draws the
heatmap with the axes named after f's parameters, and redraws when Python moves a value."""

from __future__ import annotations

import base64
import io
from pathlib import Path

import numpy as np
from PIL import Image
from playwright.sync_api import Locator, Page, expect

from .notebook_ui import (
    ARTIFACTS,
    assert_no_widget_errors,
    execute_in_kernel,
    run_source,
)
from .servers import Server

SOURCE = """\
import jax.numpy as jnp
from vmapwidget import GridExplorer


def wave(weight, bias, a):
    return jnp.sin(a * weight) * bias


w = GridExplorer(wave, x=(-3, 3), y=(-2, 2), resolution=48, a=(0.1, 3.0, 1.0))
w.figure"""

# JS: the data URL of the PNG bqplot's HeatMap drew (an SVG <image> fed by its canvas).
HEATMAP_HREF_JS = "(image) => image.getAttribute('href') || image.getAttribute('xlink:href')"


def heatmap_pixels(image: Locator) -> np.ndarray:
    """The RGB pixels of the PNG bqplot's HeatMap shows now."""
    href = image.evaluate(HEATMAP_HREF_JS)
    assert href and href.startswith("data:image/png;base64,"), (href or "")[:80]
    png = base64.b64decode(href.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def save(root: Locator, name: str) -> None:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(path))


def test_mirror_draws_named_axes_and_follows_python(
    page: Page, lab_server: Server, tmp_path: Path
) -> None:
    run_source(page, lab_server, tmp_path / "grid_figure.ipynb", SOURCE)

    figure = page.locator(".bqplot.figure")
    expect(figure).to_have_count(1)
    image = figure.locator("image.heatmap")
    page.wait_for_function(
        f"(image) => ({HEATMAP_HREF_JS})(image)?.startsWith('data:image/png')",
        arg=image.element_handle(),
    )
    labels = figure.locator(".axislabel")
    expect(labels.filter(has_text="weight")).to_have_count(1)
    expect(labels.filter(has_text="bias")).to_have_count(1)
    assert figure.locator(".tick text").count() > 4, "the axes have no tick labels"
    before = heatmap_pixels(image)
    assert len(np.unique(before.reshape(-1, 3), axis=0)) > 20, "the heatmap is one colour"
    save(figure, "grid_figure-light")

    old_href = image.evaluate(HEATMAP_HREF_JS)
    execute_in_kernel(page, 'w.params = {"a": 2.5}')
    page.wait_for_function(
        f"([image, old]) => ({HEATMAP_HREF_JS})(image) !== old",
        arg=[image.element_handle(), old_href],
    )
    after = heatmap_pixels(image)
    assert after.shape == before.shape
    changed = np.abs(after - before).sum(axis=2) > 30
    assert changed.mean() > 0.2, f"only {changed.mean():.0%} of the pixels changed colour"
    save(figure, "grid_figure-light-a2.5")
    assert_no_widget_errors(page)
