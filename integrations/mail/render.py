"""Turns templates and a context into the emails and event descriptions people read.

Two Jinja2 environments share one loader: HTML parts (``*.html.j2``) autoescape, plain-text
parts (``*.txt.j2``, ``*.subject.j2``) do not; both use ``StrictUndefined`` so a missing
variable fails loudly with the template's name and line instead of sending a blank. Built-in
templates come from the ``templates`` package; a ``templates_dir`` overrides them file by file.

Message ``NAME`` is rendered from ``NAME.subject.j2`` (one line), ``NAME.txt.j2`` and
``NAME.html.j2``. Files starting with ``_`` are layouts and partials, never rendered alone.

Context (``sample_context()`` returns a complete example):

    manager, rep         objects with ``name``, ``email``, ``timezone`` (e.g. ``model.Person``)
    meeting              ``summary``, ``start``/``end`` (aware datetimes), ``minutes``, ``number``
    plan                 ``agenda.MeetingPlan``: ``kind``, ``label``, ``sections`` (``title``,
                         ``minutes``, ``prompts``), ``questions``, ``coaching_prompt``,
                         ``ask_better_manager``
    kpis                 ``kpis.Kpi`` list, already in agenda order (``KpiTable.for_agenda``)
    kpi_warnings         list of str: problems of the KPI sheet, for the manager
    previous_notes       str: notes from the last 1:1 ("" when none)
    open_items           list of ``{owner, text, due}`` from previous 1:1s (due may be "")
    rep_items            the subset of ``open_items`` the rep owns (``prep_context`` fills it)
    occurrence           ``subject`` (the one subject of an occurrence's thread),
                         ``original_start``: for ``prep_*``, ``move_notice``, ``reminder``,
                         ``recap``
    move                 ``old_start`` (aware datetime), ``shorter`` (bool): for ``move_notice``
                         (never why: the reason names the manager's other events)
    alert                ``subject`` (= ``title``), ``what_happened``, ``what_we_did``,
                         ``what_you_can_do`` (list of str): for ``alert``
    pause                ``reason``, ``start``/``until``/``resumes`` (dates), ``first_day``,
                         ``last_day``, ``resumes_on`` (text), ``next_meeting`` (aware datetime or
                         None): for ``pause_note`` (``pauses.pause_context`` builds it)

Every template may call ``describe_zone(t, tz)`` and use the constants ``better_manager_question``
and ``markers`` (``notes``, ``actions``, ``end``).
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2

from integrations.mail.meeting_context import meeting_context
from scheduler import words
from scheduler.agenda import (
    ACTIONS_MARKER,
    AGENDA_MARKER,
    BETTER_MANAGER_QUESTION,
    END_MARKER,
    NOTES_MARKER,
    TOPICS_MARKER,
    MeetingPlan,
    plan_meeting,
)
from scheduler.deals import DealToDiscuss, deal_in_depth, deals_to_discuss, parse_deals
from scheduler.errors import TemplateError
from scheduler.kpis import Kpi, parse_kpis
from scheduler.model import Cadence, Pair, Pause, Person, WorkingHours
from scheduler.note_lines import Carried
from scheduler.numbers import Numbers, format_value, judge, percent
from scheduler.pauses import pause_context
from scheduler.words import describe_zone

DESCRIPTION_LIMIT = 8 * 1024
"""Bytes of UTF-8 an event description may take; Google allows far more, people read less."""

_PARTS = ("subject", "txt", "html")


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


format_kpi_value = format_value
"""``41500, '$'`` → ``$41,500`` (``scheduler.numbers.format_value``)."""
format_percent = percent


class Renderer:
    """Renders messages from built-in templates, overridden file by file by ``templates_dir``."""

    def __init__(self, templates_dir: Path | None = None) -> None:
        self.templates_dir = templates_dir
        loaders: list[jinja2.BaseLoader] = []
        if templates_dir is not None:
            loaders.append(jinja2.FileSystemLoader(templates_dir))
        loaders.append(jinja2.FunctionLoader(_builtin_source))
        loader = jinja2.ChoiceLoader(loaders)
        self.html_env = _environment(loader, autoescape=True)
        self.text_env = _environment(loader, autoescape=False)

    def render(self, name: str, **context: Any) -> RenderedEmail:
        """Render message ``name``; a missing part renders as ""; raises ``TemplateError``."""
        subject = self._render_part(f"{name}.subject.j2", context, optional=True)
        return RenderedEmail(
            subject=" ".join(subject.split()),
            text=self._render_part(f"{name}.txt.j2", context),
            html=self._render_part(f"{name}.html.j2", context, optional=True),
        )

    def event_description(self, **context: Any) -> str:
        """The agenda text for the occurrence's description, cut to ``DESCRIPTION_LIMIT`` bytes."""
        text = self._render_part("event_description.txt.j2", context)
        return fit_description(text)

    def template_names(self) -> list[str]:
        """Every template file name on offer, built-in or overriding, layouts included."""
        names = set(_builtin_names())
        if self.templates_dir is not None and self.templates_dir.is_dir():
            names |= {p.name for p in self.templates_dir.glob("*.j2")}
        return sorted(names)

    def check(self, sample_context: Mapping[str, Any]) -> list[str]:
        """Render every template with ``sample_context``; one ``file:line: problem`` per failure."""
        problems = []
        for name in self.template_names():
            if name.startswith("_"):
                continue
            try:
                self._render_part(name, dict(sample_context))
            except TemplateError as e:
                problems.append(str(e))
        return problems

    def _render_part(self, name: str, context: Mapping[str, Any], optional: bool = False) -> str:
        env = self.html_env if name.endswith(".html.j2") else self.text_env
        try:
            template = env.get_template(name)
        except jinja2.TemplateNotFound as e:
            if optional and e.name == name:
                return ""
            raise TemplateError(f"{name}: template {e.name!r} not found") from e
        except jinja2.TemplateSyntaxError as e:
            raise TemplateError(f"{e.name or name}:{e.lineno}: {e.message}") from e
        try:
            return template.render(context)
        except jinja2.TemplateError as e:
            where = _failing_line(e, template.filename or name)
            raise TemplateError(f"{name}:{where}: {e.message}") from e


