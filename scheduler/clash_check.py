"""Whether two of a manager's 1:1s are set for the same time.

Nothing in the YAML stops a manager from giving two reps the same day and time (a copied line,
a rep moved without moving the other). The service would then find the two 1:1s overlapping on
her calendar every time and move one of them, week after week, with a notice to the rep each
time. ``check`` and the service say so once per clashing pair, citing the next date both fall on.

Only pairs on the same weekday with overlapping wall-clock times can clash; for those (rare) the
dates ``run`` would create are compared, so two every-other-week 1:1s that alternate do not warn.
Without ``now`` (a config read with no clock) only 1:1s that meet every week are sure to clash.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

from scheduler import words
from scheduler.model import WEEKDAYS, Pair
from scheduler.recurrence import planned_starts

HORIZON_WEEKS = 26
"""How far ahead two cadences are compared: every 2 and every 3 weeks meet within 6 weeks, and
every cadence up to 12 weeks or monthly meets within half a year if it ever does."""


def clash_warnings(
    pairs: Sequence[tuple[str, Pair]], *, now: dt.datetime | None
) -> Iterator[tuple[str, str]]:
    """(path, sentence) for each later pair whose 1:1s fall on an earlier one's of the same
    manager; ``pairs`` are (YAML path, pair) in the file's order."""
    by_manager: dict[str, list[tuple[str, Pair]]] = {}
    for path, pair in pairs:
        by_manager.setdefault(pair.manager.email, []).append((path, pair))
    for team in by_manager.values():
        for (_, first), (path, second) in itertools.combinations(team, 2):
            if not _same_slot(first, second):
                continue
            when = _first_clash(first, second, now)
            if when is not None:
                yield path, _sentence(first, second, when, dated=now is not None)


def _same_slot(a: Pair, b: Pair) -> bool:
    """Same weekday and overlapping times, both written in the manager's zone."""
    if a.day != b.day:
        return False
    start_a = a.time.hour * 60 + a.time.minute
    start_b = b.time.hour * 60 + b.time.minute
    return start_a < start_b + _minutes(b) and start_b < start_a + _minutes(a)


def _minutes(pair: Pair) -> int:
    return int(pair.duration.total_seconds() // 60)


def _first_clash(a: Pair, b: Pair, now: dt.datetime | None) -> dt.datetime | None:
    """The first start of ``b`` that overlaps a start of ``a``; a stand-in without ``now``."""
    if now is None:
        weekly = all(p.cadence.kind == "weekly" and p.cadence.weeks == 1 for p in (a, b))
        sample = dt.datetime(2026, 1, 5, tzinfo=dt.UTC) + dt.timedelta(days=a.day)
        return sample if weekly else None
    spans = [(s, s + a.duration) for s in _starts(a, now)]
    for start in _starts(b, now):
        if any(lo < start + b.duration and start < hi for lo, hi in spans):
            return start
    return None


def _starts(pair: Pair, now: dt.datetime) -> list[dt.datetime]:
    weeks = 5 if pair.cadence.kind == "monthly" else max(1, pair.cadence.weeks)
    return planned_starts(pair, now=now, count=HORIZON_WEEKS // weeks + 1)


def _sentence(first: Pair, second: Pair, when: dt.datetime, *, dated: bool) -> str:
    manager = second.manager
    end = (dt.datetime.combine(dt.date.min, second.time) + second.duration).time()
    on = (
        f", next on {words.short_day(when.astimezone(manager.zone).date(), year=True)}"
        if dated
        else ""
    )
    return (
        f"{WEEKDAYS[second.day]} {second.time:%H:%M}-{end:%H:%M} with {second.rep.name} "
        f"overlaps the 1:1 with {first.rep.name} ({WEEKDAYS[first.day]} {first.time:%H:%M}) "
        f"on {manager.name}'s calendar{on}: the service would move one of them every time; "
        "give one of them another day or time"
    )
