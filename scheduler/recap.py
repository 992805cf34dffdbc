"""When a 1:1's recap goes out, and the ledger of action items that outlives each meeting.

Follow-up within a day or two is what turns a conversation into commitments, so every
occurrence that took place gets a recap before its deadline (``RecapPolicy.deadline`` after the
end), whatever happens: with notes, once they have settled; without, the manager is reminded,
and shortly before the deadline what there is goes out (agenda covered, open items carried, an
invitation to the rep to send their own takeaways). A service that was down past the deadline
sends at once and says the recap is late.

Action items belong to the manager/rep pair, not to an event, so they survive moves and series
changes; ``merge_items`` folds one meeting's parsed lines into the pair's ledger, idempotently.

Pure: ``now`` and the meeting's date are arguments.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Literal

from scheduler.model import PARTIAL_LEAD, RecapPolicy
from scheduler.notes import ActionLine, normalise

SECOND_REMINDER = dt.timedelta(hours=24)
"""After the end of the meeting, when the manager is reminded again that notes are missing."""
FLAG_AFTER_MEETINGS = 3
"""An item open across this many 1:1s is pointed out to the manager."""

StepKind = Literal["wait", "send_recap", "remind", "send_partial", "done"]


@dataclass(frozen=True)
class RecapStep:
    """What to do now for one occurrence's recap.

    ``at`` is when this step is (or was) due: for ``wait`` the time to wake up again, for the
    sending kinds the nominal time (``now`` when late), None for ``done``. ``reminder`` is the
    number of reminders that count as sent once a ``remind`` step is done (missed reminders are
    not sent in a burst: one reminder covers every slot that has passed).
    """

    kind: StepKind
    at: dt.datetime | None
    late: bool = False
    reminder: int = 0


@dataclass(frozen=True)
class RecapState:
    """What has been done for one occurrence's recap (the service stores it per occurrence)."""

    sent: bool = False
    reminders_sent: int = 0
    late: bool = False
    partial: bool = False

    def after(self, step: RecapStep) -> RecapState:
        """The state once ``step`` has been carried out."""
        if step.kind == "remind":
            return replace(self, reminders_sent=max(self.reminders_sent, step.reminder))
        if step.kind in ("send_recap", "send_partial"):
            return replace(self, sent=True, late=step.late, partial=step.kind == "send_partial")
        return self


def reminder_times(end: dt.datetime, policy: RecapPolicy) -> tuple[dt.datetime, ...]:
    """When the manager is reminded of missing notes: both fall before the partial recap."""
    partial_at = end + policy.deadline - PARTIAL_LEAD
    times = sorted({end + policy.remind_manager_after, end + SECOND_REMINDER})
    return tuple(t for t in times if t < partial_at)


def recap_due(
    *,
    end: dt.datetime,
    policy: RecapPolicy,
    has_notes: bool,
    reminders_sent: int,
    recap_sent: bool,
    now: dt.datetime,
    happened: bool = True,
) -> RecapStep:
    """The next recap step for an occurrence that ended (or ends) at ``end``.

    A moved occurrence passes its new end; one that did not take place passes
    ``happened=False`` and never gets a recap.
    """
    for name, value in (("end", end), ("now", now)):
        if value.tzinfo is None:
            raise ValueError(f"{name} must be an aware datetime")
    if recap_sent or not happened:
        return RecapStep("done", None)
    deadline = end + policy.deadline
    if now >= deadline:
        # The service was down past the deadline: whatever there is goes now, marked late.
        return RecapStep("send_recap" if has_notes else "send_partial", now, late=True)
    if has_notes:
        send_at = min(end + policy.settle, deadline)
        if now >= send_at:
            return RecapStep("send_recap", send_at)
        return RecapStep("wait", send_at)
    partial_at = deadline - PARTIAL_LEAD
    if now >= partial_at:
        return RecapStep("send_partial", partial_at)
    reminders = reminder_times(end, policy)
    passed = sum(1 for t in reminders if t <= now)
    if passed > reminders_sent:
        return RecapStep("remind", reminders[passed - 1], reminder=passed)
    upcoming = [t for t in reminders[max(reminders_sent, passed) :] if t > now]
    # Notes typed before the first reminder are picked up by polling; wake at the next step.
    return RecapStep("wait", min([*upcoming, partial_at]))


