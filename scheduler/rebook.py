"""Where bumped 1:1s go: all of one manager's bumps decided together, one after another.

Each decision is made against the manager's calendar as it will be once the earlier decisions
are carried out: a slot given to one 1:1 is busy for the next, and the time a moved 1:1 leaves
is free again. So two 1:1s bumped by one offsite never land on the same time, and of two of her
own 1:1s that overlap, one moves and the other, no longer overlapped, stays.

The order: bumps with a real conflict first (they move whatever happens), earliest first; a
bump whose only conflict is another of her own 1:1s last, and of those an occurrence the
service already moved first (it was the one that landed there). Before each decision the bump
is checked again against the calendar as it now stands.

For one bump the rule is always, in order: the same day (manager's zone) at the nearest time
free for both, a shorter slot if allowed, then the ``if_no_slot`` policy; out of office and
holidays follow ``on_out_of_office``. A time someone declined is never offered again for that
occurrence. When Google cannot show the rep's calendar (a rep outside the organisation),
``unknown_rep_busy`` says whether to move within the manager's free time and the rep's working
hours, telling the rep, or to leave it and ask the manager.

Pure: every input, including ``now``, is an argument.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import replace
from zoneinfo import ZoneInfo

from scheduler import intervals as iv
from scheduler import words
from scheduler.actions import MoveOccurrence, Notice
from scheduler.bumps import Bump, why_bumped
from scheduler.busy import BusyEvent, spans_of
from scheduler.keys import busy_unknown_key, unmoved_key
from scheduler.model import RebookPolicy
from scheduler.moves import History, declined_times, stale_declines
from scheduler.ports import Attendee, BusyAnswer, Interval
from scheduler.recurrence import to_local
from scheduler.slots import SlotDecision, SlotRequest, find_next_business_day, find_slot
from scheduler.vocabulary import Response
from scheduler.words import zone_label

MAX_MOVES = 3
"""After this many moves of one occurrence the service stops and tells the manager."""

FALLBACK_DAYS = 8
"""Days after the occurrence's own day that the fallback may search (and free/busy covers)."""

NOT_VISIBLE = "notFound"
"""Google's free/busy error for a calendar the caller may not see (a rep outside the
organisation): per-calendar, with HTTP 200."""


def decide_all(
    bumps: Sequence[Bump],
    *,
    busy: Sequence[BusyEvent],
    rep_events: Mapping[str, Sequence[BusyEvent]],
    rep_busy: Mapping[str, BusyAnswer],
    history: History,
    now: dt.datetime,
    holidays: Sequence[dt.date] = (),
    closed: Mapping[str, Sequence[dt.date]] | None = None,
) -> list[MoveOccurrence | Notice]:
    """Decide one manager's bumps together (see the module docstring for the order).

    ``busy`` is her calendar (own 1:1s included) over the days a move may reach;
    ``rep_events`` the calendars of the reps the service may read; ``rep_busy`` free/busy of
    the others (keys are lower-case addresses). ``closed`` adds, per pair key, days nothing
    may be moved into (a pause).
    """
    taken = list(busy)
    out: list[MoveOccurrence | Notice] = []
    for first in sorted(bumps, key=_urgency):
        pair, occ = first.pair, first.occurrence
        rep = pair.rep.email.lower()
        theirs = rep_events.get(rep)
        past = history.get(first.key, ())
        bump = why_bumped(pair, occ, taken, theirs, stale_declines(past), holidays)
        if bump is None:
            continue  # an earlier decision moved the 1:1 that overlapped it
        answer = BusyAnswer(busy=tuple(spans_of(theirs))) if theirs is not None else None
        decision = decide(
            bump,
            busy_manager=spans_of(taken, but=bump.key),
            busy_rep=answer or rep_busy.get(rep, BusyAnswer(error="missing")),
            now=now,
            holidays=(*holidays, *(closed or {}).get(pair.key, ())),
            declined=declined_times(past),
        )
        if isinstance(decision, MoveOccurrence):
            taken = [b for b in taken if b.occurrence != bump.key]
            taken.append(BusyEvent(decision.start, decision.end, False, "", bump.key))
        out.append(decision)
    return out


def _urgency(bump: Bump) -> tuple[bool, int, dt.datetime, str]:
    occ = bump.occurrence
    return (bump.own, -occ.moves_by_us, occ.start, occ.series_id)


def decide(
    bump: Bump,
    *,
    busy_manager: Sequence[Interval],
    busy_rep: BusyAnswer,
    now: dt.datetime,
    holidays: Sequence[dt.date] = (),
    declined: Sequence[Interval] = (),
) -> MoveOccurrence | Notice:
    """Where the bumped occurrence goes, or why it stays (with a notice for the manager)."""
    pair, occ = bump.pair, bump.occurrence
    if occ.moves_by_us >= MAX_MOVES:
        return _notice(bump, f"already moved {occ.moves_by_us} times: left where it is")
    side = _rep_side(bump, busy_rep)
    if isinstance(side, Notice):
        return side
    rep_spans, caveat = side
    blocked = [*bump.conflicts, *declined]
    if bump.kind != "deleted":
        blocked.append((occ.start, occ.end))  # never "move" it onto the time that failed
    request = SlotRequest(
        original_start=occ.original_start,
        duration=pair.duration,
        manager=pair.manager,
        rep=pair.rep,
        busy_manager=tuple(iv.normalize([*busy_manager, *blocked])),
        busy_rep=tuple(iv.normalize([*rep_spans, *blocked])),
        min_notice=pair.rebook.min_notice,
        allow_shorter=pair.rebook.allow_shorter,
        buffer=pair.rebook.buffer,
        holidays=tuple(holidays),
        day=to_local(occ.original_start, pair.manager.timezone).date(),
        step=pair.rebook.step,
    )
    return _place(bump, request, now=now, caveat=caveat)


