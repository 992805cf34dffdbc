"""Every key the service remembers something by: send-once email keys, notice keys, thread keys.

A key is written into the state file (the outbox, the notices table) and compared on every later
pass, so its text is a promise kept across upgrades: a key built differently from the one a
running installation stored would send an email twice or repeat a notice. Each format below is
the one stored today, built here and nowhere else, and read back (``parse_*``) here too.

Stamps of an occurrence are its original start: ``…T…Z`` keys convert to UTC first; the older
notice keys (``unmoved``, ``busy-unknown``, ``other-day``) format the time as the calendar gave
it, which is UTC for every occurrence the service computes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

# -- the occurrence's stamps ---------------------------------------------------------------------


def utc_stamp(moment: dt.datetime) -> str:
    """``20261124T180000Z``: an instant in UTC, to the second."""
    return f"{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def minute_stamp(moment: dt.datetime) -> str:
    """``20261124T1800``: the time as given, to the minute (older notice keys)."""
    return f"{moment:%Y%m%dT%H%M}"


def parse_minute_stamp(text: str) -> dt.datetime | None:
    """The UTC instant of a ``minute_stamp``; None when ``text`` is not one."""
    try:
        return dt.datetime.strptime(text, "%Y%m%dT%H%M").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


# -- emails: send-once keys and threads ----------------------------------------------------------


def thread_key(series_id: str, original_start: dt.datetime) -> str:
    """``occ:{series}:{UTC}``: prep, move notice and recap of one occurrence share this thread."""
    return f"occ:{series_id}:{utc_stamp(original_start)}"


def prep_key(series_id: str, original_start: dt.datetime, recipient: str) -> str:
    """``prep:{series}:{UTC}:{recipient}``: one prep email per occurrence and recipient."""
    return f"prep:{series_id}:{utc_stamp(original_start)}:{recipient}"


def recap_key(series_id: str, original_start: dt.datetime) -> str:
    """``recap:{series}:{UTC}``: one recap per occurrence."""
    return f"recap:{series_id}:{utc_stamp(original_start)}"


def recap_prefix(series_id: str) -> str:
    """What every recap key of a series starts with."""
    return f"recap:{series_id}:"


def reminder_key(series_id: str, original_start: dt.datetime, number: int) -> str:
    """``reminder:{series}:{UTC}:{n}``: the n-th reminder of missing notes."""
    return f"reminder:{series_id}:{utc_stamp(original_start)}:{number}"


def move_key(series_id: str, original_start: dt.datetime, number: int) -> str:
    """``move:{series}:{UTC}:{n}``: the notice of the n-th move of one occurrence."""
    return f"move:{series_id}:{utc_stamp(original_start)}:{number}"


def alert_key(notice: str) -> str:
    """``alert:{notice key}``: the email that tells the manager about a notice, once."""
    return f"alert:{notice}"


def digest_prefix(manager: str) -> str:
    """What every digest key of a manager starts with."""
    return f"digest:{manager}:"


def digest_key(manager: str, monday: dt.date) -> str:
    """``digest:{manager}:{ISO year}-W{week}``: one digest per manager and ISO week."""
    year, week, _ = monday.isocalendar()
    return f"{digest_prefix(manager)}{year}-W{week:02d}"


def pause_note_key(pair_key: str, start: dt.date, until: dt.date) -> str:
    """``pause-note:{pair}:{start}-{until}``: one note per pair and pause dates (the reason is
    not part of it, so rewording it sends nothing again)."""
    return f"pause-note:{pair_key}:{start:%Y%m%d}-{until:%Y%m%d}"


KeyRange = tuple[str, str]
"""Keys from the first (included) to the second (left out), in the order SQLite sorts text."""


def occurrence_key_ranges(series_id: str, lo: dt.datetime, hi: dt.datetime) -> list[KeyRange]:
    """The prep, recap and reminder keys of the series' occurrences whose original start is
    from ``lo`` to ``hi`` (both included): the stamps have one width, so their text sorts as
    their time does."""
    past = hi + dt.timedelta(seconds=1)
    return [
        (f"{kind}:{series_id}:{utc_stamp(lo)}", f"{kind}:{series_id}:{utc_stamp(past)}")
        for kind in ("prep", "recap", "reminder")
    ]


def pause_note_range(pair_key: str) -> KeyRange:
    """Every pause note key of a pair (``;`` is the character after ``:``)."""
    return (f"pause-note:{pair_key}:", f"pause-note:{pair_key};")


# -- notices: what the service decided once and told once ----------------------------------------


def unmoved_key(series_id: str, original_start: dt.datetime, kind: str) -> str:
    """``unmoved:{series}:{minute}:{bump kind}``: a bumped occurrence left where it was."""
    return f"unmoved:{series_id}:{minute_stamp(original_start)}:{kind}"


def busy_unknown_key(series_id: str, original_start: dt.datetime) -> str:
    """``busy-unknown:{series}:{minute}``: Google could not tell when both were free."""
    return f"busy-unknown:{series_id}:{minute_stamp(original_start)}"


def moved_by_person_key(series_id: str, start: dt.datetime) -> str:
    """``moved-by-person:{series}:{start as str()}``: someone moved an occurrence by hand (the
    start is written the way ``str(datetime)`` writes it, as stored since the first release)."""
    return f"moved-by-person:{series_id}:{start}"


def other_day_key(series_id: str, original_start: dt.datetime) -> str:
    """``other-day:{series}:{YYYYmmdd}``: an occurrence went to another day."""
    return f"other-day:{series_id}:{original_start:%Y%m%d}"


def auth_revoked_key(owner: str, now: dt.datetime) -> str:
    """``auth-revoked:{manager}:{YYYYmmdd}``: a dead login, told once a day."""
    return f"auth-revoked:{owner}:{now:%Y%m%d}"


def rep_calendar_key(email: str, now: dt.datetime) -> str:
    """``rep-calendar:{rep}:{YYYYmmdd}``: a rep's calendar could not be read, told once a day."""
    return f"rep-calendar:{email}:{now:%Y%m%d}"


