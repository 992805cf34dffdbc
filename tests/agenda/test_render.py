"""Every template renders from the sample context, escapes what it must, and fails loudly."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from integrations.mail.recap_render import recap_sample_context
from integrations.mail.render import (
    DESCRIPTION_LIMIT,
    Renderer,
    describe_zone,
    fit_description,
    format_kpi_value,
    owned_by,
    sample_context,
)
from scheduler.agenda import (
    ACTIONS_MARKER,
    AGENDA_MARKER,
    END_MARKER,
    NOTES_MARKER,
    TOPICS_MARKER,
    plan_meeting,
)
from scheduler.errors import TemplateError, UserError
from tests.agenda.builders import pair, person

MESSAGES = ("prep_rep", "prep_manager", "move_notice", "alert")
EVIL = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    return Renderer()


@pytest.fixture
def context() -> dict[str, Any]:
    return sample_context()


def with_rep_named(context: dict[str, Any], name: str) -> dict[str, Any]:
    context["rep"] = dataclasses.replace(context["rep"], name=name)
    return context


def test_check_finds_no_problem_in_the_built_in_templates(renderer: Renderer) -> None:
    assert renderer.check(recap_sample_context()) == []  # the full sample: prep and recap


@pytest.mark.parametrize("name", MESSAGES)
def test_each_message_has_a_one_line_subject_a_text_and_an_html_part(
    renderer: Renderer, context, name: str
) -> None:
    email = renderer.render(name, **context)
    assert email.subject
    assert "\n" not in email.subject
    assert "\r" not in email.subject
    assert email.text.strip()
    assert email.html.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("name", MESSAGES)
def test_no_template_syntax_is_left_in_the_output(renderer: Renderer, context, name) -> None:
    email = renderer.render(name, **context)
    for part in (email.subject, email.text, email.html):
        assert "{{" not in part
        assert "{%" not in part
        assert "{#" not in part
    assert "{{" not in renderer.event_description(**context)


@pytest.mark.parametrize("name", MESSAGES)
def test_html_has_inline_styles_and_no_external_resources(renderer, context, name) -> None:
    html = renderer.render(name, **context).html
    assert 'style="' in html
    assert "<table" in html
    for banned in ("<link", "<style", "<script", "<img", "src=", "url(", "http:", "https:"):
        assert banned not in html.lower()


@pytest.mark.parametrize("name", MESSAGES)
def test_a_hostile_rep_name_is_escaped_in_html_and_plain_in_text(renderer, context, name) -> None:
    email = renderer.render(name, **with_rep_named(context, EVIL))
    if name != "alert":  # the alert is about the manager's calendar and does not name the rep
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in email.html
        assert EVIL in email.text + email.subject
    assert "<script" not in email.html


def test_a_line_break_in_a_name_does_not_break_the_subject_line(renderer, context) -> None:
    context = with_rep_named(context, "Sam\r\nBcc: x@evil.test")
    context["occurrence"] = {
        **context["occurrence"],
        "subject": "1:1 Dana / Sam\r\nBcc: x@evil.test",
    }
    email = renderer.render("prep_manager", **context)
    assert email.subject == "1:1 Dana / Sam Bcc: x@evil.test"


def test_a_missing_variable_raises_with_the_template_name_and_line(renderer, context) -> None:
    del context["previous_notes"]
    with pytest.raises(TemplateError, match=r"^prep_manager\.txt\.j2:\d+: .*previous_notes") as e:
        renderer.render("prep_manager", **context)
    assert isinstance(e.value, UserError)


def test_check_reports_each_broken_override_with_file_and_line(tmp_path: Path) -> None:
    context = recap_sample_context()
    (tmp_path / "prep_rep.subject.j2").write_text("Hi {{ rep.nickname }}\n")
    (tmp_path / "alert.txt.j2").write_text("line one\n{% if %}\n")
    (tmp_path / "extra.txt.j2").write_text("{{ fine }}\n")
    problems = Renderer(tmp_path).check(context)
    assert problems[0].startswith("alert.txt.j2:2: ")
    assert problems[1].startswith("extra.txt.j2:1: ")
    assert "'fine' is undefined" in problems[1]
    assert problems[2].startswith("prep_rep.subject.j2:1: ")
    assert "nickname" in problems[2]
    assert len(problems) == 3


def test_an_override_replaces_only_the_file_with_its_name(tmp_path: Path, context) -> None:
    (tmp_path / "prep_rep.subject.j2").write_text("1:1 tomorrow, {{ rep.name }}!\n")
    email = Renderer(tmp_path).render("prep_rep", **context)
    assert email.subject == "1:1 tomorrow, Sam Ortiz!"
    assert email.text == Renderer().render("prep_rep", **context).text


def test_an_override_of_the_layout_changes_every_html_email(tmp_path: Path, context) -> None:
    (tmp_path / "_layout.html.j2").write_text(
        "<!DOCTYPE html><p>{% block title %}{% endblock %}</p>{% block body %}{% endblock %}"
        "{% block kicker %}{% endblock %}{% block footer %}{% endblock %}"
    )
    html = Renderer(tmp_path).render("alert", **context).html
    assert html.startswith("<!DOCTYPE html><p>Sam Ortiz&#39;s 1:1 moved to Wed 25 Nov 13:00")


def test_the_rep_sees_their_own_open_items_and_the_manager_sees_all(renderer, context) -> None:
    rep = renderer.render("prep_rep", **context)
    manager = renderer.render("prep_manager", **context)
    assert "Send Acme the revised quote" in rep.text
    assert "Intro Sam to the solutions engineer" not in rep.text
    assert "Intro Sam to the solutions engineer" in manager.text
    assert "reply to this email" in rep.text
    assert "updated pipeline" in rep.text


def test_the_manager_prep_lists_outputs_before_inputs_with_attainment(renderer, context) -> None:
    text = renderer.render("prep_manager", **context).text
    assert (
        "- Revenue: $41,500 of $50,000 = 83% of the month's goal with 77% of the month gone: "
        "on pace\n  Sep 2026 92% → Oct 2026 88% → Nov 2026 83% so far (flat)\n"
    ) in text
    assert "! Revenue missed its goal two periods running (Sep 2026, Oct 2026)." in text
    assert text.index("Revenue") < text.index("New opportunities")
    assert "Acme renewal slipped to December" in text
    assert all(q in text for q in context["plan"].questions)


def test_the_better_manager_question_appears_only_when_due(renderer, context) -> None:
    question = "What could I be doing better as your manager?"
    assert question in renderer.render("prep_manager", **context).html
    context["plan"] = plan_meeting(pair(), [dt.date(2026, 11, 24)])
    for name in ("prep_manager", "prep_rep"):
        email = renderer.render(name, **context)
        assert question not in email.text
        assert question not in email.html


def test_times_are_shown_in_each_recipients_zone(renderer, context) -> None:
    rep = renderer.render("prep_rep", **context)
    assert "Tue 24 Nov, 10:00 PST (America/Los_Angeles)" in rep.text
    assert "13:00 EST" not in rep.text
    manager = renderer.render("prep_manager", **context)
    assert "Tue 24 Nov, 13:00 EST (America/New_York)" in manager.text


def test_every_message_of_an_occurrence_has_the_threads_subject(renderer, context) -> None:
    for name in ("prep_rep", "prep_manager", "move_notice", "reminder", "recap"):
        assert renderer.render(name, **recap_sample_context()).subject == (
            "1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov"
        ), name


def test_the_move_notice_is_one_short_first_person_paragraph_with_the_new_time(
    renderer, context
) -> None:
    email = renderer.render("move_notice", **context)
    paragraphs = [p for p in email.text.split("\n\n") if p.strip()]
    assert len(paragraphs) == 3  # greeting, the paragraph, signature
    body = paragraphs[1]
    assert body.startswith("Something came up, so I moved our 1:1")
    assert "was Tue 24 Nov, 08:00 PST (America/Los_Angeles)" in body
    assert "now Tue 24 Nov, 10:00 PST (America/Los_Angeles)" in body
    assert paragraphs[2].strip() == "Dana Whitfield"
    html = email.html
    assert "08:00 PST" in html.split("<s style")[1].split("</s>")[0]
    assert "10:00 PST" in html.split("<strong>")[1].split("</strong>")[0]


def test_the_event_description_has_the_markers_in_order_and_ends_with_end(renderer, context):
    text = renderer.event_description(**context)
    assert text.index(NOTES_MARKER) < text.index(ACTIONS_MARKER) < text.index(END_MARKER)
    assert text.rstrip().endswith(END_MARKER)
    assert text.index(TOPICS_MARKER) < text.index(AGENDA_MARKER) < text.index(NOTES_MARKER)
    assert "2. Your topics (10 min)" in text
    assert "<" not in text


def test_the_event_description_stays_under_8_kb_with_a_long_history(renderer, context) -> None:
    context["open_items"] = [{"owner": "Sam", "text": "x" * 900, "due": ""}] * 40
    text = renderer.event_description(**context)
    assert len(text.encode()) <= DESCRIPTION_LIMIT
    assert "(and 30 more in the prep email)" in text
    assert text.rstrip().endswith(END_MARKER)


def test_fit_description_trims_the_agenda_and_keeps_the_writable_areas() -> None:
    text = "agenda line\n" * 2000 + f"{NOTES_MARKER}\n\n{ACTIONS_MARKER}\n\n{END_MARKER}\n"
    fitted = fit_description(text)
    assert len(fitted.encode()) <= DESCRIPTION_LIMIT
    assert fitted.startswith("agenda line\n")
    assert fitted.endswith(f"{NOTES_MARKER}\n\n{ACTIONS_MARKER}\n\n{END_MARKER}\n")
    assert fit_description("short") == "short"


@pytest.mark.parametrize(
    ("when", "tz", "expected"),
    [
        pytest.param(
            dt.datetime(2026, 11, 24, 15, tzinfo=dt.UTC),
            "America/New_York",
            "Tue 24 Nov, 10:00 EST (America/New_York)",
            id="winter",
        ),
        pytest.param(
            dt.datetime(2026, 3, 8, 7, 30, tzinfo=dt.UTC),
            "America/New_York",
            "Sun 8 Mar, 03:30 EDT (America/New_York)",
            id="just-after-spring-forward",
        ),
        pytest.param(
            dt.datetime(2026, 11, 1, 5, 30, tzinfo=dt.UTC),
            "America/New_York",
            "Sun 1 Nov, 01:30 EDT (America/New_York)",
            id="first-0130-on-fall-back",
        ),
        pytest.param(
            dt.datetime(2026, 11, 1, 6, 30, tzinfo=dt.UTC),
            "America/New_York",
            "Sun 1 Nov, 01:30 EST (America/New_York)",
            id="second-0130-on-fall-back",
        ),
        pytest.param(
            dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC),
            "Europe/Berlin",
            "Sun 29 Mar, 03:00 CEST (Europe/Berlin)",
            id="berlin-spring-forward",
        ),
    ],
)
def test_describe_zone_names_the_local_time_and_the_zone(when, tz: str, expected: str) -> None:
    assert describe_zone(when, tz) == expected


def test_describe_zone_refuses_a_naive_time() -> None:
    with pytest.raises(ValueError, match="aware"):
        describe_zone(dt.datetime(2026, 11, 24, 10), "America/New_York")


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (41500.0, "$", "$41,500"),
        (85.0, "%", "85%"),
        (1240.0, "", "1,240"),
        (12.5, "", "12.5"),
        (-200.0, "$", "-$200"),
    ],
)
def test_kpi_values_are_formatted_for_people(value: float, unit: str, expected: str) -> None:
    assert format_kpi_value(value, unit) == expected


@pytest.mark.parametrize("owner", ["Sam", "sam ortiz", "SAM@example.com", " Sam "])
def test_an_action_item_owner_may_be_named_by_first_name_full_name_or_email(owner: str) -> None:
    assert owned_by(owner, person("Sam Ortiz", "America/New_York"))


@pytest.mark.parametrize("owner", ["", "Dana", "Samantha"])
def test_other_owners_do_not_count_as_the_rep(owner: str) -> None:
    assert not owned_by(owner, person("Sam Ortiz", "America/New_York"))


def test_the_reps_prep_and_the_event_never_read_the_managers_script(renderer, context) -> None:
    rep = renderer.render("prep_rep", **context)
    description = renderer.event_description(**context)
    script = [p for s in context["plan"].sections for p in s.prompts]
    script += [*context["plan"].questions, "Where would my help make the biggest difference?"]
    for line in script:
        assert line not in rep.text
        assert line not in description
    assert "The rep's topics" not in rep.text
    assert "2. Your topics (10 min)" in rep.text


def test_a_performance_review_reaches_the_rep_as_the_quarter_in_review(renderer, context) -> None:
    days = [dt.date(2026, 1, 6) + dt.timedelta(weeks=k) for k in range(14)]
    context["plan"] = plan_meeting(pair(), days)
    assert context["plan"].kind == "performance"
    rep = renderer.render("prep_rep", **context)
    description = renderer.event_description(**context)
    for shown in (rep.subject, rep.text, rep.html, description):
        assert "performance review" not in shown.casefold()
    assert "This one is a quarter in review." in rep.text
    assert renderer.render("prep_manager", **context).text.startswith("Performance review with")


def test_subjects_are_short_and_name_no_zone_database(renderer) -> None:
    context = recap_sample_context()
    for name in ("prep_rep", "prep_manager", "move_notice", "reminder", "recap"):
        subject = renderer.render(name, **context).subject
        assert subject == "1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov"
        assert "America/" not in subject
        assert len(subject) <= 60


@pytest.mark.parametrize("kpis", ["with KPIs", "without KPIs"])
def test_a_kickoff_prep_has_no_empty_sections(renderer, context, kpis: str) -> None:
    context["plan"] = plan_meeting(pair(), [dt.date(2026, 11, 24)])
    context["previous_notes"], context["open_items"], context["rep_items"] = "", [], []
    if kpis == "without KPIs":
        context["numbers"] = {**context["numbers"], "lines": [], "rep_lines": [], "win": ""}
        context["numbers"]["cues"] = []
    for name in ("prep_manager", "prep_rep"):
        text = renderer.render(name, **context).text
        assert "(none)" not in text
        assert "NOTES FROM LAST TIME" not in text
        assert "\n\n\n" not in text, "one blank line between sections, never two"
    rep = renderer.render("prep_rep", **context).text
    assert "What would make these meetings worth your time?" in rep
    assert "Your targets for the year" in rep
