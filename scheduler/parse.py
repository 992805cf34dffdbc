"""Parsers for the small value languages people write in the config.

Durations (``45m``, ``1h30m``), clock times (``"10:00"``), weekdays (``tue``, ``Tuesday``),
working hours (``"mon-thu 08:00-17:00, fri 08:00-15:00"``), cadences (``every 3 weeks``),
time zones and e-mail addresses. Each parser raises ``ValueError`` whose text is a sentence
for the person editing the YAML: it says what was wrong and what is allowed.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import ipaddress
import itertools
import re
import sys
import zoneinfo

from scheduler.model import WEEKDAYS, Cadence, Minutes, WorkingHours

_DURATION_PART = re.compile(r"(\d+)([dhms])")
_DURATION_WHOLE = re.compile(r"(?:\d+[dhms]\s*)+")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
_UNIT_NAMES = {"d": "days", "h": "hours", "m": "minutes", "s": "seconds"}
_UNIT_ABOVE = {"h": "d", "m": "h", "s": "m"}
_MAX_DIGITS = 9
_LONGEST_SHOWN = 80
MAX_DURATION = dt.timedelta(days=3650)
_TEXTS_KEPT = 1024
"""Texts of durations and clock times whose value is kept: a config writes the same few
thousands of times (one per rep), and equal values are then one object each, which is
cheaper to make, to keep, and to hand from the config's child to the command."""
"""The longest duration anyone means in this file (ten years); past it, a typo."""
_TIME = re.compile(r"(\d{1,2}):(\d{2})")
_EVERY_N_WEEKS = re.compile(r"every\s+(\d+)\s+weeks?")
_HOST = re.compile(
    r"(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*"
)
_EMAIL = re.compile(r"[^@\s<>(),;:\"]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")

CADENCES_TEXT = "weekly, biweekly, monthly, every N weeks (N 1..12)"
MAX_CADENCE_WEEKS = 12


# -- the same languages as JSON Schema patterns (ECMAScript syntax, as editors run them) -------
def _anycase(word: str) -> str:
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word)


def _weekday_pattern() -> str:
    return "(?:" + "|".join(f"{_anycase(n[:3])}(?:{_anycase(n[3:])})?" for n in WEEKDAYS) + ")"


_CLOCK = "(?:[01]?[0-9]|2[0-3]):[0-5][0-9]"
_H, _M, _S = ("(?:[01]?[0-9]|2[0-3])[hH]", "[0-5]?[0-9][mM]", "[0-5]?[0-9][sS]")
_DAY = _weekday_pattern()
_GROUP = rf"{_DAY}(?:-{_DAY})?(?:\s+{_CLOCK}-(?:{_CLOCK}|24:00))+"
DURATION_PATTERN = (
    rf"^\s*(?:[0-9]+[dD](?:\s*{_H})?(?:\s*{_M})?(?:\s*{_S})?|[0-9]+[hH](?:\s*{_M})?(?:\s*{_S})?"
    rf"|[0-9]+[mM](?:\s*{_S})?|[0-9]+[sS])\s*$"
)
TIME_PATTERN = rf"^\s*{_CLOCK}\s*$"
WEEKDAY_PATTERN = rf"^\s*{_DAY}\s*$"
HOURS_PATTERN = rf"^\s*{_GROUP}(?:\s*,\s*{_GROUP})*\s*$"
CADENCE_PATTERN = (
    rf"^\s*(?:{_anycase('weekly')}|{_anycase('biweekly')}|{_anycase('monthly')}"
    rf"|{_anycase('every')}\s+0*(?:[1-9]|1[0-2])\s+{_anycase('week')}[sS]?)\s*$"
)


