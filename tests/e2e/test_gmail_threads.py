"""Threading through Gmail: the prep, move notice, reminder and recap of one occurrence land in
one thread of the manager's mailbox, under the sandbox that applies Gmail's three rules
(threadId, matching References/In-Reply-To, matching Subject); a stale threadId starts a new
thread instead of failing the message."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import sqlite3
from zoneinfo import ZoneInfo

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
PREP_TIME = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
TUESDAY = dt.date(2026, 11, 24)
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)
GMAIL = 'email: {provider: gmail, from: "1:1 keeper <oneonone@example.com>"}'


def ny(day: dt.date, hhmm: str) -> dt.datetime:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=NY)


def sent(admin, kind: str | None = None):
    """Dana's sent messages about the occurrence (her Monday digest is not one of them)."""
    out = []
    for m in admin.sent_mail(user="dana@example.com"):
        msg = email.message_from_string(m["raw"], policy=email.policy.default)
        if msg["X-Oneonone-Kind"] == "digest":
            continue
        if kind is None or msg["X-Oneonone-Kind"] == kind:
            out.append((m, msg))
    return out


def gmail_config(env):
    return env.config(SAM, email=GMAIL)


def test_one_occurrences_prep_move_reminder_and_recap_share_one_gmail_thread(env, admin):
    config = gmail_config(env)
    assert config.email.provider == "gmail"
    env.run(config, NOW)
    assert not env.run(config, PREP_TIME).failed
    start = ny(TUESDAY, "12:45").isoformat()
    end = ny(TUESDAY, "14:00").isoformat()
    admin.insert_event(
        "dana@example.com",
        {"summary": "Board prep", "start": {"dateTime": start}, "end": {"dateTime": end}},
    )
    env.run(config, PREP_TIME + dt.timedelta(minutes=5))
    after = ny(TUESDAY, "17:30").astimezone(dt.UTC)  # the moved 1:1 ended, no notes yet
    env.run(config, after)
    env.run(config, ny(dt.date(2026, 11, 26), "11:00").astimezone(dt.UTC))  # near the deadline
    kinds = sorted(str(msg["X-Oneonone-Kind"]) for _, msg in sent(admin))
    assert kinds == ["move", "prep", "prep", "recap", "reminder"]
    threads = {m["threadId"] for m, _ in sent(admin)}
    assert len(threads) == 1
    subjects = {str(msg["Subject"]) for _, msg in sent(admin)}
    assert subjects == {"1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov"}
    [(_, recap)] = sent(admin, "recap")
    assert {a.addr_spec for a in recap["To"].addresses} == {"sam@example.com"}
    assert str(recap["From"]) == "Dana Whitfield <dana@example.com>"


def test_a_thread_gmail_no_longer_knows_starts_a_new_one_and_the_message_goes_out(env, admin):
    config = gmail_config(env)
    env.run(config, NOW)
    with sqlite3.connect(env.tmp / "state.db") as db:  # a thread id from another mailbox
        db.execute(
            "INSERT INTO threads VALUES ('dana@example.com', ?, 'deadbeef')",
            ("occ:" + sent_key_of_tuesday(),),
        )
    report = env.run(config, PREP_TIME)
    assert report.emails is not None
    assert report.emails.failed == []
    assert len(sent(admin, "prep")) == 2
    assert len({m["threadId"] for m, _ in sent(admin, "prep")}) == 1


def sent_key_of_tuesday() -> str:
    from scheduler.series import series_id

    series = series_id("dana@example.com", "sam@example.com", 0)
    return f"{series}:{ny(TUESDAY, '13:00').astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"
