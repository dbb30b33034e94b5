"""Source code shown beside a diagram: the ``jax.vmap`` call and the loops it replaces.

The loop source is self-contained: executing it defines ``batched(f, *args)``, which gives
the same arrays as the ``jax.vmap`` call it explains. One level of vmap gets a readable loop
when every argument and the output are single arrays (``f(x[:, b], y[b])``) and a general
one over pytree leaves otherwise; a nest of vmaps gets nested loops (single arrays only).

>>> from vmapwidget.plan import InputLeaf, OutputLeaf, VmapPlan
>>> x = InputLeaf(0, "x", "x", (1, 3), "int32", 1, (1,))
>>> y = InputLeaf(1, "y", "y", (3, 1), "int32", 0, (1,))
>>> out = OutputLeaf("out", (1,), "int32", True, 1, (1, 3))
>>> plan = VmapPlan(("x", "y"), (1, 0), 1, (x, y), (out,), 3, (1, 3), None)
>>> print(loop_code(plan))
import jax.numpy as jnp
<BLANKLINE>
<BLANKLINE>
def batched(f, x, y):
    \"\"\"The loop that jax.vmap replaces, for
    in_axes=(1, 0), out_axes=1.\"\"\"
    x, y = jnp.asarray(x), jnp.asarray(y)
    results = []
    for b in range(3):  # the batch size
        results.append(f(x[:, b], y[b]))
    return jnp.stack(results, axis=1)
<BLANKLINE>
>>> vmap_call_code(lambda x, y: x + y, ["x", "y"], (1, 0), 1)
'jax.vmap(f, in_axes=(1, 0), out_axes=1)(x, y)'
"""

from __future__ import annotations

import keyword
from collections.abc import Callable, Sequence
from typing import Any

from vmapwidget.plan import VmapPlan

__all__ = [
    "function_name",
    "index_expression",
    "index_names",
    "loop_code",
    "nested_index_expression",
    "nested_loop_code",
    "nested_vmap_call_code",
    "safe_names",
    "spec_text",
    "vmap_call_code",
]

_RESERVED = {"f", "b", "results", "jnp", "jax", "args", "batched"}


def safe_names(names: Sequence[str]) -> list[str]:
    """``names`` if they can be the loop's parameters, else ``a0``, ``a1``, ...

    >>> safe_names(["x", "y"]), safe_names(["x", "lambda"]), safe_names(["f"])
    (['x', 'y'], ['a0', 'a1'], ['a0'])
    """
    ok = all(n.isidentifier() and not keyword.iskeyword(n) for n in names)
    if ok and len(set(names)) == len(names) and not _RESERVED & set(names):
        return list(names)
    return [f"a{i}" for i in range(len(names))]


def function_name(fun: Callable[..., Any]) -> str:
    """The name the code calls ``fun`` by: its ``__name__``, or ``f`` for a lambda."""
    name = getattr(fun, "__name__", "f")
    return name if isinstance(name, str) and name.isidentifier() and name != "<lambda>" else "f"


def spec_text(spec: Any) -> str:
    """An axis spec as source, a top-level list written as the tuple vmap reads it."""
    return repr(tuple(spec) if isinstance(spec, list) else spec)


def index_names(depth: int) -> list[str]:
    """The batch index of each level: ``b`` for one vmap, ``i``, ``j``, ... for a nest."""
    return ["b"] if depth == 1 else ["ijklmn"[k] for k in range(depth)]


def index_expression(name: str, axis: int | None) -> str:
    """``x[:, b]`` for axis 1; the bare name when the argument is passed whole."""
    return nested_index_expression(name, [axis], ["b"])


def nested_index_expression(name: str, axes: Sequence[int | None], indices: Sequence[str]) -> str:
    """``x[i, :, j]``: level k's index ``indices[k]`` at axis ``axes[k]`` of the whole array.

    >>> nested_index_expression("x", [2, 0], ["i", "j"])
    'x[j, :, i]'
    """
    mapped = {a: k for k, a in enumerate(axes) if a is not None}
    if not mapped:
        return name
    slots = [indices[mapped[a]] if a in mapped else ":" for a in range(max(mapped) + 1)]
    return f"{name}[{', '.join(slots)}]"


def vmap_call_code(
    fun: Callable[..., Any], names: Sequence[str], in_axes: Any, out_axes: Any
) -> str:
    """The ``jax.vmap`` call as text, e.g. ``jax.vmap(f, in_axes=(1, 0), out_axes=1)(x, y)``."""
    return _call(function_name(fun), [(repr(in_axes), repr(out_axes))], names)


