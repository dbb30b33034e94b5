"""describe_sharding against real jax sharding: random functions, shapes, axes and device counts.

Ground truth is what jax does with the inputs placed as the plan says: ``jax.device_put``
with a NamedSharding per leaf, ``jax.jit(jax.vmap(...))`` on them, and the arrays'
``addressable_shards``. The plan's code is executed too and must do the same.
"""

from __future__ import annotations

import os

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from vmapwidget import describe_sharding
from vmapwidget.codegen import safe_names

DRAWS = int(os.environ.get("VMAPWIDGET_SHARDING_DRAWS", "60"))


def _elementwise(*args):
    return jnp.sin(jax.tree.leaves(args)[0]) * 2.0


def _sum_all(*args):
    return sum(jnp.sum(leaf) for leaf in jax.tree.leaves(args))


def _outer(*args):
    leaves = jax.tree.leaves(args)
    return jnp.outer(jnp.ravel(leaves[0]), jnp.ravel(leaves[-1]))


def _ignores_batch(*args):
    return jnp.arange(3.0)


def _pair(*args):
    leaves = jax.tree.leaves(args)
    return jnp.ravel(leaves[0]) + 1.0, {"total": jnp.sum(leaves[-1])}


FUNCTIONS = [_elementwise, _sum_all, _outer, _ignores_batch, _pair]


@st.composite
def calls(draw):
    """(fun, args, in_axes, out_axes, devices): 1–3 arguments, each an array or a dict of
    arrays, mapped along a random axis (negative too) or not at all (at least one mapped)."""
    batch = draw(st.integers(1, 12))
    devices = draw(st.sampled_from([1, 2, 3, 4, 8]))
    fun = draw(st.sampled_from(FUNCTIONS))
    args, axes = [], []
    for index in range(draw(st.integers(1, 3))):
        mapped = index == 0 or draw(st.booleans())
        example = tuple(draw(st.lists(st.integers(1, 3), max_size=2)))
        axis = draw(st.integers(-(len(example) + 1), len(example))) if mapped else None
        shape = list(example)
        if axis is not None:
            shape.insert(axis % (len(example) + 1), batch)
        leaf = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) / 7.0
        if draw(st.booleans()):
            leaf = {"a": leaf, "b": leaf * 2}
        args.append(leaf)
        axes.append(axis)
    out_axes = draw(st.sampled_from([0, -1])) if fun not in (_pair,) else 0
    return fun, tuple(args), tuple(axes), out_axes, devices


def _real(fun, args, plan):
    """The inputs placed as the plan's specs say, and the real call's outputs."""
    mesh = Mesh(np.array(jax.devices()[: len(plan.devices)]), (plan.mesh_axis,))
    values, treedef = jax.tree.flatten(args)
    placed = [
        jax.device_put(value, NamedSharding(mesh, PartitionSpec(*leaf.spec)))
        for value, leaf in zip(values, plan.inputs)
    ]
    out = jax.jit(jax.vmap(fun, in_axes=plan.vmap.in_axes, out_axes=plan.vmap.out_axes))(
        *jax.tree.unflatten(treedef, placed)
    )
    return placed, jax.tree.leaves(out)


def _shards(array):
    return sorted((s.device.id, s.index) for s in array.addressable_shards)


def _key(shards):
    return sorted(shards, key=lambda s: (s[0], repr(s[1])))


@settings(max_examples=DRAWS, deadline=None, suppress_health_check=list(HealthCheck))
@given(calls())
def test_the_plan_says_where_real_jax_puts_every_shard(call):
    fun, args, in_axes, out_axes, devices = call
    plan = describe_sharding(fun, *args, in_axes=in_axes, out_axes=out_axes, devices=devices)
    batch = plan.vmap.batch_size
    assert plan.vmap.ok, plan.vmap.error
    if batch % devices:
        assert plan.error is not None and f"batch of {batch}" in plan.error
        assert "does not split evenly" in plan.error
        mapped = next(leaf for leaf in plan.inputs if leaf.axis is not None)
        mesh = Mesh(np.array(jax.devices()[:devices]), ("batch",))
        with pytest.raises(ValueError, match=r"divide|divisible"):
            jax.device_put(
                jnp.zeros(mapped.shape), NamedSharding(mesh, PartitionSpec(*mapped.spec))
            )
        return
    assert plan.ok, plan.error
    placed, outputs = _real(fun, args, plan)
    for leaf, array in zip(plan.inputs, placed):
        assert _key(leaf.shards) == _key(_shards(array)), leaf.path
    assert len(plan.outputs) == len(outputs)
    for leaf, array in zip(plan.outputs, outputs):
        assert leaf.shape == array.shape
        assert _key(leaf.shards) == _key(_shards(array)), leaf.path
    namespace = dict(zip(safe_names(plan.vmap.arg_names), args)) | {"f": fun, fun.__name__: fun}
    exec(plan.code, namespace)
    for leaf, array, expected in zip(plan.outputs, jax.tree.leaves(namespace["out"]), outputs):
        assert _key(_shards(array)) == _key(leaf.shards)
        np.testing.assert_allclose(np.asarray(array), np.asarray(expected), rtol=1e-6)


def test_an_even_batch_is_split_in_equal_slices_and_the_unmapped_input_replicated():
    x, w = np.ones((8, 3), np.float32), np.ones((3, 2), np.float32)
    plan = describe_sharding(lambda x, w: x @ w, x, w, in_axes=(0, None), devices=4)
    assert plan.devices == tuple(d.id for d in jax.devices()[:4])
    assert [index[0] for _, index in plan.inputs[0].shards] == [
        slice(0, 2),
        slice(2, 4),
        slice(4, 6),
        slice(6, 8),
    ]
    assert plan.inputs[1].replicated and not plan.inputs[0].replicated
    assert plan.outputs[0].spec == ("batch",)
    assert plan.to_json()["outputs"][0]["shards"][1] == [plan.devices[1], [[2, 4], [0, 2]]]


def test_an_output_that_ignores_the_batch_is_what_xla_makes_of_it():
    plan = describe_sharding(lambda x: jnp.arange(3.0), np.ones((8, 2)), devices=8)
    real = jax.jit(jax.vmap(lambda x: jnp.arange(3.0)))(
        jax.device_put(
            np.ones((8, 2)),
            NamedSharding(Mesh(np.array(jax.devices()), ("batch",)), PartitionSpec("batch")),
        )
    )
    assert _key(plan.outputs[0].shards) == _key(_shards(real))


def test_a_mesh_and_a_device_list_are_taken_as_given():
    chosen = jax.devices()[2:6]
    by_list = describe_sharding(jnp.sin, np.ones(4), devices=chosen)
    assert by_list.devices == tuple(d.id for d in chosen)
    mesh = Mesh(np.array(chosen), ("data",))
    by_mesh = describe_sharding(jnp.sin, np.ones(4), devices=mesh)
    assert by_mesh.mesh_axis == "data" and "'data'" in by_mesh.code
    assert [s for s, _ in by_mesh.outputs[0].shards] == list(by_mesh.devices)


def test_asking_for_more_devices_than_there_are_names_the_count():
    with pytest.raises(ValueError, match=r"devices=9 asks for 9 devices, but JAX sees 8"):
        describe_sharding(jnp.sin, np.ones(9), devices=9)
    with pytest.raises(ValueError, match="Mesh of 1 axes"):
        describe_sharding(
            jnp.sin, np.ones(4), devices=Mesh(np.array(jax.devices()).reshape(2, 4), ("a", "b"))
        )
