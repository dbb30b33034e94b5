"""Where the pieces of a vmapped call sit when its batch axis is sharded over devices.

:func:`describe_sharding` answers: if every mapped input of
``jax.jit(jax.vmap(fun, in_axes, out_axes))`` is placed with its batch axis split over a
1-D mesh of N devices (un-mapped inputs replicated), which device holds which slice of
each input and of each output? For the inputs that is arithmetic on the vmap plan; for
the outputs it is what XLA's partitioner decides for this function, read from the
compiled program (``Compiled.output_shardings``) — nothing runs and no data moves. Each
leaf's ``shards`` are ``(device id, index)`` pairs in mesh order, as real
``jax.Array.addressable_shards`` give them (``shard.device.id``, ``shard.index``).

>>> import jax.numpy as jnp
>>> plan = describe_sharding(lambda x, w: x @ w, jnp.ones((4, 3)), jnp.ones(3),
...                          in_axes=(0, None), devices=1)
>>> plan.ok, plan.inputs[0].spec, plan.inputs[1].spec, plan.outputs[0].shape
(True, ('batch',), (), (4,))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import jax
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from vmapwidget.axis_model import describe_vmap
from vmapwidget.codegen import function_name
from vmapwidget.device_mesh import check_devices, device_ids
from vmapwidget.plan import VmapPlan
from vmapwidget.sharding_code import sharding_code
from vmapwidget.spec_checks import first_line

__all__ = ["BATCH_AXIS", "ShardedLeaf", "ShardingPlan", "describe_sharding"]

BATCH_AXIS = "batch"
"""The mesh axis the batch is split over, when the mesh is built from a number of devices."""

Shard = tuple[int, tuple[slice, ...]]


@dataclass(frozen=True)
class ShardedLeaf:
    """One array of the call: its whole shape, batch axis, partition spec and shards."""

    path: str
    shape: tuple[int, ...]
    axis: int | None
    spec: tuple[str | None, ...]
    shards: tuple[Shard, ...]

    @property
    def replicated(self) -> bool:
        """Every device holds all of it."""
        return all(s == slice(None) for _, index in self.shards for s in index)

    def to_json(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "shape": list(self.shape),
            "axis": self.axis,
            "spec": list(self.spec),
            "shards": [
                [device, [_slice_json(s, n) for s, n in zip(index, self.shape)]]
                for device, index in self.shards
            ],
        }


@dataclass(frozen=True)
class ShardingPlan:
    """What :func:`describe_sharding` found: the vmap plan, the mesh and every leaf's shards.

    ``error`` is None when the sharded call works; otherwise it says why not (the vmap's own
    error, or a batch that does not split evenly), and ``outputs`` is empty.
    """

    vmap: VmapPlan
    mesh_axis: str
    devices: tuple[int, ...]
    inputs: tuple[ShardedLeaf, ...]
    outputs: tuple[ShardedLeaf, ...]
    error: str | None
    code: str

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready description for the frontend (slices as ``[start, stop]``)."""
        return {
            "mesh_axis": self.mesh_axis,
            "devices": list(self.devices),
            "inputs": [leaf.to_json() for leaf in self.inputs],
            "outputs": [leaf.to_json() for leaf in self.outputs],
            "error": self.error,
            "code": self.code,
        }


def _slice_json(s: slice, n: int) -> list[int]:
    start, stop, _ = s.indices(n)
    return [start, stop]


def _spec(ndim: int, axis: int | None, name: str) -> tuple[str | None, ...]:
    """The partition spec of an array of ``ndim`` dimensions split at ``axis`` over ``name``."""
    if axis is None:
        return ()
    return (*([None] * axis), name)


def _input_shards(
    shape: tuple[int, ...], axis: int | None, devices: tuple[int, ...]
) -> tuple[Shard, ...]:
    """Device k of N holds the k-th of N equal slices along ``axis``; all of the rest."""
    whole = tuple(slice(None) for _ in shape)
    if axis is None or len(devices) == 1:
        return tuple((d, whole) for d in devices)
    size = shape[axis] // len(devices)
    return tuple(
        (d, (*whole[:axis], slice(k * size, (k + 1) * size), *whole[axis + 1 :]))
        for k, d in enumerate(devices)
    )


