"""The token endpoint refuses a refresh that asks for more than was granted, as RFC 6749 §6
requires and Google does: 400 ``invalid_scope``, which no retry can cure."""

from __future__ import annotations

import pytest
from google.auth.exceptions import RefreshError
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials

from integrations.sandbox import SandboxAdmin
from tests.sandbox.conftest import DANA, SCOPE


def refreshed(admin: SandboxAdmin, granted: list[str], asked: list[str] | None) -> Credentials:
    issued = admin.issue_token(DANA, granted)
    creds = Credentials(
        None,
        refresh_token=issued["refresh_token"],
        token_uri=issued["token_uri"],
        client_id=issued["client_id"],
        client_secret=issued["client_secret"],
        scopes=[SCOPE + s for s in asked] if asked is not None else None,
    )
    creds.refresh(Request())
    return creds


def test_a_refresh_within_the_grant_gets_those_scopes(admin: SandboxAdmin) -> None:
    creds = refreshed(admin, ["calendar.events", "gmail.send"], ["calendar.events"])
    assert creds.granted_scopes == [SCOPE + "calendar.events"]


def test_a_refresh_asking_beyond_the_grant_is_a_400_invalid_scope(admin: SandboxAdmin) -> None:
    with pytest.raises(RefreshError) as caught:
        refreshed(admin, ["calendar.events"], ["calendar.events", "gmail.send"])
    assert str(caught.value.args[0]) == "invalid_scope: Some requested scopes were invalid."
    assert caught.value.args[1] == {
        "error": "invalid_scope",
        "error_description": "Some requested scopes were invalid.",
    }
    assert admin.counts()["by_method"].get("oauth2.token") == 1  # google-auth does not retry it
