"""Binary frames for GridExplorer: the grid as a compact buffer plus a small JSON header.

The ``uint16`` encoding stores each finite cell as ``q = min(floor(t · 65536), 65535)`` with
``t = (v - vmin) / (vmax - vmin)``. The frontend's 256-entry colour map index is
``q >> 8 = min(floor(t · 256), 255)``: exactly the index the float value would get, so the
picture is exact at the colour map's resolution with half the bytes of float32. The tooltip
reads ``vmin + (q + ½) / 65536 · (vmax - vmin)``, within 1/131072 of the value range.
Non-finite cells go in a second buffer of one byte per cell (0 finite, 1 NaN, 2 +inf,
3 -inf, 4 at or below 0 under a log norm), sent only when there are any. ``uint8`` stores
the colour index itself (``floor(t · 256)``): the same picture with half the bytes again,
but the tooltip only knows the value to 1/512 of the range. ``float32`` sends the values as
they are.

A grid with more points along an axis than a display can show is sent as a sample: with
``max_shape=(w, h)``, ``w`` of its ``nx`` columns (column ``floor((p + ½) · nx / w)`` for
``p = 0 … w-1``, the nearest to ``w`` evenly spaced pixel centres) and likewise ``h`` rows.
The header keeps the grid's size (``nx``, ``ny``), its value range and its non-finite count,
and says how many columns and rows were sent (``sx``, ``sy``).

Under ``norm="log"`` the buffer holds log10 of the values (``vmin``, ``vmax`` are then the
log10 of the colour limits, which the header keeps as ``limits``) and cells at or below 0
are marked 4 in the mask and counted as ``nonpositive``.

>>> import numpy as np
>>> meta, data, mask = encode_grid(np.array([[0.0, 1.0], [np.nan, 0.5]], np.float32))
>>> meta["vmin"], meta["vmax"], meta["nonfinite"], len(data), list(mask)
(0.0, 1.0, 1, 8, [0, 0, 1, 0])
>>> np.frombuffer(data, np.uint16).tolist()
[0, 65535, 0, 32768]
>>> meta, data, _ = encode_grid(np.arange(12.0).reshape(4, 3), "uint8", max_shape=(2, 3))
>>> meta["nx"], meta["sx"], sample_indices(4, 2).tolist(), len(data)
(4, 2, [1, 3], 6)
>>> meta, data, mask = encode_grid(np.array([[1.0, 10.0], [-1.0, 100.0]]), norm="log")
>>> meta["limits"], (meta["vmin"], meta["vmax"]), meta["nonpositive"], list(mask)
([1.0, 100.0], (0.0, 2.0), 1, [0, 0, 4, 0])
>>> decode_grid(meta, data, mask).round(2).tolist()
[[1.0, 10.0], [nan, 100.0]]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from vmapwidget.color_range import ColorRange, check_scale, color_limits
from vmapwidget.constants import COLORMAP_ENTRIES, ENCODINGS, NONFINITE_CODES, UINT16_QUANTA

__all__ = [
    "ENCODINGS",
    "decode_grid",
    "encode_grid",
    "nonfinite_mask",
    "quantize",
    "sample_indices",
    "value_range",
]

QUANTA = UINT16_QUANTA
LEVELS = {"uint16": (np.uint16, QUANTA), "uint8": (np.uint8, COLORMAP_ENTRIES)}
CHUNK = 1 << 15
FINITE, NAN, POSINF, NEGINF, NONPOSITIVE = (
    NONFINITE_CODES[k] for k in ("finite", "nan", "posinf", "neginf", "nonpositive")
)


def value_range(values: np.ndarray) -> tuple[tuple[float, float] | None, int]:
    """((min, max) over the finite cells or None if there are none, non-finite count)."""
    lo, hi = float(values.min()), float(values.max())
    if np.isfinite(lo) and np.isfinite(hi):
        return (lo, hi), 0
    finite = values[np.isfinite(values)]
    nonfinite = values.size - finite.size
    if finite.size == 0:
        return None, nonfinite
    return (float(finite.min()), float(finite.max())), nonfinite


def nonfinite_mask(values: np.ndarray) -> np.ndarray:
    """One byte per cell: 0 finite, 1 NaN, 2 +inf, 3 -inf."""
    mask = np.zeros(values.shape, np.uint8)
    mask[np.isnan(values)] = NAN
    mask[np.isposinf(values)] = POSINF
    mask[np.isneginf(values)] = NEGINF
    return mask


def quantize(
    values: np.ndarray, vmin: float, vmax: float, finite: bool = False, encoding: str = "uint16"
) -> np.ndarray:
    """Finite cells as uint16/uint8 levels of [vmin, vmax] (see module docstring); others 0.

    Computed in float64 (so the colour index is exact) in cache-sized chunks; ``finite``
    promises there are no NaN/inf cells, which skips cleaning them up.
    """
    dtype, quanta = LEVELS[encoding]
    if not vmax > vmin:
        levels = np.full(values.shape, quanta // 2, dtype)
        levels[~np.isfinite(values)] = 0
        return levels
    flat = values.reshape(-1)
    out = np.empty(flat.size, dtype)
    buffer = np.empty(min(CHUNK, flat.size), np.float64)
    scale = quanta / (vmax - vmin)
    for start in range(0, flat.size, CHUNK):
        part = flat[start : start + CHUNK]
        scaled = buffer[: part.size]
        np.subtract(part, vmin, out=scaled, dtype=np.float64)
        np.multiply(scaled, scale, out=scaled)
        np.floor(scaled, out=scaled)
        if not finite:
            np.nan_to_num(scaled, copy=False, nan=0.0, posinf=0.0, neginf=0.0)
        np.clip(scaled, 0, quanta - 1, out=scaled)
        out[start : start + CHUNK] = scaled
    return out.reshape(values.shape)


def sample_indices(n: int, count: int) -> np.ndarray:
    """Which of ``n`` grid points ``count`` evenly spaced pixel centres fall on (all of them
    when ``count >= n``); the frontend's ``sampling`` in js/lib/grid_render.js is the same."""
    if count >= n:
        return np.arange(n)
    return np.minimum(n - 1, ((np.arange(count) + 0.5) * n / count).astype(np.int64))


