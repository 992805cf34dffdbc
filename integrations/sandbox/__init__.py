"""A local HTTP emulator of Google Calendar v3, Gmail v1 send and the OAuth token endpoint.

The real google-api-python-client talks to it over HTTP: it serves the tests, the demo and
``provider: sandbox``. ``Sandbox`` runs it in a thread; ``SandboxAdmin`` drives its admin API.
"""

from __future__ import annotations

from integrations.sandbox.auth import SANDBOX_CLIENT_ID, SANDBOX_CLIENT_SECRET
from integrations.sandbox.client import SandboxAdmin, SandboxAdminError
from integrations.sandbox.server import Sandbox

__all__ = [
    "SANDBOX_CLIENT_ID",
    "SANDBOX_CLIENT_SECRET",
    "Sandbox",
    "SandboxAdmin",
    "SandboxAdminError",
]
