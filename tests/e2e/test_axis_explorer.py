"""AxisExplorer in real JupyterLab and Notebook 7: selectors re-run vmap and redraw, errors show in
place, the keyboard works, Python-side changes redraw, the animation advances, and the
collectives drawn are the ones the plan names, at the level they reduce over."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from .notebook_ui import (
    ARTIFACTS,
    assert_no_widget_errors,
    execute_in_kernel,
    kernel_json,
    run_all_cells,
    run_source,
    write_source,
)
from .pages import SharedNotebooks
from .servers import Server

FAULT = re.compile(r"\bvw-fault\b")
SOURCE = """\
import jax.numpy as jnp
from vmapwidget.widgets.axis_explorer import AxisExplorer


def func(x, y):
    return x + y


w = AxisExplorer(func, jnp.array([[1, 2, 3]]), jnp.array([[4], [5], [6]]),
                 in_axes=(1, 0), out_axes=1)
w"""


@pytest.fixture
def explorer(shared_notebooks: SharedNotebooks, jupyter_server: Server, tmp_path: Path) -> Locator:
    """The explorer of SOURCE, just run, in a page (per server) the tests of this module
    share: each test's run makes a new explorer and view. Its page: ``explorer.page``."""
    path = write_source(tmp_path / "axis_explorer.ipynb", SOURCE)
    page = shared_notebooks.open(jupyter_server, path)
    run_all_cells(page)
    root = page.locator(".vw-axis-explorer")
    expect(root).to_have_count(1)
    expect(root.locator(".vw-step")).to_have_text("call 1 of 3")
    return root


def selector(root: Locator, kind: str, arg: int | None = None) -> Locator:
    where = f'[data-kind="{kind}"]' + ("" if arg is None else f'[data-arg="{arg}"]')
    return root.locator(f".vw-sel{where}")


def radio(root: Locator, kind: str, value: str, arg: int | None = None) -> Locator:
    return selector(root, kind, arg).get_by_role("radio", name=value, exact=True)


def out_shape(root: Locator) -> Locator:
    return root.locator('.vw-leaf[data-path="out"] .vw-leaf-shape')


def save(root: Locator, name: str) -> None:
    path = ARTIFACTS / "screenshots" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    root.screenshot(path=str(path))


def test_selectors_rerun_vmap_and_show_errors_in_place(explorer: Locator) -> None:
    root, page = explorer, explorer.page
    expect(root.locator(".vw-code").first).to_have_text(
        "jax.vmap(func, in_axes=(1, 0), out_axes=1)(x, y)"
    )
    radio(root, "out_axes", "0").click()
    expect(out_shape(root)).to_have_text("shape (3, 1)")
    expect(root.locator(".vw-code").first).to_have_text(
        "jax.vmap(func, in_axes=(1, 0), out_axes=0)(x, y)"
    )
    loop = root.locator(".vw-code-block", has_text="the Python loop it replaces")
    expect(loop).to_contain_text("jnp.stack(results, axis=0)")
    expect(radio(root, "out_axes", "0")).to_be_checked()
    assert execute_in_kernel(page, "print(w.out_axes, w.result.shape)") == "0 (3, 1)\n"

    radio(root, "in_axes", "1", arg=1).click()
    error = root.locator(".vw-diagram > .vw-error")
    expect(error).to_contain_text("The mapped axes have different sizes")
    expect(root.locator('.vw-leaf[data-path="out"]')).to_be_hidden()
    expect(selector(root, "in_axes", 1)).to_have_class(FAULT)
    expect(root.locator('.vw-leaf[data-path="y"]')).to_have_class(FAULT)
    expect(root.locator(".vw-step")).to_have_text("no calls: vmap fails")
    save(root, "axis-explorer-error")
    assert execute_in_kernel(page, "print(w.in_axes, w.result)") == "(1, 1) None\n"

    # Keyboard: the checked radio has focus; the left arrow picks the previous option.
    radio(root, "in_axes", "1", arg=1).focus()
    page.keyboard.press("ArrowLeft")
    expect(error).to_be_hidden()
    expect(radio(root, "in_axes", "0", arg=1)).to_be_checked()
    expect(out_shape(root)).to_have_text("shape (3, 1)")
    assert execute_in_kernel(page, "print(w.in_axes)") == "(1, 0)\n"
    page.keyboard.press("ArrowLeft")
    expect(radio(root, "in_axes", "None", arg=1)).to_be_checked()
    expect(root.locator('.vw-leaf[data-path="y"] .vw-badge')).to_have_text(
        "passed whole to every call"
    )
    expect(radio(root, "in_axes", "None", arg=1)).to_be_focused()
    assert_no_widget_errors(page)


