"""Domain-wide delegation: a service-account JWT acts as its ``sub`` within authorized scopes."""

from __future__ import annotations

from typing import Any

import pytest
from google.auth.exceptions import RefreshError
from google.oauth2 import service_account

from integrations.sandbox import Sandbox, SandboxAdmin
from tests.sandbox.conftest import DANA, SCOPE, build_service, timed
from tests.service_account import service_account_info


@pytest.fixture(scope="module")
def key_info() -> dict[str, str]:
    return service_account_info("daemon@p.iam.gserviceaccount.com")


def delegated(sandbox: Sandbox, info: dict[str, str], scopes: list[str]) -> Any:
    creds = service_account.Credentials.from_service_account_info(
        {**info, "token_uri": sandbox.url + "token"}, scopes=[SCOPE + s for s in scopes]
    ).with_subject(DANA)
    return build_service("calendar", sandbox.url, creds)


def test_delegated_token_acts_as_the_subject(
    sandbox: Sandbox, admin: SandboxAdmin, key_info: dict[str, str]
) -> None:
    service = delegated(sandbox, key_info, ["calendar.events", "calendar.freebusy"])
    event = (
        service.events()
        .insert(calendarId="primary", body=timed("2026-10-21", "09:00", "09:30"))
        .execute()
    )
    assert event["organizer"]["email"] == DANA
    assert admin.get_event(DANA, event["id"]) is not None
    service.close()


def test_scope_outside_the_admin_authorization_is_unauthorized_client(
    sandbox: Sandbox, key_info: dict[str, str]
) -> None:
    service = delegated(sandbox, key_info, ["calendar"])
    with pytest.raises(RefreshError, match="unauthorized_client"):
        service.events().list(calendarId="primary").execute()
    service.close()
