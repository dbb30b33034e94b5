"""Run the browser tests (tests/e2e) after everything else: fast feedback first."""

from __future__ import annotations

import os

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: "/e2e/" in item.nodeid.replace("\\", "/"))


# tests/multidevice needs forced host devices: tests/test_multidevice.py runs it in a subprocess.
collect_ignore = [] if os.environ.get("VMAPWIDGET_MULTIDEVICE") else ["multidevice"]
collect_ignore.append("multihost")  # a worker script tests/test_multihost.py starts twice
