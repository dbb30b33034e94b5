"""The plan of one ``jax.vmap`` call: its input and output leaves, shapes, error and code.

Plain frozen data, built by :func:`vmapwidget.describe_vmap` and read by the code generator,
the diagram and the widgets; :meth:`VmapPlan.to_json` is what PlanView sends to the browser.

>>> leaf = InputLeaf(0, "x", "x", (4, 2), "float32", 0, (2,))
>>> out = OutputLeaf("out", (2,), "float32", True, 0, (4, 2))
>>> plan = VmapPlan(("x",), 0, 0, (leaf,), (out,), 4, (4, 2), None)
>>> plan.ok, plan.to_json()["outputs"][0]["shape"]
(True, [4, 2])
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["CollectiveUse", "InputLeaf", "OutputLeaf", "PlanError", "VmapPlan"]


@dataclass(frozen=True)
class InputLeaf:
    """One array of the inputs: where it comes from and how vmap slices it."""

    arg_index: int
    arg_name: str
    path: str
    shape: tuple[int, ...]
    dtype: str
    axis: int | None
    example_shape: tuple[int, ...] | None
    keyword: bool = False
    """A leaf of a keyword argument (``arg_name`` is the keyword; vmap maps it on axis 0)."""


@dataclass(frozen=True)
class CollectiveUse:
    """One collective the function calls over a named axis, as its traced program shows it.

    ``name`` is the ``jax.lax`` function (``psum``, ``pmax``, ``pmin``, ``all_gather``,
    ``axis_index``, ``ppermute``, ``psum_scatter``, ``all_to_all``; ``pmean`` shows as
    ``psum`` then a division), ``primitive`` the jaxpr primitive (its name varies with the
    JAX version), ``axis_names`` the named axes it works over, ``step`` its position among
    the equations of the one-call program, ``operand_shapes``/``out_shapes`` the per-call
    shapes it takes and gives, ``params`` its other parameters (as text), ``nested`` whether
    it sits inside an inner program (``jit``, ``cond``, ``scan``, ...), and ``where`` the
    line of source that called it, when JAX knows it.
    """

    name: str
    primitive: str
    axis_names: tuple[Any, ...]
    step: int
    operand_shapes: tuple[tuple[int, ...], ...]
    out_shapes: tuple[tuple[int, ...], ...]
    params: tuple[tuple[str, str], ...] = ()
    nested: bool = False
    where: str = ""


@dataclass(frozen=True)
class OutputLeaf:
    """One array of the output: its per-example shape and where the batch axis goes."""

    path: str
    example_shape: tuple[int, ...]
    dtype: str
    batched: bool
    axis: int | None
    shape: tuple[int, ...] | None


@dataclass(frozen=True)
class VmapPlan:
    """What ``jax.vmap(fun, in_axes, out_axes, ...)(*args, **kwargs)`` does, or why it fails.

    ``error`` is ``None`` when vmap succeeds; otherwise it explains the failure, and
    ``error_side`` ("in_axes", "out_axes", "axis_size", "axis_name" or "function") with
    ``error_args`` (argument indices; keyword arguments count after the positional ones)
    says where the fault lies.

    ``kwarg_names`` lists the call's keyword arguments (in the order JAX flattens them:
    sorted); their leaves are the ``inputs`` marked ``keyword``. ``axis_size``,
    ``axis_name`` and ``spmd_axis_name`` are the vmap's arguments as given; ``collectives``
    lists the collectives the function uses over named axes (in program order).
    """

    arg_names: tuple[str, ...]
    in_axes: Any
    out_axes: Any
    inputs: tuple[InputLeaf, ...]
    outputs: tuple[OutputLeaf, ...]
    batch_size: int | None
    out_shapes: Any
    error: str | None
    error_side: str | None = None
    error_args: tuple[int, ...] = ()
    loop_code: str | None = None
    jax_code: str = ""
    kwarg_names: tuple[str, ...] = ()
    axis_size: int | None = None
    axis_name: Any = None
    spmd_axis_name: Any = None
    collectives: tuple[CollectiveUse, ...] = ()

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description for the frontend."""
        return {
            "arg_names": list(self.arg_names),
            "in_axes": _axes_to_json(self.in_axes),
            "out_axes": _axes_to_json(self.out_axes),
            "batch_size": self.batch_size,
            "inputs": [
                {
                    "arg_index": leaf.arg_index,
                    "arg_name": leaf.arg_name,
                    "path": leaf.path,
                    "shape": list(leaf.shape),
                    "dtype": leaf.dtype,
                    "axis": leaf.axis,
                    "example_shape": _list_or_none(leaf.example_shape),
                    "keyword": leaf.keyword,
                }
                for leaf in self.inputs
            ],
            "outputs": [
                {
                    "path": leaf.path,
                    "shape": _list_or_none(leaf.shape),
                    "example_shape": list(leaf.example_shape),
                    "dtype": leaf.dtype,
                    "axis": leaf.axis,
                    "batched": leaf.batched,
                }
                for leaf in self.outputs
            ],
            "error": self.error,
            "error_side": self.error_side,
            "error_args": list(self.error_args),
            "loop_code": self.loop_code,
            "jax_code": self.jax_code,
            "kwarg_names": list(self.kwarg_names),
            "axis_size": self.axis_size,
            "axis_name": _axes_to_json(self.axis_name),
            "spmd_axis_name": _axes_to_json(self.spmd_axis_name),
            "collectives": [
                {
                    "name": c.name,
                    "primitive": c.primitive,
                    "axis_names": [_axes_to_json(n) for n in c.axis_names],
                    "step": c.step,
                    "operand_shapes": [list(s) for s in c.operand_shapes],
                    "out_shapes": [list(s) for s in c.out_shapes],
                    "params": dict(c.params),
                    "nested": c.nested,
                    "where": c.where,
                }
                for c in self.collectives
            ],
        }


class PlanError(Exception):
    """A fault vmap would raise: the message, the side at fault and the arguments to blame.

    Internal to the axis model: :func:`~vmapwidget.describe_vmap` turns it into a plan's
    ``error``, ``error_side`` and ``error_args`` and never lets it out.
    """

    def __init__(self, message: str, side: str, args: tuple[int, ...] = ()) -> None:
        super().__init__(message)
        self.side = side
        self.args_at_fault = args


def _axes_to_json(axes: Any) -> Any:
    """``axes`` with containers as lists/dicts and anything not JSON-ready as its repr."""
    if isinstance(axes, dict):
        return {str(k): _axes_to_json(v) for k, v in axes.items()}
    if isinstance(axes, (tuple, list)):
        return [_axes_to_json(v) for v in axes]
    if axes is None or type(axes) in (int, float, str, bool):
        return axes
    return repr(axes)


def _list_or_none(shape: tuple[int, ...] | None) -> list[int] | None:
    return None if shape is None else list(shape)
