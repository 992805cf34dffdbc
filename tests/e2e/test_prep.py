"""Prep agendas end to end: the agenda in the occurrence's event, one prep email per recipient,
parsed back as MIME the way a mail client would read it."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from zoneinfo import ZoneInfo

from scheduler.agenda import ACTIONS_MARKER, END_MARKER, NOTES_MARKER
from scheduler.series import series_id

NY = ZoneInfo("America/New_York")
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)
CREATED = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)  # the Friday before
PREP_TIME = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
SERIES = series_id("dana@example.com", "sam@example.com", 0)


def mails(env, kind):
    out = []
    for path in sorted((env.tmp / "outbox").glob(f"*-{kind}-*.eml")):
        out.append(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
    return out


def to(msg):
    return msg["To"].addresses[0].addr_spec


def parts(msg):
    return msg.get_body(("plain",)).get_content(), msg.get_body(("html",)).get_content()


def test_each_recipient_gets_one_prep_with_times_in_their_own_zone(env, admin):
    config = env.config(SAM)
    env.run(config, CREATED)
    assert mails(env, "prep") == []  # not due yet
    report = env.run(config, PREP_TIME)
    assert not report.failed
    preps = {to(m): m for m in mails(env, "prep")}
    assert set(preps) == {"sam@example.com", "dana@example.com"}
    rep_text, rep_html = parts(preps["sam@example.com"])
    mgr_text, mgr_html = parts(preps["dana@example.com"])
    assert "10:00 PST (America/Los_Angeles)" in rep_text
    assert "13:00 EST (America/New_York)" in mgr_text
    for text in (rep_text, rep_html, mgr_text, mgr_html):
        assert "{{" not in text
        assert "{%" not in text
    assert "your first 1:1 with dana whitfield" in rep_text.lower()  # a kickoff, not "(none)"
    assert "(none)" not in mgr_text
    assert preps["sam@example.com"]["Reply-To"].addresses[0].addr_spec == "dana@example.com"
    assert preps["sam@example.com"]["In-Reply-To"] == preps["dana@example.com"]["In-Reply-To"]
    env.run(config, PREP_TIME + dt.timedelta(minutes=5))
    env.run(config, PREP_TIME + dt.timedelta(hours=3))
    assert len(mails(env, "prep")) == 2  # exactly once, however often the pass runs


def test_the_agenda_is_written_into_the_occurrence_with_places_for_notes(env, admin):
    env.run(env.config(SAM), PREP_TIME)
    [inst] = admin.instances(
        "sam@example.com", SERIES, "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"
    )
    text = inst["description"]
    assert text.index(NOTES_MARKER) < text.index(ACTIONS_MARKER) < text.index(END_MARKER)
    assert "Sam" in text
    master = admin.get_event("dana@example.com", SERIES)
    assert NOTES_MARKER not in master.get("description", "")  # only that occurrence


def test_a_service_that_was_down_sends_the_prep_late_but_never_after_the_start(env, admin):
    config = env.config(SAM)
    env.run(config, CREATED)
    started = dt.datetime(2026, 11, 24, 18, 10, tzinfo=dt.UTC)  # Tue 13:10 New York
    env.run(config, started)
    assert mails(env, "prep") == []
    late = dt.datetime(2026, 12, 1, 17, 30, tzinfo=dt.UTC)  # next Tue 12:30 New York
    env.run(config, late)
    assert {to(m) for m in mails(env, "prep")} == {"sam@example.com", "dana@example.com"}


def test_a_name_with_markup_is_escaped_in_html_and_cannot_inject_headers(env, admin):
    evil = SAM.replace("Sam Ortiz", '"<script>alert(1)</script> Ortiz"')
    env.run(env.config(evil), PREP_TIME)
    for msg in mails(env, "prep"):
        _text, html = parts(msg)
        assert "<script>" not in html
        assert "&lt;script&gt;" in html
    assert all("Bcc" not in m for m in mails(env, "prep"))


def test_kpis_appear_in_the_manager_prep_and_a_bad_row_is_a_warning_not_a_stop(env, admin):
    (env.tmp / "kpis.csv").write_text(
        "rep,kpi,kind,actual,goal,period\n"
        'sam@example.com,Revenue,output,"$41,500","$50,000",Nov 2026\n'
        "sam@example.com,New opportunities,input,9,12,Nov 2026\n"
        "sam@example.com,Calls,input,lots,100,Nov 2026\n"
    )
    config = env.config(SAM)
    text = (
        (env.tmp / "config.yaml")
        .read_text()
        .replace(
            "    timezone: America/New_York\n    reps:",
            "    timezone: America/New_York\n    kpis: ./kpis.csv\n    reps:",
        )
    )
    (env.tmp / "config.yaml").write_text(text)
    from scheduler.config import parse_config

    config = parse_config(text, filename="config.yaml", base_dir=env.tmp)
    env.run(config, PREP_TIME)
    preps = {to(m): m for m in mails(env, "prep")}
    mgr_text, _ = parts(preps["dana@example.com"])
    assert "Revenue" in mgr_text
    assert "New opportunities" in mgr_text
    assert "row 4" in mgr_text
    rep_text, _ = parts(preps["sam@example.com"])
    assert "YOUR NUMBERS\r\n- Revenue: $41,500 of $50,000 = 83% of the month's goal" in rep_text
    assert "New opportunities" not in rep_text  # inputs are the manager's lens
    assert "row 4" not in rep_text


def test_an_occurrence_moved_before_its_agenda_still_gets_it_and_later_passes_leave_it(env, admin):
    config = env.config(SAM)
    env.run(config, CREATED)
    admin.insert_event(
        "dana@example.com",
        {
            "summary": "Board prep",
            "start": {"dateTime": "2026-11-24T12:45:00-05:00"},
            "end": {"dateTime": "2026-11-24T14:00:00-05:00"},
        },
    )
    moved = env.run(config, CREATED + dt.timedelta(minutes=2))
    assert [o.action.verb for o in moved.outcomes] == ["move-occurrence", "send-move-notice"]
    report = env.run(config, PREP_TIME)
    assert "write-agenda" in [o.action.verb for o in report.outcomes]
    [inst] = admin.instances(
        "dana@example.com", SERIES, "2026-11-24T00:00:00Z", "2026-11-25T00:00:00Z"
    )
    assert inst["start"]["dateTime"].startswith("2026-11-24T12:00")
    assert NOTES_MARKER in inst["description"]
    admin.reset_counts()
    again = env.run(config, PREP_TIME + dt.timedelta(minutes=5))
    assert again.outcomes == []
    assert admin.counts()["by_method"].get("calendar.events.instances", 0) == 0
