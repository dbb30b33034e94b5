"""``devices=`` on the one device this suite sees (tests/multidevice has eight)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.sharding import Mesh

from vmapwidget import GridExplorer, describe_sharding
from vmapwidget.device_mesh import check_devices, device_ids, grid_split
from vmapwidget.kernels import GridKernel


def test_one_device_mesh_draws_what_no_mesh_draws() -> None:
    f = lambda x, y, a: jnp.sin(a * x) * y  # noqa: E731
    plain = GridKernel(f, ["a"]).evaluate((-2, 2), (-1, 1), (17, 9), {"a": 2.0})
    meshed = GridKernel(f, ["a"], devices=1).evaluate((-2, 2), (-1, 1), (17, 9), {"a": 2.0})
    np.testing.assert_array_equal(plain.values, meshed.values)
    w = GridExplorer(f, resolution=12, devices=[jax.devices()[0]], a=(0, 3, 1))
    assert w.stats["devices"] == 1
    assert w.device_layout == [(jax.devices()[0].id, 0, 12, 0, 12)]


@pytest.mark.parametrize(
    ("devices", "message"),
    [
        (2, "asks for 2 devices, but JAX sees 1 (cpu); on CPU, start Python with XLA_FLAGS="),
        (0, "asks for 0 devices"),
        (True, "devices must be None, a number of devices, a list or a Mesh, got True"),
        ("gpu", "got 'gpu'"),
        ([], "a list of jax devices is needed"),
        ([0, 1], "a list of jax devices is needed"),
    ],
)
def test_bad_devices_are_refused_with_what_is_wrong(devices, message) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        check_devices(devices)
    with pytest.raises(ValueError, match="devices"):
        GridExplorer(lambda x, y: x * y, devices=devices)


def test_a_mesh_is_taken_as_it_is() -> None:
    mesh = Mesh(np.array(jax.devices()[:1]).reshape(1, 1), ("rows", "cols"))
    assert check_devices(mesh) is mesh
    assert grid_split(mesh) == (1, 1)
    assert device_ids(mesh) == (jax.devices()[0].id,)
    assert device_ids(None) == (jax.devices()[0].id,)


def test_describe_sharding_refuses_more_devices_than_present() -> None:
    with pytest.raises(ValueError, match="XLA_FLAGS=--xla_force_host_platform_device_count=4"):
        describe_sharding(lambda a: a, jnp.ones((4, 2)), devices=4)
    plan = describe_sharding(lambda a: a * 2, jnp.ones((4, 2)), devices=1)
    assert plan.ok and plan.inputs[0].shards[0][0] == jax.devices()[0].id


def test_the_device_overlay_is_off_by_default_and_the_browser_may_switch_it() -> None:
    w = GridExplorer(lambda x, y: x * y, resolution=16)
    assert w.show_devices is False
    assert w._device_layout == {"n": [16, 16], "devices": 1, "blocks": [[0, 0, 16, 0, 16]]}
    w.set_state({"show_devices": True})
    assert w.show_devices is True
    w.set_state({"show_devices": "yes"})  # refused, logged, state unchanged
    assert w.show_devices is True
    w.resolution = 24
    assert w._device_layout["n"] == [24, 24]
    assert w.get_state()["_device_layout"] == w._device_layout
    with pytest.raises(ValueError, match="show_devices must be True or False"):
        GridExplorer(lambda x, y: x * y, show_devices=1)


def test_a_tiled_picture_has_one_block_per_tile_where_the_kernel_ran() -> None:
    w = GridExplorer(lambda x, y: jnp.sin(x) * y, resolution=512, memory_budget=1 << 20)
    blocks = w._device_layout["blocks"]
    assert len(blocks) == w.stats["tiles"] > 1
    counts = np.zeros((512, 512), int)
    for device, i0, i1, j0, j1 in blocks:
        assert device == jax.devices()[0].id
        counts[i0:i1, j0:j1] += 1
    assert (counts == 1).all()


def test_axis_explorer_offers_only_one_device_here_and_refuses_more_clearly() -> None:
    from vmapwidget import AxisExplorer

    w = AxisExplorer(lambda x, v: x @ v, jnp.ones((4, 3)), jnp.ones(3), in_axes=(0, None))
    assert (w.devices, w._device_choices) == (1, [1])
    assert "sharding" not in w.diagram
    with pytest.raises(ValueError, match=r"devices=2 is not a choice here: choose one of \[1\]"):
        w.devices = 2
    w.set_state({"devices": 2})  # from the browser: refused, logged, unchanged
    w.set_state({"devices": "2"})
    assert w.devices == 1
    nested = AxisExplorer.nested(lambda x: x, jnp.ones((2, 3)), in_axes=(0, 0), out_axes=(0, 0))
    assert nested._device_choices == [1]