def encode_grid(
    values: np.ndarray,
    encoding: str = "uint16",
    max_shape: tuple[int, int] | None = None,
    color_range: ColorRange = "auto",
    norm: str = "linear",
    levels: int | None = None,
) -> tuple[dict[str, Any], bytes, bytes]:
    """The header, the value buffer and the non-finite mask (empty if all finite); at most
    ``max_shape`` columns × rows of the grid are sent (see the module docstring).

    The levels are of the colour limits ``color_range`` gives (``limits`` in the header;
    ``vmin``, ``vmax`` are what the buffer encodes: the limits, or their log10 when ``norm``
    is ``"log"``, which sends log10 of the positive cells and marks the others as
    ``nonpositive``). When finite values fall outside the limits the frame goes as float32
    instead, so the tooltip still reads their true values (the picture draws them in the end
    colours). ``levels`` (bands drawn, None for continuous colours) travels in the header."""
    if encoding not in ENCODINGS:
        raise ValueError(f"encoding must be one of {ENCODINGS}, got {encoding!r}")
    check_scale(color_range, norm)
    nx, ny = values.shape
    drawn = values if norm == "linear" else _log10_of_positive(values)
    bounds, nonfinite = value_range(drawn)
    nonpositive = 0
    if norm == "log":
        finite = np.isfinite(values)
        nonpositive = int(np.count_nonzero(finite & ~(values > 0)))
        nonfinite = int(values.size - np.count_nonzero(finite))
        bounds = None if bounds is None else _positive_bounds(values)
    limits = color_limits(bounds, color_range)
    vmin, vmax = limits if norm == "linear" else _log_limits(limits, bounds)
    if bounds is not None and (bounds[0] < limits[0] or bounds[1] > limits[1]):
        encoding = "float32"
    sent, sent_drawn = values, drawn
    if max_shape is not None and (nx > max_shape[0] or ny > max_shape[1]):
        cells = np.ix_(sample_indices(nx, max_shape[0]), sample_indices(ny, max_shape[1]))
        sent = values[cells]
        sent_drawn = sent if drawn is values else drawn[cells]
    masked = nonfinite + nonpositive
    if sent is not values and masked:
        masked = int(sent.size - np.count_nonzero(np.isfinite(sent_drawn)))
    mask = b""
    if masked:
        codes = nonfinite_mask(sent)
        if nonpositive:
            codes[np.isfinite(sent) & ~(sent > 0)] = NONPOSITIVE
        mask = codes.tobytes()
    if encoding in LEVELS:
        data = quantize(sent_drawn, vmin, vmax, masked == 0, encoding).tobytes()
    else:
        data = np.ascontiguousarray(sent_drawn, dtype=np.float32).tobytes()
    meta = {
        "nx": nx,
        "ny": ny,
        "sx": sent.shape[0],
        "sy": sent.shape[1],
        "vmin": vmin,
        "vmax": vmax,
        "limits": list(limits),
        "norm": norm,
        "levels": levels,
        "encoding": encoding,
        "nonfinite": nonfinite,
        "nonpositive": nonpositive,
    }
    return meta, data, mask


