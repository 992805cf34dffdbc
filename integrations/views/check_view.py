"""``oneonone check``: what a valid config means, and what deserves a second look.

Per pair: the cadence and the next three 1:1s in both people's zones. They are the dates the
calendar holds when the service already made the series (read from the state database, no API
call), and otherwise exactly the dates the next ``run`` creates (``planned_starts``: the
series' own first-occurrence rule, 12-hour notice included). Then the warnings: hours
(citing the next 1:1 affected), the KPI sheets, how the sender will read, the templates.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Sequence
from pathlib import Path

from integrations.state.status_read import (
    NEXT_HORIZON,
    History,
    Upcoming,
    paused_meetings,
    upcoming_in,
)
from integrations.views.check_state import StateAhead, read_series_rows
from scheduler.kpis import parse_kpis
from scheduler.model import Config, Manager, Pair
from scheduler.pauses import paused_at
from scheduler.recurrence import describe_cadence, planned_starts
from scheduler.words import UTC, both, plural

Print = Callable[[str], None]
NEXT = 3


def print_check(
    config: Config,
    *,
    now: dt.datetime,
    out: Print,
    utc: bool = False,
    ahead: StateAhead | None = None,
) -> None:
    source = config.source or "config"
    managers, pairs = plural(len(config.managers), "manager"), plural(len(config.pairs), "pair")
    out(f"{source}: valid — {managers}, {pairs}")
    in_calendar = calendar_starts(config, now=now, ahead=ahead)
    for pair in config.pairs:
        for line in pair_lines(pair, in_calendar.get(pair.key), now=now, utc=utc):
            out(line)
    for warning in config.warnings:
        out(f"warning: {warning}")
    for manager in config.managers:
        for warning in kpi_warnings(config, manager):
            out(f"warning: {warning}")


def pair_lines(
    pair: Pair, known: list[dt.datetime] | None, *, now: dt.datetime, utc: bool = False
) -> list[str]:
    minutes = int(pair.duration.total_seconds() // 60)
    lines = [
        f"{pair.manager.name} <{pair.manager.email}> → {pair.rep.name} <{pair.rep.email}>",
        f"    {describe_cadence(pair)} at {pair.time:%H:%M} {pair.manager.timezone}, {minutes} min",
    ]
    if known is None:
        lines.append("    not in the calendar yet; the next run creates it with these dates:")
    starts = known if known is not None else planned_starts(pair, now=now, count=NEXT)
    zone, rep_zone = (UTC, None) if utc else (pair.manager.timezone, pair.rep.timezone)
    for start in starts[:NEXT]:
        pause = paused_at(pair, start) if pair.pauses else None
        mark = ""
        if pause is not None:
            word = "skipped" if pause.skip else "paused"
            mark = f" — {word} ({pause.reason or 'no reason given'})"
        lines.append(f"    next: {_both(start, zone, rep_zone)}{mark}")
    return lines


_both = functools.lru_cache(maxsize=8192)(both)
"""A team's 1:1s start at a few hundred moments, written in a few zones: each line is made
once (24,000 dates at N=1,000, about 3,000 distinct)."""


def calendar_starts(
    config: Config, *, now: dt.datetime, ahead: StateAhead | None = None
) -> dict[str, list[dt.datetime]]:
    """Per pair key, the upcoming 1:1s of the series the service made (from its last read of
    the calendar); a pair with no series there is absent. Only the rows of the service's own
    series are read (``ahead``: already read while the config was parsed, if from this file):
    the rest of a calendar does not move their dates."""
    rows = ahead.rows_for(config.state) if ahead is not None else None
    if rows is None:
        if not Path(config.state).exists():
            return {}
        rows = read_series_rows(config.state)
    found: dict[str, list[dt.datetime]] = {}
    for pair in config.pairs:
        history = rows.by_rep.get(pair.manager.email, {}).get(pair.rep.email.lower(), [])
        starts = next_in_calendar(pair, history, now=now) if history else None
        if starts is not None:
            found[pair.key] = starts
    return found


def next_in_calendar(pair: Pair, history: History, *, now: dt.datetime) -> list[dt.datetime] | None:
    """The pair's upcoming 1:1s in the calendar, and its paused ones (which the calendar holds
    cancelled), soonest first, at least the first ``NEXT`` of them; None without a series.

    Only ``NEXT`` are shown, so the series is first expanded over the weeks ``NEXT`` periods
    span, and over ``NEXT_HORIZON`` only when that could miss one: fewer found, or an
    occurrence edited on its own from beyond those weeks to before the last one found.
    """
    paused = {start for start, _ in paused_meetings(pair, now=now)}
    weeks = 5 if pair.cadence.kind == "monthly" else max(1, pair.cadence.weeks)
    horizon = min(dt.timedelta(weeks=NEXT * weeks, days=1), NEXT_HORIZON)
    upcoming = upcoming_in(pair, history, now=now, horizon=horizon)
    starts = sorted({u.start for u in upcoming if u.start >= now} | paused)
    if horizon < NEXT_HORIZON and not _all_found(starts, history, now + horizon, upcoming):
        upcoming = upcoming_in(pair, history, now=now, horizon=NEXT_HORIZON)
        starts = sorted({u.start for u in upcoming if u.start >= now} | paused)
    return starts if upcoming else None


def _all_found(
    starts: list[dt.datetime],
    history: History,
    limit: dt.datetime,
    upcoming: Sequence[Upcoming],
) -> bool:
    """Whether the first ``NEXT`` of ``starts``, from originals before ``limit``, are the
    first ``NEXT`` of a longer horizon: later occurrences start where their rule puts them (at
    ``limit`` or after) unless edited on their own, and ``history`` holds every such edit."""
    if not upcoming or len(starts) < NEXT or starts[NEXT - 1] > limit:
        return False
    last = starts[NEXT - 1]
    return not any(
        e.original_start is not None
        and e.original_start >= limit
        and e.start is not None
        and e.start < last
        for _, edited in history
        for e in edited
    )


def kpi_warnings(config: Config, manager: Manager) -> list[str]:
    """A KPI sheet that is missing or unreadable, its malformed rows, and rows that name
    none of the manager's reps (a typo there leaves a rep's prep without numbers)."""
    path = manager.kpis
    if path is None:
        return []
    owner = f"{manager.person.name}'s KPI sheet {path}"
    if not Path(path).exists():
        return [f"{owner} does not exist (managers[].kpis); preps go out without KPIs"]
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [f"{owner} cannot be read ({exc}); preps go out without KPIs"]
    table = parse_kpis(text, source=str(path))
    reps = [p.rep for p in config.pairs if p.manager.email == manager.person.email]
    known = {r.email.casefold() for r in reps} | {r.name.casefold() for r in reps}
    strangers = sorted({k.rep for k in table.kpis if k.rep.casefold() not in known})
    warnings = list(table.warnings)
    if strangers:
        warnings.append(
            f"{path}: rep {', '.join(repr(s) for s in strangers)} is none of "
            f"{manager.person.name}'s reps (write a rep's email or name as in the config)"
        )
    return warnings
