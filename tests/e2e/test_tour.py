"""examples/tour.ipynb runs top to bottom in JupyterLab and every step draws what it should."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from .notebook_ui import (
    ARTIFACTS,
    assert_no_widget_errors,
    execute_in_kernel,
    open_notebook,
    run_all_cells,
)
from .servers import Server

NOTEBOOK = "examples/tour.ipynb"
DARK = "JupyterLab Dark"
# The AxisExplorers of the tour, in order.
FAULT = re.compile(r"\bvw-fault\b")
STEPS = ["dense", "zipped", "out1", "out2", "mismatch", "ride_along", "grid", "named", "sharded"]
# JS: the text outputs of every code cell, read from the cell models (JupyterLab does not
# render the cells scrolled out of view, so their DOM text is empty).
OUTPUT_TEXT_JS = """
() => window.jupyterapp.shell.currentWidget.content.widgets
  .filter((cell) => cell.model.type === 'code')
  .map((cell) => cell.model.outputs.toJSON()
    .map((o) => [].concat(o.text ?? (o.data && o.data['text/plain']) ?? '').join(''))
    .join(''))
"""


def save(root: Locator, name: str) -> None:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    root.scroll_into_view_if_needed()
    root.screenshot(path=str(path))


def leaf(root: Locator, path: str) -> Locator:
    return root.locator(f'.vw-leaf[data-path="{path}"]')


def test_tour_runs_and_every_step_renders(page: Page, lab_server: Server) -> None:
    open_notebook(page, lab_server, NOTEBOOK)
    run_all_cells(page)
    explorers = page.locator(".vw-axis-explorer")
    expect(explorers).to_have_count(len(STEPS))
    expect(page.locator(".vw-grid-explorer")).to_have_count(2)
    assert_no_widget_errors(page)
    steps = dict(zip(STEPS, (explorers.nth(i) for i in range(len(STEPS))), strict=True))

    outputs = "\n".join(page.evaluate(OUTPUT_TEXT_JS))
    assert "dot_general requires contracting dimensions" in outputs
    assert "[[5 7 9]]\n(1, 3)" in outputs and "(3, 1)" in outputs
    assert "True" in outputs

    dense = steps["dense"]
    expect(dense.locator(".vw-rowcap").first).to_have_text("batch · axis 0 · size 3")
    expect(dense.locator(".vw-unbatched .vw-error")).to_contain_text("TypeError")
    expect(dense.locator(".vw-call-code")).to_have_text("dense_layer(x[0]) → out[0]")
    expect(leaf(dense, "out").locator(".vw-cell")).to_have_count(6)

    zipped = steps["zipped"]
    expect(zipped.locator(".vw-call-code")).to_have_text("func(x[0], y[0]) → out[0]")

    out1 = steps["out1"]
    expect(leaf(out1, "x").locator(".vw-colcap")).to_have_text("batch · axis 1 · size 3")
    expect(leaf(out1, "y").locator(".vw-rowcap")).to_have_text("batch · axis 0 · size 3")
    expect(leaf(out1, "out").locator(".vw-leaf-shape")).to_have_text("shape (1, 3)")
    expect(out1.locator(".vw-call-code")).to_have_text("func(x[:, 0], y[0]) → out[:, 0]")
    expect(out1.locator(".vw-code").first).to_have_text(
        "jax.vmap(func, in_axes=(1, 0), out_axes=1)(x, y)"
    )
    expect(leaf(steps["out2"], "out").locator(".vw-leaf-shape")).to_have_text("shape (3, 1)")

    mismatch = steps["mismatch"]
    expect(mismatch.locator(".vw-diagram > .vw-error")).to_contain_text(
        "The mapped axes have different sizes"
    )
    expect(leaf(mismatch, "y")).to_have_class(FAULT)
    expect(leaf(mismatch, "x")).not_to_have_class(FAULT)
    expect(mismatch.locator('.vw-sel[data-arg="1"]')).to_have_class(FAULT)

    ride_along = steps["ride_along"]
    expect(leaf(ride_along, "x").locator(".vw-badge")).to_have_text("passed whole to every call")
    expect(leaf(ride_along, "x").locator(".vw-cell")).to_have_attribute("data-state", "whole")

    grid = steps["grid"]
    expect(grid.locator(".vw-sel-level")).to_have_text(["outer vmap", "inner vmap"])
    expect(leaf(grid, "out").locator(".vw-cell")).to_have_count(20)
    expect(leaf(grid, "out").locator(".vw-colcap")).to_have_text("batch j · axis 1 · size 4")
    expect(leaf(grid, "out").locator(".vw-rowcap")).to_have_text("batch i · axis 0 · size 5")
    expect(grid.locator(".vw-step")).to_have_text("call 1 of 20")
    for _ in range(5):
        grid.get_by_role("button", name="next call").click()
    expect(grid.locator(".vw-call-code")).to_have_text("func(x[1], y[1]) → out[1, 1]")
    states = (
        leaf(grid, "out")
        .locator(".vw-cell")
        .evaluate_all("(cells) => cells.map((c) => c.dataset.state)")
    )
    assert states == ["done"] * 5 + ["current"] + ["pending"] * 14

    named = steps["named"]
    expect(named.locator(".vw-collective-chip")).to_have_text(["psum over 'i'"])
    expect(named.locator(".vw-step")).to_have_text("call 1 of 4 · until psum over 'i'")

    # The last chapter: 8 inputs over the 4 devices the notebook's first cell asked for.
    sharded = steps["sharded"]
    devices = (
        leaf(sharded, "out")
        .locator(".vw-cell")
        .evaluate_all("(cells) => cells.map((c) => c.dataset.device)")
    )
    assert devices == [str(k // 4) for k in range(16)]  # out is (8, 2): two rows a device
    expect(sharded.locator(".vw-step")).to_have_text("step 1 of 2: 4 calls at once, one per device")
    expect(sharded.locator(".vw-code-block", has_text="jax.sharding")).to_contain_text(
        "jax.devices()[:4]"
    )
    assert "out [(0, slice(0, 2, None)), (1, slice(2, 4, None))" in outputs
    sharded_grid = page.locator(".vw-grid-explorer").nth(1)
    expect(sharded_grid).to_contain_text("on 4 devices")
    expect(sharded_grid.get_by_role("button", name="Devices")).to_have_attribute(
        "aria-pressed", "true"
    )

    for name, root in steps.items():
        save(root, f"tour-{name}")
    save(sharded_grid, "tour-sharded-grid")
    assert execute_in_kernel(page, "print(grid.result.shape)") == "(5, 4)\n"

    page.evaluate(
        "(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", DARK
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    colour = out1.locator(".vw-leaf-path").first.evaluate("(el) => getComputedStyle(el).color")
    channels = [int(c) for c in colour[colour.index("(") + 1 : colour.index(")")].split(",")[:3]]
    assert min(channels) > 128, f"text {colour} is not light on the dark theme"
    for name in ("dense", "out1", "mismatch", "grid", "named", "sharded"):
        save(steps[name], f"tour-{name}-dark")
