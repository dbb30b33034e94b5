"""The ``jax.sharding`` code shown for a vmap whose batch is split over several devices
(see :func:`vmapwidget.describe_sharding`)."""

from __future__ import annotations

from vmapwidget.codegen import safe_names, spec_text
from vmapwidget.plan import VmapPlan

__all__ = ["sharding_code"]


def sharding_code(plan: VmapPlan, fname: str, count: int, axis_name: str) -> str:
    """The ``jax.sharding`` code that runs ``plan``'s vmap with its batch split over
    ``count`` devices: a 1-D mesh, every mapped input placed with its batch axis over the
    mesh (un-mapped ones replicated), then ``jax.jit`` of the vmap.

    >>> from vmapwidget.plan import InputLeaf, VmapPlan
    >>> x = InputLeaf(0, "x", "x", (8, 3), "float32", 0, (3,))
    >>> w = InputLeaf(1, "w", "w", (3,), "float32", None, (3,))
    >>> plan = VmapPlan(("x", "w"), (0, None), 0, (x, w), (), 8, (8,), None)
    >>> print("\\n".join(sharding_code(plan, "f", 4, "batch").splitlines()[-3:]))
    x = shard(x, 0)
    w = shard(w, None)
    out = jax.jit(jax.vmap(f, in_axes=(0, None), out_axes=0))(x, w)
    """
    names = safe_names(plan.arg_names)
    lines = [
        "import jax",
        "import numpy as np",
        "from jax.sharding import Mesh, NamedSharding, PartitionSpec as P",
        "",
        f"mesh = Mesh(np.array(jax.devices()[:{count}]), ({axis_name!r},))",
        "",
        "",
        "def shard(a, axis):",
        '    """a on the mesh: its batch axis split over the devices (None: whole on each)."""',
        f"    spec = P() if axis is None else P(*[None] * axis, {axis_name!r})",
        "    return jax.device_put(a, NamedSharding(mesh, spec))",
        "",
        "",
    ]
    for index, name in enumerate(names):
        axes = [leaf.axis for leaf in plan.inputs if leaf.arg_index == index]
        paths = [leaf.path for leaf in plan.inputs if leaf.arg_index == index]
        if paths == [plan.arg_names[index]]:
            lines.append(f"{name} = shard({name}, {axes[0]})")
        elif len(set(axes)) == 1:
            lines.append(f"{name} = jax.tree.map(lambda a: shard(a, {axes[0]}), {name})")
        else:
            lines.append(
                f"{name} = jax.tree.unflatten(jax.tree.structure({name}), "
                f"[shard(a, axis) for a, axis in zip(jax.tree.leaves({name}), {axes!r})])"
            )
    vmapped = (
        f"jax.vmap({fname}, in_axes={spec_text(plan.in_axes)}, out_axes={spec_text(plan.out_axes)})"
    )
    lines.append(f"out = jax.jit({vmapped})({', '.join(names)})")
    return "\n".join(lines)