def test_python_side_changes_redraw(explorer: Locator) -> None:
    root, page = explorer, explorer.page
    execute_in_kernel(page, "w.set_axes(in_axes=(-1, -2), out_axes=-1)")
    expect(root.locator(".vw-code").first).to_have_text(
        "jax.vmap(func, in_axes=(-1, -2), out_axes=-1)(x, y)"
    )
    expect(radio(root, "in_axes", "-1", arg=0)).to_be_checked()
    expect(radio(root, "out_axes", "-1")).to_be_checked()
    expect(root.locator('.vw-leaf[data-path="x"] .vw-colcap')).to_have_text(
        "batch · axis 1 · size 3"
    )
    execute_in_kernel(page, "w.in_axes = (7, 0)")
    expect(root.locator(".vw-diagram > .vw-error")).to_contain_text("valid axes are 0…1")
    expect(selector(root, "in_axes", 0).locator(".vw-opt-invalid")).to_have_text("7")
    assert_no_widget_errors(page)


def test_animation_plays_steps_and_fills_the_output(explorer: Locator) -> None:
    root, page = explorer, explorer.page
    cells = root.locator('.vw-leaf[data-path="out"] .vw-cell')
    x_cells = root.locator('.vw-leaf[data-path="x"] .vw-cell')

    def states(locator: Locator) -> list[str]:
        return locator.evaluate_all("(cells) => cells.map((c) => c.dataset.state)")

    assert states(cells) == ["current", "pending", "pending"]
    root.get_by_role("button", name="next call").click()
    expect(root.locator(".vw-step")).to_have_text("call 2 of 3")
    expect(root.locator(".vw-call-code")).to_have_text("func(x[:, 1], y[1]) → out[:, 1]")
    assert states(cells) == ["done", "current", "pending"]
    assert states(x_cells) == ["idle", "active", "idle"]
    save(root, "axis-explorer-step-2")

    root.get_by_role("button", name="first call").click()
    root.get_by_label("speed").select_option("4")
    root.get_by_role("button", name="play").click()
    expect(root.locator(".vw-step")).to_have_text("call 3 of 3")
    expect(root.get_by_role("button", name="play")).to_have_attribute("aria-pressed", "false")
    assert states(cells) == ["done", "done", "current"]
    root.get_by_role("button", name="previous call").click()
    expect(root.locator(".vw-step")).to_have_text("call 2 of 3")
    assert_no_widget_errors(page)


FORMULA_SOURCE = """\
import jax.numpy as jnp
from vmapwidget import AxisExplorer

w = AxisExplorer("x * y", jnp.arange(3.0), jnp.arange(3.0) + 1, editable_formula=True)
w"""


def test_formula_box_edits_f_and_refuses_bad_formulas(
    page: Page, lab_server: Server, tmp_path: Path
) -> None:
    run_source(page, lab_server, tmp_path / "axis_formula.ipynb", FORMULA_SOURCE)
    root = page.locator(".vw-axis-explorer")
    box = root.get_by_role("textbox", name="formula")
    cells = root.locator('.vw-outputs .vw-leaf[data-path="out"] .vw-cell')
    expect(box).to_have_value("x * y")
    expect(root.locator(".vw-formula-label")).to_have_text("f(x, y) =")
    expect(cells).to_have_text(["0", "2", "6"])
    box.fill("x + y + 1")
    expect(cells).to_have_text(["2", "4", "6"])
    kernel_view = "print(w.formula, w.result.tolist())"
    assert execute_in_kernel(page, kernel_view).strip() == "x + y + 1 [2.0, 4.0, 6.0]"
    box.fill("x +* y")
    expect(root.locator(".vw-formula-error")).to_contain_text("invalid syntax at column 4")
    expect(root.locator(".vw-formula-mark")).to_have_text("   ^")
    expect(box).to_have_attribute("aria-invalid", "true")
    expect(cells).to_have_text(["2", "4", "6"])
    assert execute_in_kernel(page, kernel_view).strip() == "x + y + 1 [2.0, 4.0, 6.0]"
    box.fill("x - y")
    expect(cells).to_have_text(["-1", "-1", "-1"])
    expect(root.locator(".vw-formula-error")).to_be_empty()
    expect(box).to_have_attribute("aria-invalid", "false")
    root.screenshot(path=str(ARTIFACTS / "screenshots" / "axis-explorer-formula.png"))
    assert_no_widget_errors(page)


TWO_VIEWS_SOURCE = """\
import jax.numpy as jnp
from IPython.display import display
from vmapwidget import AxisExplorer

w = AxisExplorer("x * y", jnp.arange(3.0), jnp.arange(3.0) + 1, editable_formula=True)
display(w)
display(w)"""


