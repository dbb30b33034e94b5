"""PlanView: a card showing what ``jax.vmap`` does with given ``in_axes``/``out_axes``."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import traitlets

from vmapwidget.axis_model import describe_vmap
from vmapwidget.plan import VmapPlan
from vmapwidget.widgets._guard import GuardedWidget
from vmapwidget.widgets._static import bundle


class PlanView(GuardedWidget):
    """Shows the inputs, their batch axes and the output of one ``jax.vmap`` call.

    >>> import jax.numpy as jnp
    >>> view = PlanView(lambda x, y: x + y, jnp.ones((1, 3)), jnp.ones((3, 1)),
    ...                 in_axes=(1, 0), out_axes=1)
    >>> view.plan["batch_size"]
    3
    """

    _esm = bundle("plan_view")
    _css = bundle("plan_view", "css")
    plan = traitlets.Dict(help="The VmapPlan as JSON (see VmapPlan.to_json).").tag(sync=True)

    def __init__(
        self, fun: Callable[..., Any], *args: Any, in_axes: Any = 0, out_axes: Any = 0
    ) -> None:
        self.vmap_plan: VmapPlan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes)
        super().__init__(plan=self.vmap_plan.to_json())
