"""GridKernel and GridExplorer with ``devices=``: real jax sharding over 8 host devices.

Ground truth: the same kernel on one device (the values), and the ``addressable_shards`` of
the array the compiled kernel returns (which device holds which cells).
"""

from __future__ import annotations

import asyncio

import jax
import jax.numpy as jnp
import numpy as np
import pytest
from jax.sharding import Mesh

from vmapwidget import GridExplorer
from vmapwidget.kernels import GridKernel, grid_axis


def wave(x, y, a):
    return jnp.sin(a * x) * jnp.cos(y) + x * y


def escape_time(x, y, iterations):
    c = x + 1j * y

    def step(_, carry):
        z, n = carry
        z = jnp.where(jnp.abs(z) <= 2, z * z + c, z)
        return z, n + (jnp.abs(z) <= 2)

    return jax.lax.fori_loop(0, 64, step, (0j * c, 0.0 * x))[1] + 0 * iterations


def mesh(rows: int, cols: int) -> Mesh:
    return Mesh(np.array(jax.devices()[: rows * cols]).reshape(rows, cols), ("x", "y"))


DEVICES = [1, 2, 3, 4, 8, "2x2", "4x2", "2x4"]
SHAPES = [(1, 1), (7, 5), (37, 29), (64, 64), (100, 3)]


def as_devices(spec):
    if isinstance(spec, str):
        return mesh(*map(int, spec.split("x")))
    return spec


def covered(blocks, nx: int, ny: int) -> np.ndarray:
    counts = np.zeros((nx, ny), int)
    for _, i0, i1, j0, j1 in blocks:
        counts[i0:i1, j0:j1] += 1
    return counts


@pytest.mark.parametrize("devices", DEVICES, ids=str)
@pytest.mark.parametrize("fun", [wave, escape_time], ids=lambda f: f.__name__)
def test_sharded_grid_equals_the_single_device_grid(devices, fun) -> None:
    sharded = GridKernel(fun, ["a"], devices=as_devices(devices))
    single = GridKernel(fun, ["a"])
    for shape in SHAPES:
        got = sharded.evaluate((-2, 1), (-1.5, 1.5), shape, {"a": 1.7}).values
        want = single.evaluate((-2, 1), (-1.5, 1.5), shape, {"a": 1.7}).values
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6, err_msg=str(shape))
    assert sharded.compiles == len(SHAPES)


def real_blocks(kernel: GridKernel, nx: int, ny: int, tile: tuple[int, int]) -> set[tuple]:
    """Which device holds which cells of an nx × ny grid computed tile by tile: the
    addressable shards of each tile's output, run through the compiled kernel."""
    executable, _ = kernel.executable(*tile)
    px, py = kernel.padded_shape(*tile)
    out = executable(grid_axis((-1, 1), px), grid_axis((-1, 1), py), np.float32(1.0))
    truth = set()
    for ti in range(0, nx, tile[0]):
        for tj in range(0, ny, tile[1]):
            for shard in out.addressable_shards:
                rows, cols = shard.index
                i0 = ti + (rows.start or 0)
                i1 = min(ti + (rows.stop or px), ti + tile[0], nx)
                j0 = tj + (cols.start or 0)
                j1 = min(tj + (cols.stop or py), tj + tile[1], ny)
                if i0 < i1 and j0 < j1:
                    truth.add((shard.device.id, i0, i1, j0, j1))
    return truth


@pytest.mark.parametrize("devices", DEVICES, ids=str)
def test_device_blocks_are_where_jax_puts_the_shards(devices) -> None:
    kernel = GridKernel(wave, ["a"], devices=as_devices(devices))
    for nx, ny in SHAPES:
        truth = real_blocks(kernel, nx, ny, kernel.tile_shape(nx, ny))
        blocks = kernel.device_blocks(nx, ny)
        assert set(blocks) == truth
        assert len(blocks) == len(truth)
        assert (covered(blocks, nx, ny) == 1).all()
        assert {b[0] for b in blocks} <= {d.id for d in jax.devices()[: kernel.device_count]}


