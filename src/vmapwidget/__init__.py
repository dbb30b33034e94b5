"""vmapwidget: Jupyter widgets that make ``jax.vmap`` visible and live."""

from vmapwidget.axis_model import InputLeaf, OutputLeaf, VmapPlan, describe_vmap
from vmapwidget.export import export_html
from vmapwidget.formula import FormulaError, parse_formula
from vmapwidget.kernels import GridFunctionError, GridKernel, GridResult
from vmapwidget.widgets import AxisExplorer, GridExplorer, InvalidGridValue, PlanView

__version__ = "0.1.0"

__all__ = [
    "AxisExplorer",
    "FormulaError",
    "GridExplorer",
    "GridFunctionError",
    "GridKernel",
    "GridResult",
    "InputLeaf",
    "InvalidGridValue",
    "OutputLeaf",
    "PlanView",
    "VmapPlan",
    "__version__",
    "describe_vmap",
    "export_html",
    "parse_formula",
]