def _rep_side(bump: Bump, answer: BusyAnswer) -> tuple[list[Interval], str] | Notice:
    """The rep's busy time, and what to add to the reason; or the notice when it is unknown."""
    pair, occ = bump.pair, bump.occurrence
    if answer.error is None:
        return list(answer.busy), ""
    if answer.error != NOT_VISIBLE:
        return Notice(
            pair.key,
            pair.manager.email,
            busy_unknown_key(occ.series_id, occ.original_start),
            f"{bump.detail}; Google could not tell when both are free, so the "
            "occurrence stays for now (tried again next pass)",
        )
    if pair.rebook.unknown_rep_busy == "notify_only":
        return _notice(
            bump,
            f"{bump.detail}; Google does not show {pair.rep.name}'s calendar (outside your "
            "organisation), so it stays where it is, as configured (rebook.unknown_rep_busy)",
        )
    return [], (
        f" {pair.rep.name}'s calendar cannot be seen (outside the organisation): the time is "
        f"free for {pair.manager.name} and inside {pair.rep.name}'s working hours, and "
        f"{pair.rep.name} is told; a decline would move it again."
    )


def _place(
    bump: Bump, request: SlotRequest, *, now: dt.datetime, caveat: str
) -> MoveOccurrence | Notice:
    pair = bump.pair
    if bump.kind in ("out_of_office", "holiday"):
        if pair.rebook.on_out_of_office == "skip":
            return _notice(bump, f"{bump.detail}: skipped this week as configured")
        later = find_next_business_day(request, now=now)
        return _move(bump, later, same_day=None, caveat=caveat)
    same_day = find_slot(request, now=now)
    full_later = _full_later(request, same_day, pair.rebook, now)
    if full_later is not None:
        return _move(bump, full_later, same_day=same_day, caveat=caveat)
    if same_day.slot is not None:
        return _move(bump, same_day, same_day=same_day, caveat=caveat)
    if pair.rebook.if_no_slot == "notify_only":
        return _notice(bump, f"{bump.detail}; {same_day.reason} Left where it is, as configured")
    later = find_next_business_day(request, now=now)
    if later.slot is None:
        return _notice(bump, f"{bump.detail}; {same_day.reason} {later.reason}")
    return _move(bump, later, same_day=same_day, caveat=caveat)


def _full_later(
    request: SlotRequest, same_day: SlotDecision, policy: RebookPolicy, now: dt.datetime
) -> SlotDecision | None:
    """With ``same_day_only: false``, a full-length slot on the next business day when the day
    itself only offers a shortened one (the one policy that allows another day must be set)."""
    if not same_day.shorter or policy.same_day_only or policy.if_no_slot != "next_business_day":
        return None
    later = find_next_business_day(replace(request, allow_shorter=None), now=now)
    return later if later.slot is not None else None


def _move(
    bump: Bump, decision: SlotDecision, *, same_day: SlotDecision | None, caveat: str
) -> MoveOccurrence | Notice:
    if decision.slot is None:
        return _notice(bump, f"{bump.detail}; {decision.reason}")
    pair, occ = bump.pair, bump.occurrence
    start, end = decision.slot
    explain: dict[str, object] = {
        "bump": bump.kind,
        "conflict": bump.detail,
        "candidates": [
            f"{to_local(c.start, pair.manager.timezone):%a %H:%M}-"
            f"{to_local(c.end, pair.manager.timezone):%H:%M}" + (" (shorter)" if c.shorter else "")
            for c in decision.candidates
        ],
        "why": decision.reason + caveat,
    }
    if same_day is not None and same_day is not decision:
        explain["same_day"] = same_day.reason
    verb = "restored" if bump.kind == "deleted" else "moved"
    local = to_local(start, pair.manager.timezone)
    return MoveOccurrence(
        pair.key,
        pair.manager.email,
        occ.instance_id or "",
        occ.series_id,
        occ.original_start,
        start,
        end,
        pair.manager.timezone,
        f"{bump.detail}: {verb} to {words.short_day(local)} {local:%H:%M} {zone_label(local)}. "
        f"{decision.reason}{caveat}",
        restore=bump.kind == "deleted",
        explain=explain,
        etag=occ.etag,
        from_start=occ.start,
        from_end=occ.end,
        cause=bump.cause,
        attendees=tuple(
            a
            if a.organizer or a.response != "declined"
            else Attendee(a.email, Response.NEEDS_ACTION, a.name)
            for a in occ.attendees
        ),
    )


def notice_key(bump: Bump) -> str:
    occ = bump.occurrence
    return unmoved_key(occ.series_id, occ.original_start, bump.kind)


def _notice(bump: Bump, text: str) -> Notice:
    return Notice(bump.pair.key, bump.pair.manager.email, notice_key(bump), text)


def busy_window(bumps: Sequence[Bump]) -> Interval | None:
    """The span free/busy must cover to decide these bumps: their days and the fallback days."""
    if not bumps:
        return None
    days = [
        (b.pair.manager.timezone, to_local(b.occurrence.original_start, b.pair.manager.timezone))
        for b in bumps
    ]
    starts = [
        dt.datetime.combine(local.date(), dt.time(0), tzinfo=ZoneInfo(tz)).astimezone(dt.UTC)
        for tz, local in days
    ]
    return min(starts), max(starts) + dt.timedelta(days=FALLBACK_DAYS + 2)