def test_two_views_of_one_explorer_keep_their_replies_apart(
    page: Page, lab_server: Server, tmp_path: Path
) -> None:
    """Every view numbers its requests from 1: a reply names the view it answers (vid), so
    the other view neither marks its own box nor lets its own request go for it."""
    run_source(page, lab_server, tmp_path / "axis_two_views.ipynb", TWO_VIEWS_SOURCE)
    views = page.locator(".vw-axis-explorer")
    expect(views).to_have_count(2)
    first, second = views.nth(0), views.nth(1)
    boxes = [view.get_by_role("textbox", name="formula") for view in (first, second)]
    for box in boxes:
        expect(box).to_have_value("x * y")
    boxes[0].fill("x +* y")
    expect(first.locator(".vw-formula-error")).to_contain_text("invalid syntax at column 4")
    expect(first.locator(".vw-formula-mark")).to_have_text("   ^")
    expect(boxes[0]).to_have_attribute("aria-invalid", "true")
    # Both views got the reply (it is broadcast); only the one that asked shows it.
    expect(second.locator(".vw-formula-error")).to_be_empty()
    expect(second.locator(".vw-formula-mark")).to_be_empty()
    expect(boxes[1]).not_to_have_attribute("aria-invalid", "true")
    # The second view's own request (also its number 1) is answered for it alone.
    boxes[1].fill("x - y")
    cells = second.locator('.vw-outputs .vw-leaf[data-path="out"] .vw-cell')
    expect(cells).to_have_text(["-1", "-1", "-1"])
    expect(first.locator('.vw-outputs .vw-leaf[data-path="out"] .vw-cell')).to_have_text(
        ["-1", "-1", "-1"]
    )
    expect(first.locator(".vw-formula-error")).to_contain_text("invalid syntax at column 4")
    expect(second.locator(".vw-formula-error")).to_be_empty()
    assert execute_in_kernel(page, "print(w.formula)").strip() == "x - y"
    assert_no_widget_errors(page)


COLLECTIVES_SOURCE = """\
import jax
import jax.numpy as jnp
from IPython.display import display
from vmapwidget import AxisExplorer

x = jnp.arange(8.0).reshape(4, 2)
centred = AxisExplorer(lambda x: x - jax.lax.pmean(x, "i"), x, axis_name="i")
gathered = AxisExplorer(lambda v: jax.lax.all_gather(v, "i"), jnp.arange(3.0), axis_name="i")
nest = AxisExplorer.nested(
    lambda a, b: a * b - jax.lax.pmean(a * b, "j") + jax.lax.psum(a, "i"),
    jnp.arange(3.0), jnp.arange(4.0), axis_names=("i", "j"))
sized = AxisExplorer(lambda a: a * 2, jnp.ones(3), axis_size=4)
keyed = AxisExplorer(lambda a, b: a * b, jnp.ones(3), b=jnp.arange(3.0))
explorers = {"centred": centred, "gathered": gathered, "nest": nest}
for w in (centred, gathered, nest, sized, keyed):
    display(w)"""
# What the plan of every explorer says: (name, axis names, level) of each collective.
PLANNED = (
    "{k: [(c['name'], c['axis_names'], c['level']) for c in w.diagram['collectives']]"
    " for k, w in explorers.items()}"
)


def drawn_collectives(root: Locator) -> list[list[object]]:
    chips = root.locator(".vw-collective-chip")
    return chips.evaluate_all(
        "(cs) => cs.map((c) => [c.dataset.collective, c.textContent, Number(c.dataset.level)])"
    )


def step_to_collective(root: Locator, name: str) -> Locator:
    """Press "next call" until the step shows collective ``name`` running; its picture."""
    figure = root.locator(".vw-collective")
    for _ in range(40):
        if root.get_attribute("data-moment") == "collective" and (
            figure.get_attribute("data-collective") == name
        ):
            break
        root.get_by_role("button", name="next call").click()
    expect(figure).to_have_class(re.compile(r"\bvw-collective-now\b"))
    expect(figure).to_have_attribute("data-collective", name)
    return figure


