"""The Gmail mailer: the real google-api-python-client against the sandbox emulator."""

from __future__ import annotations

import datetime as dt
import email.policy
import importlib.resources
import json
from collections.abc import Callable, Iterator
from email.parser import BytesParser
from pathlib import Path
from typing import Any

import pytest
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build_from_document

from integrations.clock import FixedClock
from integrations.mail.deliveries import Deliveries, SqliteThreads
from integrations.mail.gmail import GmailMailer
from integrations.mail.mime import build_mime
from integrations.sandbox import Sandbox, SandboxAdmin
from integrations.state import db
from scheduler.errors import AuthRevoked, SendRejected, TransientError, UsageLimited
from tests.mail.conftest import DANA, DATE, make_email

SEND = "gmail.users.messages.send"
GMAIL_SEND_SCOPE = "https://www.googleapis.com/auth/gmail.send"


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    sandbox = Sandbox()
    url = sandbox.start()
    yield url
    sandbox.stop()


@pytest.fixture
def admin(sandbox_url: str) -> Iterator[SandboxAdmin]:
    admin = SandboxAdmin(sandbox_url)
    yield admin
    admin.clear_faults()


def gmail_document(root_url: str) -> str:
    doc = json.loads(
        (
            importlib.resources.files("googleapiclient") / "discovery_cache/documents/gmail.v1.json"
        ).read_text()
    )
    doc["rootUrl"] = root_url if root_url.endswith("/") else root_url + "/"
    return json.dumps(doc)


@pytest.fixture
def service_for(sandbox_url: str, admin: SandboxAdmin) -> Iterator[Callable[[str], Any]]:
    """Builds a Gmail resource acting as the given account, with a sandbox-issued token."""
    document = gmail_document(sandbox_url)
    built: dict[str, Any] = {}

    def service(email: str) -> Any:
        if email not in built:
            token = admin.issue_token(email)
            credentials = Credentials(
                None,
                refresh_token=token["refresh_token"],
                token_uri=token["token_uri"],
                client_id=token["client_id"],
                client_secret=token["client_secret"],
                scopes=[GMAIL_SEND_SCOPE],
            )
            built[email] = build_from_document(document, credentials=credentials)
        return built[email]

    yield service
    for built_service in built.values():
        built_service.close()


def as_manager(**changes: Any) -> Any:
    changes.setdefault("sender", DANA)
    changes.setdefault("reply_to", None)
    return make_email(**changes)


def unique(name: str) -> str:
    return f"{name}-{dt.datetime.now().timestamp()}"


def test_a_message_is_sent_from_the_managers_mailbox(
    service_for: Callable[[str], Any], admin: SandboxAdmin, clock: FixedClock
) -> None:
    mailer = GmailMailer(service_for, date_fn=clock.now)
    msg = as_manager(key=unique("prep"), thread_key=None)
    gmail_id = mailer.send(msg)
    (stored,) = [m for m in admin.sent_mail(user=DANA.email) if m["id"] == gmail_id]
    assert stored["to"] == ["sam@example.com"]
    assert stored["subject"] == msg.subject
    received = BytesParser(policy=email.policy.default).parsebytes(stored["raw"].encode())
    assert received["Message-ID"] == build_mime(msg, date=clock.now())["Message-ID"]
    assert received["From"].addresses[0].addr_spec == DANA.email
    assert received.get_body(preferencelist=("plain",)).get_content().strip() == msg.text.strip()


def test_messages_of_one_occurrence_share_a_gmail_thread_kept_in_sqlite(
    service_for: Callable[[str], Any], admin: SandboxAdmin, clock: FixedClock, tmp_path: Path
) -> None:
    conn = db.connect(tmp_path / "state.db")
    thread_key = unique("occ")
    mailer = GmailMailer(service_for, threads=SqliteThreads(conn), date_fn=clock.now)
    deliveries = Deliveries(conn, mailer)
    prep = as_manager(key=unique("prep"), thread_key=thread_key)
    recap = as_manager(key=unique("recap"), kind="recap", thread_key=thread_key)
    deliveries.enqueue(prep, not_before=DATE, now=DATE)
    deliveries.deliver_due(now=DATE)
    first_thread = SqliteThreads(conn).get(DANA.email, thread_key)
    assert first_thread is not None
    deliveries.enqueue(recap, not_before=DATE, now=DATE)
    assert deliveries.deliver_due(now=DATE + dt.timedelta(hours=2)).sent == [recap.key]
    ids = {r.provider_id for r in deliveries.sent()}
    threads = {m["threadId"] for m in admin.sent_mail(user=DANA.email) if m["id"] in ids}
    assert threads == {first_thread}
    conn.close()


