"""What an alert to a manager says: a subject naming the rep and the outcome, and a body that
tells truthfully what happened, what the service did and what she can do, in her own zone.

Every alert is keyed (``other-day:…``, ``unmoved:…``, ``auth-revoked:…``): the key's first word
says which situation it is, so the wording lives here in one table instead of in each planner.
The manager's own alert may name her own events (the detail text); nothing here goes to a rep.
The advice is for a person with a calendar, never a command meant for the server.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from scheduler import words
from scheduler.keys import kind_of, occurrence_of, subject_of
from scheduler.model import Pair, Person

OPERATIONAL = frozenset({"auth-revoked", "usage-limited", "sender-parked", "removed-manager"})
"""Alerts about the service's own access: these also go to the ops address. The others are
about one manager's calendar (they may name her events) and go to her alone."""


@dataclass(frozen=True)
class Moved:
    """A move the alert reports: from the original time to the new one."""

    original_start: dt.datetime
    start: dt.datetime


@dataclass(frozen=True)
class AlertText:
    subject: str
    what_happened: str
    what_we_did: str
    what_you_can_do: tuple[str, ...]


@dataclass(frozen=True)
class _Facts:
    manager: Person
    pair: Pair | None
    text: str
    key: str
    moved: Moved | None

    @property
    def rep(self) -> str:
        return self.pair.rep.name if self.pair is not None else "a rep"

    @property
    def sentence(self) -> str:
        """The facts as a sentence of their own, capitalised."""
        return self.text[:1].upper() + self.text[1:]

    @property
    def rep_first(self) -> str:
        return self.rep.split()[0] if self.pair is not None else "the rep"

    def when(self, moment: dt.datetime) -> str:
        local = moment.astimezone(ZoneInfo(self.manager.timezone))
        return f"{words.day(local.date())} {local:%H:%M}"

    def zone(self, moment: dt.datetime) -> str:
        return f"{moment.astimezone(ZoneInfo(self.manager.timezone)).tzname()}"

    def occurrence(self) -> dt.datetime | None:
        """The occurrence's original start, from a move or from the key's UTC stamp."""
        if self.moved is not None:
            return self.moved.original_start
        return occurrence_of(self.key)


def _moved_other_day(f: _Facts) -> AlertText:
    assert f.moved is not None
    old, new = f.moved.original_start, f.moved.start
    day = old.astimezone(ZoneInfo(f.manager.timezone))
    weekday = words.WEEKDAY_NAMES[day.weekday()]
    return AlertText(
        subject=f"{f.rep}'s 1:1 moved to {f.when(new)} — {weekday} was full",
        what_happened=f"Nothing fitted on {words.day(day.date(), full=True)} for both of you. "
        f"{f.text}",
        what_we_did=f"Moved {f.rep}'s 1:1 from {f.when(old)} to {f.when(new)} "
        f"({f.zone(new)}) and emailed {f.rep_first} the new time, without saying why.",
        what_you_can_do=(
            "Nothing, if the new time suits you.",
            "To choose another time, move the event in your calendar: a time a person "
            "chose is kept.",
        ),
    )


def _unmoved(f: _Facts) -> AlertText:
    start = f.occurrence()
    on = f" on {f.when(start)}" if start is not None else ""
    if "skipped" in f.text:
        return AlertText(
            subject=f"{f.rep}'s 1:1{on} is skipped — someone is out of office",
            what_happened=f.text,
            what_we_did=f"Left the 1:1 as it is, as configured; {f.rep_first} was not emailed.",
            what_you_can_do=(
                f"Let {f.rep_first} know, or move the 1:1 in your calendar to a day you "
                "are both in.",
            ),
        )
    return AlertText(
        subject=f"{f.rep}'s 1:1{on} stays put — no time fitted",
        what_happened=f.text,
        what_we_did=f"Left the 1:1 at its time; {f.rep_first} was not emailed.",
        what_you_can_do=(
            "Move the 1:1 in your calendar to a time that works, or move what clashes with it.",
            f"Or keep it and let {f.rep_first} know.",
        ),
    )


def _busy_unknown(f: _Facts) -> AlertText:
    start = f.occurrence()
    on = f" on {f.when(start)}" if start is not None else ""
    return AlertText(
        subject=f"{f.rep}'s 1:1{on} clashes — Google could not say when you are both free",
        what_happened=f.text,
        what_we_did="Left the 1:1 at its time for now; the service asks Google again at its "
        "next check and moves it then if it can.",
        what_you_can_do=("Move the 1:1 in your calendar yourself if it cannot wait.",),
    )


