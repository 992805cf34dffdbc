"""The actions a pass can take, as data. ``plan`` produces them; the runner applies them.

Every action carries the pair it concerns and the reason, so ``oneonone plan`` and the audit trail
can say what will happen and why without running anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from scheduler.ports import Attendee, SeriesSpec


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
    changes: Mapping[str, object] = field(default_factory=dict)  # the configured length
    verb: str = "adopt-series"


@dataclass(frozen=True)
class RepairSeries:
    pair_key: str
    owner: str
    event_id: str
    changes: Mapping[str, object]
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


Action = (
    CreateSeries
    | AdoptSeries
    | RepairSeries
    | EndSeries
    | Notice
    | MoveOccurrence
    | SendPrep
    | WriteAgenda
    | SendRecap
    | SendReminder
    | SendPauseNote
    | CancelOccurrence
    | RestoreOccurrence
)


def describe(action: Action) -> str:
    """One line for ``oneonone plan`` and the logs."""
    if isinstance(action, CreateSeries):
        first = action.spec.first_start_local.strftime("%a %d %b %Y %H:%M")
        rule = ";".join(action.spec.recurrence)
        return f"create series {action.spec.event_id} from {first} {action.spec.timezone} ({rule})"
    if isinstance(action, AdoptSeries):
        return f"adopt existing series {action.event_id}"
    if isinstance(action, RepairSeries):
        return f"repair series {action.event_id}: {', '.join(sorted(action.changes))}"
    if isinstance(action, EndSeries):
        return f"end series {action.event_id} after {action.until:%Y-%m-%d %H:%M} UTC"
    if isinstance(action, Notice):
        return "notice"
    if isinstance(action, SendPrep):
        return f"prep email to the {action.recipient} for {action.start:%Y-%m-%d %H:%M} UTC"
    if isinstance(action, WriteAgenda):
        return f"agenda into the {action.start:%Y-%m-%d %H:%M} UTC occurrence"
    if isinstance(action, SendRecap):
        kind = "partial recap" if action.partial else "recap"
        return f"{kind} of the {action.start:%Y-%m-%d %H:%M} UTC 1:1" + (
            " (late)" if action.late else ""
        )
    if isinstance(action, SendPauseNote):
        return f"pause note to the rep: no 1:1s {action.start} to {action.until}"
    if isinstance(action, CancelOccurrence):
        return f"cancel the {action.start:%Y-%m-%d %H:%M} UTC occurrence for a pause"
    if isinstance(action, RestoreOccurrence):
        return f"restore the {action.start:%Y-%m-%d %H:%M} UTC occurrence (no longer paused)"
    if isinstance(action, SendReminder):
        return f"notes reminder {action.number} for the {action.start:%Y-%m-%d %H:%M} UTC 1:1"
    if action.resume:
        return (
            f"finish the move of occurrence {action.instance_id} to "
            f"{action.start:%Y-%m-%d %H:%M}-{action.end:%H:%M} UTC (Google already has it)"
        )
    return (
        f"{'restore' if action.restore else 'move'} occurrence {action.instance_id} to "
        f"{action.start:%Y-%m-%d %H:%M}-{action.end:%H:%M} UTC"
    )
