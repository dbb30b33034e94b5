"""vmapwidget: Jupyter widgets that make ``jax.vmap`` visible and live."""

from vmapwidget.axis_model import InputLeaf, OutputLeaf, VmapPlan, describe_vmap
from vmapwidget.kernels import GridFunctionError, GridKernel, GridResult
from vmapwidget.widgets import PlanView

__version__ = "0.1.0"

__all__ = [
    "GridFunctionError",
    "GridKernel",
    "GridResult",
    "InputLeaf",
    "OutputLeaf",
    "PlanView",
    "VmapPlan",
    "__version__",
    "describe_vmap",
]