def _moved_by_person(f: _Facts) -> AlertText:
    return AlertText(
        subject=f"{f.rep}'s 1:1 was moved by hand — kept",
        what_happened=f.sentence,
        what_we_did="Kept the time that was chosen; nothing else changed.",
        what_you_can_do=("Nothing to do.",),
    )


def _series_moved(f: _Facts) -> AlertText:
    return AlertText(
        subject=f"{f.rep}'s 1:1 series was moved in Calendar — kept",
        what_happened=f.sentence,
        what_we_did="Kept the series where it was moved; it is not moved back.",
        what_you_can_do=(
            f"If the new day and time should last, ask whoever keeps the 1:1 settings to "
            f"change {f.rep_first}'s day and time there too.",
        ),
    )


def _not_adopted(f: _Facts) -> AlertText:
    return AlertText(
        subject=f"A new 1:1 series with {f.rep} sits beside your own meeting",
        what_happened=f.sentence,
        what_we_did=f"Created the configured 1:1 with {f.rep_first} and left your own "
        "meeting as it is.",
        what_you_can_do=(
            "Delete your own meeting in your calendar if the new series replaces it.",
        ),
    )


def _auth_revoked(f: _Facts) -> AlertText:
    first = f.manager.name.split()[0]
    return AlertText(
        subject=f"{first}'s Google login stopped working — 1:1s are on hold",
        what_happened=f"Google refused the service's access to {f.manager.email}: {f.text}",
        what_we_did=f"Stopped reading and changing {first}'s calendar and sending as "
        f"{first} until the login works again. Nothing was cancelled: the 1:1s stay in the "
        "calendar, but bumped ones are not moved and no prep or recap goes out.",
        what_you_can_do=(
            "Ask whoever runs the 1:1 keeper to sign you in again; it takes a minute in a browser.",
        ),
    )


def _usage_limited(f: _Facts) -> AlertText:
    return AlertText(
        subject=f"Google's usage limit reached for {f.manager.email} — paused for an hour",
        what_happened=f.text,
        what_we_did="Paused work on this calendar for an hour; it resumes by itself.",
        what_you_can_do=("Nothing, unless this repeats every day.",),
    )


def _sender_parked(f: _Facts) -> AlertText:
    return AlertText(
        subject=f"Emails as {f.manager.email} cannot be sent — held for now",
        what_happened=f.text,
        what_we_did="Kept every message in the queue; it is sent once sending works again.",
        what_you_can_do=(
            "Ask whoever runs the 1:1 keeper to sign you in again with permission to send email.",
        ),
    )


def _removed_manager(f: _Facts) -> AlertText:
    owner = subject_of(f.key)
    return AlertText(
        subject=f"The 1:1s of {owner}, no longer in the config, are still running",
        what_happened=f.sentence,
        what_we_did="Nothing was changed in that calendar; this is said once.",
        what_you_can_do=(
            f"Keep {owner} in the config with 'reps: []' for one pass: the service then ends "
            "each series (never deleting the meetings held) and the manager can be removed.",
            "Or end the series in Google Calendar as that manager.",
        ),
    )


def _generic(f: _Facts) -> AlertText:
    first_line = f.text.split(";")[0].split(": ")[0].strip()
    return AlertText(
        subject=f"1:1 keeper: {first_line[:80]}",
        what_happened=f.sentence,
        what_we_did="Recorded it with the reason; nothing else changed.",
        what_you_can_do=("Check the 1:1 in your calendar.",),
    )


_WORDING: dict[str, Callable[[_Facts], AlertText]] = {
    "other-day": _moved_other_day,
    "unmoved": _unmoved,
    "busy-unknown": _busy_unknown,
    "moved-by-person": _moved_by_person,
    "series-moved": _series_moved,
    "not-adopted": _not_adopted,
    "auth-revoked": _auth_revoked,
    "usage-limited": _usage_limited,
    "sender-parked": _sender_parked,
    "removed-manager": _removed_manager,
}


def word_alert(
    manager: Person, *, key: str, text: str, pair: Pair | None = None, moved: Moved | None = None
) -> AlertText:
    """The words of the alert keyed ``key`` about ``text`` (the planner's reason)."""
    facts = _Facts(manager, pair, text.strip(), key, moved)
    wording = _WORDING.get(kind_of(key), _generic)
    if wording is _moved_other_day and moved is None:
        wording = _generic
    return wording(facts)
