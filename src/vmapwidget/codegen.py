"""Source code shown beside a diagram: the ``jax.vmap`` call and the loops it replaces.

The loop source is self-contained: executing it defines ``batched(f, *args)``, which gives
the same arrays as the ``jax.vmap`` call it explains. One level of vmap gets a readable loop
when every argument and the output are single arrays (``f(x[:, b], y[b])``) and a general
one over pytree leaves otherwise (keyword arguments too: vmap maps them along axis 0); a
nest of vmaps gets nested loops (single arrays only). When the function uses collectives
over the vmap's axis name (``psum``, ``pmax``, ``pmin``, ``all_gather``, ``axis_index``,
``ppermute``), the calls cannot run one after another: the loop then runs them side by side
through the function's one-call program (its jaxpr), one step at a time, and computes each
collective itself from all the calls' values.

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
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from vmapwidget.collectives import LOOPABLE
from vmapwidget.plan import VmapPlan

__all__ = [
    "collective_loop",
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
    fun: Callable[..., Any],
    names: Sequence[str],
    in_axes: Any,
    out_axes: Any,
    kwarg_names: Sequence[str] = (),
    options: Mapping[str, Any] | None = None,
) -> str:
    """The ``jax.vmap`` call as text, e.g. ``jax.vmap(f, in_axes=(1, 0), out_axes=1)(x, y)``.

    ``kwarg_names`` are the call's keyword arguments; ``options`` vmap's other arguments
    (``axis_size``, ``axis_name``, ``spmd_axis_name``), written when not None.

    >>> vmap_call_code(max, ["x"], 0, 0, ["scale"], {"axis_name": "i", "axis_size": None})
    "jax.vmap(max, in_axes=0, out_axes=0, axis_name='i')(x, scale=scale)"
    """
    extra = "".join(f", {k}={v!r}" for k, v in (options or {}).items() if v is not None)
    code = _call(function_name(fun), [(repr(in_axes), repr(out_axes) + extra)], names)
    keywords = ", ".join(f"{k}={k}" for k in kwarg_names)
    if keywords:
        code = f"{code[:-1]}{', ' if names else ''}{keywords})"
    return code


def nested_vmap_call_code(
    fun: Callable[..., Any],
    names: Sequence[str],
    in_axes: Sequence[Any],
    out_axes: Sequence[Any],
    axis_names: Sequence[Any] = (),
) -> str:
    """``jax.vmap(jax.vmap(f, ...), ...)(x, y)``: a nest of vmaps, levels outermost first.

    ``axis_names`` (one per level, or none) are written as each level's ``axis_name``.

    >>> nested_vmap_call_code(max, ["x", "y"], [(0, None), (None, 0)], [0, 0])
    'jax.vmap(jax.vmap(max, in_axes=(None, 0), out_axes=0), in_axes=(0, None), out_axes=0)(x, y)'
    """
    level_names = list(axis_names) or [None] * len(in_axes)
    levels = [
        (spec_text(ia), spec_text(oa) + ("" if n is None else f", axis_name={n!r}"))
        for ia, oa, n in zip(in_axes, out_axes, level_names, strict=True)
    ]
    return _call(function_name(fun), levels, names)


def loop_code(plan: VmapPlan) -> str | None:
    """Runnable source defining ``batched(f, *args, **kwargs)`` for ``plan``.

    ``None`` when there is no batch, or when the function uses a collective the loop does
    not write out (``psum_scatter``, ``all_to_all``, or any collective inside an inner
    program such as a ``jit``, ``cond`` or ``scan``).
    """
    if plan.batch_size is None or plan.batch_size == 0:
        return None
    if plan.collectives:
        return collective_loop(plan)
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
    """Every argument is one positional array (its leaf path is its name); so is the output."""
    return (
        not plan.kwarg_names
        and [leaf.path for leaf in plan.inputs] == list(plan.arg_names)
        and [leaf.path for leaf in plan.outputs] == ["out"]
    )


def _options_text(plan: VmapPlan) -> str:
    options = {
        "axis_size": plan.axis_size,
        "axis_name": plan.axis_name,
        "spmd_axis_name": plan.spmd_axis_name,
    }
    return "".join(f", {k}={v!r}" for k, v in options.items() if v is not None)


def _docstring(plan: VmapPlan, more: Sequence[str] = ()) -> list[str]:
    """Short lines, so the code panel shows them without scrolling sideways."""
    options = _options_text(plan)
    spec = f"in_axes={plan.in_axes!r}, out_axes={plan.out_axes!r}"
    lines = ['    """The loop that jax.vmap replaces, for', f"    {spec}"]
    if options:
        lines[-1] += ","
        lines.append(f"    {options[2:]}")
    lines[-1] += "."
    if more:
        lines += ["", *(f"    {line}" for line in more)]
    lines[-1] += '"""'
    return lines


