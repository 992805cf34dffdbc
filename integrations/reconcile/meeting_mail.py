"""The email side of a pass: agendas into events, prep emails, recaps, reminders, pause notes.

``plan`` says what is due for one manager's pairs (each message once: the outbox keys remember);
``apply`` carries one such action out and returns ``(result, detail)`` for the audit trail.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from integrations.mail import invites
from integrations.mail.notify import Notifier
from integrations.mail.recap_render import item_rows
from integrations.reconcile.followup import FollowUps
from integrations.state.store import Store
from scheduler.actions import (
    Action,
    SendPauseNote,
    SendPrep,
    SendRecap,
    SendReminder,
    WriteAgenda,
)
from scheduler.agenda import NOTES_MARKER
from scheduler.bumps import MoveKey, Occurrence, occurrences
from scheduler.keys import prep_key
from scheduler.model import Config, Manager, Pair
from scheduler.owned import current_series
from scheduler.pauses import (
    pause_context,
    pause_note_key,
    pause_words,
    paused_at,
    pauses_to_announce,
    resume_date,
)
from scheduler.ports import Calendar, CalendarEvent, CalendarPart, EventPatch, Write
from scheduler.prep import meeting_days, plan_preps
from scheduler.series import OwnedSeries, exceptions_by_series, owned_series
from scheduler.vocabulary import EmailKind, Result

MailResult = tuple[Result, str]  # (what became of it, detail)
Moves = dict[tuple[str, dt.datetime], tuple[int, tuple[dt.datetime, dt.datetime]]]

PRIVATE_HEADING = "Private (your notes for yourself; the rep never sees them):"

MAIL_ACTIONS = (WriteAgenda, SendPrep, SendPauseNote, SendRecap, SendReminder)


@dataclass
class MeetingMail:
    config: Config
    calendar: Calendar
    store: Store
    notifier: Notifier
    followups: FollowUps
    moves: Callable[[], Moves]
    wake: Callable[[dt.datetime | None], None]
    paused: Callable[[], set[MoveKey]] = set  # occurrences the service cancelled for a pause

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

    def plan(
        self,
        manager: Manager,
        pairs: Sequence[Pair],
        events: Sequence[CalendarEvent],
        *,
        now: dt.datetime,
    ) -> list[Action]:
        """Agendas into events and prep emails that are due now (each once)."""
        if self.notifier is None:
            return []
        series = owned_series(events)
        exceptions = exceptions_by_series(events)
        moves = self.moves()
        out: list[Action] = []
        for pair in pairs:
            history = series.get(pair.rep.email.lower(), [])
            assert self.followups is not None
            follow, follow_wake = self.followups.plan(pair, history, exceptions, moves, now=now)
            out += follow
            self.wake(follow_wake)
            current = current_series(history, now)
            if current is None:
                continue
            own = exceptions.get(current.event.id, [])
            occs = occurrences(
                current, own, moves, pair, time_min=now, time_max=now + pair.rebook.look_ahead
            )
            out += self._pause_notes(pair, current, occs, now=now)
            occs = [o for o in occs if paused_at(pair, o.original_start) is None]
            written = {
                e.original_start for e in own if e.original_start and NOTES_MARKER in e.description
            }
            due, wake = plan_preps(pair, history, occs, now=now, has_description=written)
            for action in due:
                if isinstance(action, SendPrep) and self.notifier.known(
                    prep_key(action.series_id, action.original_start, action.recipient)
                ):
                    continue
                out.append(action)
            self.wake(wake)
        return out

    def _pause_notes(
        self, pair: Pair, current: OwnedSeries, occs: Sequence[Occurrence], *, now: dt.datetime
    ) -> list[Action]:
        """One note to the rep per pause that covers an upcoming occurrence."""
        assert self.notifier is not None
        ours = self.paused()  # cancelled for the pause: still what the note is about
        starts = [
            o.original_start
            for o in occs
            if not o.cancelled or (o.series_id, o.original_start) in ours
        ]
        out: list[Action] = []
        for pause in pauses_to_announce(pair, starts):
            key = pause_note_key(pair, pause)
            if self.notifier.known(key):
                continue
            zone = ZoneInfo(pair.manager.timezone)
            back = dt.datetime.combine(resume_date(pair, pause), dt.time(0), tzinfo=zone)
            after = current.starts(back.astimezone(dt.UTC), now + dt.timedelta(days=400))
            out.append(
                SendPauseNote(
                    pair.key,
                    pair.manager.email,
                    key,
                    pause.start,
                    pause.until,
                    after[0] if after else None,
                    f"{pause_words(pause)}: no rebooking, prep or recap in it; the rep hears once",
                )
            )
        return out

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
        ours, zone = self.paused(), ZoneInfo(pair.manager.timezone)
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
