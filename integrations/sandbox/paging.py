"""Opaque page and sync tokens, and the parsing of list parameters shared by list/instances.

Page tokens are cursors (the sort key of the last item returned), so a page never skips an
event when the calendar changes between pages. Sync tokens carry the calendar and the change
sequence they were issued at.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from typing import Any

from integrations.sandbox import recurrence
from integrations.sandbox.errors import ApiError, bad_request, invalid

Params = dict[str, list[str]]


def encode(payload: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode()


def decode(token: str) -> dict[str, Any] | None:
    try:
        value = json.loads(base64.urlsafe_b64decode(token.encode() + b"==="))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def one(params: Params, name: str) -> str | None:
    values = params.get(name)
    return values[-1] if values else None


def flag(params: Params, name: str, default: bool = False) -> bool:
    value = one(params, name)
    if value is None:
        return default
    if value.lower() not in ("true", "false"):
        raise invalid(f"Invalid boolean value for {name}.")
    return value.lower() == "true"


def moment(params: Params, name: str) -> dt.datetime | None:
    value = one(params, name)
    if value is None:
        return None
    try:
        return recurrence.parse_rfc3339(value)
    except ValueError as exc:
        raise bad_request("Bad Request") from exc


def window(params: Params) -> tuple[dt.datetime | None, dt.datetime | None]:
    time_min, time_max = moment(params, "timeMin"), moment(params, "timeMax")
    if time_min is not None and time_max is not None and time_min >= time_max:
        raise ApiError(400, "timeRangeEmpty", "The specified time range is empty.")
    return time_min, time_max


def max_results(params: Params) -> int:
    value = one(params, "maxResults")
    if value is None:
        return 250
    try:
        number = int(value)
    except ValueError as exc:
        raise invalid("Invalid value for maxResults.") from exc
    if not 1 <= number <= 2500:
        raise invalid(f"Invalid value '{value}'. Values must be within the range: [1, 2500]")
    return number


def page_cursor(params: Params) -> dict[str, Any] | None:
    token = one(params, "pageToken")
    if token is None:
        return None
    cursor = decode(token)
    if cursor is None or not isinstance(cursor.get("k"), list):
        raise invalid("Invalid page token value.")
    return cursor


def after(items: list[tuple[list[str], dict[str, Any]]], key: list[str] | None) -> list[Any]:
    if key is None:
        return items
    return [item for item in items if item[0] > key]
