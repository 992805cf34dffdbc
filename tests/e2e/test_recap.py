"""Recaps end to end: the manager types notes into the occurrence in Calendar (through the
sandbox), the service sends the recap after the settling delay, reminds when there are none, keeps
the 48-hour promise, and carries action items into the next 1:1."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from integrations.state.store import Store
from scheduler.agenda import ACTIONS_MARKER, NOTES_MARKER
from scheduler.series import series_id

SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)
CREATED = dt.datetime(2026, 11, 20, 15, 0, tzinfo=dt.UTC)
PREP = dt.datetime(2026, 11, 23, 18, 5, tzinfo=dt.UTC)  # Monday 13:05 New York
END = dt.datetime(2026, 11, 24, 18, 45, tzinfo=dt.UTC)  # Tuesday 13:45 New York
SERIES = series_id("dana@example.com", "sam@example.com", 0)


def mails(env, kind):
    return [
        email.message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in sorted((env.tmp / "outbox").glob(f"*-{kind}-*.eml"))
    ]


def text_of(msg):
    return msg.get_body(("plain",)).get_content()


def occurrence(admin, day="2026-11-24"):
    nxt = (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()
    [inst] = admin.instances("dana@example.com", SERIES, f"{day}T00:00:00Z", f"{nxt}T00:00:00Z")
    return inst


def write_notes(admin, notes: str, actions: str, day="2026-11-24", html=False):
    """What a manager does in Google Calendar during the meeting."""
    inst = occurrence(admin, day)
    text = inst["description"]
    text = text.replace(NOTES_MARKER, f"{NOTES_MARKER}\n{notes}", 1)
    text = text.replace(ACTIONS_MARKER, f"{ACTIONS_MARKER}\n{actions}", 1)
    if html:
        text = "<br>".join(text.split("\n")).replace("[ ]", "[&nbsp;]")
    admin.patch_event("dana@example.com", inst["id"], {"description": text})


def prepared(env):
    config = env.config(SAM)
    env.run(config, CREATED)
    env.run(config, PREP)
    return config


def test_notes_in_the_event_give_a_recap_after_the_settling_delay(env, admin):
    config = prepared(env)
    write_notes(
        admin,
        "Acme is close; pricing is the blocker.\nDecision: offer the annual plan.",
        "- [ ] Sam: send the Acme proposal (by Fri)\n- [x] Dana: intro to legal",
    )
    env.run(config, END + dt.timedelta(minutes=10))
    assert mails(env, "recap") == []  # still settling
    env.run(config, END + dt.timedelta(minutes=31))
    [recap] = mails(env, "recap")
    assert recap["To"].addresses[0].addr_spec == "sam@example.com"
    assert recap["Cc"].addresses[0].addr_spec == "dana@example.com"
    body = text_of(recap)
    assert "send the Acme proposal" in body
    assert "Fri 27 Nov" in body
    assert "annual plan" in body
    [prep] = [m for m in mails(env, "prep") if m["To"].addresses[0].addr_spec == "sam@example.com"]
    assert recap["In-Reply-To"] == prep["In-Reply-To"]  # one thread per occurrence
    for later in (1, 5, 30):
        env.run(config, END + dt.timedelta(hours=later))
    assert len(mails(env, "recap")) == 1
    assert mails(env, "reminder") == []


def test_without_notes_the_manager_is_reminded_and_the_recap_still_goes_by_the_deadline(env, admin):
    config = prepared(env)
    env.run(config, END + dt.timedelta(hours=3))
    assert mails(env, "reminder") == []
    env.run(config, END + dt.timedelta(hours=4, minutes=1))
    [reminder] = mails(env, "reminder")
    assert reminder["To"].addresses[0].addr_spec == "dana@example.com"
    env.run(config, END + dt.timedelta(hours=4, minutes=5))
    assert len(mails(env, "reminder")) == 1
    env.run(config, END + dt.timedelta(hours=24, minutes=1))
    assert len(mails(env, "reminder")) == 2
    env.run(config, END + dt.timedelta(hours=46, minutes=1))
    [recap] = mails(env, "recap")
    assert "reply" in text_of(recap).lower()  # the rep is invited to add their own takeaways


def test_a_service_down_past_the_deadline_sends_the_recap_on_restart_marked_late(env, admin):
    config = prepared(env)
    write_notes(admin, "Short one today.", "- [ ] Sam: update the pipeline")
    report = env.run(config, END + dt.timedelta(hours=60))
    [recap] = mails(env, "recap")
    assert "update the pipeline" in text_of(recap)
    [outcome] = [o for o in report.outcomes if o.action.verb == "send-recap"]
    assert outcome.action.late
    store = Store(env.tmp / "state.db")
    rows = [r for r in store.audit.rows() if r.action == "send-recap"]
    store.close()
    assert "late" in rows[0].reason


def test_open_items_roll_into_the_next_agenda_and_close_when_checked(env, admin):
    config = prepared(env)
    write_notes(admin, "Good week.", "- [ ] Sam: send the Acme proposal (by Fri)")
    env.run(config, END + dt.timedelta(minutes=31))
    next_prep = PREP + dt.timedelta(days=7)
    env.run(config, next_prep)
    sam_preps = [
        m for m in mails(env, "prep") if m["To"].addresses[0].addr_spec == "sam@example.com"
    ]
    assert "send the Acme proposal" in text_of(sam_preps[-1])
    assert "send the Acme proposal" in occurrence(admin, "2026-12-01")["description"]
    write_notes(admin, "Sent it.", "- [x] Sam: send the Acme proposal", day="2026-12-01")
    env.run(config, END + dt.timedelta(days=7, minutes=31))
    env.run(config, next_prep + dt.timedelta(days=7))
    last = [m for m in mails(env, "prep") if m["To"].addresses[0].addr_spec == "sam@example.com"]
    assert len(last) == 3
    assert "8 Dec" in last[-1]["Subject"]
    assert "send the Acme proposal" not in text_of(last[-1])


def test_odd_notes_make_a_sensible_recap_and_no_crash(env, admin):
    config = prepared(env)
    pasted = (
        '<div><span style="font-weight:700">Pricing</span> &amp; terms 🚀</div>' + "word " * 10_000
    )
    write_notes(admin, pasted, "- [ ] Sam: call back 📞\n- follow up with procurement", html=True)
    report = env.run(config, END + dt.timedelta(minutes=31))
    assert not report.failed
    [recap] = mails(env, "recap")
    body = text_of(recap)
    assert "Pricing & terms 🚀" in body
    assert "call back 📞" in body
    assert "follow up with procurement" in body  # no owner: kept, never dropped
    assert "<span" not in body


def test_a_declined_occurrence_that_was_never_held_gets_no_recap(env, admin):
    config = prepared(env)
    inst = occurrence(admin)
    admin.delete_event("dana@example.com", inst["id"])
    during = END - dt.timedelta(minutes=20)
    env.run(config, during)  # too late to restore: it has started
    env.run(config, END + dt.timedelta(hours=50))
    assert mails(env, "recap") == []
