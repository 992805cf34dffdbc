"""``oneonone preview``: any email of a pair's next (or given) occurrence, rendered as it would
be sent, queued nowhere, so a manager sees what the rep will get before it goes.

The occurrence is the pair's next one from now, or its first on or after ``--on DATE``. The
prep uses the manager's KPI sheet and the pair's open action items (from the state file when
there is one); the recap is rendered as it would go without notes yet; the move notice shows a
move one hour later the same day. Nothing is written and no calendar is read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integrations.mail.deliveries import Deliveries
from integrations.mail.meeting_context import meeting_context
from integrations.mail.mime import header_address
from integrations.mail.notify import Notifier, OccurrenceRef
from integrations.mail.recap_render import item_rows, recap_context, reminder_context
from integrations.mail.render import RenderedEmail, Renderer
from integrations.state import db
from integrations.views.preview_emails import EMAILS
from scheduler.agenda import plan_meeting
from scheduler.errors import UserError
from scheduler.model import Config, Pair
from scheduler.notes import EMPTY_NOTES
from scheduler.ports import Address, OutgoingEmail
from scheduler.recurrence import next_occurrences

Print = Callable[[str], None]


class PreviewError(UserError):
    """A pair or an email name that the config does not know."""


def find_pair(config: Config, who: str) -> Pair:
    """The pair named by the rep's address, ``manager/rep``, or a unique part of either."""
    wanted = who.strip().lower()
    exact = [p for p in config.pairs if wanted in (p.rep.email, p.key)]
    found = exact or [p for p in config.pairs if wanted in p.key or wanted in p.rep.name.lower()]
    if len(found) == 1:
        return found[0]
    names = ", ".join(p.key for p in (found or config.pairs)[:8])
    what = "several pairs" if found else "no pair"
    raise PreviewError(f"{who!r} names {what}; pairs: {names}")


def occurrence_start(pair: Pair, *, now: dt.datetime, on: dt.date | None) -> dt.datetime:
    since = now
    if on is not None:
        since = dt.datetime.combine(on, dt.time(0), tzinfo=pair.manager.zone).astimezone(dt.UTC)
    starts = next_occurrences(pair, now=since, count=1)
    if not starts:
        raise PreviewError(f"{pair.key} has no occurrence after {since:%Y-%m-%d}")
    return starts[0]


def _open_items(config: Config, pair: Pair) -> list[dict[str, Any]]:
    if not Path(config.state).exists():
        return []
    from integrations.state.items import ActionItems
    from integrations.state.store import Store

    store = Store(config.state)
    try:
        return item_rows(ActionItems(store).open_items(pair.key), pair, pair.manager)
    finally:
        store.close()


def _days(config: Config, pair: Pair, start: dt.datetime) -> list[dt.date]:
    """The pair's meeting dates up to ``start`` as the state file knows them (just ``start``'s
    when there is none: the occurrence then previews as a first 1:1)."""
    if not Path(config.state).exists():
        return [start.astimezone(pair.manager.zone).date()]
    from integrations.state.store import Store
    from scheduler.prep import meeting_days
    from scheduler.series import owned_series

    store = Store(config.state)
    try:
        history = owned_series(store.calendars.events(pair.manager.email))
    finally:
        store.close()
    return meeting_days(history.get(pair.rep.email.lower(), []), start, pair.manager.zone)


def preview_context(
    config: Config,
    pair: Pair,
    name: str,
    start: dt.datetime,
    notifier: Notifier,
    *,
    now: dt.datetime,
) -> dict[str, Any]:
    end = start + pair.duration
    if name.startswith("prep_"):
        context = notifier.context(
            pair,
            start=start,
            days=_days(config, pair, start),
            open_items=_open_items(config, pair),
            previous_notes="",
            today=now.astimezone(pair.manager.zone).date(),
        )
    elif name == "move_notice":
        later = start + dt.timedelta(hours=1)
        context = {
            **meeting_context(pair, later, later + pair.duration, number=1),
            "move": {"old_start": start, "shorter": False},
        }
    elif name == "reminder":
        context = reminder_context(pair, [], start=start, end=end, number=1, notes_file=None)
    elif name == "recap":
        context = recap_context(
            pair, EMPTY_NOTES, [], start=start, end=end, next_start=None, late=False,
            partial=True, plan=plan_meeting(pair, _days(config, pair, start)),
        )  # fmt: skip
    else:
        raise PreviewError(f"{name!r} is not an email to preview; one of {', '.join(EMAILS)}")
    context["occurrence"] = OccurrenceRef(pair, "preview", start).context()
    return context


def preview(
    config: Config,
    who: str,
    name: str,
    *,
    now: dt.datetime,
    on: dt.date | None,
    out: Print,
    html_file: Path | None = None,
) -> int:
    """Print the email ``name`` of ``who``'s occurrence (text part) and write its HTML part."""
    pair = find_pair(config, who)
    start = occurrence_start(pair, now=now, on=on)
    renderer = Renderer(config.templates_dir)
    nowhere = Deliveries(db.connect(":memory:"), _Refuse())  # a preview queues nothing
    notifier = Notifier(config, nowhere, renderer)
    email: RenderedEmail = renderer.render(
        name, **preview_context(config, pair, name, start, notifier, now=now)
    )
    to = pair.manager if name in ("prep_manager", "reminder") else pair.rep
    sender = notifier.sender_for(pair.manager)
    out(f"From: {header_address(sender)}")
    out(f"To: {header_address(Address(to.email, to.name))}")
    if to is pair.rep:
        out(f"Reply-To: {pair.manager.name} <{pair.manager.email}>")
    out(f"Subject: {email.subject}")
    out("")
    out(email.text.rstrip("\n"))
    if html_file is not None:
        html_file.write_text(email.html, encoding="utf-8")
        out(f"\n(HTML part written to {html_file})")
    return 0


class _Refuse:
    """The mailer of a preview: it never sends."""

    def send(self, message: OutgoingEmail) -> str:
        raise RuntimeError("a preview sends nothing")
