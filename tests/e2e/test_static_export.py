"""Static export: widgets saved with their state show their last picture with no kernel."""

from __future__ import annotations

from pathlib import Path

import jax.numpy as jnp
from playwright.sync_api import Page, expect

from vmapwidget import PlanView
from vmapwidget.integrations.export import export_html

from .notebook_ui import browser_log, screenshot


def open_static(page: Page, path: Path, count: int) -> None:
    page.goto(path.as_uri())
    expect(page.locator(".vw-static-widget[data-rendered=true]")).to_have_count(count)
    assert not browser_log(page).page_errors


def test_plan_views_render_from_saved_state(page: Page, tmp_path: Path):
    valid = PlanView(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)), in_axes=(1, 0))
    invalid = PlanView(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)), in_axes=(2, 0))
    path = tmp_path / "plans.html"
    export_html([valid, invalid], path, title="Saved <plans>")
    open_static(page, path, 2)
    expect(page.locator("h1")).to_have_text("Saved <plans>")
    views = page.locator(".vw-plan-view")
    expect(views.nth(0).locator(".vw-jax-code")).to_have_text(valid.plan["jax_code"])
    expect(views.nth(0).locator(".vw-batch")).to_have_count(3)
    expect(views.nth(1).locator(".vw-error")).to_contain_text("axis 2")
    screenshot(page, "static-plan-views")
