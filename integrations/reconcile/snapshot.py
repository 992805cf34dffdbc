"""What a pass observed of one manager, as one frozen value, before anything is decided.

The planners of the pass's later stages (pauses, bumps, emails) take a ``Snapshot`` rather
than reaching into the store as they decide: her calendar as observed (or as the pass's own
writes left it), the notices told once as the pass began, the moves the service made and the
intents it left open, and the occurrences it cancelled for a pause. A pass that applies takes
a new one after each planner's writes; a plan takes one and plans everything from it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from integrations.state.move_log import Records
from scheduler.busy import MoveKey
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
