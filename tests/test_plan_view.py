"""PlanView: the widget's synced state is the core's plan."""

from __future__ import annotations

import jax.numpy as jnp

from vmapwidget import PlanView, describe_vmap


def test_plan_trait_is_the_core_plan_as_json():
    x, y = jnp.array([[1, 2, 3]]), jnp.array([[4], [5], [6]])
    view = PlanView(lambda x, y: x + y, x, y, in_axes=(1, 0), out_axes=1)
    expected = describe_vmap(lambda x, y: x + y, x, y, in_axes=(1, 0), out_axes=1).to_json()
    assert view.plan == expected
    assert view.plan["outputs"][0]["shape"] == [1, 3]


def test_invalid_spec_is_shown_not_raised():
    view = PlanView(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)), in_axes=(2, 0))
    assert "axis 2" in view.plan["error"]
    assert view.plan["error_args"] == [0]


def test_frontend_bundle_is_shipped_with_the_package():
    source = str(PlanView._esm)
    assert "vw-plan-view" in source
    assert "export" in source