@dataclass(frozen=True)
class Item:
    """One action item of a pair. ``owner`` is an email ("" when nobody was named)."""

    id: str
    pair_key: str
    owner: str
    text: str
    due: dt.date | None
    opened_on: dt.date
    closed_on: dt.date | None
    meetings_open: int
    last_meeting: dt.date

    @property
    def open(self) -> bool:
        return self.closed_on is None


def item_id(pair_key: str, owner: str, text: str) -> str:
    """Stable id of an item: the same pair, owner and wording always give the same id."""
    digest = hashlib.sha256(f"{pair_key}\n{owner.casefold()}\n{normalise(text)}".encode())
    return digest.hexdigest()[:20]


def merge_items(
    existing: Sequence[Item],
    parsed: Sequence[ActionLine],
    *,
    pair_key: str,
    meeting_day: dt.date,
) -> list[Item]:
    """The pair's ledger after one meeting whose notes gave ``parsed``.

    Unchecked lines open items (a line matching an item already open changes nothing but a
    newly written due date); ``[x]`` lines close the matching item, or record one done on the
    spot; every item still open after the meeting counts one more meeting, once per meeting
    date, so merging the same notes twice changes nothing. A closed item written again
    unchecked at a later meeting is open again.
    """
    ledger = {item.id: item for item in existing}
    order = [item.id for item in existing]
    for key, line in _latest_lines(parsed, pair_key, ledger, meeting_day).items():
        current = ledger.get(key)
        if current is None:
            ledger[key] = _new_item(key, line, pair_key, meeting_day)
            order.append(key)
        else:
            ledger[key] = _apply_line(current, line, meeting_day)
    return [_count_meeting(ledger[key], meeting_day) for key in order]


def _latest_lines(
    parsed: Sequence[ActionLine], pair_key: str, ledger: dict[str, Item], day: dt.date
) -> dict[str, ActionLine]:
    """One line per item id; a done mark wins over an open box for the same item."""
    chosen: dict[str, ActionLine] = {}
    for line in parsed:
        if not line.text.strip():
            continue
        key = _line_id(line, pair_key, ledger, day)
        if key not in chosen or (line.done and not chosen[key].done):
            chosen[key] = line
    return chosen


def _line_id(line: ActionLine, pair_key: str, ledger: dict[str, Item], day: dt.date) -> str:
    key = item_id(pair_key, line.owner or "", line.text)
    if line.owner is None and key not in ledger:
        # "[x] send proposal" with no owner means the one named item with that wording. Only
        # items from earlier meetings count, so merging the same notes again finds the same one.
        text = normalise(line.text)
        same = [
            i.id
            for i in ledger.values()
            if i.owner and i.opened_on < day and normalise(i.text) == text
        ]
        if len(same) == 1:
            return same[0]
    return key


def _new_item(key: str, line: ActionLine, pair_key: str, day: dt.date) -> Item:
    return Item(
        id=key,
        pair_key=pair_key,
        owner=line.owner or "",
        text=line.text,
        due=line.due,
        opened_on=day,
        closed_on=day if line.done else None,
        meetings_open=1,
        last_meeting=day,
    )


def _apply_line(item: Item, line: ActionLine, day: dt.date) -> Item:
    due = line.due or item.due
    if line.done:
        return item if not item.open else replace(item, closed_on=day, due=due)
    if item.open:
        return replace(item, due=due)
    if item.closed_on is not None and item.closed_on < day:
        return replace(item, closed_on=None, due=due)
    return item


def _count_meeting(item: Item, day: dt.date) -> Item:
    if day <= item.last_meeting:
        return item
    if not item.open:
        return replace(item, last_meeting=day)
    return replace(item, meetings_open=item.meetings_open + 1, last_meeting=day)


def flagged(items: Sequence[Item]) -> list[Item]:
    """Open items carried across ``FLAG_AFTER_MEETINGS`` or more 1:1s: worth a word."""
    return [i for i in items if i.open and i.meetings_open >= FLAG_AFTER_MEETINGS]


def items_for(items: Sequence[Item], person_email: str) -> list[Item]:
    """Open items with ``person_email``'s own first, then the others, each in ledger order."""
    mine = [i for i in items if i.open and i.owner.casefold() == person_email.casefold()]
    ids = {i.id for i in mine}
    return mine + [i for i in items if i.open and i.id not in ids]
