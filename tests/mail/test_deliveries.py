"""The send-once outbox: state machine, retries, parking, pacing and its SQLite bookkeeping."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from integrations.mail.deliveries import (
    Deliveries,
    SqliteThreads,
    from_payload,
    to_payload,
)
from integrations.state import db
from scheduler.errors import (
    AuthRevoked,
    CredentialsError,
    SendRejected,
    TransientError,
    UsageLimited,
)
from scheduler.ports import Address, InlineImage, OutgoingEmail
from tests.mail.conftest import DANA, DATE, make_email

NOW = DATE
OTHER = Address("lee@example.com", "Lee Park")


def open_db(path: Path) -> sqlite3.Connection:
    return db.connect(path)


@pytest.fixture
def conn(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    c = open_db(tmp_path / "state.db")
    yield c
    c.close()


@dataclass
class FakeMailer:
    """Records what it was asked to send; raises the queued error for a sender first."""

    sent: list[OutgoingEmail] = field(default_factory=list)
    errors: dict[str, list[BaseException]] = field(default_factory=dict)
    calls: int = 0

    def send(self, message: OutgoingEmail) -> str:
        self.calls += 1
        queue = self.errors.get(message.sender.email, [])
        if queue:
            raise queue.pop(0)
        self.sent.append(message)
        return f"id-{len(self.sent)}"


def msg(n: int, *, sender: Address = DANA, kind: str = "prep") -> OutgoingEmail:
    return make_email(key=f"{kind}:{sender.email}:{n}", kind=kind, sender=sender)


def test_payload_keeps_every_field_of_the_message_including_images() -> None:
    original = make_email(
        cc=(OTHER,), images=(InlineImage("c1", b"\x00\xffpng", "png"),), subject="Zoë's 1:1"
    )
    assert from_payload(to_payload(original)) == original
    assert from_payload(to_payload(make_email(reply_to=None, thread_key=None))).reply_to is None


def test_enqueue_accepts_a_key_once_whatever_its_state(conn: sqlite3.Connection) -> None:
    deliveries = Deliveries(conn, FakeMailer())
    assert deliveries.enqueue(msg(1), not_before=NOW, now=NOW) is True
    assert deliveries.enqueue(msg(1), not_before=NOW, now=NOW) is False
    deliveries.deliver_due(now=NOW)
    assert deliveries.state(msg(1).key) == "SENT"
    assert deliveries.enqueue(msg(1), not_before=NOW, now=NOW) is False
    assert deliveries.state("unknown") is None


def test_enqueue_refuses_an_unbuildable_message_at_once(conn: sqlite3.Connection) -> None:
    deliveries = Deliveries(conn, FakeMailer())
    with pytest.raises(ValueError, match="email address"):
        deliveries.enqueue(make_email(to=(Address("no-at-sign"),)), not_before=NOW, now=NOW)
    assert deliveries.rows() == []


def test_due_messages_are_sent_once_and_recorded_with_the_provider_id(
    conn: sqlite3.Connection,
) -> None:
    mailer = FakeMailer()
    deliveries = Deliveries(conn, mailer)
    deliveries.enqueue(msg(1), not_before=NOW, now=NOW)
    deliveries.enqueue(msg(2), not_before=NOW + dt.timedelta(hours=1), now=NOW)
    report = deliveries.deliver_due(now=NOW)
    assert report.sent == [msg(1).key]
    assert deliveries.state(msg(2).key) == "PENDING"
    assert deliveries.deliver_due(now=NOW + dt.timedelta(minutes=5)).sent == []
    later = deliveries.deliver_due(now=NOW + dt.timedelta(hours=1))
    assert later.sent == [msg(2).key]
    assert [m.key for m in mailer.sent] == [msg(1).key, msg(2).key]
    assert [(r.key, r.provider_id) for r in deliveries.sent()] == [
        (msg(1).key, "id-1"),
        (msg(2).key, "id-2"),
    ]
    assert deliveries.sent(kind="recap") == []


def test_transient_failures_back_off_exponentially_up_to_an_hour(
    conn: sqlite3.Connection,
) -> None:
    mailer = FakeMailer(errors={DANA.email: [TransientError("503") for _ in range(9)]})
    deliveries = Deliveries(conn, mailer)
    deliveries.enqueue(msg(1), not_before=NOW, now=NOW)
    now, delays = NOW, []
    for _ in range(9):
        assert deliveries.deliver_due(now=now).retrying == [msg(1).key]
        (row,) = deliveries.rows()
        next_try = dt.datetime.fromisoformat(row.not_before)
        assert deliveries.deliver_due(now=next_try - dt.timedelta(seconds=1)).retrying == []
        delays.append((next_try - now) / dt.timedelta(minutes=1))
        now = next_try
    assert delays == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert deliveries.deliver_due(now=now).sent == [msg(1).key]
    assert mailer.calls == 10


def test_a_permanent_rejection_fails_the_message_without_retrying(
    conn: sqlite3.Connection,
) -> None:
    mailer = FakeMailer(errors={DANA.email: [SendRejected("550 no such user", status=550)]})
    deliveries = Deliveries(conn, mailer)
    deliveries.enqueue(msg(1), not_before=NOW, now=NOW)
    report = deliveries.deliver_due(now=NOW)
    assert report.failed == [(msg(1).key, "550 no such user")]
    assert deliveries.state(msg(1).key) == "FAILED"
    assert deliveries.rows()[0].last_error == "550 no such user"
    deliveries.deliver_due(now=NOW + dt.timedelta(days=1))
    assert mailer.calls == 1


@pytest.mark.parametrize(
    "error",
    [
        pytest.param(
            UsageLimited("daily limit", status=403, reason="dailyLimitExceeded"), id="usage-limit"
        ),
        pytest.param(AuthRevoked("invalid_grant"), id="auth-revoked"),
        pytest.param(CredentialsError("535 bad password"), id="bad-credentials"),
    ],
)
def test_a_limited_sender_is_parked_for_an_hour_while_other_senders_keep_going(
    conn: sqlite3.Connection, error: Exception
) -> None:
    mailer = FakeMailer(errors={DANA.email: [error]})
    deliveries = Deliveries(conn, mailer)
    for n in range(3):
        deliveries.enqueue(msg(n), not_before=NOW, now=NOW)
    deliveries.enqueue(msg(9, sender=OTHER), not_before=NOW, now=NOW)
    report = deliveries.deliver_due(now=NOW)
    assert [p.sender for p in report.parked] == [DANA.email]
    assert report.parked[0].until == NOW + dt.timedelta(hours=1)
    assert deliveries.parked_until("Dana@Example.com", now=NOW) == NOW + dt.timedelta(hours=1)
    assert deliveries.parked_until(OTHER.email, now=NOW) is None
    assert report.sent == [msg(9, sender=OTHER).key]
    assert report.waiting == 3
    assert mailer.calls == 2  # one try for Dana, one send for Lee: no loop
    for minutes in (1, 30, 59):
        again = deliveries.deliver_due(now=NOW + dt.timedelta(minutes=minutes))
        assert (again.parked, again.sent, again.waiting) == ([], [], 3)
    assert mailer.calls == 2
    assert {r.state for r in deliveries.rows()} == {"PENDING", "SENT"}
    assert deliveries.rows(state="PENDING")[0].attempts == 0
    after = deliveries.deliver_due(now=NOW + dt.timedelta(hours=1))
    assert sorted(after.sent) == sorted(msg(n).key for n in range(3))


def test_pacing_sends_at_most_twenty_per_sender_per_minute(conn: sqlite3.Connection) -> None:
    mailer = FakeMailer()
    deliveries = Deliveries(conn, mailer)
    for n in range(25):
        deliveries.enqueue(msg(n), not_before=NOW, now=NOW)
    deliveries.enqueue(msg(0, sender=OTHER), not_before=NOW, now=NOW)
    first = deliveries.deliver_due(now=NOW)
    assert len(first.sent) == 21
    assert first.waiting == 5
    assert deliveries.deliver_due(now=NOW + dt.timedelta(seconds=59)).sent == []
    assert len(deliveries.deliver_due(now=NOW + dt.timedelta(seconds=61)).sent) == 5


def test_the_daily_budget_holds_messages_over_it_for_a_rolling_day(
    conn: sqlite3.Connection,
) -> None:
    deliveries = Deliveries(conn, FakeMailer(), daily_budget=3)
    for n in range(5):
        deliveries.enqueue(msg(n), not_before=NOW, now=NOW)
    assert len(deliveries.deliver_due(now=NOW).sent) == 3
    report = deliveries.deliver_due(now=NOW + dt.timedelta(hours=23))
    assert (report.sent, report.waiting) == ([], 2)
    assert len(deliveries.deliver_due(now=NOW + dt.timedelta(hours=24, seconds=1)).sent) == 2


def test_limit_caps_the_number_of_sends_in_one_call(conn: sqlite3.Connection) -> None:
    deliveries = Deliveries(conn, FakeMailer())
    for n in range(4):
        deliveries.enqueue(msg(n), not_before=NOW, now=NOW)
    report = deliveries.deliver_due(now=NOW, limit=3)
    assert (len(report.sent), report.waiting) == (3, 1)


@pytest.mark.parametrize(("kind", "outcome"), [("prep", "DROPPED"), ("recap", "SENT")])
def test_a_connection_lost_mid_send_follows_the_crash_policy(
    conn: sqlite3.Connection, kind: str, outcome: str
) -> None:
    lost = TransientError("connection lost during DATA", reason="ambiguous")
    mailer = FakeMailer(errors={DANA.email: [lost]})
    deliveries = Deliveries(conn, mailer)
    deliveries.enqueue(msg(1, kind=kind), not_before=NOW, now=NOW)
    deliveries.deliver_due(now=NOW)
    deliveries.deliver_due(now=NOW)
    assert deliveries.state(msg(1, kind=kind).key) == outcome


def test_an_unexpected_error_is_logged_with_its_traceback_and_treated_as_ambiguous(
    conn: sqlite3.Connection,
) -> None:
    events: list[tuple[str, dict[str, Any]]] = []
    mailer = FakeMailer(errors={DANA.email: [KeyError("bug")]})
    deliveries = Deliveries(conn, mailer, log=lambda e, f: events.append((e, f)))
    deliveries.enqueue(msg(1), not_before=NOW, now=NOW)
    report = deliveries.deliver_due(now=NOW)
    assert report.dropped == [msg(1).key]
    (bug,) = [f for e, f in events if e == "mail.bug"]
    assert "KeyError" in bug["traceback"]
    assert any(e == "mail.dropped" for e, _ in events)


def test_gmail_thread_ids_are_kept_per_sender_and_thread(conn: sqlite3.Connection) -> None:
    threads = SqliteThreads(conn)
    assert threads.get("Dana@example.com", "occ1") is None
    threads.put("Dana@example.com", "occ1", "t-1")
    threads.put("lee@example.com", "occ1", "t-9")
    assert threads.get("dana@example.com", "occ1") == "t-1"
    threads.put("dana@example.com", "occ1", "t-2")
    assert threads.get("dana@example.com", "occ1") == "t-2"
    assert threads.get("lee@example.com", "occ1") == "t-9"