def test_a_tiled_sharded_grid_stays_within_the_budget_per_device_and_is_exact() -> None:
    budget = 1 << 20
    sharded = GridKernel(wave, ["a"], devices=4, memory_budget=budget)
    single = GridKernel(wave, ["a"], memory_budget=budget)
    n = 1024
    tile = sharded.tile_shape(n, n)
    assert tile[0] * tile[1] < n * n  # tiled
    executable, _ = sharded.executable(*tile)
    stats = executable.memory_analysis()
    assert stats.temp_size_in_bytes + stats.output_size_in_bytes <= budget
    # Four devices hold four times the cells of one within the same budget each.
    one = single.tile_shape(n, n)
    assert tile[0] * tile[1] >= 2 * one[0] * one[1]
    got = sharded.evaluate((-3, 3), (-3, 3), n, {"a": 0.5}).values
    want = single.evaluate((-3, 3), (-3, 3), n, {"a": 0.5}).values
    np.testing.assert_array_equal(got, want)
    blocks = sharded.device_blocks(n, n)
    assert (covered(blocks, n, n) == 1).all()
    assert {b[0] for b in blocks} == {0, 1, 2, 3}


def test_grid_explorer_on_four_devices_draws_the_one_device_picture() -> None:
    kwargs = dict(x=(-3, 3), y=(-2, 2), resolution=96, a=(0.1, 3.0, 1.0))
    sharded = GridExplorer(wave, devices=4, **kwargs)
    single = GridExplorer(wave, **kwargs)
    np.testing.assert_allclose(sharded.grid, single.grid, rtol=1e-6, atol=1e-6)
    sharded.params = single.params = {"a": 2.2}
    sharded.x_range = single.x_range = (-1, 2)
    np.testing.assert_allclose(sharded.grid, single.grid, rtol=1e-6, atol=1e-6)
    assert sharded.stats["devices"] == 4 and single.stats["devices"] == 1
    assert sharded._status["devices"] == 4
    layout = sharded.device_layout
    assert sorted(b[0] for b in layout) == [0, 1, 2, 3]
    assert (covered(layout, 96, 96) == 1).all()
    assert [(b[1], b[2]) for b in sorted(layout)] == [(0, 24), (24, 48), (48, 72), (72, 96)]
    assert sharded.stats["compiles"] == 1


def test_a_formula_widget_on_a_mesh_keeps_its_devices_when_the_formula_changes() -> None:
    w = GridExplorer("sin(a*x) * y", devices=mesh(2, 2), resolution=33, a=(0.1, 3, 1))
    w.formula = "cos(a*x) + y"
    assert w.kernel.device_count == 4
    reference = GridExplorer("cos(a*x) + y", resolution=33, a=(0.1, 3, 1))
    np.testing.assert_allclose(w.grid, reference.grid, rtol=1e-6, atol=1e-6)
    assert {b[0] for b in w.device_layout} == {0, 1, 2, 3}


def test_more_devices_than_present_is_refused_with_the_count_seen() -> None:
    with pytest.raises(ValueError, match="asks for 9 devices, but JAX sees 8"):
        GridKernel(wave, ["a"], devices=9)
    with pytest.raises(ValueError, match="each device may appear once"):
        GridKernel(wave, ["a"], devices=[jax.devices()[0]] * 2)
    three = Mesh(np.array(jax.devices()).reshape(2, 2, 2), ("a", "b", "c"))
    with pytest.raises(ValueError, match="a Mesh of 1 or 2 axes"):
        GridExplorer(wave, devices=three, a=(0, 1))


def slow_wave(x, y, a):
    slow = jax.lax.fori_loop(0, 200, lambda _, v: jnp.sin(v) * 0.5, x * y)
    return wave(x, y, a) + 0.0 * slow


def test_the_layout_sent_to_the_browser_is_the_level_drawn_where_jax_put_it() -> None:
    w = GridExplorer(
        slow_wave,
        devices=mesh(2, 2),
        resolution=256,
        frame_budget_ms=5,
        show_devices=True,
        memory_budget=1 << 22,
        a=(0.1, 3.0, 1.0),
    )
    sent = []
    w.observe(lambda change: sent.append((change["new"], w._picture.level)), "_device_layout")

    async def main() -> None:
        w._on_browser_msg(w, {"type": "request", "vid": "v", "seq": 1, "params": {"a": 2.0}}, [])
        for _ in range(60000):
            if not w.busy:
                return
            await asyncio.sleep(0.001)
        raise AssertionError("the evaluation did not end")

    asyncio.run(main())
    assert w._status["progress"]["final"] is True
    assert len({layout["n"][0] for layout, _ in sent}) > 1  # coarse levels, then 256
    assert w._device_layout["n"] == [256, 256] and w._device_layout["devices"] == 4
    for layout, (n, tile) in sent:
        blocks = {tuple(b) for b in layout["blocks"]}
        assert blocks == real_blocks(w.kernel, n, n, tile)
        assert (covered(blocks, n, n) == 1).all()
    assert {tuple(b) for b in w._device_layout["blocks"]} == set(w.device_layout)