def _simple_loop(plan: VmapPlan) -> str:
    names = safe_names(plan.arg_names)
    axes = [leaf.axis for leaf in plan.inputs]
    mapped = [n for n, a in zip(names, axes) if a is not None]
    out_axis = plan.outputs[0].axis
    call = ", ".join(index_expression(n, a) for n, a in zip(names, axes))
    converted = (
        [f"    {', '.join(mapped)} = {', '.join(f'jnp.asarray({n})' for n in mapped)}"]
        if mapped
        else []
    )
    lines = [
        "import jax.numpy as jnp",
        "",
        "",
        f"def batched({', '.join(['f', *names])}):",
        *_docstring(plan),
        *converted,
        "    results = []",
        f"    for b in range({plan.batch_size}):  # the batch size",
        f"        results.append(f({call}))",
    ]
    if out_axis is None:
        lines.append("    return results[0]  # out_axes=None: every call returns the same value")
    else:
        lines.append(f"    return jnp.stack(results, axis={out_axis})")
    return "\n".join(lines) + "\n"


def _per_argument_axes(plan: VmapPlan) -> list[list[int | None]]:
    """For each positional argument, the batch axis of each of its leaves."""
    per_arg: list[list[int | None]] = [[] for _ in plan.arg_names]
    for leaf in plan.inputs:
        if not leaf.keyword:
            per_arg[leaf.arg_index].append(leaf.axis)
    return per_arg


def _axes_constants(plan: VmapPlan) -> list[str]:
    return [
        "# For each argument, the batch axis of each of its leaves (None: passed whole).",
        f"IN_AXES = {_per_argument_axes(plan)!r}",
        "# For each leaf of the output, where its batch axis goes (None: not batched).",
        f"OUT_AXES = {[leaf.axis for leaf in plan.outputs]!r}",
    ]


def _pick_arguments(plan: VmapPlan, pad: str) -> list[str]:
    """Lines (indented by ``pad``) that set ``call_args`` (and ``call_kwargs``) for call b."""
    lines = [
        "call_args = []",
        "for (leaves, treedef), axes in zip(flat_args, IN_AXES):",
        "    picked = [",
        "        leaf if axis is None",
        "        else jnp.asarray(leaf)[(slice(None),) * axis + (b,)]",
        "        for leaf, axis in zip(leaves, axes)",
        "    ]",
        "    call_args.append(jax.tree.unflatten(treedef, picked))",
    ]
    if plan.kwarg_names:
        lines += [
            "# jax.vmap maps every leaf of the keyword arguments along axis 0.",
            "call_kwargs = jax.tree.map(lambda leaf: jnp.asarray(leaf)[b], kwargs)",
        ]
    return [pad + line for line in lines]


def _signature(plan: VmapPlan) -> str:
    return "def batched(f, *args, **kwargs):" if plan.kwarg_names else "def batched(f, *args):"


def _stack_lines(results: str) -> list[str]:
    """Lines that stack the per-call outputs ``results`` (lists of leaves) as OUT_AXES says."""
    return [
        "    stacked = [",
        f"        {results}[0][i]",
        "        if axis is None",
        f"        else jnp.stack([leaves[i] for leaves in {results}], axis=axis)",
        "        for i, axis in enumerate(OUT_AXES)",
        "    ]",
    ]


