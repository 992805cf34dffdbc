"""The batch wire format itself: CRLF and bare-LF bodies, Content-ID echo, the 1000-part cap."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from integrations.sandbox import Sandbox, SandboxAdmin
from tests.sandbox.conftest import DANA, SAM, timed


def access_token(sandbox: Sandbox, admin: SandboxAdmin, user: str = DANA) -> str:
    issued = admin.issue_token(user)
    form = urllib.parse.urlencode({
        "grant_type": "refresh_token", "refresh_token": issued["refresh_token"],
        "client_id": issued["client_id"], "client_secret": issued["client_secret"],
    }).encode()  # fmt: skip
    with urllib.request.urlopen(sandbox.url + "token", data=form) as response:
        return str(json.loads(response.read())["access_token"])


def batch_body(token: str | None, count: int, newline: str, event: str = "missing") -> bytes:
    parts = []
    auth = f"{newline}authorization: Bearer {token}" if token is not None else ""
    for n in range(count):
        parts.append(
            f"--XYZ{newline}Content-Type: application/http{newline}"
            f"Content-ID: <item + {n}>{newline}{newline}"
            f"GET /calendar/v3/calendars/primary/events/{event}{n:05d}?alt=json HTTP/1.1"
            f"{auth}{newline}{newline}"
        )
    return ("".join(parts) + f"--XYZ--{newline}").encode()


@pytest.mark.parametrize("newline", [pytest.param("\n", id="LF"), pytest.param("\r\n", id="CRLF")])
def test_batch_parts_are_answered_with_crlf_and_echoed_content_ids(
    sandbox: Sandbox, admin: SandboxAdmin, newline: str
) -> None:
    request = urllib.request.Request(
        sandbox.url + "batch/calendar/v3",
        data=batch_body(access_token(sandbox, admin), 2, newline),
        headers={"Content-Type": 'multipart/mixed; boundary="XYZ"'},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Type"].startswith("multipart/mixed; boundary=")
        text = response.read().decode()
    assert "Content-ID: <response-item + 0>" in text
    assert "Content-ID: <response-item + 1>" in text
    assert text.count("HTTP/1.1 404 Not Found\r\n") == 2
    assert "\r\n\r\n{" in text


def test_more_than_1000_parts_is_400(sandbox: Sandbox, admin: SandboxAdmin) -> None:
    request = urllib.request.Request(
        sandbox.url + "batch",
        data=batch_body("t", 1001, "\n"),
        headers={"Content-Type": "multipart/mixed; boundary=XYZ"},
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request)
    assert caught.value.code == 400
    caught.value.close()
    assert admin.counts()["by_method"] == {"batch": 1}


def test_a_part_without_its_own_authorization_acts_as_the_outer_request(
    sandbox: Sandbox, admin: SandboxAdmin
) -> None:
    admin.insert_event(DANA, timed("2026-10-21", "09:00", "09:30", id="shared00000"))
    request = urllib.request.Request(
        sandbox.url + "batch/calendar/v3",
        data=batch_body(None, 1, "\r\n", event="shared"),
        headers={
            "Content-Type": 'multipart/mixed; boundary="XYZ"',
            "Authorization": f"Bearer {access_token(sandbox, admin)}",
        },
    )
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    assert "HTTP/1.1 200 OK\r\n" in text
    assert '"id": "shared00000"' in text


def test_each_part_acts_as_the_user_of_its_own_authorization(
    sandbox: Sandbox, admin: SandboxAdmin
) -> None:
    admin.insert_event(DANA, timed("2026-10-21", "09:00", "09:30", id="danas00000"))
    body = batch_body(access_token(sandbox, admin, SAM), 1, "\r\n", event="danas")
    request = urllib.request.Request(
        sandbox.url + "batch/calendar/v3",
        data=body,
        headers={
            "Content-Type": 'multipart/mixed; boundary="XYZ"',
            "Authorization": f"Bearer {access_token(sandbox, admin)}",
        },
    )
    with urllib.request.urlopen(request) as response:
        text = response.read().decode()
    assert "HTTP/1.1 404 Not Found\r\n" in text  # Sam's primary calendar has no such event