def _log10_of_positive(values: np.ndarray) -> np.ndarray:
    """log10 of the positive cells (+inf stays +inf), NaN for the others."""
    positive = values > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(positive, np.log10(np.where(positive, values, 1)), np.nan)


def _positive_bounds(values: np.ndarray) -> tuple[float, float]:
    """(min, max) of the positive finite cells (there are some)."""
    positive = values[np.isfinite(values) & (values > 0)]
    return float(positive.min()), float(positive.max())


def _log_limits(
    limits: tuple[float, float], bounds: tuple[float, float] | None
) -> tuple[float, float]:
    """The log10 of colour limits (0, 0 when there are no positive values to draw)."""
    if bounds is None and limits == (0.0, 0.0):
        return (0.0, 0.0)
    return (float(np.log10(limits[0])), float(np.log10(limits[1])))


def decode_grid(meta: dict[str, Any], data: bytes, mask: bytes) -> np.ndarray:
    """What the frontend reads back (level centres when quantized), ``sx`` × ``sy`` cells;
    inverts encode_grid."""
    shape = (meta.get("sx", meta["nx"]), meta.get("sy", meta["ny"]))
    if meta["encoding"] == "float32":
        return _read_back(meta, np.frombuffer(data, np.float32).reshape(shape).copy(), mask)
    dtype, quanta = LEVELS[meta["encoding"]]
    levels = np.frombuffer(data, dtype).reshape(shape).astype(np.float64)
    vmin, vmax = meta["vmin"], meta["vmax"]
    values = vmin + (levels + 0.5) / quanta * (vmax - vmin) if vmax > vmin else levels * 0 + vmin
    return _read_back(meta, values, mask)


def _read_back(meta: dict[str, Any], values: np.ndarray, mask: bytes) -> np.ndarray:
    """Decoded values in f's units (10**v under a log norm), the mask's codes applied."""
    shape = values.shape
    if meta.get("norm") == "log":
        values = np.power(10.0, values.astype(np.float64))
    if mask:
        codes = np.frombuffer(mask, np.uint8).reshape(shape)
        values[codes == NAN] = np.nan
        values[codes == POSINF] = np.inf
        values[codes == NEGINF] = -np.inf
        values[codes == NONPOSITIVE] = np.nan
    return values