def _tree_loop(plan: VmapPlan) -> str:
    keywords = ", **call_kwargs" if plan.kwarg_names else ""
    return "\n".join(
        [
            "import jax",
            "import jax.numpy as jnp",
            "",
            *_axes_constants(plan),
            "",
            "",
            _signature(plan),
            *_docstring(plan),
            "    flat_args = [jax.tree.flatten(arg) for arg in args]",
            "    results = []",
            f"    for b in range({plan.batch_size}):  # the batch size",
            *_pick_arguments(plan, "        "),
            f"        results.append(f(*call_args{keywords}))",
            "    out_leaves = [jax.tree.leaves(r) for r in results]",
            *_stack_lines("out_leaves"),
            "    return jax.tree.unflatten(jax.tree.structure(results[0]), stacked)",
            "",
        ]
    )


def collective_loop(plan: VmapPlan) -> str | None:
    """The loop for a function that uses collectives: the calls run side by side.

    Executing it defines ``batched(f, *args, **kwargs)``: it traces ``f`` for one call with
    the axis name bound, runs every step of that program once per call, and computes each
    collective from all the calls' values. ``None`` if a collective is not one the loop
    writes out (:data:`vmapwidget.collectives.LOOPABLE`) or sits inside an inner program.
    """
    uses = plan.collectives
    if plan.batch_size is None or plan.batch_size == 0:
        return None
    if type(plan.axis_name) is not str or any(c.nested or c.name not in LOOPABLE for c in uses):
        return None
    if any(dict(c.params).get("axis_index_groups", "None") != "None" for c in uses):
        return None
    combine: dict[str, str] = {}
    for c in uses:
        combine.setdefault(c.primitive, c.name)
    table = ", ".join(f"{p!r}: {n}" for p, n in combine.items())
    what = f"uses {', '.join(dict.fromkeys(combine.values()))} over" if uses else "refers to"
    more = [
        f"f {what} the axis {plan.axis_name!r}: values that need all the",
        "calls at once. So the calls run side by side through f's program",
        "(its jaxpr, traced with the axis bound), one step at a time: each",
        "step runs once per call; a collective combines the values of all.",
    ]
    axis_env = f"[(AXIS_NAME, {plan.batch_size})]"
    lines = [
        "import jax",
        "import jax.numpy as jnp",
        "from jax.extend.core import Literal",
        "",
        *_axes_constants(plan),
        f"AXIS_NAME = {plan.axis_name!r}",
        "",
        "",
        _signature(plan),
        *_docstring(plan, more),
        "    flat_args = [jax.tree.flatten(arg) for arg in args]",
        "    calls = []",
        f"    for b in range({plan.batch_size}):  # the batch size",
        *_pick_arguments(plan, "        "),
        f"        calls.append((call_args, {'call_kwargs' if plan.kwarg_names else '{}'}))",
        "    # f's program for one call, with the axis name bound as inside jax.vmap.",
        f"    trace = jax.make_jaxpr(f, axis_env={axis_env}, return_shape=True)",
        "    program, out_shape = trace(*calls[0][0], **calls[0][1])",
        "    jaxpr = program.jaxpr",
        "    envs = []  # for each call, the value of every variable of the program",
        "    for call_args, call_kwargs in calls:",
        "        env = dict(zip(jaxpr.constvars, program.consts))",
        "        env.update(zip(jaxpr.invars, jax.tree.leaves((call_args, call_kwargs))))",
        "        envs.append(env)",
        "    for eqn in jaxpr.eqns:",
        "        operands = [[read(env, v) for v in eqn.invars] for env in envs]",
        "        if over_the_axis(eqn):  # a collective: all the calls at once",
        "            outs = COLLECTIVES[eqn.primitive.name](eqn, operands)",
        "        else:  # each call on its own",
        "            outs = [run(eqn, values) for values in operands]",
        "        for env, out in zip(envs, outs):",
        "            env.update(zip(eqn.outvars, out))",
        "    results = [[read(env, v) for v in jaxpr.outvars] for env in envs]",
        *_stack_lines("results"),
        "    return jax.tree.unflatten(jax.tree.structure(out_shape), stacked)",
        "",
        "",
        "def read(env, var):",
        "    return var.val if isinstance(var, Literal) else env[var]",
        "",
        "",
        "def over_the_axis(eqn):",
        '    """Whether eqn is one of the collectives over the vmap\'s axis name."""',
        '    names = eqn.params.get("axes", eqn.params.get("axis_name", ()))',
        "    names = names if isinstance(names, tuple) else (names,)",
        "    return eqn.primitive.name in COLLECTIVES and AXIS_NAME in names",
        "",
        "",
        "def run(eqn, values):",
        '    """One step of one call: the primitive of the equation on its values."""',
        "    params = eqn.primitive.get_bind_params(eqn.params)",
        "    # JAX < 0.7 gives (subfuns, params), later JAX the params alone.",
        "    subfuns, params = params if isinstance(params, tuple) else ((), params)",
        "    out = eqn.primitive.bind(*subfuns, *values, **params)",
        "    return out if eqn.primitive.multiple_results else [out]",
        *_combine_functions(set(combine.values())),
        "",
        "",
        "# The collectives f uses, by primitive: each takes the operands of every call",
        "# and returns the results of every call.",
        f"COLLECTIVES = {{{table}}}",
        "",
    ]
    return "\n".join(lines)


