"""Privacy of what a rep receives: a move caused by the manager's private meetings reaches the
rep as "something came up" and the new time, never their titles, descriptions, places or
guests; the manager's own alert may name them, and goes to her alone."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

from scheduler.series import series_id

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
PREP_TIME = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
TUESDAY = dt.date(2026, 11, 24)
SERIES = series_id("dana@example.com", "sam@example.com", 0)
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)
PRIYA = (
    '      - {name: Priya Raman, email: priya@example.com, day: wednesday, time: "11:00", '
    'timezone: Europe/London, working_hours: "mon-fri 08:00-18:00"}'
)
SECRET_TITLE = "Offsite: reorg of Sam's territory <b>before Q1</b>"
SECRETS = (
    "Offsite",
    "reorg",
    "territory",
    "before Q1",
    "Cut the West quota",
    "Board room 4",
    "hr-partner@example.com",
    "Priya",
    "Performance plan",
)


def ny(day: dt.date, hhmm: str) -> str:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=NY).isoformat()


def private_meeting(admin, summary: str, start: str, end: str) -> None:
    admin.insert_event(
        "dana@example.com",
        {
            "summary": summary,
            "description": "Cut the West quota; tell Sam after",
            "location": "Board room 4",
            "attendees": [{"email": "hr-partner@example.com"}],
            "start": {"dateTime": start},
            "end": {"dateTime": end},
        },
    )


def inbox(env, address: str) -> list[EmailMessage]:
    """Every message in the outbox whose To or Cc holds ``address``, parsed as a client would."""
    out = []
    for path in sorted((env.tmp / "outbox").glob("*.eml")):
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        people = [a.addr_spec for h in ("To", "Cc") for a in (msg[h].addresses if msg[h] else ())]
        if address in people:
            out.append(msg)
    return out


def everything_readable(msg: EmailMessage) -> str:
    """Subject, headers' display names and both bodies: all a recipient can see."""
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    return "\n".join([str(msg["Subject"]), str(msg["From"]), str(msg["To"]), text, html])


def assert_private(readable: str) -> None:
    for secret in SECRETS:
        assert secret.lower() not in readable.lower(), secret


def test_a_rep_never_reads_the_managers_private_meetings_in_notices_preps_or_the_event(env, admin):
    config = env.config(SAM, PRIYA)
    env.run(config, NOW)
    private_meeting(admin, SECRET_TITLE, ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    private_meeting(
        admin, "Performance plan: Priya Raman", ny(TUESDAY, "11:30"), ny(TUESDAY, "12:00")
    )
    moved = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in moved.outcomes] == ["move-occurrence", "send-move-notice"]
    assert "Offsite: reorg" in moved.outcomes[0].action.reason  # the audit keeps the real why
    env.run(config, PREP_TIME)
    sams = inbox(env, "sam@example.com")
    kinds = sorted(str(m["X-Oneonone-Kind"]) for m in sams)
    assert kinds == ["move", "prep"]
    for msg in sams:
        assert_private(everything_readable(msg))
    [notice] = [m for m in sams if m["X-Oneonone-Kind"] == "move"]
    body = notice.get_body(("plain",)).get_content()
    assert "Something came up, so I moved our 1:1" in body
    new = moved.outcomes[0].action.start.astimezone(ZoneInfo("America/Los_Angeles"))
    assert f"is now Tue 24 Nov, {new:%H:%M} PST (America/Los_Angeles)" in body
    instance = admin.instances(
        "sam@example.com", SERIES, "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"
    )[0]
    assert "--- Agenda ---" in instance["description"]  # the agenda really is in Sam's copy
    assert_private(instance["description"] + instance.get("summary", ""))


def test_a_full_day_moves_to_another_day_the_rep_hears_only_the_time_the_manager_why(env, admin):
    config = env.config(SAM)
    env.run(config, NOW)
    private_meeting(admin, SECRET_TITLE, ny(TUESDAY, "09:00"), ny(TUESDAY, "17:30"))
    env.run(config, NOW + dt.timedelta(minutes=2))
    [notice] = inbox(env, "sam@example.com")
    assert_private(everything_readable(notice))
    assert "is now Wed 25 Nov, 10:00 PST" in notice.get_body(("plain",)).get_content()
    [alert] = [m for m in inbox(env, "dana@example.com") if m["X-Oneonone-Kind"] == "alert"]
    assert [a.addr_spec for a in alert["To"].addresses] == ["dana@example.com"]
    assert alert["Cc"] is None  # her calendar's details are hers: no copy to anyone
    assert alert["Subject"] == "Sam Ortiz's 1:1 moved to Wed 25 Nov 13:00 — Tuesday was full"
    text = alert.get_body(("plain",)).get_content()
    assert "Offsite: reorg of Sam's territory" in text  # her own alert may name her own event
    assert "Moved Sam Ortiz's 1:1 from Tue 24 Nov 13:00 to Wed 25 Nov 13:00 (EST)" in text
    assert "oneonone " not in text  # no command meant for the server
