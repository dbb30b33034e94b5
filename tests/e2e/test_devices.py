"""Both widgets on several devices in a real JupyterLab whose kernel forces 4 host devices
(where real jax sharding puts the cells is checked by the Python tests; here, that the page
shows it).

GridExplorer with ``devices=4``: the status line names them, the Devices button outlines the
cells each computes and turns the outlines off again. AxisExplorer's devices control:
choosing 2 tints every cell by the device that holds it, runs the two devices' calls side by
side and shows the ``jax.sharding`` code; 4 devices for a batch of 6 says why it cannot be
split."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from .notebook_ui import (
    assert_no_widget_errors,
    execute_in_kernel,
    kernel_json,
    run_source,
    save_screenshot,
    set_theme,
)
from .servers import Server

FOUR_DEVICES = """
import os
flag = " --xla_force_host_platform_device_count=4"
os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + flag
import jax.numpy as jnp
from vmapwidget import AxisExplorer, GridExplorer
"""

GRID_SOURCE = (
    FOUR_DEVICES
    + """
w = GridExplorer(lambda x, y: jnp.sin(3 * x) * y, resolution=128, devices=4)
w
"""
)

AXIS_SOURCE = (
    FOUR_DEVICES
    + """
w = AxisExplorer(lambda x, v: x @ v, jnp.arange(18.0).reshape(6, 3), jnp.arange(3.0),
                 in_axes=(0, None))
w
"""
)

# Near-white pixels of the heatmap canvas (viridis has none: they are the outlines and
# labels), counted per column.
WHITE_COLUMNS_JS = """
(canvas) => {
  const { width, height } = canvas;
  const data = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const columns = new Array(width).fill(0);
  for (let k = 0; k < data.length; k += 4) {
    if (data[k] > 230 && data[k + 1] > 230 && data[k + 2] > 230) columns[(k / 4) % width] += 1;
  }
  return { columns, width, height };
}
"""


def white_columns(page: Page) -> dict:
    return page.locator(".vw-ge-image").evaluate(WHITE_COLUMNS_JS)


def test_the_devices_button_outlines_each_devices_cells(
    page: Page, lab_server: Server, tmp_path: Path
) -> None:
    run_source(page, lab_server, tmp_path / "grid_devices.ipynb", GRID_SOURCE)
    root = page.locator(".vw-grid-explorer")
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "1")
    expect(root).to_contain_text("on 4 devices")
    assert kernel_json(page, "w.stats['devices']") == 4
    # Where the kernel puts the cells: x's 128 rows in four blocks of 32, one per device.
    layout = kernel_json(page, "sorted(w.device_layout)")
    assert [b[1:] for b in layout] == [[32 * k, 32 * k + 32, 0, 128] for k in range(4)]
    button = root.get_by_role("button", name="Devices")
    expect(button).to_have_attribute("aria-pressed", "false")
    assert sum(white_columns(page)["columns"]) == 0
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    page.wait_for_function(
        "(c) => c.width > 200", arg=root.locator(".vw-ge-image").element_handle()
    )
    assert kernel_json(page, "w.show_devices") is True
    seen = white_columns(page)
    width, height, columns = seen["width"], seen["height"], seen["columns"]
    # An outline runs down both sides of every boundary between blocks (x = k/4 of the plot)...
    for k in (1, 2, 3):
        near = columns[round(k * width / 4) - 6 : round(k * width / 4) + 6]
        assert sum(near) > height, (k, near)
    # ...and nowhere through the middle of a block (labels are in its top-left corner).
    for k in range(4):
        middle = round((k + 0.5) * width / 4)
        assert max(columns[middle - 3 : middle + 3]) < height * 0.05, k
    expect(root.locator(".vw-ge-image")).to_have_attribute("data-frame-id", "1")  # no new frame
    save_screenshot(page.locator(".vw-grid-explorer"), "grid_devices-outlines")
    set_theme(page, dark=True)
    page.wait_for_timeout(500)
    save_screenshot(page.locator(".vw-grid-explorer"), "grid_devices-outlines-dark")
    set_theme(page, dark=False)
    execute_in_kernel(page, "w.resolution = 96")  # a new grid: the outlines follow it
    expect(root.locator(".vw-ge-image")).not_to_have_attribute("data-frame-id", "1")
    assert kernel_json(page, "w._device_layout['n']") == [96, 96]
    button.click()
    expect(button).to_have_attribute("aria-pressed", "false")
    page.wait_for_function(
        "(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " for (let k = 0; k < d.length; k += 4) if (d[k] > 230 && d[k+1] > 230 && d[k+2] > 230)"
        " return false; return true; }",
        arg=root.locator(".vw-ge-image").element_handle(),
    )
    assert kernel_json(page, "w.show_devices") is False
    assert_no_widget_errors(page)


ROWS_JS = """
(leaf) => [...leaf.querySelectorAll('.vw-cell')].map(
  (c) => `${c.dataset.state}@${c.dataset.device ?? '-'}`)
