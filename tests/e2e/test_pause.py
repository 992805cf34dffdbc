"""Pauses end to end: occurrences inside a pause are cancelled (no move, no prep, no recap) and
the rep hears about the pause once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from zoneinfo import ZoneInfo

from scheduler.series import series_id

NY = ZoneInfo("America/New_York")
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles, pause: {from: 2026-12-01, until: 2026-12-07, "
    "reason: parental leave}}"
)
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)
SERIES = series_id("dana@example.com", "sam@example.com", 0)


def mails(env, kind):
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((env.tmp / "outbox").glob(f"*-{kind}-*.eml"))
    ]


def test_a_paused_occurrence_is_not_moved_prepared_or_recapped_and_the_rep_hears_once(env, admin):
    config = env.config(SAM)
    env.run(config, NOW)
    [note] = mails(env, "note")
    assert note["To"].addresses[0].addr_spec == "sam@example.com"
    body = note.get_body(("plain",)).get_content()
    assert "parental leave" in body
    env.run(config, NOW + dt.timedelta(hours=1))
    assert len(mails(env, "note")) == 1
    admin.insert_event(
        "dana@example.com",
        {
            "summary": "Offsite",
            "start": {"dateTime": "2026-12-01T09:00:00-05:00"},
            "end": {"dateTime": "2026-12-01T17:30:00-05:00"},
        },
    )
    in_pause_prep = dt.datetime(2026, 11, 30, 18, 5, tzinfo=dt.UTC)
    report = env.run(config, in_pause_prep)
    # The recap of the 24 Nov 1:1, and (a Monday) Dana's weekly digest.
    assert [o.action.verb for o in report.outcomes] == ["send-recap", "send-digest"]
    assert report.outcomes[0].action.start.day == 24
    [inst] = admin.instances(
        "dana@example.com",
        SERIES,
        "2026-12-01T00:00:00Z",
        "2026-12-02T00:00:00Z",
        show_deleted=True,
    )
    assert inst["status"] == "cancelled"  # cancelled for the pause, not moved
    assert dt.datetime.fromisoformat(inst["start"]["dateTime"]).astimezone(NY).hour == 13
    assert "--- Notes" not in inst.get("description", "")
    env.run(config, dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC))
    assert [m for m in mails(env, "prep") if "1 Dec" in m["Subject"]] == []
    recaps = [m["Subject"] for m in mails(env, "recap")]
    assert len(recaps) == 1
    assert "24 Nov" in recaps[0]  # the one before the pause; none for 1 Dec
