"""The actions a pass can take, as data. ``plan`` produces them; the runner applies them.

Every action carries the pair it concerns and the reason, so ``oneonone plan`` and the audit trail
can say what will happen and why without running anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from scheduler import words
from scheduler.moves import PastMove
from scheduler.ports import Attendee, EventPatch, SeriesSpec
from scheduler.words import UTC, both, rep_aside, span, when


@dataclass(frozen=True)
class CreateSeries:
    pair_key: str
    owner: str
    spec: SeriesSpec
    gen: int
    reason: str
    alert: str | None = None  # told to the manager once (e.g. "the series was deleted")
    verb: str = "create-series"


@dataclass(frozen=True)
class AdoptSeries:
    pair_key: str
    owner: str
    event_id: str
    tags: Mapping[str, str]
    reason: str
    changes: EventPatch = field(default_factory=EventPatch)  # the configured length
    verb: str = "adopt-series"


@dataclass(frozen=True)
class RepairSeries:
    pair_key: str
    owner: str
    event_id: str
    changes: EventPatch
    etag: str
    reason: str
    verb: str = "repair-series"


@dataclass(frozen=True)
class EndSeries:
    pair_key: str
    owner: str
    event_id: str
    recurrence: tuple[str, ...]
    until: dt.datetime
    etag: str
    reason: str
    cancel_ids: tuple[str, ...] = ()
    replaced: bool = False  # a newer series takes over (the rep hears of that one)
    verb: str = "end-series"


@dataclass(frozen=True)
class Notice:
    """Something worth telling once, with no calendar change (a human edit we respect)."""

    pair_key: str
    owner: str
    key: str
    reason: str
    moved: tuple[dt.datetime, dt.datetime] | None = None  # (original start, new start)
    after: tuple[str, dt.datetime] | None = None  # told once this move is done (series, orig.)
    verb: str = "notice"


@dataclass(frozen=True)
class MoveOccurrence:
    pair_key: str
    owner: str
    instance_id: str
    series_id: str
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    timezone: str
    reason: str
    restore: bool = False  # the occurrence was deleted: bring it back
    explain: Mapping[str, object] = field(default_factory=dict)
    etag: str = ""
    from_start: dt.datetime | None = None  # where it was before this move
    attendees: tuple[
        Attendee, ...
    ] = ()  # re-asked: a decline of the old time is not one of the new
    from_end: dt.datetime | None = None
    cause: str = ""  # why, as the moves table keeps it ("declined:<address>", "conflict"…)
    resume: bool = False  # Google already holds this move (a crash or a lost answer): finish it
    verb: str = "move-occurrence"


@dataclass(frozen=True)
class SendMoveNotice:
    """The rep's one email about a move, sent once the move is done; the move is recorded as
    finished with it (so a crash in between tells the rep on the next pass, once)."""

    pair_key: str
    owner: str
    series_id: str
    original_start: dt.datetime
    start: dt.datetime
    end: dt.datetime
    reason: str
    verb: str = "send-move-notice"

    @property
    def after(self) -> tuple[str, dt.datetime]:
        return (self.series_id, self.original_start)


@dataclass(frozen=True)
class OccurrenceAction:
    """Fields every action about one occurrence of a pair's series carries."""

    pair_key: str
    owner: str
    series_id: str
    original_start: dt.datetime  # identifies the occurrence wherever it was moved
    start: dt.datetime
    end: dt.datetime


@dataclass(frozen=True)
class SendPrep(OccurrenceAction):
    """A prep email to one recipient of one occurrence."""

    recipient: str  # "rep" | "manager"
    number: int  # 0-based position of this meeting in the pair's history
    reason: str
    verb: str = "send-prep"


@dataclass(frozen=True)
class WriteAgenda:
    """The agenda, with places for notes and action items, into one occurrence's description."""

    pair_key: str
    owner: str
    series_id: str
    original_start: dt.datetime
    instance_id: str | None
    start: dt.datetime
    number: int
    reason: str
    verb: str = "write-agenda"


@dataclass(frozen=True)
class SendRecap(OccurrenceAction):
    """The recap of one occurrence to the rep, the manager in copy."""

    partial: bool  # no notes by the deadline: what there is, and an invitation to reply
    late: bool  # past the deadline (the service was down)
    reason: str
    verb: str = "send-recap"


@dataclass(frozen=True)
class SendReminder(OccurrenceAction):
    """Tell the manager the 1:1 has no notes yet."""

    number: int
    reason: str
    verb: str = "send-reminder"


@dataclass(frozen=True)
class SendPauseNote:
    """One note to the rep when a pause of their 1:1s comes into view."""

    pair_key: str
    owner: str
    key: str
    start: dt.date
    until: dt.date
    next_meeting: dt.datetime | None
    reason: str
    verb: str = "send-pause-note"


@dataclass(frozen=True)
class CancelOccurrence:
    """Cancel one occurrence (never the series) whose day falls in a pause the manager wrote."""

    pair_key: str
    owner: str
    series_id: str
    original_start: dt.datetime
    instance_id: str  # "" when Google has not materialised it yet
    start: dt.datetime
    reason: str
    verb: str = "pause-occurrence"


