"""The emails the reconcile pass sends: move notices to reps and alerts to managers.

Each message is rendered from the templates and queued in the send-once outbox with a key that
names what it is about (the occurrence and the move number, or the alert's subject), so a pass
repeated after a crash queues nothing twice. Delivery happens at the end of the pass.

The messages of one occurrence (preps, move notices, reminders, the recap) share one thread key
and one subject, ``occurrence_subject``: Gmail adds a message to a thread only when the
threadId, the reference headers *and* the Subject match, so a subject per message would start a
new conversation each time.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from integrations.mail.alerts import OPERATIONAL, Moved, word_alert
from integrations.mail.deliveries import Deliveries
from integrations.mail.meeting_context import meeting_context
from integrations.mail.mime import MAX_MESSAGE_BYTES, fit_message
from integrations.mail.render import Renderer, prep_context
from scheduler import words
from scheduler.actions import SendPrep
from scheduler.agenda import plan_meeting
from scheduler.deals import DealTable, deals_to_discuss, parse_deals
from scheduler.keys import alert_key, kind_of, move_key, prep_key, thread_key
from scheduler.kpis import KpiTable, parse_kpis
from scheduler.model import Config, Pair, Person
from scheduler.note_lines import Carried
from scheduler.numbers import judge
from scheduler.parse import split_sender
from scheduler.ports import Address, CalendarPart, OutgoingEmail
from scheduler.vocabulary import EmailKind


def occurrence_subject(pair: Pair, original_start: dt.datetime) -> str:
    """``1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov``: the one subject of an occurrence's thread.

    The day is the occurrence's original one in the manager's zone (she owns the series), so a
    move or a late recap keeps the subject and with it the thread.
    """
    local = original_start.astimezone(pair.manager.zone)
    return f"{pair.summary}, {words.day(local.date())}"


@dataclass(frozen=True)
class OccurrenceRef:
    """Which occurrence a message is about: its thread and its subject."""

    pair: Pair
    series_id: str
    original_start: dt.datetime

    @property
    def thread(self) -> str:
        return thread_key(self.series_id, self.original_start)

    def context(self) -> dict[str, Any]:
        return {
            "subject": occurrence_subject(self.pair, self.original_start),
            "original_start": self.original_start,
        }


def describe_sender(config: Config) -> str:
    """How ``email.from`` will read in a recipient's mail client, for ``check``."""
    from integrations.mail.mime import header_address

    address = sender_address(config.email.sender)
    shown = str(header_address(address))
    if config.email.provider == "gmail":
        return f"email: sent as each manager (Gmail); alerts from {shown}"
    return f"email from: {shown} (recipients see \u201c{address.name or address.email}\u201d)"


def sender_address(sender: str) -> Address:
    """``email.from`` as an address; the display name is kept whole (and quoted when sent)."""
    name, addr = split_sender(sender)
    return Address(addr, name)


