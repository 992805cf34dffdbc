"""What one pass did: its outcomes and each manager's error, and one manager's run through the
stages of a pass."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from integrations.mail.deliveries import DeliveryReport
from integrations.reconcile.observe import Observed
from integrations.reconcile.series_writes import Outcome
from scheduler.actions import Action, CreateSeries
from scheduler.model import Manager
from scheduler.ports import CalendarEvent

Progress = Callable[[str, "ManagerRun"], None]


@dataclass
class PassReport:
    started: dt.datetime
    outcomes: list[Outcome] = field(default_factory=list)
    manager_errors: dict[str, str] = field(default_factory=dict)
    emails: DeliveryReport | None = None
    quiet: int = 0  # managers not planned again: nothing changed and nothing fell due

    @property
    def failed(self) -> bool:
        return bool(self.manager_errors) or any(o.result == "failed" for o in self.outcomes)

    @property
    def planned(self) -> list[Action]:
        return [o.action for o in self.outcomes]


@dataclass
class ManagerRun:
    """One manager's part of a pass, carried from stage to stage."""

    manager: Manager
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None
    creates: list[CreateSeries] = field(default_factory=list)  # for the shared batches
    observed: Observed | None = None  # her calendar as read at the start of the pass
    calm: bool = False  # her series plan was skipped: made empty from this very calendar
    quiet: bool = False  # her whole plan was skipped (``reconcile.quiet``)

    @property
    def events(self) -> tuple[CalendarEvent, ...]:
        """Her calendar as observed (decoded on first use: a quiet manager's never is)."""
        return () if self.observed is None else self.observed.events

    @property
    def owner(self) -> str:
        return self.manager.person.email