def nested_vmap_call_code(
    fun: Callable[..., Any], names: Sequence[str], in_axes: Sequence[Any], out_axes: Sequence[Any]
) -> str:
    """``jax.vmap(jax.vmap(f, ...), ...)(x, y)``: a nest of vmaps, levels outermost first.

    >>> nested_vmap_call_code(max, ["x", "y"], [(0, None), (None, 0)], [0, 0])
    'jax.vmap(jax.vmap(max, in_axes=(None, 0), out_axes=0), in_axes=(0, None), out_axes=0)(x, y)'
    """
    levels = [(spec_text(ia), spec_text(oa)) for ia, oa in zip(in_axes, out_axes, strict=True)]
    return _call(function_name(fun), levels, names)


def loop_code(plan: VmapPlan) -> str | None:
    """Runnable source defining ``batched(f, *args)`` for ``plan``; ``None`` for no batch."""
    if plan.batch_size is None or plan.batch_size == 0:
        return None
    return _simple_loop(plan) if _arrays_only(plan) else _tree_loop(plan)


def nested_loop_code(
    plans: Sequence[VmapPlan],
    names: Sequence[str],
    in_axes: Sequence[Any],
    arg_axes: Sequence[Sequence[int | None]],
) -> str | None:
    """The nested Python loops a nest of vmaps replaces; ``None`` unless all are arrays.

    ``plans`` and ``in_axes`` hold one entry per level, outermost first; ``arg_axes[i][k]``
    is the axis of argument ``i`` (of the whole array) that level ``k`` walks.
    """
    if not plans or not all(_arrays_only(p) for p in plans):
        return None
    if any(p.batch_size is None or p.batch_size == 0 for p in plans):
        return None
    depth = len(plans)
    names = safe_names(names)
    letters = index_names(depth)
    call = ", ".join(
        nested_index_expression(n, a, letters) for n, a in zip(names, arg_axes, strict=True)
    )
    lines = [
        "import jax.numpy as jnp",
        "",
        "",
        f"def batched(f, {', '.join(names)}):",
        f'    """The loops that {depth} nested jax.vmap calls replace."""',
        f"    {', '.join(names)} = {', '.join(f'jnp.asarray({n})' for n in names)}",
    ]
    for k, (letter, plan) in enumerate(zip(letters, plans, strict=True)):
        pad = "    " * (k + 1)
        where = "outer" if k == 0 else "inner" if k == depth - 1 else f"level {k}"
        lines += [
            f"{pad}results_{letter} = []",
            f"{pad}for {letter} in range({plan.batch_size}):  # {where} vmap, "
            f"in_axes={spec_text(in_axes[k])}",
        ]
    pad = "    " * (depth + 1)
    lines.append(f"{pad}results_{letters[-1]}.append(f({call}))")
    for k in reversed(range(depth)):
        axis = plans[k].outputs[0].axis
        results = f"results_{letters[k]}"
        stacked = f"{results}[0]" if axis is None else f"jnp.stack({results}, axis={axis})"
        if k == 0:
            lines.append(f"    return {stacked}")
        else:
            lines.append(f"{'    ' * (k + 1)}results_{letters[k - 1]}.append({stacked})")
    return "\n".join(lines) + "\n"


def _call(fname: str, levels: Sequence[tuple[str, str]], names: Sequence[str]) -> str:
    """``jax.vmap(...)(args)`` around ``fname``: (in_axes, out_axes) texts, outermost first."""
    code = fname
    for in_text, out_text in reversed(levels):
        code = f"jax.vmap({code}, in_axes={in_text}, out_axes={out_text})"
    return f"{code}({', '.join(safe_names(names))})"


def _arrays_only(plan: VmapPlan) -> bool:
    """Every argument is one array (its leaf path is its name) and so is the output."""
    return [leaf.path for leaf in plan.inputs] == list(plan.arg_names) and [
        leaf.path for leaf in plan.outputs
    ] == ["out"]


def _docstring(plan: VmapPlan) -> list[str]:
    """Two short lines, so the code panel shows them without scrolling sideways."""
    return [
        '    """The loop that jax.vmap replaces, for',
        f'    in_axes={plan.in_axes!r}, out_axes={plan.out_axes!r}."""',
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