"""


def test_the_axis_explorer_tints_each_devices_cells_and_runs_them_side_by_side(
    page: Page, lab_server: Server, tmp_path: Path
) -> None:
    run_source(page, lab_server, tmp_path / "axis_devices.ipynb", AXIS_SOURCE)
    root = page.locator(".vw-axis-explorer")
    picker = root.get_by_label("devices")
    expect(picker).to_be_visible()
    assert picker.locator("option").all_inner_texts() == ["1", "2", "4"]
    x = root.locator('.vw-leaf[data-path="x"]')
    out = root.locator('.vw-leaf[data-path="out"]')
    expect(x.locator(".vw-cell[data-device]")).to_have_count(0)
    picker.select_option("2")
    expect(out.locator(".vw-cell[data-device]")).to_have_count(6)
    assert kernel_json(page, "w.devices") == 2
    # x's rows 0-2 are on device 0, rows 3-5 on device 1 (3 cells a row); v is on both, whole.
    rows = x.evaluate(ROWS_JS)
    assert [r.split("@")[1] for r in rows] == [str(k // 9) for k in range(18)]
    expect(root.locator('.vw-leaf[data-path="v"] .vw-cell[data-device]')).to_have_count(0)
    expect(root.locator(".vw-device-note")).to_contain_text("2 devices side by side")
    expect(root.locator(".vw-player")).to_contain_text("step 1 of 3")
    root.get_by_role("button", name="next call").click()
    expect(root.locator(".vw-player")).to_contain_text("step 2 of 3")
    # Step 2: both devices make their second call at once: out[1] and out[4].
    states = out.evaluate(ROWS_JS)
    assert states == [f"{s}@{k // 3}" for k, s in enumerate(["done", "current", "pending"] * 2)]
    expect(root.locator(".vw-call-line")).to_have_count(2)
    expect(root.locator(".vw-call-line").nth(1)).to_contain_text("device 1, call b = 4")
    code = root.locator(".vw-code-block", has_text="jax.sharding")
    expect(code).to_contain_text("mesh = Mesh(np.array(jax.devices()[:2]), ('batch',))")
    save_screenshot(page.locator(".vw-axis-explorer"), "axis_devices-2")
    set_theme(page, dark=True)
    page.wait_for_timeout(500)
    save_screenshot(page.locator(".vw-axis-explorer"), "axis_devices-2-dark")
    set_theme(page, dark=False)
    # A batch of 6 over 4 devices: the diagram stays, the note says why, nothing is tinted.
    picker.select_option("4")
    expect(root.locator(".vw-device-note")).to_contain_text("does not split evenly")
    expect(out.locator(".vw-cell[data-device]")).to_have_count(0)
    expect(code).to_be_hidden()
    expect(root.locator(".vw-player")).to_contain_text(" of 6")
    picker.select_option("1")
    expect(root.locator(".vw-device-note")).to_be_hidden()
    assert kernel_json(page, "w.devices") == 1
    assert_no_widget_errors(page)
