"""The resolved configuration: what the service should maintain, as plain frozen values.

``scheduler.config`` turns the YAML into these objects, resolving the defaults → manager → rep
inheritance; everything after that (planning, slots, agendas) reads only these types.
Time zones are kept as IANA names and turned into ``ZoneInfo`` on use.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

Minutes = tuple[int, int]
"""A range of minutes since local midnight, ``(start, end)`` with ``0 <= start < end <= 1440``."""


@dataclass(frozen=True)
class WorkingHours:
    """Working time per weekday (Monday = 0), in the person's own zone."""

    by_weekday: tuple[tuple[Minutes, ...], ...]
    text: str = ""

    def ranges_on(self, weekday: int) -> tuple[Minutes, ...]:
        return self.by_weekday[weekday]

    def is_working_day(self, weekday: int) -> bool:
        return bool(self.by_weekday[weekday])


@dataclass(frozen=True)
class Cadence:
    """How often a pair meets: every ``weeks`` weeks, or monthly (same nth weekday)."""

    kind: Literal["weekly", "monthly"]
    weeks: int = 1
    text: str = "weekly"


@dataclass(frozen=True)
class RebookPolicy:
    same_day_only: bool = True
    min_notice: dt.timedelta = dt.timedelta(minutes=30)
    allow_shorter: dt.timedelta | None = dt.timedelta(minutes=30)
    if_no_slot: Literal["next_business_day", "notify_only"] = "next_business_day"
    on_out_of_office: Literal["next_business_day", "skip"] = "next_business_day"
    buffer: dt.timedelta = dt.timedelta(0)
    look_ahead: dt.timedelta = dt.timedelta(days=14)
    step: dt.timedelta = dt.timedelta(minutes=15)
    unknown_rep_busy: Literal["move", "notify_only"] = "move"


@dataclass(frozen=True)
class AgendaPolicy:
    send_before: dt.timedelta = dt.timedelta(hours=24)
    rotation: tuple[str, ...] = ("pipeline", "coaching", "pipeline", "career")
    performance_every: int = 12
    better_manager_every: int = 2
    forecast: Literal["month", "quarter", "none"] = "month"


@dataclass(frozen=True)
class RecapPolicy:
    deadline: dt.timedelta = dt.timedelta(hours=48)
    remind_manager_after: dt.timedelta = dt.timedelta(hours=4)
    settle: dt.timedelta = dt.timedelta(minutes=30)


PARTIAL_LEAD = dt.timedelta(hours=2)
"""How long before the deadline what there is goes out when no notes came (here, beside the
policy, for the config's check of a deadline: reading a config needs no recap machinery)."""


@dataclass(frozen=True)
class Pause:
    start: dt.date
    until: dt.date
    reason: str = ""
    skip: bool = False  # one 1:1 skipped (``skip:`` on a rep): a pause of that one day


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    timezone: str
    working_hours: WorkingHours

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class Pair:
    """One manager/rep 1:1 with every setting resolved.

    ``day`` (Monday = 0) and ``time`` are in the manager's zone: the manager owns the series.
    """

    manager: Person
    rep: Person
    cadence: Cadence
    day: int
    time: dt.time
    duration: dt.timedelta
    rebook: RebookPolicy = field(default_factory=RebookPolicy)
    agenda: AgendaPolicy = field(default_factory=AgendaPolicy)
    recap: RecapPolicy = field(default_factory=RecapPolicy)
    start: dt.date | None = None
    title: str = ""
    pauses: tuple[Pause, ...] = ()
    line: int = 0

    @property
    def key(self) -> str:
        """Stable identity of the pair across runs: manager and rep emails."""
        return f"{self.manager.email}/{self.rep.email}"

    @property
    def summary(self) -> str:
        return self.title or f"1:1 {self.manager.name} / {self.rep.name}"


@dataclass(frozen=True)
class GoogleSettings:
    auth: Literal["keyring", "authorized_user_file", "service_account"] = "keyring"
    authorized_user_file: str | None = None
    service_account_file: str | None = None
    api_endpoint: str | None = None
    domains: tuple[str, ...] = ()  # service-account impersonation stays inside these


@dataclass(frozen=True)
class CalendarSettings:
    provider: Literal["sandbox", "google"] = "sandbox"
    google: GoogleSettings = field(default_factory=GoogleSettings)
    poll_interval: dt.timedelta = dt.timedelta(seconds=60)
    adopt_existing: bool = True


@dataclass(frozen=True)
class SmtpSettings:
    host: str | None = None
    port: int = 587
    starttls: bool = True
    ssl: bool = False
    username: str | None = None


@dataclass(frozen=True)
class EmailSettings:
    provider: Literal["outbox", "gmail", "smtp"] = "outbox"
    sender: str = '"1:1 keeper" <oneonone@example.com>'
    outbox_dir: Path = Path("var/outbox")
    smtp: SmtpSettings = field(default_factory=SmtpSettings)
    alerts: Literal["smtp", "outbox"] | None = None

    @property
    def alerts_transport(self) -> Literal["smtp", "outbox"] | None:
        """The transport of its own that alerts take (None: the main one).

        With Gmail the main one sends as the manager, so an alert that her login died could
        not go that way: unless ``alerts`` says otherwise, such alerts go to the outbox folder.
        """
        if self.alerts is not None:
            return self.alerts
        return "outbox" if self.provider == "gmail" else None


@dataclass(frozen=True)
class MetricsAccess:
    """Who the metrics server answers: the Host names it serves (a DNS-rebinding page sends its
    own), and how a caller proves who it is (the secret itself is never in the config)."""

    hosts: tuple[str, ...] = ("localhost", "127.0.0.1")
    auth: Literal["none", "token", "basic"] = "none"
    username: str | None = None


@dataclass(frozen=True)
class Manager:
    person: Person
    kpis: Path | None = None
    deals: Path | None = None
    line: int = 0


@dataclass(frozen=True)
class Config:
    timezone: str
    calendar: CalendarSettings
    email: EmailSettings
    state: Path
    managers: tuple[Manager, ...]
    pairs: tuple[Pair, ...]
    source: Path | None = None
    holidays: tuple[dt.date, ...] = ()
    ops_email: str | None = None
    metrics_port: int | None = None
    metrics_access: MetricsAccess = field(default_factory=MetricsAccess)
    templates_dir: Path | None = None
    notes_dir: Path | None = None
    warnings: tuple[str, ...] = ()
    digest: str = ""  # the file's bytes hashed (by the shell that read it); "" when built in code

    def manager(self, email: str) -> Manager:
        for m in self.managers:
            if m.person.email == email:
                return m
        raise KeyError(email)
