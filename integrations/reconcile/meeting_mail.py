"""The email side of a pass: agendas into events, prep emails, recaps, reminders, pause notes.

What is due is decided in ``scheduler.mail_plan`` from the pass's ``Snapshot``; ``apply``
carries one such action out (rendering it from the notes and items as they are now) and
returns ``(result, detail)`` for the audit trail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from integrations.mail import invites
from integrations.mail.notify import Notifier
from integrations.mail.recap_render import item_rows
from integrations.reconcile.followup import FollowUps
from integrations.state.pause_store import PauseStore
from integrations.state.store import Store
from scheduler.actions import (
    Action,
    SendPauseNote,
    SendPrep,
    SendRecap,
    SendReminder,
    WriteAgenda,
)
from scheduler.model import Config, Pair
from scheduler.pauses import (
    pause_context,
)
from scheduler.ports import Calendar, CalendarPart, EventPatch, Write
from scheduler.prep import meeting_days
from scheduler.series import owned_series
from scheduler.vocabulary import EmailKind, Result

MailResult = tuple[Result, str]  # (what became of it, detail)

PRIVATE_HEADING = "Private (your notes for yourself; the rep never sees them):"

MAIL_ACTIONS = (WriteAgenda, SendPrep, SendPauseNote, SendRecap, SendReminder)


@dataclass
class MeetingMail:
    config: Config
    calendar: Calendar
    store: Store
    notifier: Notifier
    followups: FollowUps
    pauses: PauseStore  # what the service cancelled for a pause, as the pause note is sent

    def pair(self, key: str) -> Pair | None:
        return next((p for p in self.config.pairs if p.key == key), None)

    def apply(self, action: Action, *, now: dt.datetime) -> MailResult:
        if isinstance(action, WriteAgenda):
            return self.write_agenda(action, now=now)
        if isinstance(action, SendPrep):
            return self.send_prep(action, now=now)
        if isinstance(action, SendPauseNote):
            return self.send_pause_note(action, now=now)
        if isinstance(action, SendRecap):
            return self.send_recap(action, now=now)
        if isinstance(action, SendReminder):
            pair = self.pair(action.pair_key)
            if pair is None:
                return (Result.SKIPPED, "pair no longer configured")
            queued = self.followups.send_reminder(action, pair, now=now)
            return (Result.DONE if queued else Result.SKIPPED, "queued")
        raise TypeError(f"not an email action: {action!r}")

    def _context(
        self,
        pair: Pair,
        *,
        start: dt.datetime,
        original_start: dt.datetime,
        now: dt.datetime,
        for_manager: bool = False,
    ) -> dict[str, object]:
        """The prep and agenda context; the last 1:1's private notes only in the manager's."""
        assert self.notifier is not None
        items, notes, private = self.history(pair, before=start)
        if for_manager and private:
            notes = f"{notes}\n\n{PRIVATE_HEADING}\n{private}".strip()
        events = self.store.calendars.events(pair.manager.email)
        history = owned_series(events).get(pair.rep.email.lower(), [])
        zone = pair.manager.zone
        days = meeting_days(history, original_start, zone)
        ids = {s.event.id for s in history}
        own = [e for e in events if e.recurring_event_id in ids]
        return self.notifier.context(
            pair,
            start=start,
            days=days,
            open_items=items,
            previous_notes=notes,
            today=now.astimezone(zone).date(),
            topics=self.followups.topics(pair, original_start, start, own),
            carried=self.followups.lines.carried(pair.key, before=days[-1]),
        )

    def history(self, pair: Pair, *, before: dt.datetime) -> tuple[list[dict[str, str]], str, str]:
        """Open action items of the pair, and the notes and private notes of its last 1:1
        before ``before`` that has either."""
        if self.followups is None:
            return [], "", ""
        items = item_rows(self.followups.items.open_items(pair.key), pair, pair.manager)
        events = self.store.calendars.events(pair.manager.email)
        series = owned_series(events).get(pair.rep.email.lower(), [])
        own = [e for e in events if e.recurring_event_id in {s.event.id for s in series}]
        past = sorted(
            (e for e in own if e.end is not None and e.end <= before and not e.cancelled),
            key=lambda e: e.start or before,
        )
        for ev in reversed(past):
            assert ev.original_start is not None
            assert ev.start is not None
            notes = self.followups.notes(pair, ev.original_start, ev.start, own)
            private = self.followups.private_notes(pair, ev.original_start, ev.start)
            if notes.summary or private:
                return items, notes.summary, private
        return items, "", ""

    def send_pause_note(self, action: SendPauseNote, *, now: dt.datetime) -> MailResult:
        pair = self.pair(action.pair_key)
        if pair is None or self.notifier is None:
            return (Result.SKIPPED, "pair no longer configured")
        pause = next(p for p in pair.pauses if (p.start, p.until) == (action.start, action.until))
        queued = self.notifier.send(
            "pause_note",
            pause_context(pair, pause, next_meeting=action.next_meeting),
            key=action.key,
            kind=EmailKind.NOTE,
            manager=pair.manager,
            to=pair.rep,
            calendar=self._pause_cancels(pair, action, now=now),
            now=now,
        )
        return (Result.DONE if queued else Result.SKIPPED, "queued")

    def _pause_cancels(
        self, pair: Pair, action: SendPauseNote, *, now: dt.datetime
    ) -> CalendarPart | None:
        """The note's iCalendar CANCEL for the occurrences the service cancelled in the pause,
        so a rep's calendar outside Google drops them too (Google was told to send nothing)."""
        events = self.store.calendars.events(action.owner)
        masters = {
            s.event.id: s.event for s in owned_series(events).get(pair.rep.email.lower(), [])
        }
        ours, zone = self.pauses.keys(), ZoneInfo(pair.manager.timezone)
        cancelled = [
            invites.Occurrence(
                e.ical_uid or masters[e.recurring_event_id].ical_uid,
                e.original_start,
                e.sequence,
                e.start or e.original_start,
                e.end or e.original_start + pair.duration,
            )
            for e in events
            if e.recurring_event_id in masters
            and e.original_start is not None
            and (e.recurring_event_id, e.original_start) in ours
            and action.start <= e.original_start.astimezone(zone).date() <= action.until
        ]
        cancelled = [c for c in cancelled if c.uid]
        if not cancelled:
            return None
        cancelled.sort(key=lambda c: c.original_start)
        return invites.occurrences_cancel(pair, cancelled, summary=pair.summary, now=now)

    def send_recap(self, action: SendRecap, *, now: dt.datetime) -> MailResult:
        pair = self.pair(action.pair_key)
        if pair is None or self.followups is None:
            return (Result.SKIPPED, "pair no longer configured")
        events = self.store.calendars.events(action.owner)
        history = owned_series(events).get(pair.rep.email.lower(), [])
        own = [e for e in events if e.recurring_event_id == action.series_id]
        notes = self.followups.notes(pair, action.original_start, action.start, own)
        live = [s for s in history if s.is_live(now)]
        upcoming = [t for s in live for t in s.starts(now, now + dt.timedelta(days=120))]
        topics = self.followups.topics(pair, action.original_start, action.start, own)
        queued = self.followups.send_recap(
            action, pair, notes, history, min(upcoming, default=None), topics=topics, now=now
        )
        return (Result.DONE if queued else Result.SKIPPED, "late" if action.late else "")

    def write_agenda(self, action: WriteAgenda, *, now: dt.datetime) -> MailResult:
        pair = self.pair(action.pair_key)
        if pair is None or self.notifier is None:
            return (Result.SKIPPED, "pair no longer configured")
        if not action.instance_id:  # read while observing; apply reads nothing
            return (Result.SKIPPED, "the occurrence's id was not read before applying")
        text = self.notifier.agenda_text(
            self._context(pair, start=action.start, original_start=action.original_start, now=now)
        )
        ev = self.calendar.patch(
            action.owner, action.instance_id, EventPatch(description=text), write=Write.BOOKKEEPING
        )
        self.store.calendars.put(action.owner, ev)
        if self.followups is not None:
            self.followups.notes_file(pair, action.original_start, action.start, text)
        return (Result.DONE, ev.id)

    def send_prep(self, action: SendPrep, *, now: dt.datetime) -> MailResult:
        pair = self.pair(action.pair_key)
        if pair is None or self.notifier is None:
            return (Result.SKIPPED, "pair no longer configured")
        context = self._context(
            pair,
            start=action.start,
            original_start=action.original_start,
            now=now,
            for_manager=action.recipient == "manager",
        )
        queued = self.notifier.prep(action, context, now=now)
        return (Result.DONE if queued else Result.SKIPPED, "queued" if queued else "known")
