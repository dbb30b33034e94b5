"""Source code for the explicit Python loop that ``jax.vmap`` replaces, and the vmap call.

The loop source is self-contained: executing it defines ``batched(f, *args)``, which gives
the same arrays as ``jax.vmap(f, in_axes, out_axes)(*args)``.
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vmapwidget.axis_model import VmapPlan

_RESERVED = {"f", "b", "results", "jnp", "jax", "args", "batched"}


def safe_names(names: Sequence[str]) -> list[str]:
    ok = all(n.isidentifier() and not keyword.iskeyword(n) for n in names)
    if ok and len(set(names)) == len(names) and not _RESERVED & set(names):
        return list(names)
    return [f"a{i}" for i in range(len(names))]


def index_expression(name: str, axis: int | None) -> str:
    """``x[:, b]`` for axis 1; the bare name when the argument is passed whole."""
    if axis is None:
        return name
    return f"{name}[{':, ' * axis}b]"


def make_jax_code(fun: Callable, names: Sequence[str], in_axes: Any, out_axes: Any) -> str:
    """The ``jax.vmap`` call as text, e.g. ``jax.vmap(f, in_axes=(1, 0), out_axes=1)(x, y)``."""
    fname = getattr(fun, "__name__", "f")
    if not fname.isidentifier() or fname == "<lambda>":
        fname = "f"
    call_args = ", ".join(safe_names(names)) if names else ""
    return f"jax.vmap({fname}, in_axes={in_axes!r}, out_axes={out_axes!r})({call_args})"


def _spec_comment(plan: VmapPlan) -> str:
    return f"in_axes={plan.in_axes!r}, out_axes={plan.out_axes!r}"


def _docstring(plan: VmapPlan) -> list[str]:
    """Two short lines, so the code panel shows them without scrolling sideways."""
    return [
        '    """The loop that jax.vmap replaces, for',
        f'    {_spec_comment(plan)}."""',
    ]


def _simple_loop(plan: VmapPlan) -> str:
    names = safe_names(plan.arg_names)
    axes = [leaf.axis for leaf in plan.inputs]
    mapped = [n for n, a in zip(names, axes) if a is not None]
    out_axis = plan.outputs[0].axis
    call = ", ".join(index_expression(n, a) for n, a in zip(names, axes))
    lines = [
        "import jax.numpy as jnp",
        "",
        "",
        f"def batched(f, {', '.join(names)}):",
        *_docstring(plan),
        f"    {', '.join(mapped)} = {', '.join(f'jnp.asarray({n})' for n in mapped)}",
        "    results = []",
        f"    for b in range({plan.batch_size}):  # the batch size",
        f"        results.append(f({call}))",
    ]
    if out_axis is None:
        lines.append("    return results[0]  # out_axes=None: every call returns the same value")
    else:
        lines.append(f"    return jnp.stack(results, axis={out_axis})")
    return "\n".join(lines) + "\n"


def _tree_loop(plan: VmapPlan) -> str:
    per_arg: list[list[int | None]] = [[] for _ in plan.arg_names]
    for leaf in plan.inputs:
        per_arg[leaf.arg_index].append(leaf.axis)
    out_axes = [leaf.axis for leaf in plan.outputs]
    return "\n".join(
        [
            "import jax",
            "import jax.numpy as jnp",
            "",
            "# For each argument, the batch axis of each of its leaves (None: passed whole).",
            f"IN_AXES = {per_arg!r}",
            "# For each leaf of the output, where its batch axis goes (None: not batched).",
            f"OUT_AXES = {out_axes!r}",
            "",
            "",
            "def batched(f, *args):",
            *_docstring(plan),
            "    flat_args = [jax.tree.flatten(arg) for arg in args]",
            "    results = []",
            f"    for b in range({plan.batch_size}):  # the batch size",
            "        call_args = []",
            "        for (leaves, treedef), axes in zip(flat_args, IN_AXES):",
            "            picked = [",
            "                leaf if axis is None",
            "                else jnp.asarray(leaf)[(slice(None),) * axis + (b,)]",
            "                for leaf, axis in zip(leaves, axes)",
            "            ]",
            "            call_args.append(jax.tree.unflatten(treedef, picked))",
            "        results.append(f(*call_args))",
            "    out_leaves = [jax.tree.leaves(r) for r in results]",
            "    stacked = [",
            "        out_leaves[0][i]",
            "        if axis is None",
            "        else jnp.stack([leaves[i] for leaves in out_leaves], axis=axis)",
            "        for i, axis in enumerate(OUT_AXES)",
            "    ]",
            "    return jax.tree.unflatten(jax.tree.structure(results[0]), stacked)",
            "",
        ]
    )


def make_loop_code(plan: VmapPlan, simple: bool) -> str | None:
    """Runnable source defining ``batched(f, *args)``; ``None`` for an empty batch.

    ``simple`` selects the readable form (``f(x[:, b], y[b])``), valid when every argument
    and the output are single arrays.
    """
    if plan.batch_size is None or plan.batch_size == 0:
        return None
    return _simple_loop(plan) if simple else _tree_loop(plan)