def _uneven_error(plan: VmapPlan, count: int) -> str | None:
    """Why the batch cannot be split over ``count`` devices, or None when it can."""
    size = plan.batch_size
    if size is None or count == 1 or size % count == 0:
        return None
    fits = [n for n in range(1, count + 1) if size % n == 0]
    padded = -(-size // count) * count
    return (
        f"the batch of {size} does not split evenly over {count} devices: jax refuses a "
        f"NamedSharding that cuts an axis of {size} into {count} pieces (IndivisibleError); "
        f"pad the batch to {padded}, or use {', '.join(map(str, fits))} device"
        f"{'s' if fits != [1] else ''}"
    )


def _output_leaves(
    fun: Callable[..., Any],
    args: tuple[Any, ...],
    plan: VmapPlan,
    inputs: tuple[ShardedLeaf, ...],
    mesh: Mesh,
) -> tuple[ShardedLeaf, ...]:
    """The outputs' shards as XLA's partitioner places them for this function."""
    values, treedef = jax.tree.flatten(args)
    abstract = [
        jax.ShapeDtypeStruct(
            leaf.shape,
            jax.numpy.result_type(value),
            sharding=NamedSharding(mesh, PartitionSpec(*leaf.spec)),
        )
        for leaf, value in zip(inputs, values)
    ]
    batched = jax.jit(jax.vmap(fun, in_axes=plan.in_axes, out_axes=plan.out_axes))
    compiled = batched.lower(*jax.tree.unflatten(treedef, abstract)).compile()
    shardings = jax.tree.leaves(compiled.output_shardings)
    order = {d: k for k, d in enumerate(mesh.devices.flat)}
    leaves = []
    for out, sharding in zip(plan.outputs, shardings):
        shape = out.shape if out.shape is not None else out.example_shape
        placed = sorted(sharding.devices_indices_map(shape).items(), key=lambda kv: order[kv[0]])
        spec = tuple(getattr(sharding, "spec", ()))
        leaves.append(
            ShardedLeaf(
                out.path,
                shape,
                out.axis,
                tuple(s if s is None or isinstance(s, str) else str(s) for s in spec),
                tuple((int(d.id), tuple(index)) for d, index in placed),
            )
        )
    return tuple(leaves)


def describe_sharding(
    fun: Callable[..., Any],
    /,
    *args: Any,
    in_axes: Any = 0,
    out_axes: Any = 0,
    devices: Any = 1,
) -> ShardingPlan:
    """Describe ``jax.jit(jax.vmap(fun, in_axes, out_axes))(*args)`` with the batch axis of
    every mapped input sharded over a 1-D mesh of ``devices`` (an int N: the first N local
    devices; a list of devices; or a 1-D ``jax.sharding.Mesh``), un-mapped inputs replicated.

    Raises ValueError only for ``devices`` this machine does not have; anything wrong with
    the call itself — a vmap error, a batch that does not divide by the number of devices —
    is the plan's ``error``. ``plan.code`` is the ``jax.sharding`` code that does it.

    >>> import jax.numpy as jnp
    >>> plan = describe_sharding(jnp.sin, jnp.ones(6), devices=1)
    >>> [(leaf.path, leaf.shards) for leaf in plan.outputs]
    [('out', ((0, (slice(None, None, None),)),))]
    """
    given = devices
    mesh = check_devices(devices, max_axes=1)
    assert mesh is not None
    if not isinstance(given, Mesh):
        mesh = Mesh(mesh.devices, (BATCH_AXIS,))
    name = str(mesh.axis_names[0])
    ids = device_ids(mesh)
    plan = describe_vmap(fun, *args, in_axes=in_axes, out_axes=out_axes)
    inputs = tuple(
        ShardedLeaf(
            leaf.path,
            leaf.shape,
            leaf.axis,
            _spec(len(leaf.shape), leaf.axis, name),
            _input_shards(leaf.shape, leaf.axis, ids)
            if plan.ok and _uneven_error(plan, len(ids)) is None
            else (),
        )
        for leaf in plan.inputs
    )
    error = plan.error or _uneven_error(plan, len(ids))
    outputs: tuple[ShardedLeaf, ...] = ()
    if error is None:
        try:
            outputs = _output_leaves(fun, args, plan, inputs, mesh)
        except Exception as exc:
            error = f"the sharded call does not compile: {type(exc).__name__}: {first_line(exc)}"
    code = sharding_code(plan, function_name(fun), len(ids), name) if plan.ok else ""
    return ShardingPlan(plan, name, ids, inputs, outputs, error, code)
