"""Checks of a config that look at several keys at once, or at the disk.

``config_resolve`` decides what each pair gets; the rules here say when the result cannot work:
a recap deadline that leaves no time, a rebook step that is no grid, a state file that cannot be
made, a manager outside the domains a service account may act in, a metrics server that asks
for a password without a user name. Each finding is a dotted path and a sentence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from pathlib import Path

from scheduler.config_schema import RawConfig, RawMetricsAccess
from scheduler.model import (
    PARTIAL_LEAD,
    GoogleSettings,
    Manager,
    MetricsAccess,
    RebookPolicy,
    RecapPolicy,
)
from scheduler.parse import format_duration
from scheduler.ports import Paths

Finding = tuple[str, str]
"""``(dotted path, message)``."""

MINUTE = dt.timedelta(minutes=1)
HOUR = dt.timedelta(hours=1)


def _under(base_dir: Path, text: str) -> Path:
    path = Path(text)
    return path if path.is_absolute() else base_dir / path


def disk_problems(raw: RawConfig, base_dir: Path, paths: Paths) -> Iterator[Finding]:
    """The state file must be creatable; files and folders named to be read must be there."""
    state = _under(base_dir, raw.state or "./var/state.db")
    checks: list[tuple[str, str | None]] = [("state", paths.state_problem(state))]
    if raw.templates_dir is not None:
        folder = _under(base_dir, raw.templates_dir)
        checks.append(("templates_dir", paths.folder_problem(folder)))
    for i, manager in enumerate(raw.managers):
        if manager.kpis is not None:
            kpis = _under(base_dir, manager.kpis)
            checks.append((f"managers[{i}].kpis", paths.file_problem(kpis)))
    google = raw.calendar.google if raw.calendar else None
    if google is not None and google.auth == "service_account" and google.service_account_file:
        key = _under(base_dir, google.service_account_file)
        checks.append(("calendar.google.service_account_file", paths.file_problem(key)))
    return ((where, problem) for where, problem in checks if problem is not None)


def step_problems(rebook: RebookPolicy, where: str | None) -> Iterator[Finding]:
    """Start times fall on the clock at multiples of the step, so it must divide an hour."""
    step = rebook.step
    if where is not None and (step < MINUTE or step > HOUR or HOUR % step):
        yield (
            where,
            (
                f"{format_duration(step)} does not divide an hour into whole minutes; "
                "use one of 1m, 5m, 10m, 15m, 20m, 30m, 1h (starts fall on the clock at "
                "multiples of it)"
            ),
        )


def recap_problems(recap: RecapPolicy, origin: dict[str, str], rpath: str) -> Iterator[Finding]:
    """A deadline that leaves no time to settle the notes or to remind the manager first."""
    where = origin.get("deadline")
    if recap.deadline <= recap.settle:
        yield (
            where or origin.get("settle", f"{rpath}.settle"),
            (
                f"the recap deadline ({format_duration(recap.deadline)}) must be longer than "
                f"recap.settle ({format_duration(recap.settle)}), the wait for notes to settle"
            ),
        )
    needed = recap.remind_manager_after + PARTIAL_LEAD
    if recap.deadline < needed:
        yield (
            where or origin.get("remind_manager_after", f"{rpath}.remind_manager_after"),
            (
                f"the recap deadline ({format_duration(recap.deadline)}) leaves no time for "
                f"the reminder after {format_duration(recap.remind_manager_after)}: without "
                "notes the recap goes "
                f"out {format_duration(PARTIAL_LEAD)} before the deadline; make the deadline "
                f"at least {format_duration(needed)}"
            ),
        )


def domain_problems(google: GoogleSettings, managers: Iterable[Manager]) -> Iterator[Finding]:
    """A service account acts for every manager listed: each must be in the allowed domains."""
    if google.auth != "service_account" or not google.domains:
        return
    allowed = ", ".join(google.domains)
    for i, manager in enumerate(managers):
        email = manager.person.email
        if email.rpartition("@")[2] not in google.domains:
            yield (
                f"managers[{i}].email",
                (
                    f"{email} is outside calendar.google.domains ({allowed}); the service "
                    "account only acts for managers in those domains"
                ),
            )


def metrics_access(raw: RawMetricsAccess | None, errors: list[Finding]) -> MetricsAccess:
    """The metrics server's access rules; basic auth needs a user name without a colon."""
    if raw is None:
        return MetricsAccess()
    access = MetricsAccess(
        hosts=tuple(dict.fromkeys(raw.hosts)) if raw.hosts else MetricsAccess.hosts,
        auth=raw.auth or "none",
        username=raw.username,
    )
    if access.auth == "basic" and not access.username:
        errors.append(("metrics_access.username", "missing (auth: basic needs a user name)"))
    if access.username is not None and ":" in access.username:
        errors.append(("metrics_access.username", "a user name cannot hold ':' (basic auth)"))
    return access