def fit_description(text: str, limit: int = DESCRIPTION_LIMIT) -> str:
    """Trim the agenda part (before the notes marker) so the whole text fits in ``limit`` bytes."""
    if len(text.encode()) <= limit:
        return text
    head, marker, tail = text.partition(NOTES_MARKER)
    cut = "\n[… shortened; the full agenda is in the prep email]\n\n"
    room = limit - len((cut + marker + tail).encode())
    trimmed = head.encode()[: max(room, 0)].decode(errors="ignore")
    return trimmed.rsplit("\n", 1)[0] + cut + marker + tail


def _environment(loader: jinja2.BaseLoader, *, autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=loader,
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.update(
        describe_zone=describe_zone,
        better_manager_question=BETTER_MANAGER_QUESTION,
        markers={
            "topics": TOPICS_MARKER,
            "agenda": AGENDA_MARKER,
            "notes": NOTES_MARKER,
            "actions": ACTIONS_MARKER,
            "end": END_MARKER,
        },
    )
    env.filters.update(kpi_value=format_kpi_value, percent=format_percent)
    return env


def _builtin_names() -> list[str]:
    root = importlib.resources.files("templates")
    return [p.name for p in root.iterdir() if p.name.endswith(".j2")]


def _builtin_source(name: str) -> tuple[str, str, Callable[[], bool]] | None:
    resource = importlib.resources.files("templates").joinpath(name)
    if "/" in name or not resource.is_file():
        return None
    return resource.read_text(encoding="utf-8"), f"templates/{name}", lambda: True


def _failing_line(error: BaseException, filename: str) -> int | str:
    """The template line Jinja2 was rendering when ``error`` was raised ("?" if unknown)."""
    frames = traceback.extract_tb(error.__traceback__)
    for frame in reversed(frames):
        if frame.filename == filename or frame.filename.endswith(f"/{Path(filename).name}"):
            return frame.lineno or "?"
    return "?"


def prep_context(
    pair: Pair,
    plan: MeetingPlan,
    *,
    start: dt.datetime,
    number: int,
    kpis: Sequence[Kpi] = (),
    kpi_warnings: Sequence[str] = (),
    previous_notes: str = "",
    open_items: Sequence[Mapping[str, str]] = (),
    numbers: Numbers | None = None,
    deals: Sequence[DealToDiscuss] = (),
    topics: Sequence[str] = (),
    carried: Carried | None = None,
) -> dict[str, Any]:
    """The context for prep emails and the event description of one occurrence."""
    return {
        **prep_extras(plan, numbers, deals, topics, carried or Carried()),
        **meeting_context(pair, start, start + pair.duration, number=number),
        "plan": plan,
        "kpis": list(kpis),
        "kpi_warnings": list(kpi_warnings),
        "previous_notes": previous_notes,
        "open_items": [dict(i) for i in open_items],
        "rep_items": [dict(i) for i in open_items if owned_by(i.get("owner", ""), pair.rep)],
    }


def prep_extras(
    plan: MeetingPlan,
    numbers: Numbers | None,
    deals: Sequence[DealToDiscuss],
    topics: Sequence[str],
    carried: Carried,
) -> dict[str, Any]:
    """The parts of the prep a sales leader reads first: the rep's topics, the numbers with
    pace and trend, the deals that need a decision, the focus carried from last time."""
    judged = numbers or Numbers((), "")
    in_depth = deal_in_depth(deals)
    weakest = judged.weakest_input
    suggested = (
        f"{weakest.name} is furthest behind ({weakest.value(weakest.latest)}): agree on one "
        "habit that builds it, and how you will both see it working."
        if weakest is not None and not carried.focus
        else ""
    )
    return {
        "topics": list(topics),
        "numbers": {
            "lines": [
                {"kind": k.kind, "sentence": k.sentence(), "history": k.history()}
                for k in judged.shown
            ],
            "rep_lines": [k.sentence() for k in judged.outputs],
            "win": judged.win,
            "cues": list(judged.cues),
            "inputs_shown": judged.inputs_shown and any(k.kind == "input" for k in judged.lines),
        },
        "deals": [d.sentence() for d in deals],
        "deal_in_depth": in_depth.sentence() if in_depth else "",
        "focus": (
            {"text": carried.focus, "since": _day(carried.focus_since)} if carried.focus else None
        ),
        "suggested_focus": suggested,
        "goals": list(carried.goals),
        "step": (
            {"text": carried.step, "since": _day(carried.step_since)} if carried.step else None
        ),
        "show_goals": plan.kind in ("career", "kickoff", "performance"),
    }


def _day(date: dt.date | None) -> str:
    return words.day(date) if date else ""


def owned_by(owner: str, person: Person) -> bool:
    """True when an action item's owner names ``person`` (email, full or first name)."""
    who = owner.strip().casefold()
    names = {person.email.casefold(), person.name.casefold(), person.name.split()[0].casefold()}
    return bool(who) and who in names


_SAMPLE_KPIS = """\
rep,kpi,kind,actual,goal,period
sam@example.com,Revenue,output,"$46,000","$50,000",Sep 2026
sam@example.com,Revenue,output,"$44,000","$50,000",Oct 2026
sam@example.com,Revenue,output,"$41,500","$50,000",Nov 2026
sam@example.com,New accounts,output,5,4,Oct 2026
sam@example.com,New accounts,output,3,4,Nov 2026
sam@example.com,New opportunities,input,9,12,Nov 2026
sam@example.com,Stage advances,input,14,10,Nov 2026
"""
_SAMPLE_DEALS = """\
rep,deal,stage,amount,close_date,last_activity,next_step,stage_since
sam@example.com,Acme renewal,Negotiation,"$120,000",2026-11-15,2026-11-02,Send redlines,2026-10-01
sam@example.com,Globex pilot,Discovery,"$18,000",2026-12-20,2026-11-23,,2026-11-10
sam@example.com,Initech expansion,Proposal,"$240,000",2027-01-31,2026-11-20,Demo to CFO,2026-11-01
"""
SAMPLE_TODAY = dt.date(2026, 11, 23)
"""The day the sample prep goes out: the day before the 1:1."""


def sample_pair() -> Pair:
    """The pair every sample context is about: Dana in New York, Sam in Los Angeles."""
    weekdays = WorkingHours(tuple(((540, 1050),) if d < 5 else () for d in range(7)), "mon-fri")
    return Pair(
        manager=Person("Dana Whitfield", "dana@example.com", "America/New_York", weekdays),
        rep=Person("Sam Ortiz", "sam@example.com", "America/Los_Angeles", weekdays),
        cadence=Cadence("weekly"),
        day=1,
        time=dt.time(13, 0),
        duration=dt.timedelta(minutes=45),
    )


def sample_days() -> list[dt.date]:
    """The sample pair's six weekly meetings, the last on Tue 24 Nov 2026 (a forecast week)."""
    return [dt.date(2026, 11, 24) - dt.timedelta(weeks=k) for k in range(5, -1, -1)]


def sample_context() -> dict[str, Any]:
    """A complete context that renders every built-in template (for ``check`` and tests)."""
    pair = sample_pair()
    start = dt.datetime(2026, 11, 24, 18, 0, tzinfo=dt.UTC)
    table = parse_kpis(_SAMPLE_KPIS, source="kpis/dana.csv")
    deals = parse_deals(_SAMPLE_DEALS, source="kpis/dana-deals.csv")
    context = prep_context(
        pair,
        plan_meeting(pair, sample_days()),
        start=start,
        number=6,
        kpis=table.for_agenda(pair.rep.email),
        kpi_warnings=["kpis/dana.csv:row 9: actual 'n/a' is not a number; row skipped"],
        numbers=judge(table.rows_for(pair.rep.email), today=SAMPLE_TODAY),
        deals=deals_to_discuss(deals.rows_for(pair.rep.email), today=SAMPLE_TODAY),
        topics=["Globex wants a pilot discount: how far can I go?", "Time off in December"],
        carried=Carried(
            focus="Ask for the budget owner on every first call.",
            focus_since=dt.date(2026, 11, 17),
            goals=("Lead a small team within two years",),
            step="Shadow Maria on two enterprise renewals.",
            step_since=dt.date(2026, 10, 27),
        ),
        previous_notes="Acme renewal slipped to December: legal review.\n"
        "Sam wants to lead the next team demo.",
        open_items=[
            {"owner": "Sam", "text": "Send Acme the revised quote", "due": "Fri 20 Nov"},
            {"owner": "Dana", "text": "Intro Sam to the solutions engineer", "due": ""},
        ],
    )
    context["occurrence"] = {
        "subject": f"{pair.summary}, Tue 24 Nov",
        "original_start": start,
    }
    context["move"] = {"old_start": start - dt.timedelta(hours=2), "shorter": False}
    subject = "Sam Ortiz's 1:1 moved to Wed 25 Nov 13:00 — Tuesday was full"
    context["alert"] = {
        "title": subject,
        "subject": subject,
        "what_happened": "Nothing fitted on Tuesday 24 Nov for both of you. 'Board prep' "
        "overlaps it.",
        "what_we_did": "Moved Sam Ortiz's 1:1 from Tue 24 Nov 13:00 to Wed 25 Nov 13:00 (EST) "
        "and emailed Sam the new time, without saying why.",
        "what_you_can_do": [
            "Nothing, if the new time suits you.",
            "To choose another time, move the event in your calendar: a time a person chose "
            "is kept.",
        ],
    }
    holidays = Pause(dt.date(2026, 12, 21), dt.date(2027, 1, 4), "the holidays")
    next_start = dt.datetime(2027, 1, 5, 18, 0, tzinfo=dt.UTC)
    context["pause"] = pause_context(pair, holidays, next_meeting=next_start)["pause"]
    return context