_REDUCE = {
    "psum": ("jnp.sum", "the sum"),
    "pmax": ("jnp.max", "the maximum"),
    "pmin": ("jnp.min", "the minimum"),
}

_GATHER = [
    "def all_gather(eqn, operands):",
    '    """Every call gets the values of all calls, stacked (tiled: concatenated)."""',
    '    join = jnp.concatenate if eqn.params["tiled"] else jnp.stack',
    '    dim = eqn.params["all_gather_dimension"]',
    "    out = [join([v[k] for v in operands], axis=dim) for k in range(len(eqn.outvars))]",
    "    return [out] * len(operands)",
]

_INDEX = [
    "def axis_index(eqn, operands):",
    '    """Each call gets its own index b."""',
    "    dtype = eqn.outvars[0].aval.dtype",
    "    return [[jnp.asarray(b, dtype)] for b in range(len(operands))]",
]

_PERMUTE = [
    "def ppermute(eqn, operands):",
    '    """Call dst gets the values of call src, for each (src, dst) of perm."""',
    '    source = {dst: src for src, dst in eqn.params["perm"]}',
    "    return [",
    "        operands[source[b]] if b in source else [jnp.zeros_like(v) for v in values]",
    "        for b, values in enumerate(operands)",
    "    ]",
]


def _reduce_function(name: str) -> list[str]:
    reduce, words = _REDUCE[name]
    return [
        f"def {name}(eqn, operands):",
        f'    """Every call gets {words} over all calls (first over the positional',
        '    axes the collective names, within each call)."""',
        '    positional = tuple(a for a in eqn.params["axes"] if isinstance(a, int))',
        "    out = []",
        "    for k, var in enumerate(eqn.outvars):",
        f"        per_call = jnp.stack([{reduce}(v[k], axis=positional) for v in operands])",
        f"        out.append({reduce}(per_call, axis=0).astype(var.aval.dtype))",
        "    return [out] * len(operands)",
    ]


def _combine_functions(names: set[str]) -> list[str]:
    """The functions that compute the collectives ``names`` from all the calls' values."""
    functions = [_reduce_function(name) for name in sorted(names & set(_REDUCE))]
    for name, lines in (("all_gather", _GATHER), ("axis_index", _INDEX), ("ppermute", _PERMUTE)):
        if name in names:
            functions.append(lines)
    return [line for function in functions for line in ["", "", *function]]
