"""Which devices a computation is sharded over: ``devices=`` as a ``jax.sharding.Mesh``.

``devices`` is ``None`` (one device, nothing sharded), an int N (the first N local
devices), a list of distinct jax devices, or a ``jax.sharding.Mesh`` of one or two axes.
JAX's own SPMD partitioner does the work; this module only builds and checks the mesh,
says which device computes which cells, and, for a mesh whose devices belong to several
processes (``jax.distributed.initialize``), turns host values into global arrays and back.

>>> mesh = check_devices(1)
>>> mesh.axis_names, mesh.devices.shape
(('x',), (1,))
>>> check_devices(None) is None
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import jax
import numpy as np
from jax.sharding import Mesh, NamedSharding
from jax.sharding import PartitionSpec as P

from vmapwidget.errors import short

__all__ = [
    "MAX_DEVICE_BLOCKS",
    "MESH_AXES",
    "check_devices",
    "device_ids",
    "forced_devices_hint",
    "global_arrays",
    "grid_blocks",
    "grid_shardings",
    "grid_split",
    "host_values",
    "spans_processes",
]

MESH_AXES = ("x", "y")
"""Names of the axes of a mesh built from an int or a list: x's grid points over the first."""


def forced_devices_hint(count: int) -> str:
    """How to get ``count`` devices on a CPU-only machine."""
    return (
        f"on CPU, start Python with XLA_FLAGS=--xla_force_host_platform_device_count={count} "
        "in the environment (before jax is imported) to get that many host devices"
    )


def check_devices(devices: Any, *, max_axes: int = 2) -> Mesh | None:
    """``devices`` as a mesh (None for None); ValueError naming what is wrong otherwise."""
    if devices is None:
        return None
    if isinstance(devices, Mesh):
        if not 1 <= len(devices.axis_names) <= max_axes:
            raise ValueError(
                f"devices: a Mesh of 1{' or 2' if max_axes == 2 else ''} axes is needed, "
                f"got axes {devices.axis_names}"
            )
        return devices
    if isinstance(devices, (bool, np.bool_)):
        raise ValueError(
            f"devices must be None, a number of devices, a list or a Mesh, got {devices!r}"
        )
    if isinstance(devices, (int, np.integer)):
        present = jax.local_devices()
        if not 1 <= devices <= len(present):
            platform = present[0].platform if present else "none"
            hint = f"; {forced_devices_hint(int(devices))}" if platform == "cpu" else ""
            raise ValueError(
                f"devices={int(devices)} asks for {int(devices)} devices, but JAX sees "
                f"{len(present)} ({platform}){hint}"
            )
        return Mesh(np.array(present[: int(devices)]), MESH_AXES[:1])
    if isinstance(devices, Sequence) and not isinstance(devices, (str, bytes)):
        chosen = list(devices)
        if not chosen or not all(isinstance(d, jax.Device) for d in chosen):
            raise ValueError(f"devices: a list of jax devices is needed, got {short(devices)}")
        if len({d.id for d in chosen}) != len(chosen):
            raise ValueError(f"devices: each device may appear once, got {short(chosen)}")
        return Mesh(np.array(chosen), MESH_AXES[:1])
    shown = repr(devices) if isinstance(devices, (str, bytes)) else short(devices)
    raise ValueError(f"devices must be None, a number of devices, a list or a Mesh, got {shown}")


def device_ids(mesh: Mesh | None) -> tuple[int, ...]:
    """The ids of the mesh's devices in mesh order (``(0,)`` standing for one device)."""
    if mesh is None:
        return (jax.local_devices()[0].id,)
    return tuple(int(d.id) for d in mesh.devices.flat)


def grid_split(mesh: Mesh | None) -> tuple[int, int]:
    """How many parts a grid's x and y points are split into: a 1-axis mesh splits x only.

    >>> grid_split(None), grid_split(check_devices(1))
    ((1, 1), (1, 1))
    """
    if mesh is None:
        return 1, 1
    shape = mesh.devices.shape
    return int(shape[0]), int(shape[1]) if len(shape) > 1 else 1


def grid_shardings(mesh: Mesh, params: int) -> tuple[tuple[NamedSharding, ...], NamedSharding]:
    """In- and out-shardings of a grid kernel f(x, y, *params) over ``mesh``: x's points
    over the first mesh axis, y's over the second (replicated on a 1-axis mesh), the
    parameters replicated; the grid sharded as x and y are."""
    names = mesh.axis_names
    x = NamedSharding(mesh, P(names[0]))
    y = NamedSharding(mesh, P(names[1]) if len(names) > 1 else P())
    replicated = NamedSharding(mesh, P())
    return (x, y, *[replicated] * params), NamedSharding(mesh, P(*names))


def spans_processes(mesh: Mesh | None) -> bool:
    """True when the mesh has devices of other processes (``jax.distributed``): every
    process must then make the same calls, with inputs and outputs as global arrays."""
    return mesh is not None and any(
        d.process_index != jax.process_index() for d in mesh.devices.flat
    )


def global_arrays(values: Sequence[Any], shardings: Sequence[NamedSharding]) -> list[jax.Array]:
    """Host values (the same in every process) as global arrays placed by ``shardings``:
    each process supplies the shards its own devices hold."""

    def placed(value: Any, sharding: NamedSharding) -> jax.Array:
        host = np.asarray(value)
        return jax.make_array_from_callback(host.shape, sharding, lambda index: host[index])

    return [placed(v, sharding) for v, sharding in zip(values, shardings)]


def host_values(array: jax.Array) -> np.ndarray:
    """The whole of ``array`` on this host, gathered from every process that holds a part."""
    if array.is_fully_addressable:
        return np.asarray(array)
    from jax.experimental import multihost_utils

    return np.asarray(multihost_utils.process_allgather(array, tiled=True))


MAX_DEVICE_BLOCKS = 1024
"""The most device blocks :func:`grid_blocks` lists (a grid of many tiles on many devices)."""


def grid_blocks(
    mesh: Mesh | None, shape: tuple[int, int], tile: tuple[int, int], padded: tuple[int, int]
) -> list[tuple[int, int, int, int, int]]:
    """``(device id, i0, i1, j0, j1)``: the cells ``[i0:i1, j0:j1]`` of a grid of ``shape``
    that each device computes when the grid is evaluated tile by tile, each tile as a call
    of ``padded`` shape sharded as :func:`grid_shardings` says; at most MAX_DEVICE_BLOCKS."""
    slices: Mapping[Any, tuple[slice, ...]]
    if mesh is None:
        slices = {jax.local_devices()[0]: (slice(0, padded[0]), slice(0, padded[1]))}
    else:
        slices = grid_shardings(mesh, 0)[1].devices_indices_map(padded)
    (nx, ny), (tx, ty) = shape, tile
    blocks = []
    for i in range(0, nx, tx):
        for j in range(0, ny, ty):
            for device, (rows, cols) in slices.items():
                i0, i1 = i + (rows.start or 0), i + (rows.stop or padded[0])
                j0, j1 = j + (cols.start or 0), j + (cols.stop or padded[1])
                i1, j1 = min(i1, i + tx, nx), min(j1, j + ty, ny)
                if i0 < i1 and j0 < j1:
                    blocks.append((int(device.id), i0, i1, j0, j1))
                if len(blocks) == MAX_DEVICE_BLOCKS:
                    return blocks
    return blocks