def describe(value: object) -> str:
    """How a wrong value is named in messages: ``'tusday'``, ``the number 600``, ``a list``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and value.bit_length() > 64:  # str() refuses past 4,300 digits
        return "a very large number"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, dt.date):
        return f"the date {value.isoformat()}"
    text = str(value)
    if len(text) > _LONGEST_SHOWN:  # a pasted page would drown the message it sits in
        return repr(text[: _LONGEST_SHOWN - 10]).rstrip("'") + f"…' ({len(text)} characters)"
    return repr(text)


def parse_duration(value: object) -> dt.timedelta:
    """``45m``, ``1h30m``, ``90s``, ``2d``, ``0m`` → ``timedelta``; a bare number is an error.

    Units go from the largest down, each once, and a part after a larger one stays below it
    (``1h70m`` and ``1h1h`` are typos more often than meant): any one unit alone may be large.
    """
    if isinstance(value, str):
        return _duration(value)
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError(f"{describe(value)} has no unit; use a unit, e.g. 45m")
    raise ValueError(f"{describe(value)} is not a duration (e.g. 45m, 1h30m, 90s, 2d)")


@functools.lru_cache(maxsize=_TEXTS_KEPT)
def _duration(value: str) -> dt.timedelta:
    """``parse_duration`` of a text, worked out once per text (see ``_TEXTS_KEPT``)."""
    text = value.strip().lower()
    if text.isdigit():
        raise ValueError(f"{describe(value)} has no unit; use a unit, e.g. 45m")
    if not _DURATION_WHOLE.fullmatch(text):
        raise ValueError(f"{describe(value)} is not a duration (e.g. 45m, 1h30m, 90s, 2d)")
    parts = [(int(n), u) for n, u in _DURATION_PART.findall(text) if len(n) <= _MAX_DIGITS]
    if len(parts) < len(_DURATION_PART.findall(text)):
        raise ValueError(f"{describe(value)} is too long (at most {MAX_DURATION.days}d)")
    total = dt.timedelta(seconds=sum(n * _UNIT_SECONDS[u] for n, u in parts))
    if total > MAX_DURATION:
        raise ValueError(f"{describe(value)} is too long (at most {MAX_DURATION.days}d)")
    problem = _mixed_units_problem(parts)
    if problem:
        raise ValueError(f"{describe(value)} {problem}; write {format_duration(total)}")
    return total


def _mixed_units_problem(parts: list[tuple[int, str]]) -> str | None:
    for (_, bigger), (n, unit) in itertools.pairwise(parts):
        if unit == bigger:
            return f"names {_UNIT_NAMES[unit]} twice"
        if _UNIT_SECONDS[unit] > _UNIT_SECONDS[bigger]:
            return f"puts {_UNIT_NAMES[unit]} after {_UNIT_NAMES[bigger]}"
        limit = _UNIT_SECONDS[_UNIT_ABOVE[unit]] // _UNIT_SECONDS[unit]
        if n >= limit:
            return f"has {n}{unit}, a whole {_UNIT_NAMES[_UNIT_ABOVE[unit]][:-1]} or more"
    return None


def format_duration(value: dt.timedelta) -> str:
    """The inverse of ``parse_duration``, for messages: ``1h30m``."""
    seconds = int(value.total_seconds())
    if seconds == 0:
        return "0m"
    parts = []
    for unit, size in _UNIT_SECONDS.items():
        n, seconds = divmod(seconds, size)
        if n:
            parts.append(f"{n}{unit}")
    return "".join(parts)


def parse_time(value: object) -> dt.time:
    """``"10:00"`` (24-hour) → ``time``. Unquoted ``10:00`` reaches us as 600 (YAML 1.1)."""
    if isinstance(value, str):
        return _time(value)
    if isinstance(value, dt.time):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        raise ValueError('write the time in quotes, e.g. "10:00"')
    raise ValueError(f'{describe(value)} is not a time; write it like "10:00" (24-hour)')


@functools.lru_cache(maxsize=_TEXTS_KEPT)
def _time(value: str) -> dt.time:
    """``parse_time`` of a text, worked out once per text (see ``_TEXTS_KEPT``)."""
    minutes = _clock_minutes(value.strip(), allow_24=False)
    return dt.time(minutes // 60, minutes % 60)


def _clock_minutes(text: str, *, allow_24: bool) -> int:
    match = _TIME.fullmatch(text)
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2))
        if allow_24 and (hours, minutes) == (24, 0):
            return 1440
        if hours < 24 and minutes < 60:
            return hours * 60 + minutes
    limit = "00:00..24:00" if allow_24 else "00:00..23:59"
    raise ValueError(f"{text!r} is not a time (HH:MM, 24-hour, {limit})")


def parse_weekday(value: object) -> int:
    """``monday``/``Mon``/``MON`` → 0 … ``sunday`` → 6."""
    if isinstance(value, str):
        text = value.strip().lower()
        for index, name in enumerate(WEEKDAYS):
            if text in (name, name[:3]):
                return index
    raise ValueError(f"{describe(value)} is not a weekday (monday..sunday)")


def parse_working_hours(value: object) -> WorkingHours:
    """``"mon-thu 08:00-17:00, fri 08:00-15:00"`` → ``WorkingHours``.

    Groups are separated by commas; each is a day or day range followed by one or more
    ``HH:MM-HH:MM`` ranges (``24:00`` may end one). Overlapping or reversed ranges are errors,
    as is naming a day twice.
    """
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f'{describe(value)} is not working hours (e.g. "mon-fri 09:00-17:30")')
    days: list[list[Minutes]] = [[] for _ in WEEKDAYS]
    seen: set[int] = set()
    for group in value.split(","):
        group_days, ranges = _working_group(group.strip())
        for day in group_days:
            if day in seen:
                raise ValueError(f"{WEEKDAYS[day]} appears twice in {value!r}")
            seen.add(day)
            days[day] = list(ranges)
    return WorkingHours(by_weekday=tuple(tuple(d) for d in days), text=value.strip())


def _working_group(group: str) -> tuple[list[int], list[Minutes]]:
    words = group.split()
    if len(words) < 2:
        raise ValueError(f'{group!r} needs days and hours, e.g. "mon-fri 09:00-17:30"')
    ranges = sorted(_minute_range(word) for word in words[1:])
    for (_, end), (start, _) in itertools.pairwise(ranges):
        if start < end:
            raise ValueError(f"the ranges in {group!r} overlap")
    return _day_span(words[0]), ranges


def _day_span(text: str) -> list[int]:
    first, _, last = text.partition("-")
    lo = parse_weekday(first)
    hi = parse_weekday(last) if last else lo
    if hi < lo:
        raise ValueError(f"{text!r} runs backwards; write the earlier day first (mon-fri)")
    return list(range(lo, hi + 1))


def _minute_range(text: str) -> Minutes:
    start_text, sep, end_text = text.partition("-")
    if not sep:
        raise ValueError(f"{text!r} is not a time range (e.g. 09:00-17:30)")
    start = _clock_minutes(start_text, allow_24=False)
    end = _clock_minutes(end_text, allow_24=True)
    if end <= start:
        raise ValueError(f"the range {text!r} ends before it starts")
    return start, end


def parse_cadence(value: object) -> Cadence:
    """``weekly``, ``biweekly`` (every 2 weeks), ``monthly`` or ``every N weeks`` (N 1..12)."""
    text = value.strip().lower() if isinstance(value, str) else ""
    if text == "weekly":
        return Cadence(kind="weekly", weeks=1, text="weekly")
    if text == "biweekly":
        return Cadence(kind="weekly", weeks=2, text="biweekly")
    if text == "monthly":
        return Cadence(kind="monthly", weeks=0, text="monthly")
    match = _EVERY_N_WEEKS.fullmatch(text)
    if match:
        weeks = int(match.group(1))
        if 1 <= weeks <= MAX_CADENCE_WEEKS:
            return Cadence(kind="weekly", weeks=weeks, text=text)
        raise ValueError(f"every {weeks} weeks: N must be 1..{MAX_CADENCE_WEEKS}")
    raise ValueError(f"{describe(value)} is not one of {CADENCES_TEXT}")


@functools.cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def parse_timezone(value: object) -> str:
    """An IANA zone name (``America/Chicago``), checked against the installed database; one
    string per zone, however many times the config names it (see ``_TEXTS_KEPT``)."""
    if isinstance(value, str) and value.strip() in _zones():
        return sys.intern(value.strip())
    hint = ""
    if isinstance(value, str):
        by_lower = {z.lower(): z for z in _zones()}
        close = difflib.get_close_matches(value.strip().lower(), list(by_lower), n=1)
        if close:
            hint = f" (did you mean {by_lower[close[0]]!r}?)"
    return _raise(f"{describe(value)} is not an IANA time zone, e.g. America/Chicago{hint}")


def parse_email(value: object) -> str:
    """``Sam@Example.com`` → ``sam@example.com``; refuses anything not shaped like an address."""
    if isinstance(value, str) and _EMAIL.fullmatch(value.strip()):
        return value.strip().lower()
    return _raise(f"{describe(value)} is not an e-mail address (name@example.com)")


def parse_host(value: object) -> str:
    """A host name or IP address as a Host header carries it, without port: ``localhost``,
    ``metrics.example.com``, ``127.0.0.1``, ``::1`` (or ``[::1]``); lower case."""
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("[").removesuffix("]")
        with contextlib.suppress(ValueError):
            return str(ipaddress.ip_address(text))
        if _HOST.fullmatch(text):
            return text
    return _raise(
        f"{describe(value)} is not a host name or address (e.g. localhost, 127.0.0.1, "
        "metrics.example.com; no scheme or port)"
    )


def parse_domain(value: object) -> str:
    """An e-mail domain such as ``example.com`` (lower case; no ``@``)."""
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("@")
        if "." in text and _HOST.fullmatch(text):
            return text
    return _raise(f"{describe(value)} is not an e-mail domain (e.g. example.com)")


def _raise(message: str) -> str:
    raise ValueError(message)


_SENDER = re.compile(r"(?s)(?P<name>.*?)\s*<(?P<addr>[^<>]*)>\s*")


def split_sender(value: object) -> tuple[str, str]:
    """``1:1 keeper <a@example.com>`` → ``("1:1 keeper", "a@example.com")``.

    The display name is everything before ``<…>``, quoted or not: written unquoted, a colon
    would make RFC 5322 read ``1:1 keeper`` as a group named "1" (``email.utils.parseaddr``
    gives "1 keeper"), so the name is taken as the person wrote it and quoted when sent.
    """
    if not isinstance(value, str):
        return "", _raise(f"{describe(value)} is not a sender")
    match = _SENDER.fullmatch(value.strip())
    if match is None:
        return "", parse_email(value)
    name = match["name"].strip()
    if len(name) >= 2 and name[0] == name[-1] == '"':
        name = re.sub(r"\\(.)", r"\1", name[1:-1])
    if any(ch in name for ch in "\r\n<>"):
        return "", _raise(f"{describe(value)}: the display name may not hold <, > or a line break")
    return name, parse_email(match["addr"])
