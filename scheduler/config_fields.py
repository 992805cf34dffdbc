"""The value types of the config: how each value is parsed, and how its JSON Schema says it.

``config_schema`` builds the models from these; each type carries its own parser (the same one
``check`` uses, so the schema and the check never disagree) and its own schema text.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import zoneinfo
from typing import Annotated, Any

from pydantic import Field, PlainValidator, WithJsonSchema

from scheduler import parse
from scheduler.model import Cadence, WorkingHours

ROTATION_KINDS = ("pipeline", "career", "performance", "forecast", "coaching")
"""Meeting types an agenda rotation may name."""


FIRST_DATE = dt.date(1970, 1, 1)
LAST_DATE = dt.date(2199, 12, 31)
"""Dates outside these are typos, and would overflow date arithmetic near year 1 or 9999."""


def _date(value: object) -> dt.date:
    if isinstance(value, str):
        with contextlib.suppress(ValueError):
            value = dt.date.fromisoformat(value.strip())
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        if FIRST_DATE <= value <= LAST_DATE:
            return value
        raise ValueError(f"{value.isoformat()} is not between {FIRST_DATE} and {LAST_DATE}")
    raise ValueError(f"{parse.describe(value)} is not a date (YYYY-MM-DD)")


def _sender(value: object) -> str:
    if isinstance(value, str):
        try:
            parse.split_sender(value)
            return value.strip()
        except ValueError:
            pass
    raise ValueError(
        f'{parse.describe(value)} is not a sender; write "Name <name@example.com>" or an address'
    )


def _rotation_kind(value: object) -> str:
    if isinstance(value, str) and value.strip().lower() in ROTATION_KINDS:
        return value.strip().lower()
    raise ValueError(f"{parse.describe(value)} is not one of {', '.join(ROTATION_KINDS)}")


def _text(pattern: str | None = None, fmt: str | None = None) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    if fmt:
        schema["format"] = fmt
    return WithJsonSchema(schema)


Duration = Annotated[
    dt.timedelta, PlainValidator(parse.parse_duration), _text(parse.DURATION_PATTERN)
]
# A length that must not be zero (a 1:1, the poll interval): the same language, all-zero refused.
PositiveDuration = Annotated[
    dt.timedelta,
    PlainValidator(parse.parse_duration),
    _text(r"^(?!\s*(?:0+[dDhHmMsS]\s*)+$)" + parse.DURATION_PATTERN.removeprefix("^")),
]
# The rebooking grid: whole minutes that divide an hour (what check accepts), or 1h.
Step = Annotated[
    dt.timedelta,
    PlainValidator(parse.parse_duration),
    _text(r"^\s*(?:(?:1|2|3|4|5|6|10|12|15|20|30|60)[mM]|1[hH])\s*$"),
]
ClockTime = Annotated[dt.time, PlainValidator(parse.parse_time), _text(parse.TIME_PATTERN)]
Weekday = Annotated[int, PlainValidator(parse.parse_weekday), _text(parse.WEEKDAY_PATTERN)]
Hours = Annotated[
    WorkingHours, PlainValidator(parse.parse_working_hours), _text(parse.HOURS_PATTERN)
]
CadenceText = Annotated[Cadence, PlainValidator(parse.parse_cadence), _text(parse.CADENCE_PATTERN)]
ZONE_MARK = {"$comment": "IANA time zone"}
"""Where a zone goes; ``with_zone_enum`` turns it into a reference to the one list of zones
under ``$defs`` (written once, not at each of the three keys that take a zone)."""
Zone = Annotated[str, PlainValidator(parse.parse_timezone), WithJsonSchema(dict(ZONE_MARK))]


def with_zone_enum(schema: dict[str, Any]) -> dict[str, Any]:
    """Every zone key refers to ``$defs/TimeZone``: the zones ``zoneinfo`` knows."""

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if node.get("$comment") == ZONE_MARK["$comment"]:
                del node["$comment"]
                node["$ref"] = "#/$defs/TimeZone"
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)
    zones = sorted(zoneinfo.available_timezones())
    schema.setdefault("$defs", {})["TimeZone"] = {"type": "string", "enum": zones}
    return schema


# In editors only (check words its own error): a basic-auth user name holds no colon.
BasicUser = Annotated[str, _text(r"^[^:]+$")]
_LABEL = "[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
Email = Annotated[str, PlainValidator(parse.parse_email), _text(fmt="email")]
# A sender names an address somewhere (a pattern is matched anywhere in the text).
Sender = Annotated[str, PlainValidator(_sender), _text(r"@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")]
Date = Annotated[
    dt.date,
    PlainValidator(_date),
    _text(r"^\s*(?:19[7-9][0-9]|2[01][0-9][0-9])-[0-9]{2}-[0-9]{2}\s*$", fmt="date"),
]
HostName = Annotated[
    str,
    PlainValidator(parse.parse_host),
    _text(rf"^\s*(?:\[?[0-9A-Fa-f:.]+\]?|{_LABEL}(?:\.{_LABEL})*)\s*$"),
]
DomainName = Annotated[
    str, PlainValidator(parse.parse_domain), _text(rf"^\s*@?{_LABEL}(?:\.{_LABEL})+\s*$")
]
RotationKind = Annotated[
    str, PlainValidator(_rotation_kind), WithJsonSchema({"enum": list(ROTATION_KINDS)})
]


def _opt(description: str, example: object, **extra: Any) -> Any:
    """An optional key: ``None`` means "not set here, inherit"."""
    return Field(default=None, description=description, examples=[example], **extra)


def _req(description: str, example: object, **extra: Any) -> Any:
    return Field(description=description, examples=[example], **extra)
