"""What the service remembers of its own moves, and what that history means for a new bump.

A move is written down as an intent before the patch and completed after it. A pass that finds
an intent still open learns from the calendar how it ended: the occurrence sits where the
intent says (the patch went through, the process died or the answer was lost: finish it and
tell the rep), or where it was (the patch never happened: forget the intent), or elsewhere (a
person moved it).

A decline is a bump of the time that was declined. Google keeps the organizer's own "declined"
on an occurrence she had declined after it moves, and whether it resets a guest's answer is not
documented; so whoever still shows "declined" right after the service's move answered the old
time, not the new one. That stale answer is not a new bump until the person answers again (one
move per cause), and the declined time is never offered again for that occurrence.

Pure: values in, values out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scheduler.busy import MoveKey
from scheduler.ports import Interval

DECLINED = "declined:"
"""Cause prefix of a move made because someone declined (followed by their address)."""


@dataclass(frozen=True)
class PastMove:
    """One move of one occurrence that the service made, or set out to make."""

    start: dt.datetime  # where it goes
    end: dt.datetime
    from_start: dt.datetime | None  # where it was
    from_end: dt.datetime | None
    cause: str  # "declined:<address>", "conflict", "deleted", "out_of_office", "holiday"
    number: int  # 1 for the occurrence's first move by the service, 2 for the next…
    at: dt.datetime
    done: bool = True  # False: an intent whose patch may or may not have happened
    still_declined: frozenset[str] = frozenset()  # who showed "declined" right after it
    reason: str = ""  # the sentence the decision gave (the audit's, the rep's notice's)


History = Mapping[MoveKey, Sequence[PastMove]]


def declined_times(past: Sequence[PastMove]) -> list[Interval]:
    """Times someone declined for this occurrence: a move never goes back to one of them."""
    return [
        (m.from_start, m.from_end)
        for m in past
        if m.cause.startswith(DECLINED) and m.from_start is not None and m.from_end is not None
    ]


def stale_declines(past: Sequence[PastMove]) -> frozenset[str]:
    """Who still showed "declined" right after the last completed move (an old answer)."""
    done = [m for m in past if m.done]
    return done[-1].still_declined if done else frozenset()


def answered_again(past: Sequence[PastMove], responses: Mapping[str, str]) -> frozenset[str]:
    """People whose stale decline is gone from the occurrence: from now on, a decline of
    theirs is a new answer about the new time."""
    return frozenset(
        who for who in stale_declines(past) if responses.get(who, "needsAction") != "declined"
    )


def outcome(intent: PastMove, start: dt.datetime, end: dt.datetime, *, cancelled: bool) -> str:
    """How an open intent ended, read from where the occurrence is now.

    ``done``: it sits where the intent says; ``never``: it is still where it was (or still
    deleted, for a restore); ``elsewhere``: someone else moved it meanwhile.
    """
    if cancelled:
        return "never" if intent.cause == "deleted" else "elsewhere"
    if (start, end) == (intent.start, intent.end):
        return "done"
    if (start, end) == (intent.from_start, intent.from_end):
        return "never"
    return "elsewhere"
