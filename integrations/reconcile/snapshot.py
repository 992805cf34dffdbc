"""What a pass observed of one manager, as one frozen value, before anything is decided.

The planners of the pass's later stages (pauses, bumps, emails) take a ``Snapshot`` rather
than reaching into the store as they decide: her calendar as observed (or as the pass's own
writes left it), the notices told once as the pass began, the moves the service made and the
intents it left open, the occurrences it cancelled for a pause, the send-once keys the outbox
holds for her pairs in the email planners' window, and the notes files of the 1:1s that ended.
A pass that applies takes a new one after each planner's writes; a plan takes one and plans
everything from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from integrations.mail.notify import Notifier
from integrations.reconcile.followup import FollowUps
from integrations.state.move_log import Records
from scheduler.busy import MoveKey
from scheduler.mail_plan import key_ranges, notes_wanted
from scheduler.model import Pair
from scheduler.ports import CalendarEvent

Moves = Mapping[MoveKey, tuple[int, tuple[dt.datetime, dt.datetime]]]


@dataclass(frozen=True)
class Snapshot:
    owner: str
    events: tuple[CalendarEvent, ...]
    said: frozenset[str]  # notice keys told once already
    moves: Moves  # per occurrence: how many times the service moved it, and where to
    records: Records  # every move with its cause, and the intents left open
    paused: frozenset[MoveKey]  # occurrences the service cancelled for a pause
    queued: frozenset[str] = frozenset()  # send-once keys in the outbox, in the planners' window
    notes_files: Mapping[MoveKey, str] = field(default_factory=dict)  # of the ended 1:1s


def observe_mail(
    notifier: Notifier,
    followups: FollowUps,
    pairs: Sequence[Pair],
    events: Sequence[CalendarEvent],
    moves: Moves,
    *,
    now: dt.datetime,
) -> tuple[frozenset[str], Mapping[MoveKey, str]]:
    """What the email planners decide from besides the calendar: the outbox keys of these
    pairs in their window (one query), and the notes files of the 1:1s that ended."""
    queued = notifier.queued_in(key_ranges(pairs, events, now=now))
    notes: dict[MoveKey, str] = {}
    for wanted in notes_wanted(pairs, events, moves, now=now):
        text = followups.notes_file_text(wanted.pair, wanted.key[1], wanted.start)
        if text:
            notes[wanted.key] = text
    return queued, MappingProxyType(notes)
