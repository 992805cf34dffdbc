"""Meeting types follow the weeks of the calendar, and sections always fill the meeting exactly."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from scheduler.agenda import MEETING_TYPES, plan_meeting, rotate_questions
from scheduler.agenda_content import QUESTIONS, SHAPES
from scheduler.model import AgendaPolicy
from scheduler.rotation import forecast_week, meeting_kinds
from tests.agenda.builders import pair

# Tuesdays from 6 Jan 2026; the last week of a month is its last seven days.
FIRST = dt.date(2026, 1, 6)


def weekly(count: int, first: dt.date = FIRST) -> list[dt.date]:
    return [first + dt.timedelta(weeks=k) for k in range(count)]


def every(weeks: int, count: int, first: dt.date = FIRST) -> list[dt.date]:
    return [first + dt.timedelta(weeks=weeks * k) for k in range(count)]


def monthly(count: int) -> list[dt.date]:
    """The first Tuesday of each month, as a monthly cadence books it."""
    out = []
    for m in range(count):
        year, month = 2026 + m // 12, m % 12 + 1
        day = dt.date(year, month, 1)
        out.append(day + dt.timedelta(days=(1 - day.weekday()) % 7))
    return out


def kinds_of(days: list[dt.date], **policy: object) -> list[str]:
    return meeting_kinds(AgendaPolicy(**policy), days)  # type: ignore[arg-type]


def test_the_first_1_1_of_a_pair_is_a_kickoff() -> None:
    plan = plan_meeting(pair(), weekly(1))
    assert plan.kind == "kickoff"
    assert plan.label == "Getting started"
    titles = [s.title for s in plan.sections]
    assert "Goals: this year and beyond" in titles
    assert "How we work together" in titles
    assert "What the rep wants from these 1:1s" in titles


def test_a_forecast_review_falls_in_the_last_week_of_each_month_by_date() -> None:
    days = weekly(52)
    kinds = kinds_of(days, performance_every=0)
    forecasts = [d for d, k in zip(days, kinds, strict=True) if k == "forecast"]
    assert forecasts == [d for d in days[1:] if forecast_week(d, AgendaPolicy())]
    assert len(forecasts) == 12
    assert {d.month for d in forecasts} == set(range(1, 13))
    assert all(d.day > 21 for d in forecasts)


def test_forecast_quarter_keeps_forecast_reviews_to_the_last_week_of_a_quarter() -> None:
    days = weekly(52)
    kinds = kinds_of(days, forecast="quarter")
    months = sorted({d.month for d, k in zip(days, kinds, strict=True) if k == "forecast"})
    assert months == [3, 6, 9, 12]


def test_the_default_weekly_rotation_has_role_play_and_a_career_talk_every_month() -> None:
    days = weekly(53)
    kinds = kinds_of(days)
    for month in range(1, 13):
        held = {k for d, k in zip(days, kinds, strict=True) if d.month == month}
        assert "coaching" in held, (month, held)
    gaps = _gaps(days, kinds, "coaching")
    assert max(gaps) <= 6 * 7
    assert max(_gaps(days, kinds, "career")) <= 6 * 7
    assert kinds.count("pipeline") + kinds.count("forecast") >= len(days) // 3


def test_performance_reviews_come_every_twelve_weeks_at_a_weekly_cadence() -> None:
    days = weekly(53)
    kinds = kinds_of(days)
    held = [d for d, k in zip(days, kinds, strict=True) if k == "performance"]
    assert len(held) == 4
    assert all(70 <= g <= 100 for g in _gaps(days, kinds, "performance"))


def test_a_monthly_cadence_keeps_performance_reviews_quarterly_not_yearly() -> None:
    days = monthly(24)
    kinds = kinds_of(days)
    reviews = [d for d, k in zip(days, kinds, strict=True) if k == "performance"]
    assert len(reviews) >= 7
    assert max(_gaps(days, kinds, "performance")) <= 4 * 31


def test_a_monthly_cadence_still_gets_career_and_coaching_in_turn() -> None:
    kinds = kinds_of(monthly(12), forecast="none", performance_every=0)
    assert kinds[0] == "kickoff"
    assert kinds[1:] == ["coaching", "career"] * 5 + ["coaching"]


def test_a_biweekly_cadence_counts_weeks_too() -> None:
    days = every(2, 26)
    kinds = kinds_of(days, forecast="none")
    assert kinds.count("performance") == 4
    assert max(_gaps(days, kinds, "career")) <= 6 * 7


def test_a_kind_that_could_not_be_held_waits_for_the_next_meeting() -> None:
    # Week 4 is career in the pattern, but 27 Jan... 3 Feb: the forecast takes 27 Jan.
    policy = {"rotation": ("pipeline", "pipeline", "pipeline", "career"), "performance_every": 0}
    days = [dt.date(2026, 1, 6) + dt.timedelta(weeks=k) for k in range(6)]
    kinds = kinds_of(days, **policy)
    assert kinds == ["kickoff", "pipeline", "pipeline", "forecast", "career", "pipeline"]


def test_performance_every_zero_and_forecast_none_leave_only_the_rotation() -> None:
    kinds = set(kinds_of(weekly(60), performance_every=0, forecast="none"))
    assert kinds == {"kickoff", "pipeline", "coaching", "career"}


def test_better_manager_question_comes_every_second_meeting_never_at_the_kickoff() -> None:
    asks = [plan_meeting(pair(), weekly(n)).ask_better_manager for n in range(1, 7)]
    assert asks == [False, True, False, True, False, True]


def test_an_unknown_meeting_type_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"'standup'.*pipeline, career"):
        plan_meeting(pair(rotation=("standup",)), weekly(2))


def test_a_plan_needs_the_meeting_date() -> None:
    with pytest.raises(ValueError, match="date"):
        plan_meeting(pair(), [])


def test_the_recap_knows_the_kind_of_the_next_1_1() -> None:
    days = weekly(3)  # 6, 13, 20 Jan; the next on 27 Jan is the last week of January
    plan = plan_meeting(pair(), days, next_day=days[-1] + dt.timedelta(weeks=1))
    assert (plan.kind, plan.next_kind, plan.next_label) == (
        "pipeline",
        "forecast",
        "Forecast review",
    )


@pytest.mark.parametrize("kind", [*MEETING_TYPES, "kickoff"])
@pytest.mark.parametrize("minutes", [3, 7, 10, 15, 20, 25, 30, 45, 50, 55, 60, 90])
def test_sections_add_up_to_the_meeting_length_and_keep_the_reps_own(
    kind: str, minutes: int
) -> None:
    from scheduler.agenda import size_sections

    sections = size_sections(SHAPES[kind], minutes)
    assert sum(s.minutes for s in sections) == minutes
    assert any(s.reps_own for s in sections)
    if minutes >= 5:
        assert all(s.minutes >= 5 for s in sections)
    assert all(s.prompts and s.rep_prompts for s in sections)


def test_a_45_minute_pipeline_review_puts_the_reps_topics_right_after_the_check_in() -> None:
    plan = plan_meeting(
        pair(
            rotation=("pipeline",),
            performance_every=0,
        ),
        weekly(2),
    )
    assert [(s.title, s.minutes) for s in plan.sections] == [
        ("Personal check-in", 5),
        ("The rep's topics", 10),
        ("Deals and pipeline against goals", 15),
        ("One deal or customer in depth", 10),
        ("Recap and next steps", 5),
    ]
    assert plan.sections[1].rep_title == "Your topics"


def test_a_short_1_1_cuts_the_recap_minutes_before_the_reps_topics() -> None:
    p = pair(minutes=10, rotation=("pipeline",), performance_every=0)
    titles = [s.title for s in plan_meeting(p, weekly(2)).sections]
    assert titles == ["The rep's topics", "Deals and pipeline against goals"]
    p = pair(minutes=15, rotation=("pipeline",), performance_every=0)
    titles = [s.title for s in plan_meeting(p, weekly(2)).sections]
    assert titles == [
        "The rep's topics",
        "Deals and pipeline against goals",
        "Recap and next steps",
    ]


def test_the_reps_words_never_carry_the_managers_script() -> None:
    for blocks in SHAPES.values():
        for block in blocks:
            assert not set(block.prompts) & set(block.rep_prompts) or block.prompts == (
                "Only what cannot wait a week.",
            )
            for line in block.rep_prompts:
                assert "Where would my help make the biggest difference" not in line
                assert "let them" not in line
                assert "Ask " not in line


def test_questions_rotate_week_by_week_and_are_stable_for_one_date() -> None:
    pool = QUESTIONS["pipeline"]
    weeks = [rotate_questions(pool, "dana@x/sam@x", d) for d in weekly(8)]
    assert all(len(set(q)) == 3 for q in weeks)
    assert all(a != b for a, b in itertools.pairwise(weeks))
    assert not set(weeks[0]) & set(weeks[1])
    assert rotate_questions(pool, "dana@x/sam@x", FIRST) == weeks[0]
    assert len({q for w in weeks for q in w}) == len(pool)


@pytest.mark.parametrize("kind", [*MEETING_TYPES, "kickoff"])
def test_every_meeting_type_has_eight_questions_a_coaching_prompt_and_a_label(kind: str) -> None:
    assert len(set(QUESTIONS[kind])) == 8
    assert all(q.endswith("?") for q in QUESTIONS[kind])


def test_the_reps_label_for_a_performance_review_is_the_quarter_in_review() -> None:
    days = weekly(14)  # week 12 is 31 Mar, a forecast week: the review waits a week
    plan = plan_meeting(pair(), days)
    assert plan.kind == "performance"
    assert (plan.label, plan.rep_label) == ("Performance review", "Quarter in review")


def _gaps(days: list[dt.date], kinds: list[str], kind: str) -> list[int]:
    held = [d for d, k in zip(days, kinds, strict=True) if k == kind]
    return [(b - a).days for a, b in itertools.pairwise(held)]
