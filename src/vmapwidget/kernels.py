"""Jit-compiled nested-vmap kernels that evaluate f(x, y, *params) on a grid.

The kernel is the tutorial's ``vmap(vmap(f, in_axes=(None, 0)), in_axes=(0, None))`` under
``jit``. Parameters and the x/y values are traced arguments, so moving a slider or a range
never recompiles: there is one compilation per (grid shape, dtype), kept in a bounded cache.

>>> import jax.numpy as jnp
>>> kernel = GridKernel(lambda x, y, a: jnp.sin(a * x) * y, ["a"])
>>> result = kernel.evaluate((-5, 5), (-2, 2), 50, {"a": 1.0})
>>> result.values.shape, kernel.compiles
((50, 50), 1)
>>> _ = kernel.evaluate((-1, 1), (0, 3), 50, {"a": 2.5})
>>> kernel.compiles
1
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np

from vmapwidget.cost_meter import CostMeter
from vmapwidget.device_mesh import (
    MAX_DEVICE_BLOCKS,
    check_devices,
    global_arrays,
    grid_blocks,
    grid_shardings,
    grid_split,
    host_values,
    spans_processes,
)
from vmapwidget.errors import GridFunctionError, MemoryBudgetError

__all__ = [
    "DEFAULT_MEMORY_BUDGET",
    "MAX_DEVICE_BLOCKS",
    "MAX_RESOLUTION",
    "GridFunctionError",
    "GridKernel",
    "GridResult",
    "MemoryBudgetError",
    "check_dtype",
    "check_memory_budget",
    "check_range",
    "check_resolution",
    "check_resolvable",
    "format_bytes",
    "grid_axis",
    "working_memory",
]

MAX_RESOLUTION = 2048
"""Largest number of points along one grid axis (2048² float32 cells = 16 MiB)."""

DEFAULT_MEMORY_BUDGET = 1 << 30
"""Default working memory one evaluation of the grid may use: 1 GiB."""

MIN_MEMORY_BUDGET = 1 << 20
"""Smallest memory budget accepted: 1 MiB."""

MAX_ABS_COORDINATE = 1e15
"""Largest magnitude of a range end; beyond it float32 steps lose all meaning."""


@dataclass(frozen=True)
class GridResult:
    """One evaluation of the grid: values of shape ``(len(x), len(y))`` and how it went."""

    values: np.ndarray
    x: np.ndarray
    y: np.ndarray
    kernel_ms: float
    compiled: bool
    nonfinite: int

    @property
    def finite_range(self) -> tuple[float, float] | None:
        """(min, max) over the finite cells, or ``None`` when no cell is finite."""
        finite = self.values[np.isfinite(self.values)]
        if finite.size == 0:
            return None
        return float(finite.min()), float(finite.max())


def _as_float(value: Any, what: str) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.number)):
        raise ValueError(f"{what} must be a real number, got {value!r}")
    try:
        number = float(value)
    except OverflowError:
        bits = int(value).bit_length()
        raise ValueError(f"{what} is too large to be a float ({bits} bits)") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} must be finite, got {number}")
    return number


def check_range(bounds: Sequence[Any], what: str, dtype: Any = np.float32) -> tuple[float, float]:
    """Validate a (lo, hi) range: two finite numbers with lo < hi and a sane magnitude,
    distinct in ``dtype``."""
    if isinstance(bounds, (str, bytes)) or not isinstance(bounds, Sequence) or len(bounds) != 2:
        raise ValueError(f"{what} must be a pair (lo, hi), got {bounds!r}")
    lo, hi = (_as_float(v, what) for v in bounds)
    if not lo < hi:
        raise ValueError(f"{what} must have lo < hi, got ({lo:g}, {hi:g})")
    if max(abs(lo), abs(hi)) > MAX_ABS_COORDINATE:
        raise ValueError(
            f"{what} ends must lie within ±{MAX_ABS_COORDINATE:g}, got ({lo:g}, {hi:g})"
        )
    kind = np.dtype(dtype)
    if kind.type(lo) == kind.type(hi):
        raise ValueError(
            f"{what} ({lo:.9g}, {hi:.9g}) is too narrow for {kind.name} to tell apart"
            + (FLOAT64_HINT if kind == np.float32 else "")
        )
    return lo, hi


FLOAT64_HINT = (
    ": zoomed past what float32 can resolve; GridExplorer(..., dtype='float64') with "
    "jax.config.update('jax_enable_x64', True) evaluates in double precision"
)


def check_resolvable(bounds: Sequence[float], n: int, dtype: Any, what: str) -> None:
    """ValueError when ``n`` points across ``bounds`` would not all be distinct in
    ``dtype`` (the grid's step below a few units in the last place of its coordinates)."""
    kind = np.dtype(dtype)
    lo, hi = bounds
    step = (hi - lo) / max(n - 1, 1)
    if step < 4 * np.finfo(kind).eps * max(abs(lo), abs(hi)):
        raise ValueError(
            f"{what} ({lo:.9g}, {hi:.9g}) is too narrow for {n} distinct {kind.name} points"
            + (FLOAT64_HINT if kind == np.float32 else "")
        )


def check_dtype(dtype: Any) -> np.dtype:
    """float32, or float64 when JAX has x64 enabled; ValueError otherwise."""
    kind = np.dtype(dtype)
    if kind not in (np.float32, np.float64):
        raise ValueError(f"dtype must be 'float32' or 'float64', got {dtype!r}")
    if kind == np.float64 and not jax.config.read("jax_enable_x64"):
        raise ValueError(
            "dtype='float64' needs JAX's 64-bit mode: run "
            "jax.config.update('jax_enable_x64', True) first"
        )
    return kind


def check_resolution(resolution: Any) -> int:
    """Validate a number of grid points along one axis: an int in 1 … MAX_RESOLUTION."""
    if isinstance(resolution, (bool, np.bool_)) or not isinstance(resolution, (int, np.integer)):
        raise ValueError(f"resolution must be an integer, got {resolution!r}")
    if not 1 <= resolution <= MAX_RESOLUTION:
        raise ValueError(f"resolution must be between 1 and {MAX_RESOLUTION}, got {resolution}")
    return int(resolution)


def grid_axis(bounds: Sequence[float], n: int, dtype: Any = np.float32) -> np.ndarray:
    """``n`` evenly spaced points from lo to hi (the midpoint when ``n`` is 1)."""
    lo, hi = bounds
    if n == 1:
        return np.array([(lo + hi) / 2], dtype=dtype)
    return np.linspace(lo, hi, n, dtype=dtype)


def check_memory_budget(budget: Any) -> int:
    """Validate a memory budget in bytes: an int of at least MIN_MEMORY_BUDGET."""
    if isinstance(budget, (bool, np.bool_)) or not isinstance(budget, (int, np.integer)):
        raise ValueError(f"memory_budget must be a number of bytes (an int), got {budget!r}")
    if budget < MIN_MEMORY_BUDGET:
        raise ValueError(
            f"memory_budget must be at least {format_bytes(MIN_MEMORY_BUDGET)}, got {budget}"
        )
    return int(budget)


def format_bytes(count: float) -> str:
    """``1536`` → ``'1.5 KiB'``: a byte count for people."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if abs(count) < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.3g} {unit}"
        count /= 1024
    raise AssertionError("unreachable")


def working_memory(executable: Any) -> int:
    """Bytes a compiled kernel needs while it runs (arguments, output and temporaries), by
    XLA's ``memory_analysis()``; 0 where the backend does not say."""
    try:
        stats = executable.memory_analysis()
    except Exception:  # backends without the analysis
        return 0
    if stats is None:
        return 0
    return int(stats.temp_size_in_bytes + stats.output_size_in_bytes + stats.argument_size_in_bytes)


def _tile_for(cells: int, nx: int, ny: int) -> tuple[int, int]:
    """A tile of at most ``cells`` cells: whole y rows where they fit, a power of two of x
    rows (or all of them); else a power of two of one row's y points."""
    if cells >= nx * ny:
        return nx, ny
    if cells >= ny:
        return min(nx, 1 << int(math.log2(cells // ny))), ny
    return 1, min(ny, 1 << int(math.log2(cells)))


def _pad(values: np.ndarray, size: int) -> np.ndarray:
    """``values`` extended to ``size`` by repeating its last element."""
    if len(values) == size:
        return values
    return np.concatenate([values, np.repeat(values[-1:], size - len(values))])


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


class GridKernel:
    """f(x, y, *params) on a grid, via ``jit(vmap(vmap(f, (None, 0, ...)), (0, None, ...)))``.

    ``param_names`` are the names of f's parameters after x and y, in order. Values are
    computed in ``dtype`` (float32 by default); integer and boolean results are converted to
    it, complex results are refused. A grid whose evaluation would need more than
    ``memory_budget`` bytes of working memory (XLA's estimate for the compiled kernel) is
    evaluated in tiles that fit, each a call of one compiled tile shape with the last tile
    padded, so memory stays bounded at any resolution; one call when it fits.

    ``devices`` (None, a number of devices, a list of devices or a ``jax.sharding.Mesh`` of one
    or two axes) shards each call: x's points over the mesh's first axis, y's over its second,
    the parameters replicated, the grid sharded as x and y are (JAX's SPMD partitioner). Each
    call's shape is padded to a multiple of the mesh's shape, and ``memory_budget`` is per
    device. None: one device, as a plain ``jit``.
    """

    def __init__(
        self,
        fun: Callable[..., Any],
        param_names: Sequence[str] = (),
        *,
        dtype: Any = np.float32,
        cache_size: int = 16,
        memory_budget: int = DEFAULT_MEMORY_BUDGET,
        devices: Any = None,
    ) -> None:
        self.fun = fun
        self.mesh = check_devices(devices)
        self.split = grid_split(self.mesh)
        self.param_names = tuple(param_names)
        self.dtype = check_dtype(dtype)
        self.cache_size = cache_size
        self.memory_budget = check_memory_budget(memory_budget)
        self.compiles = 0
        self.last_compile_ms = 0.0
        self.last_run_ms = 0.0
        self._compiled: OrderedDict[tuple[int, int, str], Any] = OrderedDict()
        self._tiles: dict[tuple[int, int, int], tuple[int, int]] = {}
        self._cost = CostMeter()
        self._lock = threading.Lock()
        self._check_pointwise()
        unmapped = (None,) * len(self.param_names)
        over_y = jax.vmap(self._pointwise, in_axes=(None, 0, *unmapped))
        over_grid = jax.vmap(over_y, in_axes=(0, None, *unmapped))
        self._global = spans_processes(self.mesh)
        if self.mesh is None:
            self._grid_fn = jax.jit(over_grid)
        else:
            shard_in, shard_out = grid_shardings(self.mesh, len(self.param_names))
            self._in_shardings = shard_in
            self._grid_fn = jax.jit(over_grid, in_shardings=shard_in, out_shardings=shard_out)

    @property
    def device_count(self) -> int:
        """How many devices each call runs on."""
        return self.split[0] * self.split[1]

    def padded_shape(self, nx: int, ny: int) -> tuple[int, int]:
        """The shape an ``nx × ny`` call is compiled for: rounded up to the mesh's shape."""
        mx, my = self.split
        return -(-nx // mx) * mx, -(-ny // my) * my

    def _pointwise(self, x: Any, y: Any, *params: Any) -> Any:
        return jnp.asarray(self.fun(x, y, *params)).astype(self.dtype)

    def _scalar(self) -> jax.ShapeDtypeStruct:
        return jax.ShapeDtypeStruct((), self.dtype)

    def _check_pointwise(self) -> None:
        scalars = [self._scalar()] * (2 + len(self.param_names))
        try:
            out = jax.eval_shape(self.fun, *scalars)
        except Exception as exc:
            raise GridFunctionError(
                f"f raised {type(exc).__name__} when evaluated at one grid point: "
                f"{_first_line(exc)}"
            ) from exc
        leaves = jax.tree.leaves(out)
        if len(leaves) != 1 or not jax.tree_util.treedef_is_leaf(jax.tree.structure(out)):
            raise GridFunctionError(
                "f must return one number per point (x, y), but it returned "
                f"{jax.tree.structure(out)} — a container of {len(leaves)} arrays"
            )
        shape, dtype = tuple(leaves[0].shape), np.dtype(leaves[0].dtype)
        if shape != ():
            raise GridFunctionError(
                f"f must return one number per point (x, y), but it returned shape {shape} "
                "for scalar x and y; reduce it (e.g. jnp.sum) or pick one element"
            )
        if np.issubdtype(dtype, np.complexfloating):
            raise GridFunctionError(
                f"f returns complex values ({dtype}); a heatmap needs real numbers: "
                "take jnp.abs, .real or .imag of the result"
            )

    def executable(self, nx: int, ny: int) -> tuple[Any, bool]:
        """The compiled kernel for an ``nx × ny`` grid (or tile), and whether it was compiled
        just now. Cached (LRU, ``cache_size`` shapes). Raises GridFunctionError."""
        nx, ny = self.padded_shape(nx, ny)
        key = (nx, ny, self.dtype.str)
        with self._lock:
            if key in self._compiled:
                self._compiled.move_to_end(key)
                return self._compiled[key], False
        scalars = [self._scalar()] * len(self.param_names)
        start = time.perf_counter()
        try:
            executable = self._grid_fn.lower(
                jax.ShapeDtypeStruct((nx,), self.dtype),
                jax.ShapeDtypeStruct((ny,), self.dtype),
                *scalars,
            ).compile()
        except Exception as exc:
            raise GridFunctionError(
                f"f could not be compiled for a {nx}×{ny} grid: "
                f"{type(exc).__name__}: {_first_line(exc)}"
            ) from exc
        with self._lock:
            self.last_compile_ms = (time.perf_counter() - start) * 1e3
            self.compiles += 1
            self._compiled[key] = executable
            while len(self._compiled) > self.cache_size:
                self._compiled.popitem(last=False)
        return executable, True

    def tile_shape(self, nx: int, ny: int, max_cells: int | None = None) -> tuple[int, int]:
        """The largest tile of an ``nx × ny`` grid that is evaluated in one call: at most
        ``max_cells`` cells (None: no limit) and within ``memory_budget`` by XLA's own estimate
        (``Compiled.memory_analysis()``). Whole rows of y where they fit; the number of rows a
        power of two, so that few shapes are ever compiled; a compiled tile with up to four
        times more or fewer rows is taken instead of compiling a new one. Raises
        MemoryBudgetError when one point alone needs more than the budget, GridFunctionError
        when f does not compile."""
        cells = nx * ny if max_cells is None else max(1, min(max_cells, nx * ny))
        key = (nx, ny, cells)
        if key in self._tiles:
            return self._tiles[key]
        tile = self._compiled_near(_tile_for(cells, nx, ny), nx)
        while True:
            executable, _ = self.executable(*tile)
            need = working_memory(executable)
            if need <= self.memory_budget:
                break
            if tile == (1, 1):
                raise MemoryBudgetError(
                    f"f needs {format_bytes(need)} of working memory for one grid point "
                    f"(XLA's estimate), more than memory_budget={format_bytes(self.memory_budget)}"
                )
            per_cell = need / (tile[0] * tile[1])
            cells = min(tile[0] * tile[1] // 2, int(self.memory_budget / per_cell))
            tile = _tile_for(max(1, cells), nx, ny)
        self._tiles[key] = tile
        return tile

    def is_compiled(self, nx: int, ny: int) -> bool:
        """Whether the kernel for an ``nx × ny`` grid is compiled (and cached)."""
        with self._lock:
            return (*self.padded_shape(nx, ny), self.dtype.str) in self._compiled

    def _compiled_near(self, tile: tuple[int, int], nx: int) -> tuple[int, int]:
        """``tile``, or the nearest compiled tile of the same width with up to four times its
        rows or a quarter of them: a compile costs more than a tile of the wrong size, and the
        measured cost a plan is sized from moves with the machine's load."""
        rows, ny = tile
        if rows == nx or self.is_compiled(*tile):
            return tile
        near = [r for r in (rows // 2, rows * 2, rows // 4, rows * 4) if 1 <= r < nx]
        return next(((r, ny) for r in near if self.is_compiled(r, ny)), tile)

    def run_tile(
        self, x: np.ndarray, y: np.ndarray, params: list[np.ndarray], tile: tuple[int, int]
    ) -> np.ndarray:
        """f on the grid of ``x × y`` (at most one tile), evaluated as one ``tile``-shaped
        call with the coordinates padded; shape ``(len(x), len(y))``."""
        executable, _ = self.executable(*tile)
        tx, ty = self.padded_shape(*tile)
        start = time.perf_counter()
        try:
            args: Sequence[Any] = (_pad(x, tx), _pad(y, ty), *params)
            if self._global:  # a mesh over several processes (jax.distributed)
                args = global_arrays(args, self._in_shardings)
            values = host_values(executable(*args))
        except Exception as exc:
            raise GridFunctionError(
                f"f failed on the grid: {type(exc).__name__}: {_first_line(exc)}"
            ) from exc
        run_ms = (time.perf_counter() - start) * 1e3
        with self._lock:
            self.last_run_ms = run_ms
            self._cost.add(run_ms, tx * ty)
        return values[: len(x), : len(y)]

    def device_blocks(
        self, nx: int, ny: int, tile: tuple[int, int] | None = None
    ) -> list[tuple[int, int, int, int, int]]:
        """Where each device computes an ``nx × ny`` grid evaluated in tiles of ``tile``
        (default: :meth:`tile_shape`): ``(device id, i0, i1, j0, j1)`` for the cells
        ``[i0:i1, j0:j1]``, tile by tile, from the output sharding the kernel is compiled
        with; at most MAX_DEVICE_BLOCKS blocks. One device: one block per tile."""
        tile = self.tile_shape(nx, ny) if tile is None else tile
        return grid_blocks(self.mesh, (nx, ny), tile, self.padded_shape(*tile))

    @property
    def cost_per_cell_ms(self) -> float | None:
        """Measured milliseconds per grid cell (None before the first run)."""
        with self._lock:  # the worker thread adds runs to the meter under the same lock
            return self._cost.per_cell_ms

    def canonical_params(self, params: Mapping[str, Any] | Sequence[Any]) -> list[np.ndarray]:
        """Parameter values as ``dtype`` scalars in ``param_names`` order (no recompiles)."""
        if isinstance(params, Mapping):
            missing = [n for n in self.param_names if n not in params]
            extra = [n for n in params if n not in self.param_names]
            if missing or extra:
                raise ValueError(
                    f"parameters must be exactly {list(self.param_names)}; "
                    f"missing {missing}, unexpected {extra}"
                )
            values = [params[n] for n in self.param_names]
        else:
            values = list(params)
            if len(values) != len(self.param_names):
                raise ValueError(
                    f"expected {len(self.param_names)} parameter values, got {len(values)}"
                )
        return [
            np.asarray(_as_float(v, f"parameter {n!r}"), dtype=self.dtype)
            for n, v in zip(self.param_names, values)
        ]

    def __call__(self, x: Any, y: Any, *params: Any) -> np.ndarray:
        """Evaluate on the grid spanned by 1-D ``x`` and ``y``; shape ``(len(x), len(y))``."""
        x = np.asarray(x, dtype=self.dtype)
        y = np.asarray(y, dtype=self.dtype)
        if x.ndim != 1 or y.ndim != 1:
            raise ValueError(f"x and y must be 1-D, got shapes {x.shape} and {y.shape}")
        return self._run(x, y, self.canonical_params(params))[0]

    def _run(
        self, x: np.ndarray, y: np.ndarray, params: list[np.ndarray]
    ) -> tuple[np.ndarray, bool]:
        """The whole grid, in as few calls as the memory budget allows; (values, compiled)."""
        compiles = self.compiles
        tx, ty = self.tile_shape(len(x), len(y))
        start = time.perf_counter()
        if (tx, ty) == (len(x), len(y)):
            values = self.run_tile(x, y, params, (tx, ty))
        else:
            values = np.empty((len(x), len(y)), self.dtype)
            for i in range(0, len(x), tx):
                for j in range(0, len(y), ty):
                    block = self.run_tile(x[i : i + tx], y[j : j + ty], params, (tx, ty))
                    values[i : i + tx, j : j + ty] = block
        self.last_run_ms = (time.perf_counter() - start) * 1e3
        return values, self.compiles > compiles

    def evaluate(
        self,
        x_range: Sequence[Any],
        y_range: Sequence[Any],
        resolution: int | tuple[int, int],
        params: Mapping[str, Any] | Sequence[Any] = (),
    ) -> GridResult:
        """Validate the grid request, evaluate it, and report time and non-finite cells."""
        x_bounds = check_range(x_range, "x range", self.dtype)
        y_bounds = check_range(y_range, "y range", self.dtype)
        nx, ny = (resolution, resolution) if not isinstance(resolution, tuple) else resolution
        nx, ny = check_resolution(nx), check_resolution(ny)
        values_in = self.canonical_params(params)
        x = grid_axis(x_bounds, nx, self.dtype)
        y = grid_axis(y_bounds, ny, self.dtype)
        values, compiled = self._run(x, y, values_in)
        nonfinite = int(values.size - np.count_nonzero(np.isfinite(values)))
        return GridResult(values, x, y, self.last_run_ms, compiled, nonfinite)
