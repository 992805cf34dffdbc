"""``doctor``'s look at the reps' calendars the service may read.

Reading a rep's calendar is optional: without it a rep's decline is the signal of a conflict on
their side. So a rep whose read-only login is broken (revoked, or a delegation the Workspace
admin never authorised) is a warning, not a failure: the service goes on, seeing less. Each
readable rep is tried as the service would (the same credentials, the read-only scope, one
``events.list``), so a pass here means the service sees that rep's meetings.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
from google.auth.exceptions import GoogleAuthError
from google.auth.transport.requests import Request

from integrations.google.google_client import build_service
from integrations.google.rep_logins import rep_access
from integrations.redaction import redact
from integrations.shell.checks import Check
from scheduler.errors import UserError
from scheduler.model import Config
from scheduler.words import plural

_FALLBACK = "the service falls back to {rep}'s declines"


def check_rep_calendars(config: Config) -> Iterator[Check]:
    """One summary line, then one line per rep whose calendar the service would read."""
    if config.calendar.provider == "sandbox":
        return
    access = rep_access(config)
    managers = {m.person.email.lower() for m in config.managers}
    reps = sorted({p.rep.email.lower() for p in config.pairs} - managers)
    readable = [rep for rep in reps if access.readable(rep)]
    yield Check(
        "ok",
        "rep calendars",
        f"{len(readable)} of {plural(len(reps), 'rep')} readable (read-only); for the others a "
        "decline is the only sign of a conflict on their side",
    )
    root_url = config.calendar.google.api_endpoint
    for rep in readable:
        yield _check_rep(rep, access.credentials, root_url, _hint(config, rep))


def _check_rep(rep: str, credentials_for: Any, root_url: str | None, hint: str) -> Check:
    what = f"rep calendar {rep}"
    fallback = _FALLBACK.format(rep=rep)
    with requests.Session() as session:
        try:
            creds = credentials_for(rep)
            creds.refresh(Request(session))
        except (UserError, GoogleAuthError, OSError, ValueError) as exc:
            return Check("warn", what, f"{redact(str(exc))}; {fallback}; {hint}")
    service: Any = build_service("calendar", "v3", credentials=creds, root_url=root_url)
    try:
        service.events().list(calendarId="primary", maxResults=1).execute()
    except Exception as exc:
        return Check("warn", what, f"{redact(f'{type(exc).__name__}: {exc}')}; {fallback}")
    finally:
        service.close()
    return Check("ok", what, "readable with calendar.events.readonly")


def _hint(config: Config, rep: str) -> str:
    if config.calendar.google.auth == "service_account":
        return (
            "the Workspace admin must authorise calendar.events.readonly for the service "
            "account's client id (domain-wide delegation)"
        )
    if config.calendar.google.auth == "authorized_user_file":
        return f"replace or remove {rep}'s credentials file"
    return f"run 'oneonone auth login {rep}' again, or 'oneonone auth logout {rep}'"
