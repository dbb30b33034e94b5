"""Run the browser tests (tests/e2e) after everything else: fast feedback first."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=lambda item: "/e2e/" in item.nodeid.replace("\\", "/"))