def removed_manager_key(owner: str) -> str:
    """``removed-manager:{manager}``: a manager taken out of the config, handled once."""
    return f"removed-manager:{owner}"


def auth_revoked_alert_key(owner: str) -> str:
    """``auth-revoked:{manager}``: the alert about a dead login (once, until she logs in again;
    the daily ``auth_revoked_key`` notice only marks the day)."""
    return f"auth-revoked:{owner}"


def usage_limited_key(owner: str, now: dt.datetime) -> str:
    """``usage-limited:{manager}:{YYYYmmddHH}``: Google's usage limit, told once an hour."""
    return f"usage-limited:{owner}:{now:%Y%m%d%H}"


def sender_parked_key(sender: str, now: dt.datetime) -> str:
    """``sender-parked:{sender}:{YYYYmmdd}``: a manager's own sender lost its credentials."""
    return f"sender-parked:{sender}:{now:%Y%m%d}"


def recreated_key(event_id: str) -> str:
    """``recreated:{new series}``: a deleted series was made again."""
    return f"recreated:{event_id}"


def not_adopted_key(event_id: str) -> str:
    """``not-adopted:{event}``: a look-alike recurring event the service did not adopt."""
    return f"not-adopted:{event_id}"


def series_moved_key(event_id: str, local: dt.datetime) -> str:
    """``series-moved:{series}:{Tue 13:00}``: someone moved the whole series (its new
    weekday and time in the manager's zone)."""
    return f"series-moved:{event_id}:{local:%a %H:%M}"


# -- reading keys back -----------------------------------------------------------------------------


def kind_of(key: str) -> str:
    """The first word of a key (``unmoved``, ``auth-revoked``…): what it is about."""
    return key.split(":", 1)[0]


def subject_of(key: str) -> str:
    """What a key is about, after its kind (``removed-manager:{manager}`` → the manager)."""
    return key.split(":", 1)[1] if ":" in key else ""


def occurrence_of(key: str) -> dt.datetime | None:
    """The occurrence's original start in a notice key whose third part is a minute stamp
    (``unmoved``, ``busy-unknown``); None for any other key."""
    parts = key.split(":")
    return parse_minute_stamp(parts[2]) if len(parts) > 2 else None


@dataclass(frozen=True)
class Unmoved:
    """An ``unmoved`` notice key, read back."""

    series_id: str
    original_start: dt.datetime
    kind: str


def parse_unmoved(key: str) -> Unmoved | None:
    """``unmoved:{series}:{minute}:{kind}`` read back; None for any other key."""
    parts = key.split(":")
    if len(parts) != 4 or parts[0] != "unmoved":
        return None
    moment = parse_minute_stamp(parts[2])
    return None if moment is None else Unmoved(parts[1], moment, parts[3])


def same_occurrence(key: str, series_id: str, original_start: dt.datetime) -> bool:
    """Whether a recap key is about this occurrence, in today's form (to the second) or in the
    forms older releases stored (to the minute, or the day)."""
    prefix = recap_prefix(series_id)
    if not key.startswith(prefix):
        return False
    rest = key[len(prefix) :]
    start = original_start.astimezone(dt.UTC)
    return rest.startswith((f"{start:%Y%m%dT%H%M}", start.date().isoformat()))


def names_occurrence(key: str, series_id: str, original_start: dt.datetime) -> bool:
    """Whether a notice key is about this occurrence (``{series}:{minute}`` within it)."""
    return f"{series_id}:{minute_stamp(original_start)}" in key
