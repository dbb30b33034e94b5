"""Tests that need several devices: run by tests/test_multidevice.py in a subprocess whose
XLA_FLAGS force 8 host devices, so the rest of the suite keeps one."""

from __future__ import annotations

import jax
import pytest

DEVICES = 8


def pytest_sessionstart(session: pytest.Session) -> None:
    if jax.device_count() < DEVICES:
        raise pytest.UsageError(
            f"tests/multidevice needs {DEVICES} devices, JAX sees {jax.device_count()}: run it "
            "through tests/test_multidevice.py (it sets "
            f"XLA_FLAGS=--xla_force_host_platform_device_count={DEVICES})"
        )