def test_collectives_drawn_are_the_plans(page: Page, lab_server: Server, tmp_path: Path) -> None:
    run_source(page, lab_server, tmp_path / "axis_collectives.ipynb", COLLECTIVES_SOURCE)
    views = page.locator(".vw-axis-explorer")
    expect(views).to_have_count(5)
    centred, gathered, nest, sized, keyed = (views.nth(i) for i in range(5))
    planned = kernel_json(page, PLANNED)
    assert isinstance(planned, dict)
    for key, root in (("centred", centred), ("gathered", gathered), ("nest", nest)):
        label = " · ".join(["{} over '{}'", "{} vmap, index {}"][: 1 + (key == "nest")])
        expected = [
            [name, label.format(name, names[0], ["outer", "inner"][level], "ij"[level]), level]
            if key == "nest"
            else [name, label.format(name, names[0]), level]
            for name, names, level in planned[key]
        ]
        assert drawn_collectives(root) == expected, key
    assert planned["nest"] == [["psum", ["j"], 1], ["psum", ["i"], 0]]

    # psum (pmean is psum, then a division): after the 4 calls reach it, all flow in and out.
    expect(centred.locator(".vw-step")).to_have_text("call 1 of 4 · until psum over 'i'")
    expect(centred.locator(".vw-sel-readonly[data-kind='axis_name']")).to_have_text("axis_name='i'")
    figure = step_to_collective(centred, "psum")
    expect(centred.locator(".vw-step")).to_have_text("psum over 'i' · all calls at once")
    expect(figure.locator(".vw-node")).to_have_text("psum over 'i'")
    expect(figure.locator(".vw-source")).to_have_count(4)
    expect(figure.locator(".vw-flow-out")).to_have_count(4)
    page.wait_for_timeout(1300)  # the arrows fade in
    save(centred, "axis-explorer-psum")
    out = centred.locator('.vw-outputs .vw-leaf[data-path="out"] .vw-cell')
    expect(out.first).to_have_attribute("data-state", "pending")
    centred.get_by_role("button", name="next call").click()
    expect(centred.locator(".vw-step")).to_have_text("call 1 of 4 · after psum over 'i'")
    expect(out.first).to_have_attribute("data-state", "current")

    figure = step_to_collective(gathered, "all_gather")
    expect(figure.locator(".vw-node")).to_have_text("all_gather over 'i'")
    expect(figure.locator(".vw-target")).to_have_text(["b = 0all 3", "b = 1all 3", "b = 2all 3"])
    expect(figure.locator(".vw-collective-caption")).to_contain_text("shape (3,)")

    # The nest: psum over 'j' runs first, within each i; then psum over 'i', over the outer vmap.
    figure = step_to_collective(nest, "psum")
    expect(figure).to_have_attribute("data-level", "1")
    expect(figure.locator(".vw-source")).to_have_count(4)
    expect(figure.locator(".vw-collective-caption")).to_contain_text("for each i separately")
    nest.get_by_role("button", name="next call").click()
    figure = step_to_collective(nest, "psum")
    expect(figure).to_have_attribute("data-level", "0")
    expect(figure.locator(".vw-node")).to_have_text("psum over 'i'")
    expect(figure.locator(".vw-source")).to_have_count(3)
    expect(nest.locator(".vw-code").first).to_contain_text("axis_name='j'), in_axes=")

    # axis_size that does not fit: the error says so, axis_size is marked, the selectors work.
    expect(sized.locator(".vw-diagram > .vw-error")).to_contain_text("its axis_size does not fit")
    expect(sized.locator(".vw-sel-readonly[data-kind='axis_size']")).to_have_class(FAULT)
    radio(sized, "in_axes", "None").click()
    expect(sized.locator(".vw-diagram > .vw-error")).to_be_hidden()
    expect(sized.locator(".vw-step")).to_have_text("call 1 of 4")
    expect(sized.locator('.vw-outputs .vw-leaf[data-path="out"] .vw-leaf-shape')).to_have_text(
        "shape (4, 3)"
    )
    assert execute_in_kernel(page, "print(sized.result.shape)") == "(4, 3)\n"

    expect(keyed.locator('.vw-leaf[data-path="b"] .vw-leaf-path')).to_have_text("b=")
    expect(keyed.locator('.vw-leaf[data-path="b"] .vw-badge')).to_have_text("keyword argument")
    expect(keyed.locator('.vw-leaf[data-path="b"] .vw-colcap')).to_have_text(
        "batch · axis 0 (keyword) · size 3"
    )
    expect(keyed.locator(".vw-call-code")).to_have_text("f(a[0], b=b[0]) → out[0]")

    # Dark theme: the collective's caption and call boxes stay readable.
    page.evaluate(
        "() => window.jupyterapp.commands.execute('apputils:change-theme', "
        "{theme: 'JupyterLab Dark'})"
    )
    page.wait_for_function("() => document.body.dataset.jpThemeLight === 'false'")
    figure = step_to_collective(nest, "psum")
    for part in (".vw-collective-caption", ".vw-call-box text"):
        colour = figure.locator(part).first.evaluate(
            "(el) => getComputedStyle(el).color || getComputedStyle(el).fill"
        )
        channels = [int(c) for c in re.findall(r"\d+", colour)[:3]]
        assert min(channels) > 128, f"{part} is {colour}: not light on the dark theme"
    page.wait_for_timeout(1300)  # the arrows fade in
    save(nest, "axis-explorer-psum-nested-dark")
    assert_no_widget_errors(page)
