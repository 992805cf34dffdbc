"""``oneonone demo``: a scripted week on the built-in sandbox, so a newcomer sees the service work.

Everything real runs: the config parser, the pass, the Google client against the sandbox over
HTTP on 127.0.0.1, the send-once outbox writing ``.eml`` files. Only the clock is scripted: a
``FixedClock`` the demo moves from Monday morning to Thursday, so a week takes seconds. The
folder is kept afterwards (config, state, sandbox calendars, outbox) so ``oneonone log`` and a
mail client can look at what happened.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import sys
import tempfile
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from zoneinfo import ZoneInfo

from integrations.clock import FixedClock
from integrations.reconcile.runner import Outcome, PassReport
from integrations.sandbox import SandboxAdmin
from integrations.shell.wiring import Wired, wire
from scheduler.actions import CreateSeries, MoveOccurrence
from scheduler.agenda import ACTIONS_MARKER, NOTES_MARKER
from scheduler.config import parse_config
from scheduler.model import Config, Pair
from scheduler.recurrence import describe_cadence, localize
from scheduler.words import describe_zone

MANAGER_TZ = "America/New_York"
NY = ZoneInfo(MANAGER_TZ)
MONDAY = dt.datetime(2026, 11, 23, 10, 0, tzinfo=NY)
"""The scripted week starts on a Monday morning, clear of any DST change."""
SAM_SLOT = dt.datetime(2026, 11, 24, 13, 0, tzinfo=NY)
"""Sam's first 1:1 as configured (Tuesday 13:00 New York), before anything moves it."""

CONFIG_YAML = """\
# Written by `oneonone demo`: one manager in New York, two reps in other zones.
timezone: America/New_York
calendar: {provider: sandbox}          # the built-in Google Calendar emulator
email: {provider: outbox, outbox_dir: ./outbox}   # every email becomes an .eml file here
state: ./state.db
managers:
  - name: Dana Whitfield
    email: dana@example.com
    timezone: America/New_York
    reps:
      - {name: Sam Ortiz, email: sam@example.com, day: tuesday, time: "13:00",
         timezone: America/Los_Angeles}
      - {name: Priya Raman, email: priya@example.com, day: wednesday, time: "11:00",
         timezone: Europe/London, working_hours: "mon-fri 08:00-18:00"}
"""

NOTES = "Acme renewal: legal review done, signature expected next week.\nSam will lead the demo."
ACTION_ITEM = "- [ ] Sam: send Acme the revised quote (by Fri)"


@dataclass
class Demo:
    folder: Path
    config: Config
    wired: Wired
    clock: FixedClock
    out: TextIO
    seen_mail: set[str] = field(default_factory=set)
    verbs: list[str] = field(default_factory=list)
    failed: bool = False

    @property
    def admin(self) -> SandboxAdmin:
        assert self.wired.sandbox_url is not None
        return SandboxAdmin(self.wired.sandbox_url)

    def say(self, *lines: str) -> None:
        """One step, one paragraph."""
        print("\n".join(lines) + "\n", file=self.out)

    def when(self, moment: dt.datetime | None = None) -> str:
        """``Mon 23 Nov 10:00 New York``: the story is told on Dana's clock."""
        local = (moment or self.clock.now()).astimezone(NY)
        return f"{local:%a %d %b %H:%M} New York"

    def pass_at(self, moment: dt.datetime) -> PassReport:
        self.clock.set(moment)
        report = self.wired.run_pass(now=moment)
        self.verbs += [o.action.verb for o in report.outcomes]
        for owner, error in report.manager_errors.items():
            self.failed = True
            self.say(f"   Trouble with {owner}'s calendar: {error}")
        for outcome in report.outcomes:
            if outcome.result == "failed":
                self.failed = True
                self.say(f"   {outcome.action.verb} failed: {outcome.detail}")
        return report

    def new_mail(self) -> list[str]:
        """``To → Subject`` of each email written to the outbox since the last look."""
        lines = []
        for path in sorted((self.folder / "outbox").glob("*.eml")):
            if path.name in self.seen_mail:
                continue
            self.seen_mail.add(path.name)
            msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
            lines.append(f"   - to {msg['To']}: “{msg['Subject']}”")
            if msg["X-Oneonone-Kind"] == "move":  # the subject names the 1:1; the body the move
                body = msg.get_body(("plain",))
                text = body.get_content() if isinstance(body, email.message.EmailMessage) else ""
                paragraphs = text.replace("\r\n", "\n").split("\n\n")
                paragraph = paragraphs[1] if len(paragraphs) > 1 else ""
                lines += _wrap(f"“{' '.join(paragraph.split())}”", indent="     ")
        return lines

    def pair(self, key: str) -> Pair:
        return next(p for p in self.config.pairs if p.key == key)


