"""The weekly digest: due Monday 08:00 in the manager's zone, once per ISO week, built as a
MIME message whose inline PNG chart decodes, with the same numbers in text for everyone."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from zoneinfo import ZoneInfo

import pytest

from integrations.mail.digest import build_digest
from integrations.mail.mime import build_mime, mime_bytes
from integrations.mail.render import Renderer
from integrations.reconcile.digests import queue_digests
from integrations.state.status_read import read_status
from scheduler.digest_timing import digest_due, digest_key, next_digest_at
from scheduler.model import Person, WorkingHours
from scheduler.ports import Address

MONDAY = dt.datetime(2026, 12, 7, 8, 30, tzinfo=ZoneInfo("America/New_York")).astimezone(dt.UTC)
WEEKDAYS = WorkingHours(tuple(((540, 1050),) if d < 5 else () for d in range(7)))


def person(tz: str) -> Person:
    return Person("Dana Whitfield", "dana@example.com", tz, WEEKDAYS)


def at(tz: str, y: int, mo: int, d: int, h: int, mi: int = 0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)


NY = "America/New_York"


@pytest.mark.parametrize(
    ("tz", "now", "last_sent", "due"),
    [
        pytest.param(NY, at(NY, 2026, 12, 7, 7, 59), None, False, id="a-minute-before-monday-8am"),
        pytest.param(NY, at(NY, 2026, 12, 7, 8, 0), None, True, id="monday-8am-sharp"),
        pytest.param(NY, at(NY, 2026, 12, 9, 7, 59), None, True, id="late-but-within-48h"),
        pytest.param(NY, at(NY, 2026, 12, 9, 8, 1), None, False, id="too-late-wait-for-next-week"),
        pytest.param(NY, at(NY, 2026, 12, 7, 9), at(NY, 2026, 12, 7, 8, 1), False, id="sent"),
        pytest.param(NY, at(NY, 2026, 12, 7, 9), at(NY, 2026, 11, 30, 8), True, id="sent-last-wk"),
        pytest.param(
            "Pacific/Fiji", dt.datetime(2026, 12, 6, 20, 0, tzinfo=dt.UTC), None, True,
            id="fiji-monday-is-sunday-in-utc",
        ),
        pytest.param(
            "Pacific/Fiji", dt.datetime(2026, 12, 6, 19, 59, tzinfo=dt.UTC), None, False,
            id="fiji-a-minute-early",
        ),
        pytest.param(
            "Europe/Berlin", dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC), None, True,
            id="berlin-first-monday-of-summer-time",
        ),
        pytest.param(
            "Europe/Berlin", dt.datetime(2026, 3, 30, 5, 59, tzinfo=dt.UTC), None, False,
            id="berlin-07-59-summer-time",
        ),
    ],
)  # fmt: skip
def test_the_digest_is_due_from_monday_8am_in_the_managers_zone(tz, now, last_sent, due) -> None:
    assert digest_due(person(tz), now=now, last_sent=last_sent) is due


def test_the_key_names_the_manager_and_the_iso_week_of_the_monday() -> None:
    assert digest_key(person(NY), MONDAY) == "digest:dana@example.com:2026-W50"
    sunday_night = at(NY, 2026, 12, 13, 23, 59)
    assert digest_key(person(NY), sunday_night) == "digest:dana@example.com:2026-W50"
    assert digest_key(person(NY), at(NY, 2026, 12, 14, 8)) == "digest:dana@example.com:2026-W51"


def test_the_next_digest_is_next_monday_8am_local_across_a_dst_change() -> None:
    berlin = person("Europe/Berlin")
    friday = dt.datetime(2026, 3, 27, 12, 0, tzinfo=dt.UTC)  # Berlin moves to summer time Sunday
    assert next_digest_at(berlin, now=friday) == dt.datetime(2026, 3, 30, 6, 0, tzinfo=dt.UTC)
    assert digest_due(berlin, now=next_digest_at(berlin, now=friday), last_sent=friday)


@pytest.fixture
def digest(history):
    [dana] = read_status(history.config, now=MONDAY)
    return build_digest(
        dana, now=MONDAY, renderer=Renderer(), sender=Address("oneonone@example.com", "1:1 keeper")
    )


def parsed(message) -> email.message.EmailMessage:
    raw = mime_bytes(build_mime(message, date=MONDAY))
    return email.message_from_bytes(raw, policy=email.policy.default)


def test_the_chart_is_html_bars_with_each_reps_full_name_and_number(digest) -> None:
    msg = parsed(digest)
    assert msg.get_content_type() == "multipart/alternative"  # no image part any more
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    html = msg.get_body(("html",)).get_content()
    assert "<img" not in html
    sam = html.index(">Sam Ortiz</td>")
    priya = html.index(">Priya Raman</td>")
    assert "width:100%;height:14px" in html[sam:priya]  # Sam held the most: a full bar
    assert "width:50%;height:14px" in html[priya:]  # Priya held half as many
    assert (
        '<td style="padding:4px 0 4px 10px;text-align:right;font-weight:bold;width:32px;">2</td>'
        in html
    )


def test_the_chart_numbers_are_also_in_the_plain_part(digest) -> None:
    text = parsed(digest).get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert "1:1S HELD PER REP, LAST 8 WEEKS\n  Sam Ortiz    2\n  Priya Raman  1\n" in text


def test_two_reps_with_the_same_initials_and_an_all_zero_week_read_apart(history) -> None:
    from integrations.mail.digest import digest_context
    from integrations.state.status_read import read_status

    [status] = read_status(history.config, now=MONDAY, manager="dana@example.com")
    context = digest_context(status, now=MONDAY)
    rows = context["digest"]["chart"]["rows"]
    for row in rows:
        row["held"], row["share"] = 0, 0
    rows.append({"rep": "Sara Olsen", "held": 0, "share": 0})
    rows[0]["rep"] = "Sam Ortiz"
    html = Renderer().render("digest", **context).html
    assert ">Sam Ortiz</td>" in html
    assert ">Sara Olsen</td>" in html
    assert html.count("width:0%;height:14px") == len(rows)  # empty tracks, not an empty box
    assert html.count('width:32px;">0</td>') == len(rows)


def test_the_digest_lists_this_weeks_1_1s_last_weeks_ledger_late_recaps_and_items(digest) -> None:
    assert digest.key == "digest:dana@example.com:2026-W50"
    assert digest.subject == "Your 1:1s, week of Mon 7 Dec 2026"
    assert [a.email for a in digest.to] == ["dana@example.com"]
    text = digest.text
    assert "- Sam Ortiz: Tue 08 Dec 13:00 EST (Tue 08 Dec 10:00 PST for Sam)\n" in text
    assert "- Priya Raman: Wed 09 Dec 11:00 EST (Wed 09 Dec 16:00 GMT for Priya)\n" in text
    assert (
        "- Sam Ortiz, Tue 01 Dec 13:00 EST: moved the same day (at 12:00 instead of 13:00)" in text
    )
    assert "- Priya Raman, Wed 02 Dec 11:00 EST: held\n" in text
    assert "RECAPS PAST THEIR DEADLINE\n- Priya Raman, 1:1 of Wed 02 Dec 11:00 EST" in text
    assert "- Sam Ortiz: 2 open; oldest: Send Acme the revised quote (since 24 Nov)" in text


def test_queue_digests_queues_once_per_week_and_the_outbox_delivers_it(history) -> None:
    with history.env.wired(history.config) as wired:
        notifier = wired.runner.notifier
        assert queue_digests(history.config, notifier, now=MONDAY) == [
            "digest:dana@example.com:2026-W50"
        ]
        assert queue_digests(history.config, notifier, now=MONDAY + dt.timedelta(hours=3)) == []
        assert notifier.deliveries.deliver_due(now=MONDAY).sent == [
            "digest:dana@example.com:2026-W50"
        ]
        next_week = MONDAY + dt.timedelta(days=7)
        assert queue_digests(history.config, notifier, now=next_week) == [
            "digest:dana@example.com:2026-W51"
        ]
    # Passes of earlier weeks queued their own digests: one file per week.
    emls = sorted((history.env.tmp / "outbox").glob("*-digest-*.eml"))
    assert emls
    subjects = [e.read_text().split("Subject: ", 1)[1].split("\n", 1)[0] for e in emls]
    assert len(set(subjects)) == len(subjects)
    assert all("1:1S HELD PER REP" in e.read_text() for e in emls)
