"""Managers taken out of the config: their reps' series end, as a removed rep's do.

A pass only visits the managers in the config, so a removed manager's series would run on for
ever, silently. The state database remembers whose calendars hold series the service created or
adopted; for each owner no longer configured whose cached calendar still holds a live series,
the pass reads that calendar and ends each such series before its next occurrence (UNTIL, never
a delete), with the reason in the audit trail and the log. Once nothing is live, such an owner
costs no request at all.

Ending them needs that manager's calendar access. A stored login may still work; with a service
account it does not, on purpose: delegation is limited in code to the managers in the config.
Then ops (``ops_email``) are told once, with what to do (keep the manager with ``reps: []`` for
one pass, or end the series in Calendar), and the series are left running.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass

from integrations.mail.notify import Notifier
from integrations.reconcile.apply import Applier
from integrations.reconcile.series_writes import Outcome
from integrations.state.store import Store
from scheduler import errors
from scheduler.keys import removed_manager_key
from scheduler.model import Config, Person, WorkingHours
from scheduler.ports import CalendarEvent
from scheduler.series import end_removed_manager, owned_series
from scheduler.vocabulary import Result

log = logging.getLogger("oneonone")

Observe = Callable[[str], list[CalendarEvent]]


@dataclass
class RemovedManagers:
    config: Config
    store: Store
    applier: Applier
    notifier: Notifier | None

    def owners(self) -> list[str]:
        """Owners of series the service made or adopted who are not managers in the config."""
        configured = {m.person.email.lower() for m in self.config.managers}
        return sorted(self.store.series.owners() - configured)

    def wind_down(self, observe: Observe, *, now: dt.datetime, apply: bool = True) -> list[Outcome]:
        """End the live series of every removed manager (planned only, when not ``apply``)."""
        outcomes: list[Outcome] = []
        for owner in self.owners():
            if not _has_live_series(self.store.calendars.events(owner), now):
                continue
            try:
                actions = end_removed_manager(owner, observe(owner), now=now)
                if not apply:
                    outcomes += [Outcome(a, Result.PLANNED) for a in actions]
                    continue
                outcomes += self.applier.apply(actions, now=now)
            except (errors.CredentialsError, errors.AuthRevoked) as exc:
                self._cannot(owner, exc, now=now)
            except errors.OneOnOneError as exc:  # transient: the next pass tries again
                log.warning("removed manager %s: %s; tried again next pass", owner, exc)
        return outcomes

    def _cannot(self, owner: str, exc: Exception, *, now: dt.datetime) -> None:
        """Tell ops once that a removed manager's series could not be ended, and why."""
        if not self.store.notices.first(removed_manager_key(owner), now):
            return
        text = (
            f"{owner} is no longer a manager in the config, so the service ends their reps' "
            f"series; it may no longer act for that calendar ({exc}), so they keep running"
        )
        log.warning("%s", text)
        self.store.audit.record(at=now, pair_key=owner, action="alert", reason=text, result="noted")
        ops = self.config.ops_email
        if self.notifier is None or not ops:
            return
        person = Person("oneonone operations", ops, self.config.timezone, WorkingHours(((),) * 7))
        self.notifier.alert(person, key=removed_manager_key(owner), text=text, now=now)


def _has_live_series(events: list[CalendarEvent], now: dt.datetime) -> bool:
    return any(s.is_live(now) for items in owned_series(events).values() for s in items)
