"""From the config as written to the config as meant: inheritance, paths and cross-checks.

The raw models say what each level wrote; this module decides what each manager/rep pair
actually gets (defaults → manager → rep, nested policies merged key by key), anchors relative
paths at the config file's folder, and finds the problems no single key can show on its own:
the same person listed twice, a meeting longer than the working day, a 1:1 that lands outside
the rep's hours. Findings carry a dotted path; the caller turns paths into lines.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from scheduler.clash_check import clash_warnings
from scheduler.config_checks import (
    Finding,
    disk_problems,
    domain_problems,
    metrics_access,
    recap_problems,
    step_problems,
)
from scheduler.config_schema import (
    RawCalendar,
    RawConfig,
    RawEmail,
    RawManager,
    RawPause,
    RawRep,
    RawSchedule,
    RawSkip,
)
from scheduler.hours_check import hours_warnings
from scheduler.model import (
    WEEKDAYS,
    AgendaPolicy,
    CalendarSettings,
    Config,
    EmailSettings,
    GoogleSettings,
    Manager,
    Pair,
    Pause,
    Person,
    RebookPolicy,
    RecapPolicy,
    SmtpSettings,
    WorkingHours,
)
from scheduler.parse import format_duration, parse_cadence, parse_working_hours
from scheduler.ports import Paths

T = TypeVar("T")
Levels = list[tuple[str, RawSchedule | None]]

BUILTIN_HOURS = parse_working_hours("mon-fri 09:00-17:30")
BUILTIN_CADENCE = parse_cadence("weekly")
BUILTIN_DURATION = dt.timedelta(minutes=45)
NULLABLE = frozenset({"allow_shorter"})
"""Nested keys where an explicit ``null`` means something (never shorter), not "inherit"."""
DEFAULT_REBOOK, DEFAULT_AGENDA, DEFAULT_RECAP = RebookPolicy(), AgendaPolicy(), RecapPolicy()
"""The policies of a pair that sets none: shared (they are frozen), so a config of thousands
of pairs holds, pickles and unpickles each once."""


@dataclass
class Resolution:
    config: Config | None = None
    errors: list[Finding] = field(default_factory=list)
    warnings: list[Finding] = field(default_factory=list)
    now: dt.datetime | None = None  # dates warnings by the next 1:1 affected (None: samples)


def _or(value: T | None, default: T) -> T:
    return default if value is None else value


def _path(base_dir: Path, text: str | None, default: str | None = None) -> Path | None:
    chosen = _or(text, default)
    if chosen is None:
        return None
    path = Path(chosen)
    return path if path.is_absolute() else base_dir / path


def _path_text(base_dir: Path, text: str | None) -> str | None:
    path = _path(base_dir, text)
    return None if path is None else str(path)


def resolve_config(
    raw: RawConfig,
    *,
    base_dir: Path,
    line_of: Callable[[str], int],
    paths: Paths | None = None,
    now: dt.datetime | None = None,
) -> Resolution:
    """Build the resolved ``Config``; ``config`` stays None when any error was found.

    With ``paths``, the files and folders named in the config are checked on disk too; with
    ``now``, a warning about working hours cites the next 1:1 it affects.
    """
    out = Resolution(now=now)
    if paths is not None:
        out.errors += disk_problems(raw, base_dir, paths)
    calendar = _calendar(raw.calendar, base_dir, out)
    email = _email(raw.email, base_dir, out)
    managers: list[Manager] = []
    pairs: list[Pair] = []
    paths_of: list[tuple[str, Pair]] = []
    for i, raw_manager in enumerate(raw.managers):
        mpath = f"managers[{i}]"
        manager = _manager(raw, raw_manager, base_dir, mpath, line_of)
        managers.append(manager)
        for j, raw_rep in enumerate(raw_manager.reps):
            rpath = f"{mpath}.reps[{j}]"
            pair = _pair(raw, raw_manager, raw_rep, manager, rpath, out, line=line_of(rpath))
            if pair is not None:
                pairs.append(pair)
                paths_of.append((f"{rpath}.time", pair))
    out.warnings += list(clash_warnings(paths_of, now=now))
    out.errors += domain_problems(calendar.google, managers)
    access = metrics_access(raw.metrics_access, out.errors)
    if out.errors:
        return out
    out.config = Config(
        timezone=raw.timezone,
        calendar=calendar,
        email=email,
        state=_path(base_dir, raw.state, "./var/state.db") or base_dir,
        managers=tuple(managers),
        pairs=tuple(pairs),
        holidays=tuple(sorted(set(raw.holidays or ()))),
        ops_email=raw.ops_email,
        metrics_port=raw.metrics_port,
        metrics_access=access,
        templates_dir=_path(base_dir, raw.templates_dir),
        notes_dir=_path(base_dir, raw.notes_dir),
    )
    return out


def _calendar(raw: RawCalendar | None, base_dir: Path, out: Resolution) -> CalendarSettings:
    cal = raw or RawCalendar()
    g = cal.google
    google = GoogleSettings(
        auth=_or(g.auth, "keyring") if g else "keyring",
        authorized_user_file=_path_text(base_dir, g.authorized_user_file) if g else None,
        service_account_file=_path_text(base_dir, g.service_account_file) if g else None,
        api_endpoint=g.api_endpoint if g else None,
        domains=tuple(g.domains or ()) if g else (),
    )
    poll = _or(cal.poll_interval, dt.timedelta(seconds=60))
    if poll < dt.timedelta(seconds=1):
        out.errors.append(("calendar.poll_interval", "must be at least 1s"))
    return CalendarSettings(
        provider=_or(cal.provider, "sandbox"),
        google=google,
        poll_interval=poll,
        adopt_existing=_or(cal.adopt_existing, True),
    )


def _email(raw: RawEmail | None, base_dir: Path, out: Resolution) -> EmailSettings:
    mail = raw or RawEmail()
    smtp = SmtpSettings()
    if mail.smtp is not None:
        s = mail.smtp
        ssl = _or(s.ssl, False)
        if ssl and s.starttls:
            out.errors.append(("email.smtp.starttls", "ssl and starttls cannot both be true"))
        smtp = SmtpSettings(
            host=s.host,
            port=_or(s.port, 465 if ssl else 587),
            starttls=_or(s.starttls, not ssl),
            ssl=ssl,
            username=s.username,
        )
    provider = mail.provider or "outbox"
    if mail.alerts == "smtp" and not smtp.host:
        out.errors.append(("email.alerts", "is smtp but email.smtp.host is not set"))
    if provider == "gmail" and mail.alerts is None:
        out.warnings.append(
            (
                "email.alerts",
                "not set: with gmail, an alert that a manager's login or sending stopped "
                "working can only be written to email.outbox_dir; set email.alerts: smtp so "
                "it reaches her and the ops address",
            )
        )
    return EmailSettings(
        provider=provider,
        sender=_or(mail.sender, EmailSettings.sender),
        outbox_dir=_path(base_dir, mail.outbox_dir, "./var/outbox") or base_dir,
        smtp=smtp,
        alerts=mail.alerts,
    )


def _hours(*candidates: WorkingHours | None) -> WorkingHours:
    return next((h for h in candidates if h is not None), BUILTIN_HOURS)


def _manager(
    raw: RawConfig, m: RawManager, base_dir: Path, mpath: str, line_of: Callable[[str], int]
) -> Manager:
    defaults_hours = raw.defaults.working_hours if raw.defaults else None
    person = Person(
        name=m.name.strip(),
        email=m.email,
        timezone=_or(m.timezone, raw.timezone),
        working_hours=_hours(m.working_hours, defaults_hours),
    )
    return Manager(
        person=person,
        kpis=_path(base_dir, m.kpis),
        deals=_path(base_dir, m.deals),
        line=line_of(mpath),
    )


def _pick(levels: Levels, key: str) -> tuple[Any, str] | None:
    """The value of ``key`` from the most specific level that sets it, and where it was set."""
    found = None
    for path, level in levels:
        value = getattr(level, key) if level is not None else None
        if value is not None:
            found = (value, f"{path}.{key}")
    return found


def _merge(levels: Levels, key: str, base: T) -> tuple[T, dict[str, str]]:
    """Merge a nested policy key by key over ``base``; return it and where each key was set."""
    values: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for path, level in levels:
        sub = getattr(level, key) if level is not None else None
        if sub is None:
            continue
        for name in sorted(sub.model_fields_set):
            value = getattr(sub, name)
            if value is None and name not in NULLABLE:
                continue
            values[name] = tuple(value) if isinstance(value, list) else value
            origin[name] = f"{path}.{key}.{name}"
    if not values:  # nothing set anywhere: the defaults themselves, one instance for all
        return base, origin
    return replace(base, **values), origin  # type: ignore[type-var]


def _pauses(levels: list[tuple[str, RawPause | None]], out: Resolution) -> tuple[Pause, ...]:
    pauses = []
    for path, p in levels:
        if p is None:
            continue
        if p.until < p.start:
            out.errors.append((f"{path}.until", "the pause ends before it starts"))
        pauses.append(Pause(start=p.start, until=p.until, reason=p.reason or ""))
    return tuple(pauses)


def _skips(entries: list[RawSkip], path: str, out: Resolution) -> tuple[Pause, ...]:
    """Each skipped 1:1 is a pause of its one day (the pause machinery cancels, restores and
    keeps it out of bumps, preps and recaps); a date written twice is a slip."""
    seen: dict[dt.date, int] = {}
    skips = []
    for i, entry in enumerate(entries):
        if entry.date in seen:
            out.errors.append(
                (f"{path}[{i}]", f"{entry.date} is already skipped ({path}[{seen[entry.date]}])")
            )
            continue
        seen[entry.date] = i
        skips.append(Pause(entry.date, entry.date, (entry.reason or "").strip(), skip=True))
    return tuple(skips)


def _pair(
    raw: RawConfig,
    m: RawManager,
    r: RawRep,
    manager: Manager,
    rpath: str,
    out: Resolution,
    *,
    line: int,
) -> Pair | None:
    mpath = rpath.rsplit(".reps[", 1)[0]
    levels: Levels = [("defaults", raw.defaults), (mpath, m), (rpath, r)]
    day, time = _pick(levels, "day"), _pick(levels, "time")
    for key, found in (("day", day), ("time", time)):
        if found is None:
            out.errors.append(
                (f"{rpath}.{key}", "missing (set it on the rep, the manager or in defaults)")
            )
    cadence = _pick(levels, "cadence")
    duration = _pick(levels, "duration") or (BUILTIN_DURATION, f"{rpath}.duration")
    rebook, rebook_origin = _merge(levels, "rebook", DEFAULT_REBOOK)
    agenda, _ = _merge(levels, "agenda", DEFAULT_AGENDA)
    recap, recap_origin = _merge(levels, "recap", DEFAULT_RECAP)
    defaults_hours = raw.defaults.working_hours if raw.defaults else None
    rep = Person(
        name=r.name.strip(),
        email=r.email,
        timezone=_or(r.timezone, raw.timezone),
        working_hours=_hours(r.working_hours, defaults_hours),
    )
    pauses = _pauses([(f"{mpath}.pause", m.pause), (f"{rpath}.pause", r.pause)], out)
    pauses += _skips(r.skip or [], f"{rpath}.skip", out)
    if day is None or time is None:
        return None
    pair = Pair(
        manager=manager.person,
        rep=rep,
        cadence=cadence[0] if cadence else BUILTIN_CADENCE,
        day=day[0],
        time=time[0],
        duration=duration[0],
        rebook=rebook,
        agenda=agenda,
        recap=recap,
        start=r.start,
        title=(r.title or "").strip(),
        pauses=pauses,
        line=line,
    )
    out.errors += _length_problems(pair, duration[1], rebook_origin.get("allow_shorter"))
    out.errors += recap_problems(recap, recap_origin, f"{rpath}.recap")
    out.errors += step_problems(rebook, rebook_origin.get("step"))
    for i, entry in enumerate(r.skip or []):
        if entry.date.weekday() != pair.day:
            out.warnings.append(
                (
                    f"{rpath}.skip[{i}]",
                    f"{entry.date} is a {WEEKDAYS[entry.date.weekday()]}: no 1:1 with "
                    f"{rep.name} falls on it (they are on {WEEKDAYS[pair.day]}s), "
                    "nothing to skip",
                )
            )
    out.warnings += [(f"{rpath}.time", w) for w in hours_warnings(pair, now=out.now)]
    return pair


@functools.lru_cache(maxsize=1024)
def _longest(hours: WorkingHours) -> int:
    """The longest working stretch in minutes: asked twice per pair, of the few distinct
    working hours a team writes (most pairs share the defaults')."""
    return max((end - start for day in hours.by_weekday for start, end in day), default=0)


def _length_problems(pair: Pair, duration_at: str, shorter_at: str | None) -> Iterator[Finding]:
    minutes = int(pair.duration.total_seconds() // 60)
    if minutes <= 0:
        yield duration_at, "a 1:1 must last at least 1m"
    for person in (pair.rep, pair.manager):
        longest = _longest(person.working_hours)
        if minutes > longest:
            yield (
                duration_at,
                (
                    f"a {format_duration(pair.duration)} 1:1 is longer than the working day "
                    f"({person.name}'s longest working stretch is "
                    f"{format_duration(dt.timedelta(minutes=longest))})"
                ),
            )
            break  # one sentence is enough; the rep's hours are checked first
    shorter = pair.rebook.allow_shorter
    if shorter is not None and shorter > pair.duration:
        yield (
            shorter_at or duration_at,
            (
                f"{format_duration(shorter)} is longer than the 1:1 itself "
                f"({format_duration(pair.duration)}); use at most that, or null for never shorter"
            ),
        )
