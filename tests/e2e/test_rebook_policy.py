"""``rebook.step`` and ``rebook.same_day_only`` end to end: where the moved 1:1 lands on the
rep's calendar when another meeting bumps it."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from scheduler.series import series_id

NY = ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 11, 23, 15, 0, tzinfo=dt.UTC)  # Monday 10:00 New York
TUESDAY = dt.date(2026, 11, 24)
SERIES = series_id("dana@example.com", "sam@example.com", 0)


def sam(rebook: str) -> str:
    return (
        '      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00", '
        f"timezone: America/New_York, rebook: {{{rebook}}}}}"
    )


def ny(day: dt.date, hhmm: str) -> str:
    hh, mm = map(int, hhmm.split(":"))
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=NY).isoformat()


def busy(admin, start: str, end: str) -> None:
    admin.insert_event(
        "dana@example.com",
        {"summary": "Board prep", "start": {"dateTime": start}, "end": {"dateTime": end}},
    )


def sams_occurrence(admin) -> str:
    """Where the bumped Tuesday 1:1 now is on Sam's own calendar (New York time)."""
    [item] = admin.instances(
        "sam@example.com", SERIES, "2026-11-24T00:00:00Z", "2026-11-27T00:00:00Z"
    )[:1]
    start = dt.datetime.fromisoformat(item["start"]["dateTime"]).astimezone(NY)
    end = dt.datetime.fromisoformat(item["end"]["dateTime"]).astimezone(NY)
    return f"{start:%a %H:%M}-{end:%H:%M}"


@pytest.mark.parametrize(
    ("rebook", "lands"),
    [
        pytest.param("min_notice: 30m", "Tue 14:15-15:00", id="default-quarter-hours"),
        pytest.param("step: 5m", "Tue 14:10-14:55", id="five-minute-step"),
        pytest.param("step: 1h", "Tue 11:00-11:45", id="on-the-hour-earlier-wins-the-tie"),
    ],
)
def test_the_moved_1_1_starts_on_the_step_grid_nearest_the_original_time(
    env, admin, rebook: str, lands: str
) -> None:
    config = env.config(sam(rebook))
    assert not env.run(config, NOW).failed
    busy(admin, ny(TUESDAY, "12:05"), ny(TUESDAY, "14:10"))  # over the 13:00 1:1
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    other_day = ["notice"] if not lands.startswith("Tue") else []  # Dana hears of another day
    assert [o.action.verb for o in report.outcomes] == [
        "move-occurrence",
        *other_day,
        "send-move-notice",
    ]
    assert sams_occurrence(admin) == lands


@pytest.mark.parametrize(
    ("rebook", "lands"),
    [
        pytest.param("allow_shorter: 30m", "Tue 16:00-16:30", id="same-day-shorter-by-default"),
        pytest.param(
            "allow_shorter: 30m, same_day_only: false", "Wed 13:00-13:45", id="full-next-day"
        ),
        pytest.param(
            "allow_shorter: 30m, same_day_only: false, if_no_slot: notify_only",
            "Tue 16:00-16:30",
            id="never-another-day-with-notify-only",
        ),
    ],
)
def test_same_day_only_false_prefers_a_full_1_1_on_the_next_business_day_to_a_short_one(
    env, admin, rebook: str, lands: str
) -> None:
    config = env.config(sam(rebook))
    assert not env.run(config, NOW).failed
    busy(admin, ny(TUESDAY, "09:00"), ny(TUESDAY, "16:00"))  # Tuesday leaves 30 minutes free
    busy(admin, ny(TUESDAY, "16:30"), ny(TUESDAY, "17:30"))
    report = env.run(config, NOW + dt.timedelta(minutes=2))
    other_day = ["notice"] if not lands.startswith("Tue") else []  # Dana hears of another day
    assert [o.action.verb for o in report.outcomes] == [
        "move-occurrence",
        *other_day,
        "send-move-notice",
    ]
    assert sams_occurrence(admin) == lands
