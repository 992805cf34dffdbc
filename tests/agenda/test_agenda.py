"""Meeting types rotate as the policy says and sections always fill the meeting exactly."""

from __future__ import annotations

import pytest

from scheduler.agenda import MEETING_TYPES, meeting_type
from tests.agenda.builders import pair


def test_default_rotation_is_three_pipeline_reviews_then_a_career_conversation() -> None:
    kinds = [meeting_type(pair(), i).kind for i in range(8)]
    assert kinds == ["pipeline"] * 3 + ["career"] + ["pipeline"] * 3 + ["career"]


def test_every_twelfth_meeting_is_a_performance_review_whatever_the_rotation_says() -> None:
    kinds = [meeting_type(pair(), i).kind for i in range(36)]
    assert [i for i, k in enumerate(kinds) if k == "performance"] == [11, 23, 35]


def test_performance_every_zero_turns_performance_reviews_off() -> None:
    kinds = {meeting_type(pair(performance_every=0), i).kind for i in range(48)}
    assert kinds == {"pipeline", "career"}


def test_better_manager_question_comes_every_second_meeting() -> None:
    asks = [meeting_type(pair(), i).ask_better_manager for i in range(6)]
    assert asks == [False, True, False, True, False, True]


def test_better_manager_every_three_asks_on_the_third_sixth_and_ninth() -> None:
    asks = [meeting_type(pair(better_manager_every=3), i).ask_better_manager for i in range(9)]
    assert [i + 1 for i, a in enumerate(asks) if a] == [3, 6, 9]


def test_a_custom_rotation_cycles_in_order() -> None:
    p = pair(rotation=("forecast", "coaching", "pipeline"), performance_every=0)
    assert [meeting_type(p, i).kind for i in range(5)] == [
        "forecast",
        "coaching",
        "pipeline",
        "forecast",
        "coaching",
    ]


def test_an_unknown_meeting_type_is_refused_with_the_allowed_ones() -> None:
    with pytest.raises(ValueError, match=r"'standup'.*pipeline, career"):
        meeting_type(pair(rotation=("standup",)), 0)


def test_a_negative_index_is_refused() -> None:
    with pytest.raises(ValueError, match="index"):
        meeting_type(pair(), -1)


@pytest.mark.parametrize("kind", MEETING_TYPES)
@pytest.mark.parametrize("minutes", [7, 15, 20, 25, 30, 45, 50, 55, 60, 90])
def test_sections_add_up_to_the_meeting_length(kind: str, minutes: int) -> None:
    plan = meeting_type(pair(minutes=minutes, rotation=(kind,), performance_every=0), 0)
    assert plan.kind == kind
    assert sum(s.minutes for s in plan.sections) == minutes == plan.minutes
    assert all(s.minutes >= 5 for s in plan.sections)
    assert all(s.prompts for s in plan.sections)


def test_a_45_minute_pipeline_review_has_the_classic_shape() -> None:
    plan = meeting_type(pair(minutes=45), 0)
    assert [(s.title, s.minutes) for s in plan.sections] == [
        ("Personal check-in", 5),
        ("Deals and pipeline against goals", 15),
        ("One deal or customer in depth", 10),
        ("Questions and where you need help", 10),
        ("Recap and next steps", 5),
    ]


def test_a_45_minute_career_meeting_spends_most_time_on_career() -> None:
    plan = meeting_type(pair(minutes=45), 3)
    longest = max(plan.sections, key=lambda s: s.minutes)
    assert (plan.kind, longest.title, longest.minutes) == ("career", "Career and development", 20)


def test_a_short_meeting_keeps_the_main_topic_and_next_steps_and_drops_the_rest() -> None:
    titles = [s.title for s in meeting_type(pair(minutes=15), 0).sections]
    assert titles == [
        "Personal check-in",
        "Deals and pipeline against goals",
        "Recap and next steps",
    ]


@pytest.mark.parametrize("kind", MEETING_TYPES)
def test_every_meeting_type_brings_questions_a_coaching_prompt_and_a_label(kind: str) -> None:
    plan = meeting_type(pair(rotation=(kind,), performance_every=0), 0)
    assert len(plan.questions) >= 3
    assert all(q.endswith("?") for q in plan.questions)
    assert plan.coaching_prompt
    assert plan.label[0].isupper()
    assert plan.label != kind
