"""The private marks the service writes on the series it owns, and the ids it gives them.

They live on the event (``extendedProperties.private`` of the manager's copy), so a lost state
file never makes the service forget or duplicate a series, nor when it took charge of one.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from scheduler.model import Pair

TAG = "oneonone"
TAG_REP = "oneononeRep"
TAG_GEN = "oneononeGen"
TAG_SPEC = "oneononeSpec"
TAG_SINCE = "oneononeSince"  # when the service took charge (created or adopted), UTC
TAG_ADOPTED = "oneononeAdopted"  # "1" on a series a person made and the service adopted


def series_id(manager: str, rep: str, gen: int) -> str:
    """Deterministic base32hex event id (Google allows a-v, 0-9): same pair and gen, same id."""
    digest = hashlib.sha256(f"oneonone|{manager.lower()}|{rep.lower()}|{gen}".encode()).digest()
    return "oo" + base64.b32hexencode(digest).decode().lower().rstrip("=")[:30]


def spec_fingerprint(pair: Pair) -> str:
    minutes = int(pair.duration.total_seconds() // 60)
    anchor = pair.start.isoformat() if pair.start else "-"
    return (
        f"{pair.cadence.kind}/{pair.cadence.weeks}|{pair.day}|{pair.time:%H:%M}|"
        f"{pair.manager.timezone}|{minutes}m|{anchor}"
    )


def format_since(moment: dt.datetime) -> str:
    return f"{moment.astimezone(dt.UTC):%Y%m%dT%H%M%SZ}"


def parse_since(text: str) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(text, "%Y%m%dT%H%M%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def tags(
    pair: Pair,
    gen: int,
    spec: str | None = None,
    *,
    since: dt.datetime | None = None,
    adopted: bool = False,
) -> dict[str, str]:
    out = {
        TAG: "series",
        TAG_REP: pair.rep.email,
        TAG_GEN: str(gen),
        TAG_SPEC: spec if spec is not None else spec_fingerprint(pair),
    }
    if since is not None:
        out[TAG_SINCE] = format_since(since)
    if adopted:
        out[TAG_ADOPTED] = "1"
    return out