def test_a_stale_thread_id_starts_a_new_thread_instead_of_failing(
    service_for: Callable[[str], Any], admin: SandboxAdmin, clock: FixedClock
) -> None:
    mailer = GmailMailer(service_for, date_fn=clock.now)
    thread_key = unique("occ")
    mailer.threads.put(DANA.email, thread_key, "deadbeef")
    gmail_id = mailer.send(as_manager(key=unique("prep"), thread_key=thread_key))
    (stored,) = [m for m in admin.sent_mail(user=DANA.email) if m["id"] == gmail_id]
    assert mailer.threads.get(DANA.email, thread_key) == stored["threadId"]


@pytest.mark.parametrize(
    ("status", "reason", "error"),
    [
        pytest.param(429, "rateLimitExceeded", UsageLimited, id="429-rate"),
        pytest.param(403, "dailyLimitExceeded", UsageLimited, id="403-daily"),
        pytest.param(403, "userRateLimitExceeded", UsageLimited, id="403-user-rate"),
        pytest.param(503, "backendError", TransientError, id="503"),
        pytest.param(400, "invalidArgument", SendRejected, id="400"),
    ],
)
def test_gmail_errors_become_the_services_own(
    service_for: Callable[[str], Any],
    admin: SandboxAdmin,
    clock: FixedClock,
    status: int,
    reason: str,
    error: type[Exception],
) -> None:
    mailer = GmailMailer(service_for, date_fn=clock.now)
    before = len(admin.sent_mail(user=DANA.email))
    admin.add_fault(method=SEND, status=status, reason=reason, times=1)
    with pytest.raises(error):
        mailer.send(as_manager(key=unique("prep")))
    assert len(admin.sent_mail(user=DANA.email)) == before  # one request, nothing sent


def test_a_revoked_grant_asks_the_manager_to_log_in_again(
    service_for: Callable[[str], Any], admin: SandboxAdmin, clock: FixedClock
) -> None:
    email = f"{unique('revoked')}@example.com"
    service = service_for(email)
    admin.revoke_tokens(email)
    mailer = GmailMailer(lambda _: service, date_fn=clock.now)
    with pytest.raises(AuthRevoked, match="log in again"):
        mailer.send(as_manager(key=unique("prep"), sender=DANA.__class__(email, "Rev")))


def test_a_message_too_big_for_gmail_is_cut_with_a_line_saying_so_and_goes_out_once(
    service_for: Callable[[str], Any], admin: SandboxAdmin, clock: FixedClock
) -> None:
    from integrations.mail.mime import MAX_MESSAGE_BYTES
    from integrations.mail.notify import Notifier
    from integrations.mail.render import Renderer

    conn = db.connect(":memory:")
    deliveries = Deliveries(conn, GmailMailer(service_for, date_fn=clock.now))
    limit = 400_000  # Gmail's own 36,700,160 would take seconds to build; the rule is the same
    notifier = Notifier(None, deliveries, Renderer(), max_bytes=limit)  # type: ignore[arg-type]
    pasted = ("Pasted pipeline export row with numbers 12345 67890 \u00e9\n") * 20_000
    msg = as_manager(key=unique("recap"), kind="recap", text=pasted, thread_key=None)
    assert notifier.queue(msg, now=clock.now())
    report = deliveries.deliver_due(now=clock.now())
    assert report.failed == []
    assert len(report.sent) == 1
    [row] = deliveries.sent()
    (stored,) = [m for m in admin.sent_mail(user=DANA.email) if m["id"] == row.provider_id]
    assert len(stored["raw"].encode()) <= limit < MAX_MESSAGE_BYTES
    received = BytesParser(policy=email.policy.default).parsebytes(stored["raw"].encode())
    text = received.get_body(("plain",)).get_content()
    assert text.startswith("Pasted pipeline export row")
    assert "[… shortened: this email was" in text
    assert "more than email can carry" in received.get_body(("html",)).get_content()
