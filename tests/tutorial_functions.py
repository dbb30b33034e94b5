"""The tutorial's functions, shared by the tests (and benchmarks/storm.py), with a NumPy
reference for the grid."""

from __future__ import annotations

import jax.numpy as jnp
import numpy as np

W = jnp.array([[0.2, 0.4], [0.9, 0.2]])
B = jnp.array([0.2, 0.3])


def dense_layer(x):
    return W.dot(x) + B


def add(x, y):
    return x + y


def times(x, y):
    return x * y


def sin_times(x, y):
    return jnp.sin(x) * y


def wave(x, y, a):
    return jnp.sin(a * x) * y


def numpy_wave(x_range, y_range, n, a):
    """``wave`` on the n × n float32 grid, evaluated by NumPy (meshgrid, indexing="ij")."""
    x = np.linspace(*x_range, n, dtype=np.float32)
    y = np.linspace(*y_range, n, dtype=np.float32)
    xx, yy = np.meshgrid(x, y, indexing="ij")
    return np.sin(np.float32(a) * xx) * yy
