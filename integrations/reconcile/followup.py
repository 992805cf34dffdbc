"""After the meeting: the notes files of the 1:1s that ended, and the recaps and reminders the
core decided, rendered and queued.

What is due is decided in ``scheduler.followups`` (through ``scheduler.mail_plan``) from the
pass's ``Snapshot``: each ended occurrence's notes (the event description below the agenda,
and the notes file this module reads) and the outbox keys (``recap:…``, ``reminder:…:N``)
already queued, the memory of what was sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from integrations.mail.notify import Notifier, OccurrenceRef
from integrations.mail.recap_render import recap_context, reminder_context
from integrations.state.items import ActionItems
from integrations.state.notes_files import create_notes_file, read_notes_file
from integrations.state.pair_lines import PairLines
from integrations.state.store import Store
from scheduler.actions import SendRecap, SendReminder
from scheduler.agenda import plan_meeting
from scheduler.followups import occurrence_notes
from scheduler.keys import recap_key, reminder_key
from scheduler.model import Config, Pair
from scheduler.note_lines import clean_topics
from scheduler.notes import Notes
from scheduler.ports import Address, CalendarEvent
from scheduler.prep import meeting_days
from scheduler.private_notes import split_private
from scheduler.series import OwnedSeries
from scheduler.vocabulary import EmailKind


@dataclass
class FollowUps:
    config: Config
    store: Store
    notifier: Notifier

    def __post_init__(self) -> None:
        self.items = ActionItems(self.store)
        self.lines = PairLines(self.store)

    def notes(
        self,
        pair: Pair,
        original_start: dt.datetime,
        start: dt.datetime,
        own: Sequence[CalendarEvent],
    ) -> Notes:
        """The notes of one occurrence as they are now: its event description and its notes
        file, combined (``scheduler.followups.occurrence_notes``)."""
        text = self.notes_file_text(pair, original_start, start)
        return occurrence_notes(pair, original_start, start, own, text)

    def topics(
        self,
        pair: Pair,
        original_start: dt.datetime,
        start: dt.datetime,
        own: Sequence[CalendarEvent],
    ) -> list[str]:
        """The occurrence's topics: the rep's note on their answer to the invitation (what a
        guest can write on Google), then the lines under the Topics mark of the event
        description and of the notes file (what the manager adds, or pastes from a reply)."""
        event = next((e for e in own if e.original_start == original_start), None)
        rep = event.attendee(pair.rep.email) if event is not None else None
        notes = self.notes(pair, original_start, start, own)
        return list(clean_topics([rep.comment if rep else "", *notes.topics]))

    def private_notes(self, pair: Pair, original_start: dt.datetime, start: dt.datetime) -> str:
        """The private section of the occurrence's notes file ("" when none): for the
        manager's next prep only."""
        text = self.notes_file_text(pair, original_start, start)
        return split_private(text)[1] if text else ""

    def notes_file_text(
        self, pair: Pair, original_start: dt.datetime, start: dt.datetime
    ) -> str | None:
        """The text of the occurrence's notes file (None: no notes folder, or no file)."""
        if self.config.notes_dir is None:
            return None
        return read_notes_file(
            Path(self.config.notes_dir), pair, original_start, start=start, pairs=self.config.pairs
        )

    # -- applying ---------------------------------------------------------------------------
    def send_recap(
        self,
        action: SendRecap,
        pair: Pair,
        notes: Notes,
        history: Sequence[OwnedSeries],
        next_start: dt.datetime | None,
        *,
        topics: Sequence[str] = (),
        now: dt.datetime,
    ) -> bool:
        day = action.start.astimezone(ZoneInfo(pair.manager.timezone)).date()
        items = self.items.merge(pair.key, notes.items, meeting_day=day)
        self.lines.record(pair.key, notes, meeting_day=day)
        zone = pair.manager.zone
        days = meeting_days(history, action.original_start, zone)
        after = next_start.astimezone(zone).date() if next_start is not None else None
        plan = plan_meeting(pair, days, next_day=after)
        context = recap_context(
            pair,
            notes,
            [i for i in items if i.open],
            start=action.start,
            end=action.end,
            next_start=next_start,
            late=action.late,
            partial=action.partial,
            plan=plan,
            topics=topics,
            closed=[i for i in items if i.closed_on == day],
        )
        return self.notifier.send(
            "recap",
            context,
            key=recap_key(action.series_id, action.original_start),
            kind=EmailKind.RECAP,
            manager=pair.manager,
            to=pair.rep,
            cc=(Address(pair.manager.email, pair.manager.name),),
            occurrence=OccurrenceRef(pair, action.series_id, action.original_start),
            now=now,
        )

    def send_reminder(self, action: SendReminder, pair: Pair, *, now: dt.datetime) -> bool:
        notes_file = None
        if self.config.notes_dir is not None:
            from integrations.state.notes_files import notes_path

            notes_file = str(notes_path(Path(self.config.notes_dir), pair, action.original_start))
        context = reminder_context(
            pair,
            self.items.open_items(pair.key),
            start=action.start,
            end=action.end,
            number=action.number,
            notes_file=notes_file,
        )
        return self.notifier.send(
            "reminder",
            context,
            key=reminder_key(action.series_id, action.original_start, action.number),
            kind=EmailKind.REMINDER,
            manager=pair.manager,
            to=pair.manager,
            occurrence=OccurrenceRef(pair, action.series_id, action.original_start),
            now=now,
        )

    def notes_file(
        self, pair: Pair, original_start: dt.datetime, start: dt.datetime, agenda: str
    ) -> None:
        """The notes file of one occurrence, from its agenda, for managers who prefer files."""
        if self.config.notes_dir is not None:
            create_notes_file(
                Path(self.config.notes_dir),
                pair,
                original_start,
                agenda,
                start=start,
                pairs=self.config.pairs,
            )
