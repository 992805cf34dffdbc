"""Bumped occurrences end to end: conflicts, declines and deletions made by other users through
the sandbox's admin API; the service moves the occurrence the same day and tells the rep once."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
from zoneinfo import ZoneInfo

from integrations.state.store import Store
from scheduler.series import series_id

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
SAM = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/Los_Angeles}"
)
SAM_NY = (
    '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
    "timezone: America/New_York}"
)
SERIES = series_id("dana@example.com", "sam@example.com", 0)
TUESDAY = dt.date(2026, 11, 24)


def ny(day: dt.date, hhmm: str) -> str:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=NY).isoformat()


def meeting(admin, user, summary, start, end, **extra):
    body = {"summary": summary, "start": {"dateTime": start}, "end": {"dateTime": end}, **extra}
    return admin.insert_event(user, body)


def tuesday_instance(admin, user="dana@example.com"):
    items = admin.instances(
        user, SERIES, "2026-11-24T00:00:00Z", "2026-11-26T00:00:00Z", show_deleted=True
    )
    return items[0]


def local(item) -> str:
    return dt.datetime.fromisoformat(item["start"]["dateTime"]).astimezone(NY).strftime("%a %H:%M")


def outbox(env, kind):
    out = []
    for path in sorted((env.tmp / "outbox").glob(f"*-{kind}-*.eml")):
        out.append(email.message_from_bytes(path.read_bytes(), policy=email.policy.default))
    return out


def setup(env, admin, rep=SAM, extra=""):
    config = env.config(rep, extra=extra)
    report = env.run(config, NOW)
    assert not report.failed
    return config


def test_a_conflict_on_the_managers_calendar_moves_the_occurrence_to_the_nearest_free_slot(
    env, admin
):
    config = setup(env, admin)
    meeting(admin, "dana@example.com", "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    # 12:00 and 14:00 are both an hour away; the earlier wins. Sam (Los Angeles) starts at 12:00 NY.
    assert local(tuesday_instance(admin)) == "Tue 12:00"
    assert local(tuesday_instance(admin, "sam@example.com")) == "Tue 12:00"
    [notice] = outbox(env, "move")
    assert notice["To"].addresses[0].addr_spec == "sam@example.com"
    text = notice.get_body(("plain",)).get_content()
    assert "09:00 PST" in text  # the new time in the rep's own zone, named
    admin.reset_counts()
    again = env.run(config, NOW + dt.timedelta(minutes=3))
    assert again.outcomes == []
    assert admin.counts()["writes"] == 0
    assert len(outbox(env, "move")) == 1


def test_the_rep_in_another_zone_keeps_the_slot_inside_their_working_hours(env, admin):
    config = setup(env, admin)
    meeting(admin, "dana@example.com", "Pipeline", ny(TUESDAY, "12:15"), ny(TUESDAY, "14:30"))
    env.run(config, NOW + dt.timedelta(minutes=2))
    # 11:30 would tie with 14:30 and win as earlier, but it is 08:30 in Los Angeles.
    assert local(tuesday_instance(admin)) == "Tue 14:30"


def test_a_declining_rep_gets_a_time_they_are_free(env, admin):
    config = setup(env, admin, rep=SAM_NY)
    meeting(admin, "sam@example.com", "Customer call", ny(TUESDAY, "12:30"), ny(TUESDAY, "13:30"))
    admin.respond("sam@example.com", tuesday_instance(admin, "sam@example.com")["id"], "declined")
    report = env.run(config, NOW + dt.timedelta(minutes=10))  # past the rep free/busy interval
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    assert "declined" in report.outcomes[0].action.reason
    assert local(tuesday_instance(admin)) == "Tue 13:45"
    assert env.run(config, NOW + dt.timedelta(minutes=11)).outcomes == []


def test_a_deleted_occurrence_is_restored_the_same_day(env, admin):
    config = setup(env, admin)
    admin.delete_event("dana@example.com", tuesday_instance(admin)["id"])
    assert tuesday_instance(admin)["status"] == "cancelled"
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["move-occurrence", "send-move-notice"]
    restored = tuesday_instance(admin)
    assert restored["status"] == "confirmed"
    assert local(restored) == "Tue 13:00"


def test_a_full_day_moves_it_to_the_next_business_day_and_alerts_the_manager(env, admin):
    config = setup(env, admin)
    meeting(admin, "dana@example.com", "Offsite", ny(TUESDAY, "09:00"), ny(TUESDAY, "17:30"))
    env.run(config, NOW + dt.timedelta(minutes=2))
    assert local(tuesday_instance(admin)) == "Wed 13:00"
    [alert] = outbox(env, "alert")
    assert alert["To"].addresses[0].addr_spec == "dana@example.com"


def test_a_full_day_with_notify_only_leaves_it_and_tells_the_manager_once(env, admin):
    extra = "    rebook_override: null\n"
    config = env.config(SAM.replace("}", ", rebook: {if_no_slot: notify_only}}"))
    env.run(config, NOW)
    meeting(admin, "dana@example.com", "Offsite", ny(TUESDAY, "09:00"), ny(TUESDAY, "17:30"))
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["notice"]
    assert local(tuesday_instance(admin)) == "Tue 13:00"
    assert env.run(config, NOW + dt.timedelta(minutes=3)).outcomes == []
    assert extra


def test_manager_out_of_office_applies_the_policy(env, admin):
    config = setup(env, admin)
    meeting(
        admin,
        "dana@example.com",
        "Out of office",
        ny(TUESDAY, "00:00"),
        ny(TUESDAY + dt.timedelta(days=1), "00:00"),
        eventType="outOfOffice",
    )
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert "out of office" in report.outcomes[0].action.reason
    assert local(tuesday_instance(admin)) == "Wed 13:00"


def test_manager_out_of_office_with_skip_leaves_the_occurrence(env, admin):
    config = env.config(SAM.replace("}", ", rebook: {on_out_of_office: skip}}"))
    env.run(config, NOW)
    meeting(
        admin,
        "dana@example.com",
        "Out of office",
        ny(TUESDAY, "00:00"),
        ny(TUESDAY + dt.timedelta(days=1), "00:00"),
        eventType="outOfOffice",
    )
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["notice"]
    assert "skipped" in report.outcomes[0].action.reason
    assert local(tuesday_instance(admin)) == "Tue 13:00"


def test_an_occurrence_a_person_moved_is_respected(env, admin):
    config = setup(env, admin)
    inst = tuesday_instance(admin)
    admin.patch_event(
        "dana@example.com",
        inst["id"],
        {"start": {"dateTime": ny(TUESDAY, "15:00")}, "end": {"dateTime": ny(TUESDAY, "15:45")}},
    )
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    assert [o.action.verb for o in report.outcomes] == ["notice"]
    assert local(tuesday_instance(admin)) == "Tue 15:00"
    assert env.run(config, NOW + dt.timedelta(minutes=3)).outcomes == []


def test_a_started_occurrence_is_never_moved(env, admin):
    config = setup(env, admin)
    meeting(admin, "dana@example.com", "Fire drill", ny(TUESDAY, "13:10"), ny(TUESDAY, "13:30"))
    during = dt.datetime.combine(TUESDAY, dt.time(13, 5), tzinfo=NY).astimezone(dt.UTC)
    report = env.run(config, during)
    assert [o.action.verb for o in report.outcomes if o.action.verb == "move-occurrence"] == []
    assert local(tuesday_instance(admin)) == "Tue 13:00"


def test_the_audit_trail_explains_the_move(env, admin):
    config = setup(env, admin)
    meeting(admin, "dana@example.com", "Board prep", ny(TUESDAY, "12:45"), ny(TUESDAY, "14:00"))
    env.run(config, NOW + dt.timedelta(minutes=2))
    store = Store(env.tmp / "state.db")
    [row] = [r for r in store.audit.rows() if r.action == "move-occurrence"]
    store.close()
    assert "'Board prep' overlaps it" in row.reason
    assert "moved to Tue 24 Nov 12:00" in row.reason