def run_demo(folder: Path | None = None, *, out: TextIO | None = None) -> int:
    """Play the scripted week in ``folder`` (a new temporary one by default); 0 when all went."""
    folder = folder or Path(tempfile.mkdtemp(prefix="oneonone-demo-"))
    out = out or sys.stdout
    config_path = folder / "config.yaml"
    config_path.write_text(CONFIG_YAML, encoding="utf-8")
    config = parse_config(CONFIG_YAML, filename=str(config_path), base_dir=folder)
    clock = FixedClock(MONDAY)
    with wire(config, clock=clock) as wired:
        demo = Demo(folder, config, wired, clock, out)
        demo.say(
            "oneonone demo: a scripted week on the built-in sandbox calendar. The clock is the",
            "demo's own (nothing waits for real time) and nothing leaves this computer.",
            f"Working folder: {folder} (kept afterwards, so you can look around).",
        )
        step_series(demo)
        move = step_conflict(demo)
        step_prep(demo, move)
        step_after_meeting(demo, move)
        step_audit(demo)
    step_where_to_look(demo, config_path)
    return 1 if demo.failed else 0


def step_series(demo: Demo) -> None:
    report = demo.pass_at(MONDAY)
    lines = [
        f"1. {demo.when()}. Dana Whitfield (New York) has two reps: Sam Ortiz in Los Angeles",
        "   and Priya Raman in London. The first pass creates their recurring 1:1s on Dana's",
        "   calendar, with the rep invited:",
    ]
    for outcome in _of(report.outcomes, CreateSeries):
        assert isinstance(outcome.action, CreateSeries)
        pair = demo.pair(outcome.action.pair_key)
        spec = outcome.action.spec
        first = localize(spec.first_start_local, spec.timezone)
        minutes = int(spec.duration.total_seconds() // 60)
        lines += [
            f"   - {pair.rep.name}: {describe_cadence(pair)}, {minutes} min. First one:",
            f"     {demo.when(first)} for Dana,",
            f"     {describe_zone(first, pair.rep.timezone)} for {pair.rep.name.split()[0]}.",
        ]
    agendas = sum(o.action.verb == "write-agenda" for o in report.outcomes)
    if agendas:
        lines.append(f"   The agenda went into {agendas} occurrence(s) less than a day away.")
    demo.say(*lines)


def step_conflict(demo: Demo) -> MoveOccurrence | None:
    tuesday = MONDAY.date() + dt.timedelta(days=1)
    start = dt.datetime.combine(tuesday, dt.time(12, 45), tzinfo=NY)
    demo.admin.insert_event(
        "dana@example.com",
        {
            "summary": "Board prep",
            "start": {"dateTime": start.isoformat()},
            "end": {"dateTime": (start + dt.timedelta(minutes=75)).isoformat()},
        },
    )
    report = demo.pass_at(MONDAY + dt.timedelta(minutes=2))
    moves = _of(report.outcomes, MoveOccurrence)
    lines = [
        f"2. {demo.when()}. Someone puts “Board prep” (Tue 12:45–14:00) on Dana's calendar,",
        "   right over Sam's 1:1. The next pass sees the conflict and moves that one",
        "   occurrence on the same day (never the series, never another day if a time fits):",
    ]
    if not moves:
        demo.failed = True
        demo.say(*lines, "   … but it did not move anything, which is not what should happen.")
        return None
    move = moves[0].action
    assert isinstance(move, MoveOccurrence)
    lines += [
        f"   - moved from {demo.when(move.original_start)}",
        f"     to {demo.when(move.start)}",
    ]
    lines += _wrap("why: " + move.reason)
    lines += [f"   - {key}: {value}" for key, value in move.explain.items() if key != "why"]
    row = next(r for r in demo.wired.store.audit.rows(limit=20) if r.action == move.verb)
    lines.append("   The audit trail keeps it (oneonone log --explain):")
    for key, value in sorted(row.details.items()):
        lines += _wrap(f"- {key}: {value}")
    lines.append("   Sam gets one short apology with the new time in his own zone:")
    demo.say(*lines, *demo.new_mail())
    return move


def step_prep(demo: Demo, move: MoveOccurrence | None) -> None:
    sam = demo.pair("dana@example.com/sam@example.com")
    start = move.start if move else SAM_SLOT
    demo.pass_at(start - sam.agenda.send_before + dt.timedelta(minutes=5))
    hours = int(sam.agenda.send_before.total_seconds() // 3600)
    mail = demo.new_mail()
    demo.say(
        f"3. {demo.when()}. {hours} hours before the (moved) 1:1, the prep emails go out: Sam is",
        "   asked for his topics and an updated pipeline; Dana gets the agenda and what to",
        "   prepare. Each is written once, however often the pass runs:",
        *(mail or ["   (none: that is a bug worth reporting)"]),
    )
    demo.failed |= not mail


def step_after_meeting(demo: Demo, move: MoveOccurrence | None) -> None:
    sam = demo.pair("dana@example.com/sam@example.com")
    start = move.start if move else SAM_SLOT
    end = start + sam.duration
    write_notes(demo, start)
    before = len(demo.verbs)
    demo.pass_at(end + sam.recap.settle + dt.timedelta(minutes=5))
    if "send-recap" not in demo.verbs[before:]:
        demo.pass_at(end + sam.recap.deadline + dt.timedelta(minutes=5))
    recaps = demo.verbs[before:].count("send-recap")
    lines = [
        f"4. {demo.when()}. The meeting is over; Dana typed her notes and one action item",
        "   into the event, below the agenda.",
    ]
    if recaps:
        lines.append(f"   The recap went out ({recaps}): what was discussed and who does what.")
    else:
        lines.append("   recaps: not yet wired (this build does not send the recap email yet).")
    mail = demo.new_mail()
    if mail:
        lines.append("   Emails written meanwhile (Priya's prep included):")
    demo.say(*lines, *mail)


def write_notes(demo: Demo, start: dt.datetime) -> None:
    """Dana writes notes into the moved occurrence, as she would in Google Calendar."""
    series = next(
        e
        for e in demo.admin.list_events("dana@example.com")
        if "Sam" in e.get("summary", "") and e.get("recurrence")
    )
    lo, hi = (
        (start + delta).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for delta in (dt.timedelta(hours=-2), dt.timedelta(hours=2))
    )
    instances = demo.admin.instances("dana@example.com", series["id"], lo, hi)
    if not instances:
        return
    instance = instances[0]
    text = str(instance.get("description", ""))
    if NOTES_MARKER not in text:
        return
    text = text.replace(NOTES_MARKER, f"{NOTES_MARKER}\n{NOTES}", 1)
    text = text.replace(ACTIONS_MARKER, f"{ACTIONS_MARKER}\n{ACTION_ITEM}", 1)
    demo.admin.patch_event("dana@example.com", instance["id"], {"description": text})


def step_audit(demo: Demo) -> None:
    rows = sorted(demo.wired.store.audit.rows(limit=100), key=lambda r: (r.at, r.id))
    lines = ["5. Everything the service did, with its reason (the audit trail, oldest first):"]
    for row in rows:
        lines.append(f"   {row.at:%a %d %b %H:%M}Z  {row.action:15} {row.pair_key}  {row.result}")
        lines += _wrap(row.reason, indent="      ")
    demo.say(*lines)


def step_where_to_look(demo: Demo, config_path: Path) -> None:
    outbox = demo.folder / "outbox"
    count = len(list(outbox.glob("*.eml")))
    demo.say(
        "6. Where to look now:",
        f"   - the emails: {outbox} ({count} .eml files; any mail client opens them)",
        f"   - the audit trail: oneonone log -c {config_path} --explain",
        f"   - what is coming: oneonone status -c {config_path}",
        f"   - the sandbox's calendars: {demo.folder / 'sandbox.db'} (SQLite)",
        "Done." if not demo.failed else "Something went wrong above; the folder shows where.",
    )


def _of(outcomes: Sequence[Outcome], kind: type) -> list[Outcome]:
    return [o for o in outcomes if isinstance(o.action, kind) and o.result == "done"]


def _wrap(text: str, indent: str = "   ") -> list[str]:
    return textwrap.wrap(text, width=96, initial_indent=indent, subsequent_indent=indent + "  ")
