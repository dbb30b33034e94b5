"""AxisExplorer with ``devices=``: the diagram's ``sharding`` against real jax on 8 host
devices (the code it shows, run, puts every shard where the diagram says)."""

from __future__ import annotations

import jax
import jax.numpy as jnp
import numpy as np
import pytest

from vmapwidget import AxisExplorer, describe_sharding


def shards_of(array) -> list:
    return sorted(
        [s.device.id, [list(sl.indices(n)[:2]) for sl, n in zip(s.index, array.shape)]]
        for s in array.addressable_shards
    )


@pytest.mark.parametrize("devices", [2, 4, 8])
def test_the_diagram_shards_are_where_the_code_it_shows_puts_them(devices) -> None:
    x, v = jnp.arange(24.0).reshape(8, 3), jnp.arange(3.0)
    w = AxisExplorer(lambda x, v: x @ v, x, v, in_axes=(0, None))
    assert w._device_choices == [1, 2, 4, 8]
    w.devices = devices
    sharding = w.diagram["sharding"]
    want = describe_sharding(lambda x, v: x @ v, x, v, in_axes=(0, None), devices=devices)
    assert sharding["error"] is None and sharding == {**want.to_json(), "code": sharding["code"]}
    namespace = {"f": lambda x, v: x @ v, "x": x, "v": v}
    exec(sharding["code"], namespace)  # the code panel's text, as a user would paste it
    real = {"x": namespace["x"], "v": namespace["v"], "out": namespace["out"]}
    np.testing.assert_allclose(real["out"], x @ v)
    for leaf in [*sharding["inputs"], *sharding["outputs"]]:
        assert sorted(leaf["shards"]) == shards_of(real[leaf["path"]]), leaf["path"]


def test_an_uneven_batch_says_why_and_keeps_the_diagram() -> None:
    w = AxisExplorer(lambda x: x * 2, jnp.ones((6, 2)), devices=4)
    assert "does not split evenly over 4 devices" in w.diagram["sharding"]["error"]
    assert w.diagram["error"] is None and w.result.shape == (6, 2)
    w.devices = 2
    assert w.diagram["sharding"]["error"] is None
    assert [s[0] for s in w.diagram["sharding"]["outputs"][0]["shards"]] == [0, 1]
    w.devices = 1
    assert "sharding" not in w.diagram
    assert jax.device_count() == 8
