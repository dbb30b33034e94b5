"""Smoke test: examples/plan_view.ipynb renders its PlanView widgets in a real browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .notebook_ui import (
    RUN_TIMEOUT_MS,
    assert_no_widget_errors,
    cell_outputs,
    execute_in_kernel,
    open_notebook,
    run_all_cells,
    screenshot,
)
from .servers import Server

NOTEBOOK = "examples/plan_view.ipynb"
VALID_CODE = "jax.vmap(f, in_axes=(1, 0), out_axes=1)(x, y)"
INVALID_CODE = "jax.vmap(f, in_axes=(2, 0), out_axes=1)(x, y)"
BATCH_LABEL = "batch · axis 1 · size 3"
ERROR_TEXT = "in_axes[0] asks to map argument `x` along axis 2"


def assert_plan_views(page: Page) -> None:
    """The valid card shows its code and batch axes; the invalid one shows the error."""
    views = page.locator(".vw-plan-view")
    # Voila loads the widget manager only after the notebook ran: under load (CI's busy
    # 2 cores, kernels of earlier tests still winding down) the first view took over 20 s.
    expect(views).to_have_count(2, timeout=RUN_TIMEOUT_MS)
    valid, invalid = views.nth(0), views.nth(1)
    expect(valid.locator(".vw-jax-code")).to_have_text(VALID_CODE)
    expect(valid.locator(".vw-label").first).to_have_text(BATCH_LABEL)
    expect(valid.locator(".vw-error")).to_have_count(0)
    expect(invalid.locator(".vw-jax-code")).to_have_text(INVALID_CODE)
    expect(invalid.locator(".vw-error")).to_contain_text(ERROR_TEXT)
    assert_no_widget_errors(page)


def test_plan_view_notebook_runs(page: Page, jupyter_server: Server) -> None:
    open_notebook(page, jupyter_server, NOTEBOOK)
    run_all_cells(page)
    assert_plan_views(page)
    screenshot(page, f"plan_view-{jupyter_server.kind}")
    outputs = cell_outputs(page)
    assert outputs[1].startswith(VALID_CODE)
    assert ERROR_TEXT in outputs[2]
    assert execute_in_kernel(page, "print(x.shape, y.shape)") == "(1, 3) (3, 1)\n"
    with pytest.raises(AssertionError, match="NameError"):
        execute_in_kernel(page, "undefined_name")


def test_plan_view_renders_in_voila(page: Page, voila_server: Server) -> None:
    open_notebook(page, voila_server, NOTEBOOK)
    assert_plan_views(page)
    screenshot(page, "plan_view-voila")
