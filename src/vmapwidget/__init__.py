"""vmapwidget: Jupyter widgets that make ``jax.vmap`` visible and live.

Names load on first use, so ``import vmapwidget`` (and the Jupyter server extension,
``vmapwidget.integrations.server_extension``) does not import JAX.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_HOMES = {
    "AxisExplorer": "vmapwidget.widgets",
    "FormulaError": "vmapwidget.formula",
    "GridExplorer": "vmapwidget.widgets",
    "GridFunctionError": "vmapwidget.kernels",
    "GridKernel": "vmapwidget.kernels",
    "GridResult": "vmapwidget.kernels",
    "InputLeaf": "vmapwidget.plan",
    "InvalidGridValue": "vmapwidget.widgets",
    "InvalidWidgetValue": "vmapwidget.widgets",
    "OutputLeaf": "vmapwidget.plan",
    "PlanView": "vmapwidget.widgets",
    "VmapPlan": "vmapwidget.plan",
    "VmapWidgetError": "vmapwidget.errors",
    "describe_sharding": "vmapwidget.sharding_plan",
    "describe_vmap": "vmapwidget.axis_model",
    "export_html": "vmapwidget.integrations.export",
    "parse_formula": "vmapwidget.formula",
}

__all__ = [
    "AxisExplorer",
    "FormulaError",
    "GridExplorer",
    "GridFunctionError",
    "GridKernel",
    "GridResult",
    "InputLeaf",
    "InvalidGridValue",
    "InvalidWidgetValue",
    "OutputLeaf",
    "PlanView",
    "VmapPlan",
    "VmapWidgetError",
    "__version__",
    "describe_sharding",
    "describe_vmap",
    "export_html",
    "parse_formula",
]

if TYPE_CHECKING:
    from vmapwidget.axis_model import describe_vmap
    from vmapwidget.errors import VmapWidgetError
    from vmapwidget.formula import FormulaError, parse_formula
    from vmapwidget.integrations.export import export_html
    from vmapwidget.kernels import GridFunctionError, GridKernel, GridResult
    from vmapwidget.plan import InputLeaf, OutputLeaf, VmapPlan
    from vmapwidget.sharding_plan import describe_sharding
    from vmapwidget.widgets import (
        AxisExplorer,
        GridExplorer,
        InvalidGridValue,
        InvalidWidgetValue,
        PlanView,
    )


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module 'vmapwidget' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOMES[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_HOMES})
