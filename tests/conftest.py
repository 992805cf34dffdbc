"""Fixtures shared by the suites that drive the service against the sandbox over HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from integrations.sandbox import Sandbox, SandboxAdmin


@pytest.fixture
def sandbox() -> Iterator[str]:
    """A fresh in-memory sandbox on a loopback port; its URL."""
    sb = Sandbox()
    url = sb.start()
    try:
        yield url
    finally:
        sb.stop()


@pytest.fixture
def admin(sandbox: str) -> SandboxAdmin:
    return SandboxAdmin(sandbox)
