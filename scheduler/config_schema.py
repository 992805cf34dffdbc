"""The config file's shape as pydantic models: what may be written, documented key by key.

These models mirror the YAML one to one (``extra="forbid"`` everywhere, so a typo is an error)
and carry a description and an example on every field, so ``config_json_schema()`` can feed
editors. They hold values exactly as written (``None`` = not set here): inheritance
defaults → manager → rep is resolved afterwards by ``scheduler.config_resolve``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from scheduler import parse
from scheduler.config_fields import (
    ROTATION_KINDS,
    BasicUser,
    CadenceText,
    ClockTime,
    Date,
    DomainName,
    Duration,
    Email,
    HostName,
    Hours,
    PositiveDuration,
    RotationKind,
    Sender,
    Step,
    Weekday,
    Zone,
    _date,
    _opt,
    _req,
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RawGoogle(_Strict):
    auth: Literal["keyring", "authorized_user_file", "service_account"] | None = _opt(
        "How each manager's Google credentials are found. Default: keyring.", "keyring"
    )
    authorized_user_file: str | None = _opt(
        "google-auth authorized_user JSON; relative to the config file; may hold {email}.",
        "./secrets/{email}.json",
    )
    service_account_file: str | None = _opt(
        "Service-account key with domain-wide delegation; impersonates each manager.",
        "./secrets/service-account.json",
    )
    api_endpoint: str | None = _opt(
        "Replaces https://www.googleapis.com/ for Calendar and Gmail (an emulator or proxy).",
        "http://127.0.0.1:8085/",
    )
    domains: list[DomainName] | None = _opt(
        "With auth: service_account, the organisation's e-mail domains: only managers in them "
        "are impersonated, and a manager outside them is a config error.",
        ["example.com"],
        min_length=1,
    )


class RawMetricsAccess(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={  # editors flag what check flags: basic auth needs a user name
            "if": {"properties": {"auth": {"const": "basic"}}, "required": ["auth"]},
            "then": {"required": ["username"], "properties": {"username": True}},
        },
    )
    hosts: list[HostName] | None = _opt(
        "Host names (and addresses) the server answers to; any other Host header gets 421. "
        "Add the name a reverse proxy uses. Default: [localhost, 127.0.0.1].",
        ["localhost", "127.0.0.1", "metrics.example.com"],
        min_length=1,
    )
    auth: Literal["none", "token", "basic"] | None = _opt(
        "none, token (Authorization: Bearer SECRET) or basic (username and SECRET); SECRET "
        "comes from the systemd credential oneonone-metrics-secret or $ONEONONE_METRICS_SECRET. "
        "/healthz stays open. Default: none.",
        "token",
    )
    username: BasicUser | None = _opt("The user name for auth: basic (no colon).", "prometheus")


class RawCalendar(_Strict):
    provider: Literal["sandbox", "google"] | None = _opt(
        "sandbox (built-in local emulator) or google. Default: sandbox.", "sandbox"
    )
    google: RawGoogle | None = _opt("Google settings (used when provider is google).", {})
    poll_interval: PositiveDuration | None = _opt(
        "How often calendars are read. Default: 60s.", "60s"
    )
    adopt_existing: bool | None = _opt(
        "Adopt an existing manager+rep recurring event instead of creating a second. "
        "Default: true.",
        True,
    )


class RawSmtp(_Strict):
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={  # editors flag what check flags: implicit TLS or STARTTLS, not both
            "not": {
                "required": ["ssl", "starttls"],
                "properties": {"ssl": {"const": True}, "starttls": {"const": True}},
            }
        },
    )
    host: str | None = _opt("SMTP server host name.", "smtp.example.com")
    port: int | None = _opt("SMTP port. Default: 587.", 587, ge=1, le=65535)
    starttls: bool | None = _opt("Upgrade with STARTTLS. Default: true.", True)
    ssl: bool | None = _opt("Connect with implicit TLS (port 465). Default: false.", False)
    username: str | None = _opt("Login name; the password lives in the keyring.", "oneonone")


class RawEmail(_Strict):
    provider: Literal["outbox", "gmail", "smtp"] | None = _opt(
        "outbox (.eml files in a folder), gmail (sent as the manager) or smtp. Default: outbox.",
        "outbox",
    )
    sender: Sender | None = _opt(
        "Sender for outbox, smtp and alerts; Reply-To is the manager. A display name with "
        "a colon is quoted when sent.",
        '"1:1 keeper" <oneonone@example.com>',
        alias="from",
    )
    outbox_dir: str | None = _opt(
        "Folder for .eml files; relative to the config file. Default: ./var/outbox.",
        "./var/outbox",
    )
    smtp: RawSmtp | None = _opt("SMTP server settings (used when provider or alerts is smtp).", {})
    alerts: Literal["smtp", "outbox"] | None = _opt(
        "How alerts to managers and the ops address go, sent from 'from' and independent of "
        "any manager's login: smtp or outbox. Default: the provider; with gmail, alerts about "
        "a login or sending go to the outbox folder.",
        "smtp",
    )


class RawRebook(_Strict):
    same_day_only: bool | None = _opt(
        "true: a shorter slot the same day beats a full one on another day. false: a "
        "full-length slot on the next business day beats a shorter one the same day (with "
        "if_no_slot: next_business_day). Default: true.",
        True,
    )
    min_notice: Duration | None = _opt("Never move a 1:1 to sooner than this from now.", "30m")
    allow_shorter: Duration | None = _opt(
        "Shortest acceptable meeting when no full slot is free; null = never shorter.", "30m"
    )
    if_no_slot: Literal["next_business_day", "notify_only"] | None = _opt(
        "What happens when nothing fits the day.", "next_business_day"
    )
    on_out_of_office: Literal["next_business_day", "skip"] | None = _opt(
        "What happens when the rep or manager is out of office.", "next_business_day"
    )
    buffer: Duration | None = _opt("Free time kept around a moved 1:1.", "0m")
    look_ahead: Duration | None = _opt("How far ahead bumps are watched.", "14d")
    step: Step | None = _opt(
        "A moved 1:1 starts on the manager's clock at a multiple of this (one of 1m, 5m, "
        "10m, 15m, 20m, 30m, 1h). Default: 15m.",
        "15m",
    )
    unknown_rep_busy: Literal["move", "notify_only"] | None = _opt(
        "When Google cannot show the rep's calendar (a rep outside your organisation): move "
        "within your free time and the rep's working hours and tell the rep, or notify_only "
        "(leave it and tell you).",
        "move",
    )


class RawAgenda(_Strict):
    send_before: Duration | None = _opt("Prep e-mails go out this long before.", "24h")
    rotation: list[RotationKind] | None = _opt(
        "Meeting types week by week (a pattern of weeks, not of meetings: a slower cadence "
        f"takes what fell due since the last 1:1); each one of {', '.join(ROTATION_KINDS)}.",
        ["pipeline", "coaching", "pipeline", "career"],
        min_length=1,
    )
    performance_every: int | None = _opt(
        "A performance review every N weeks (0 = never).", 12, ge=0
    )
    forecast: Literal["month", "quarter", "none"] | None = _opt(
        "A 1:1 in the last week of every month (month), of a quarter only (quarter), or never "
        "(none) is a forecast review.",
        "month",
    )
    better_manager_every: int | None = _opt(
        'Every Nth meeting asks "what could I do better as your manager?" (0 = never).', 2, ge=0
    )


class RawRecap(_Strict):
    deadline: Duration | None = _opt("The recap goes out at the latest this long after.", "48h")
    remind_manager_after: Duration | None = _opt(
        "Remind the manager to write notes this long after the meeting.", "4h"
    )
    settle: Duration | None = _opt("Wait this long after the end before acting.", "30m")


class RawPause(_Strict):
    start: Date = _req("First day of the pause (YYYY-MM-DD).", "2026-12-21", alias="from")
    until: Date = _req("Last day of the pause (YYYY-MM-DD).", "2027-01-04")
    reason: str | None = _opt("Why (shown in logs).", "holidays")


class RawSkip(_Strict):
    date: Date = _req(
        "The day of the 1:1 to skip, in the manager's zone (YYYY-MM-DD).", "2026-12-08"
    )
    reason: str | None = _opt("Why; the rep's note says it.", "customer visit")


def _skip_entry(value: object) -> RawSkip:
    """A bare date, or ``{date, reason}``."""
    if isinstance(value, RawSkip):
        return value
    if isinstance(value, dict):
        return RawSkip.model_validate(value)
    return RawSkip(date=_date(value))


SkipEntry = Annotated[
    RawSkip,
    PlainValidator(_skip_entry),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "string", "format": "date"},
                {
                    "type": "object",
                    "properties": {
                        "date": {
                            "type": "string",
                            "format": "date",
                            "description": "The day of the 1:1 to skip (manager's zone).",
                            "examples": ["2026-12-08"],
                        },
                        "reason": {
                            "type": ["string", "null"],
                            "description": "Why; the rep's note says it.",
                            "examples": ["customer visit"],
                        },
                    },
                    "required": ["date"],
                    "additionalProperties": False,
                },
            ]
        }
    ),
]


class RawSchedule(_Strict):
    """Keys that defaults, a manager and a rep may all set."""

    cadence: CadenceText | None = _opt(
        f"How often: {parse.CADENCES_TEXT}. Default: weekly.", "weekly"
    )
    duration: PositiveDuration | None = _opt("Length of the 1:1. Default: 45m.", "45m")
    working_hours: Hours | None = _opt(
        "Working hours in the person's own zone. Default: mon-fri 09:00-17:30.",
        "mon-fri 09:00-12:00 13:00-17:30",
    )
    day: Weekday | None = _opt("Weekday of the 1:1, in the manager's zone.", "tuesday")
    time: ClockTime | None = _opt("Start time, 24-hour, quoted, in the manager's zone.", "10:00")
    rebook: RawRebook | None = _opt("How bumped 1:1s are moved (merged key by key).", {})
    agenda: RawAgenda | None = _opt("Prep agenda settings (merged key by key).", {})
    recap: RawRecap | None = _opt("Recap settings (merged key by key).", {})


class RawDefaults(RawSchedule):
    pass


class RawRep(RawSchedule):
    name: str = _req("The rep's name.", "Sam Ortiz", min_length=1)
    email: Email = _req("The rep's address (invited to the 1:1).", "sam@example.com")
    timezone: Zone | None = _opt(
        "The rep's zone. Default: the top-level timezone.", "Europe/London"
    )
    start: Date | None = _opt(
        "First meeting on or after this date (anchors biweekly).", "2026-01-06"
    )
    title: str | None = _opt("Event title. Default: 1:1 Manager / Rep.", "1:1 Dana / Sam")
    pause: RawPause | None = _opt(
        "No 1:1s in this period.", {"from": "2026-08-03", "until": "2026-08-14"}
    )
    skip: list[SkipEntry] | None = _opt(
        "Single 1:1s not held, by date in the manager's zone (YYYY-MM-DD or {date, reason}); "
        "each is cancelled on its own and the rep gets one short note. Remove a date before "
        "the meeting and it comes back.",
        ["2026-12-08", {"date": "2026-12-15", "reason": "customer visit"}],
    )


class RawManager(RawSchedule):
    name: str = _req("The manager's name.", "Dana Whitfield", min_length=1)
    email: Email = _req("The manager's address; owns the series.", "dana@example.com")
    timezone: Zone | None = _opt(
        "The manager's zone. Default: the top-level timezone.", "America/New_York"
    )
    kpis: str | None = _opt(
        "KPI CSV file (rep,kpi,kind,actual,goal,period[,start,end]); relative to the config file.",
        "./kpis/dana.csv",
    )
    deals: str | None = _opt(
        "Deal CSV file (rep,deal,stage,amount,close_date,last_activity,next_step[,stage_since]); "
        "relative to the config file.",
        "./kpis/dana-deals.csv",
    )
    pause: RawPause | None = _opt(
        "No 1:1s for any of this manager's reps in this period.",
        {"from": "2026-12-21", "until": "2027-01-04", "reason": "holidays"},
    )
    reps: list[RawRep] = Field(
        default_factory=list, description="The manager's reps.", examples=[[]]
    )


class RawConfig(_Strict):
    timezone: Zone = _req("Default IANA zone for everyone below.", "America/Chicago")
    calendar: RawCalendar | None = _opt("Where the 1:1s live.", {"provider": "sandbox"})
    email: RawEmail | None = _opt("How e-mails are sent.", {"provider": "outbox"})
    state: str | None = _opt(
        "SQLite state file; relative to the config file. Default: ./var/state.db.",
        "./var/state.db",
    )
    ops_email: Email | None = _opt("Alerts also go here.", "ops@example.com")
    metrics_port: int | None = _opt(
        "Serve /healthz, /metrics and a status page on 127.0.0.1 at this port.",
        9464,
        ge=1,
        le=65535,
    )
    metrics_access: RawMetricsAccess | None = _opt(
        "Who may read the metrics server: Host names and optional authentication.",
        {"hosts": ["localhost", "127.0.0.1"], "auth": "none"},
    )
    templates_dir: str | None = _opt("Overrides built-in templates by file name.", "./templates")
    notes_dir: str | None = _opt("One Markdown notes file per occurrence.", "./notes")
    holidays: list[Date] | None = _opt("Dates no 1:1 moves into.", ["2026-12-25"])
    defaults: RawDefaults | None = _opt("Settings every manager and rep inherits.", {})
    managers: list[RawManager] = _req("The managers and their reps.", [])
