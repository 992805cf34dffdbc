"""Fixtures: a running sandbox, its admin client, and real googleapiclient services built the
way the product builds them (bundled discovery document with ``rootUrl`` replaced)."""

from __future__ import annotations

import datetime as dt
import importlib.resources
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document

from integrations.clock import FixedClock
from integrations.sandbox import Sandbox, SandboxAdmin

DANA = "dana@example.com"
SAM = "sam@example.com"
LEE = "lee@example.com"
SCOPE = "https://www.googleapis.com/auth/"


def build_service(api: str, url: str, credentials: Any) -> Any:
    name = {"calendar": "calendar.v3.json", "gmail": "gmail.v1.json"}[api]
    documents = importlib.resources.files("googleapiclient") / "discovery_cache/documents"
    doc = json.loads((documents / name).read_text())
    doc["rootUrl"] = url
    return build_from_document(doc, credentials=credentials)


def credentials_for(
    admin: SandboxAdmin, email: str, scopes: list[str] | None = None
) -> Credentials:
    issued = admin.issue_token(email, scopes)
    return Credentials(
        None,
        refresh_token=issued["refresh_token"],
        token_uri=issued["token_uri"],
        client_id=issued["client_id"],
        client_secret=issued["client_secret"],
        scopes=[s if "://" in s else SCOPE + s for s in scopes] if scopes else None,
    )


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(dt.datetime(2026, 10, 20, 12, 0, tzinfo=dt.UTC))


@pytest.fixture
def sandbox(clock: FixedClock) -> Iterator[Sandbox]:
    sb = Sandbox(now=clock.now)
    sb.start()
    yield sb
    sb.stop()


@pytest.fixture
def admin(sandbox: Sandbox) -> SandboxAdmin:
    return SandboxAdmin(sandbox.url)


@pytest.fixture
def service_for(sandbox: Sandbox, admin: SandboxAdmin) -> Iterator[Callable[..., Any]]:
    built: list[Any] = []

    def make(api: str, email: str, scopes: list[str] | None = None) -> Any:
        service = build_service(api, sandbox.url, credentials_for(admin, email, scopes))
        built.append(service)
        return service

    yield make
    for service in built:
        service.close()


@pytest.fixture
def calendar(service_for: Callable[..., Any]) -> Any:
    return service_for("calendar", DANA)


def timed(
    day: str, start: str, end: str, tz: str = "America/New_York", **extra: Any
) -> dict[str, Any]:
    """An event body at local ``start``-``end`` on ``day`` in ``tz``."""
    return {
        "start": {"dateTime": f"{day}T{start}:00", "timeZone": tz},
        "end": {"dateTime": f"{day}T{end}:00", "timeZone": tz},
        **extra,
    }