@dataclass(frozen=True)
class RestoreOccurrence:
    """Bring back, at its original time, an occurrence cancelled for a pause that no longer
    covers it (the pause was removed or shortened before its date)."""

    pair_key: str
    owner: str
    series_id: str
    original_start: dt.datetime
    instance_id: str
    start: dt.datetime
    end: dt.datetime
    timezone: str
    reason: str
    verb: str = "restore-occurrence"


@dataclass(frozen=True)
class SendDigest:
    """The manager's weekly digest (``pair_key`` is her address: it is about all her pairs)."""

    pair_key: str
    owner: str
    key: str
    reason: str
    verb: str = "send-digest"


@dataclass(frozen=True)
class SettleMove:
    """The move log set right from what the calendar shows: an intent that never took effect
    (or that a person overtook) is forgotten, or the people who answered a moved occurrence
    again no longer count as still declining it. Not an action: it stores what the pass
    observed, which a pass that applies keeps (before its actions) and a plan does not."""

    pair_key: str
    owner: str
    series_id: str
    original_start: dt.datetime
    move: PastMove
    reason: str
    forget: bool = False
    answered: frozenset[str] = frozenset()
    verb: str = "settle-move"


Action = (
    CreateSeries
    | AdoptSeries
    | RepairSeries
    | EndSeries
    | Notice
    | MoveOccurrence
    | SendMoveNotice
    | SendPrep
    | WriteAgenda
    | SendRecap
    | SendReminder
    | SendPauseNote
    | CancelOccurrence
    | RestoreOccurrence
    | SendDigest
)


_REPAIRS = {"attendees": "the rep's invitation", "summary": "the title", "end": "the length"}


def describe(action: Action, tz: str = UTC, rep_tz: str | None = None) -> str:
    """One line for ``oneonone plan``, ``run`` and ``log``: times in ``tz`` (the manager's zone)
    with the zone named, the rep's clock beside them when ``rep_tz`` differs; no internal ids."""
    if isinstance(action, CreateSeries):
        spec = action.spec
        first = spec.first_start_local.replace(tzinfo=ZoneInfo(spec.timezone))
        return f"create the {_cadence(spec.recurrence)} series, first 1:1 {both(first, tz, rep_tz)}"
    if isinstance(action, AdoptSeries):
        return "adopt the existing recurring meeting as this pair's series"
    if isinstance(action, RepairSeries):
        fixed = sorted({_REPAIRS.get(k, k) for k in action.changes.names() if k in _REPAIRS})
        return f"repair the series: {', '.join(fixed) or 'its details'}"
    if isinstance(action, EndSeries):
        return f"end the series after {when(action.until, tz)}"
    if isinstance(action, Notice):
        if action.moved is not None:
            return f"tell the manager once: the 1:1 moves to {when(action.moved[1], tz)}"
        return "tell the manager once (nothing changes in the calendar)"
    if isinstance(action, SendDigest):
        return "the weekly digest of her 1:1s, to the manager"
    if isinstance(action, SendMoveNotice):
        target = span(action.start, action.end, tz) + rep_aside(action.start, tz, rep_tz)
        return f"tell the rep of the move to {target} (one email)"
    if isinstance(action, SendPrep):
        return f"prep email to the {action.recipient} for the {both(action.start, tz, rep_tz)} 1:1"
    if isinstance(action, WriteAgenda):
        return f"agenda into the {when(action.start, tz)} 1:1"
    if isinstance(action, SendRecap):
        kind = "partial recap" if action.partial else "recap"
        late = " (late)" if action.late else ""
        return f"{kind} of the {when(action.start, tz)} 1:1{late}"
    if isinstance(action, SendPauseNote):
        until = words.short_day(action.until, year=True)
        if action.start == action.until:  # a skip: one day
            return f"note to the rep: no 1:1 on {until}"
        return f"pause note to the rep: no 1:1s from {words.short_day(action.start)} to {until}"
    if isinstance(action, CancelOccurrence):
        return f"cancel the {both(action.start, tz, rep_tz)} 1:1 for a pause"
    if isinstance(action, RestoreOccurrence):
        return f"restore the {both(action.start, tz, rep_tz)} 1:1 (no longer paused)"
    if isinstance(action, SendReminder):
        return f"notes reminder {action.number} for the {when(action.start, tz)} 1:1"
    target = span(action.start, action.end, tz) + rep_aside(action.start, tz, rep_tz)
    was = when(action.original_start, tz)
    if action.resume:
        return f"finish moving the {was} 1:1 to {target} (Google already has it)"
    if action.restore:
        return f"restore the deleted {was} 1:1 at {target}"
    return f"move the {was} 1:1 to {target}"


def _cadence(recurrence: tuple[str, ...]) -> str:
    """``weekly``, ``biweekly``, ``every 3 weeks``, ``monthly`` from the series' RRULE."""
    rule = next((r for r in recurrence if r.startswith("RRULE:")), "")
    parts = dict(p.split("=", 1) for p in rule[6:].split(";") if "=" in p)
    if parts.get("FREQ") == "MONTHLY":
        return "monthly"
    weeks = int(parts.get("INTERVAL", "1"))
    return {1: "weekly", 2: "biweekly"}.get(weeks, f"every-{weeks}-weeks")
