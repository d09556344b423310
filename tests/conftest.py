"""Shared test switches: optional system libraries skip cleanly on a newcomer's machine, never under CI."""

from __future__ import annotations

import os

import pytest


def _zbar_problem() -> str | None:
    """Why the ZBar backend cannot load here (Debian's libzbar0 absent), or None when it can."""
    try:
        from pyzbar import zbar_library

        zbar_library.load()
    except (ImportError, OSError) as exc:
        return str(exc)
    return None


@pytest.fixture(scope="session")
def zbar_available() -> bool:
    """Whether ZBar can load; under CI=true it must (``.ci/run`` installs libzbar0), so absence fails."""
    problem = _zbar_problem()
    if problem is not None and os.environ.get("CI") == "true":
        pytest.fail(f"CI=true but the ZBar backend cannot load ({problem}): .ci/run installs libzbar0")
    return problem is None


@pytest.fixture
def zbar(zbar_available: bool) -> None:
    """Use in a test that needs ZBar: skipped where libzbar0 is not installed (outside CI)."""
    if not zbar_available:
        pytest.skip("ZBar backend unavailable here: apt-get install libzbar0")
