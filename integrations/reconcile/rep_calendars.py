"""Reps' own calendars, where the service may read them: conflicts on the rep's side, exactly.

Free/busy merges overlapping spans, so a rep's meeting over the 1:1 looks like the 1:1 itself;
only the rep's events tell. The service reads them where it may: with domain-wide delegation
for a rep in the organisation's domains, or for a rep who ran ``oneonone auth login`` (read-only
events scope, nothing else). Elsewhere the rep's decline is the signal.

A readable rep's calendar is kept like a manager's: a synced copy in the state database, read
incrementally with a sync token, one ``events.list`` at most every ``REP_READ_EVERY`` per rep
(a manager who is also someone's rep is read every pass anyway). A rep whose calendar cannot
be read is left to the decline signal for a day, and that is said once in the audit trail; it
never stops the manager's pass.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field

from integrations.reconcile.observe import observe_calendar, store_observed
from integrations.state.store import Store
from scheduler import errors
from scheduler.keys import rep_calendar_key
from scheduler.ports import Calendar, CalendarEvent

log = logging.getLogger("oneonone")

REP_READ_EVERY = dt.timedelta(minutes=5)
"""How stale a rep's copy may get: a conflict booked on the rep's side is seen within this."""


@dataclass
class RepCalendars:
    calendar: Calendar
    store: Store
    readable: Callable[[str], bool]  # whether credentials exist to read this address
    managers: frozenset[str] = frozenset()  # calendars the pass syncs anyway
    every: dt.timedelta = REP_READ_EVERY
    _failed: dict[str, dt.datetime] = field(default_factory=dict)
    _unkept: dict[str, tuple[CalendarEvent, ...]] = field(default_factory=dict)

    def refresh(self, reps: Sequence[str], *, now: dt.datetime, keep: bool = True) -> None:
        """Read the calendars of these reps that are readable and due (one request each);
        ``keep`` stores what was read (a pass that applies), else it is only held here for
        this process (``plan``, which writes nothing)."""
        for rep in reps:
            email = rep.lower()
            if email not in self.managers and self._may_read(email, now):
                self._refresh_one(email, now=now, keep=keep)

    def versions(
        self, reps: Sequence[str], *, now: dt.datetime, keep: bool = True
    ) -> tuple[Hashable, ...]:
        """``refresh``, then each rep's ``version``: one look at each rep's login. A calendar
        read and not kept (``plan``) has a version of this process only."""
        out: list[Hashable] = []
        for rep in reps:
            email = rep.lower()
            if email in self.managers:
                out.append(("manager", self.store.calendars.version(email)))
            elif not self._may_read(email, now):
                out.append(None)
            else:
                self._refresh_one(email, now=now, keep=keep)
                out.append(self._read_version(email))
        return tuple(out)

    def _refresh_one(self, email: str, *, now: dt.datetime, keep: bool) -> None:
        synced = self.store.calendars.synced_at(email)
        if synced is not None and now - synced < self.every:
            return
        try:
            self._sync(email, now=now, keep=keep)
        except errors.TransientError as exc:  # next pass tries again
            log.info("could not read %s's calendar this pass: %s", email, exc)
        except errors.OneOnOneError as exc:
            self._failed[email] = now
            if keep:
                self._unreadable(email, str(exc), now=now)

    def events(self, rep: str) -> list[CalendarEvent] | None:
        """The rep's calendar as last read, or None when the service cannot see it."""
        email = rep.lower()
        if email in self.managers:
            return self.store.calendars.events(email)
        if email in self._failed or not self.readable(email):
            return None
        unkept = self._unkept.get(email)
        if unkept is not None:
            return list(unkept)
        if self.store.calendars.sync_token(email) is None:
            return None
        return self.store.calendars.events(email)

    def _read_version(self, email: str) -> Hashable:
        """What changes whenever ``events(email)`` of a readable rep would answer differently."""
        if email in self._failed:
            return None
        unkept = self._unkept.get(email)
        if unkept is not None:
            return ("unkept", id(unkept))
        if self.store.calendars.sync_token(email) is None:
            return None
        return ("kept", self.store.calendars.version(email))

    def _may_read(self, email: str, now: dt.datetime) -> bool:
        failed = self._failed.get(email)
        if failed is not None and now - failed < dt.timedelta(days=1):
            return False
        self._failed.pop(email, None)
        return self.readable(email)

    def _sync(self, email: str, *, now: dt.datetime, keep: bool) -> None:
        observed = observe_calendar(self.calendar, self.store.calendars, email)
        if keep:
            store_observed(self.store.calendars, observed, now=now)
            self._unkept.pop(email, None)
        else:
            self._unkept[email] = observed.events

    def _unreadable(self, email: str, why: str, *, now: dt.datetime) -> None:
        """Left to the decline signal for a day; said once a day in the audit and the log."""
        self.store.calendars.forget_sync(email)
        if self.store.notices.first(rep_calendar_key(email, now), now):
            log.warning("cannot read %s's calendar (%s): their decline is the signal", email, why)
            self.store.audit.record(
                at=now,
                pair_key=email,
                action="read-rep-calendar",
                reason=why,
                result="unreadable: the rep's decline is the signal",
            )