@dataclass
class Notifier:
    config: Config
    deliveries: Deliveries
    renderer: Renderer
    max_bytes: int = MAX_MESSAGE_BYTES

    def sender_for(self, manager: Person) -> Address:
        if self.config.email.provider == "gmail":  # Gmail sends as the authenticated manager
            return Address(manager.email, manager.name)
        return sender_address(self.config.email.sender)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()  # one SQLite connection, shared by the pass's threads

    def known(self, key: str) -> bool:
        """Whether a message with this key was ever queued (whatever became of it)."""
        with self._lock:
            return self.deliveries.state(key) is not None

    def queued_in(self, ranges: Sequence[tuple[str, str]]) -> frozenset[str]:
        """The keys ever queued within ``ranges`` (``scheduler.keys``), in one query."""
        with self._lock:
            return self.deliveries.keys_in(ranges)

    def send(
        self,
        template: str,
        context: Mapping[str, Any],
        *,
        key: str,
        kind: EmailKind,
        manager: Person,
        to: Person,
        cc: tuple[Address, ...] = (),
        occurrence: OccurrenceRef | None = None,
        calendar: CalendarPart | None = None,
        now: dt.datetime,
    ) -> bool:
        """Render ``template`` and queue it once under ``key``; replies go to the manager.

        A message about an ``occurrence`` joins its thread and takes its subject.
        """
        if occurrence is not None:
            context = {**context, "occurrence": occurrence.context()}
        rendered = self.renderer.render(template, **context)
        return self.queue(
            OutgoingEmail(
                key=key,
                kind=kind,
                sender=self.sender_for(manager),
                to=(Address(to.email, to.name),),
                cc=cc,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                reply_to=Address(manager.email, manager.name) if to != manager else None,
                thread_key=occurrence.thread if occurrence is not None else None,
                calendar=calendar,
            ),
            now=now,
        )

    def queue(self, message: OutgoingEmail, *, now: dt.datetime) -> bool:
        """Queue once; a message too big for any transport is cut to fit, with a line saying so."""
        if self.known(message.key):
            return False
        message = fit_message(message, date=now, limit=self.max_bytes)
        with self._lock:
            return self.deliveries.enqueue(message, not_before=now, now=now)

    def move_notice(
        self,
        pair: Pair,
        *,
        series_id: str,
        original_start: dt.datetime,
        old_start: dt.datetime,
        start: dt.datetime,
        end: dt.datetime,
        number: int,
        calendar: CalendarPart | None = None,
        now: dt.datetime,
    ) -> bool:
        """The rep hears that something came up and the new time: never why (the reason names
        the manager's other events, which are hers). ``calendar``: the move as an iCalendar
        REQUEST, for a rep's calendar outside Google."""
        context: dict[str, Any] = {
            **meeting_context(pair, start, end, number=number),
            "move": {"old_start": old_start, "shorter": end - start < pair.duration},
        }
        return self.send(
            "move_notice",
            context,
            key=move_key(series_id, original_start, number),
            kind=EmailKind.MOVE,
            manager=pair.manager,
            to=pair.rep,
            occurrence=OccurrenceRef(pair, series_id, original_start),
            calendar=calendar,
            now=now,
        )

    def alert(
        self,
        manager: Person,
        *,
        key: str,
        text: str,
        pair: Pair | None = None,
        moved: Moved | None = None,
        now: dt.datetime,
    ) -> bool:
        """Tell the manager once what happened, what was done and what she can do.

        Alerts about the service's own access also go to the ops address; the others may
        name her own events, so they go to her alone.
        """
        words = word_alert(manager, key=key, text=text, pair=pair, moved=moved)
        context: dict[str, Any] = {
            "manager": manager,
            "alert": {
                "title": words.subject,
                "subject": words.subject,
                "what_happened": words.what_happened,
                "what_we_did": words.what_we_did,
                "what_you_can_do": list(words.what_you_can_do),
            },
        }
        operational = kind_of(key) in OPERATIONAL
        ops = self.config.ops_email
        cc = (Address(ops),) if ops and operational and ops != manager.email else ()
        rendered = self.renderer.render("alert", **context)
        sender, transport = self._alert_route(manager, operational=operational)
        return self.queue(
            OutgoingEmail(
                key=alert_key(key),
                kind=EmailKind.ALERT,
                sender=sender,
                to=(Address(manager.email, manager.name),),
                cc=cc,
                subject=rendered.subject,
                text=rendered.text,
                html=rendered.html,
                transport=transport,
            ),
            now=now,
        )

    def _alert_route(self, manager: Person, *, operational: bool) -> tuple[Address, str]:
        """Sender and transport of an alert: its own transport when one is set, and always
        when the manager's own sender is what broke (Gmail sends with her login)."""
        mail = self.config.email
        if mail.alerts is not None or (mail.alerts_transport is not None and operational):
            return sender_address(mail.sender), "alerts"
        return self.sender_for(manager), "main"

    # -- prep agendas ---------------------------------------------------------------------
    def kpis(self, pair: Pair) -> KpiTable:
        """The manager's KPI sheet; a missing or unreadable file is a warning, never a stop."""
        path, text, problem = self._sheet(pair, "kpis")
        if problem:
            return KpiTable((), (f"{problem}; no KPIs this time",))
        return parse_kpis(text, source=str(path)) if path else KpiTable(())

    def deals(self, pair: Pair) -> DealTable:
        """The manager's deal sheet, read like the KPIs (problems go to her prep)."""
        path, text, problem = self._sheet(pair, "deals")
        if problem:
            return DealTable((), (f"{problem}; no deals this time",))
        return parse_deals(text, source=str(path)) if path else DealTable(())

    def _sheet(self, pair: Pair, which: str) -> tuple[Path | None, str, str]:
        """``(path, text, problem)`` of one of the manager's CSV files (None: not configured)."""
        try:
            manager = self.config.manager(pair.manager.email)
        except KeyError:
            return None, "", ""
        path: Path | None = getattr(manager, which)
        if path is None:
            return None, "", ""
        try:
            return path, Path(path).read_text("utf-8-sig"), ""
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or "not UTF-8 text"
            return path, "", f"{path}: cannot be read ({why})"

    def context(
        self,
        pair: Pair,
        *,
        start: dt.datetime,
        days: Sequence[dt.date],
        open_items: list[dict[str, str]],
        previous_notes: str,
        today: dt.date,
        topics: Sequence[str] = (),
        carried: Carried | None = None,
    ) -> dict[str, Any]:
        """The prep context of the meeting on ``days[-1]`` (``days``: the pair's meetings);
        ``today`` is the manager's date now, for pace and for deals gone quiet."""
        table = self.kpis(pair)
        deals = self.deals(pair)
        rep, name = pair.rep.email, pair.rep.name
        return prep_context(
            pair,
            plan_meeting(pair, days),
            start=start,
            number=len(days),
            kpis=table.for_agenda(rep, name=name),
            kpi_warnings=[*table.warnings, *deals.warnings],
            previous_notes=previous_notes,
            open_items=open_items,
            numbers=judge(table.rows_for(rep, name=name), today=today),
            deals=deals_to_discuss(deals.rows_for(rep, name=name), today=today),
            topics=topics,
            carried=carried,
        )

    def agenda_text(self, context: dict[str, Any]) -> str:
        return self.renderer.event_description(**context)

    def prep(self, action: SendPrep, context: dict[str, Any], *, now: dt.datetime) -> bool:
        pair = self._pair(action.pair_key)
        person = pair.rep if action.recipient == "rep" else pair.manager
        return self.send(
            f"prep_{action.recipient}",
            context,
            key=prep_key(action.series_id, action.original_start, action.recipient),
            kind=EmailKind.PREP,
            manager=pair.manager,
            to=person,
            occurrence=OccurrenceRef(pair, action.series_id, action.original_start),
            now=now,
        )

    def _pair(self, key: str) -> Pair:
        return next(p for p in self.config.pairs if p.key == key)
