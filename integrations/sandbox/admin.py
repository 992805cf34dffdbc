"""The ``/_sandbox/`` admin API: seed and inspect state, script faults, read counts and mail.

No auth and no counting: tests and the demo drive the emulator through it, acting as any user
with full rights (an edit by a non-organizer is applied to the organizer's event).
"""

from __future__ import annotations

import re
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

from integrations.sandbox.auth import Auth, full_scope
from integrations.sandbox.copies import organizer_of
from integrations.sandbox.errors import ApiError, bad_request, not_found
from integrations.sandbox.events import Events
from integrations.sandbox.gmail import Gmail
from integrations.sandbox.metering import Meter
from integrations.sandbox.reads import Reads
from integrations.sandbox.store import Store
from integrations.sandbox.wire import Request, Response

Action = Callable[[list[str], Request], Any]
_USER = r"/_sandbox/users/([^/]+)"


class AdminApi:
    def __init__(
        self, lock: threading.RLock, store: Store, auth: Auth, events: Events, reads: Reads,
        gmail: Gmail, meter: Meter, base_url: Callable[[], str],
    ) -> None:  # fmt: skip
        self.lock, self.store, self.auth, self.events = lock, store, auth, events
        self.reads, self.gmail, self.meter, self.base_url = reads, gmail, meter, base_url
        self.routes: list[tuple[str, re.Pattern[str], Action]] = [
            (verb, re.compile(path), action)
            for verb, path, action in [
                ("GET", r"/_sandbox/health", lambda a, r: {"ok": True}),
                ("POST", _USER + r"/events", self._insert),
                ("GET", _USER + r"/events", self._list),
                ("GET", _USER + r"/events/([^/]+)/instances", self._instances),
                ("POST", _USER + r"/events/([^/]+)/respond", self._respond),
                ("GET", _USER + r"/events/([^/]+)", lambda a, r: self.events.get(a[0], a[1])),
                ("PATCH", _USER + r"/events/([^/]+)", self._patch),
                ("DELETE", _USER + r"/events/([^/]+)", self._delete),
                ("POST", _USER + r"/calendar", self._calendar),
                ("POST", r"/_sandbox/tokens", self._issue),
                ("POST", r"/_sandbox/tokens/revoke", self._revoke),
                ("POST", r"/_sandbox/codes", self._code),
                ("POST", r"/_sandbox/faults", lambda a, r: self.meter.add_fault(r.json())),
                ("DELETE", r"/_sandbox/faults", lambda a, r: self.meter.clear_faults()),
                ("GET", r"/_sandbox/counts", lambda a, r: self.meter.counts()),
                ("POST", r"/_sandbox/counts/reset", lambda a, r: self.meter.reset()),
                ("POST", r"/_sandbox/sync/expire", self._expire),
                ("POST", r"/_sandbox/freebusy/errors", self._freebusy_error),
                ("GET", r"/_sandbox/mail", self._mail),
                ("GET", r"/_sandbox/notifications", self._notifications),
                ("GET", r"/_sandbox/requests", self._requests),
                ("GET", r"/_sandbox/mutations", lambda a, r: list(self.events.mutations)),
                ("POST", r"/_sandbox/config", self._config),
            ]
        ]

    def dispatch(self, req: Request) -> Response:
        for verb, pattern, action in self.routes:
            found = pattern.fullmatch(req.path)
            if found and verb == req.method:
                args = [urllib.parse.unquote(g).lower() if i == 0 and req.path.startswith(
                    "/_sandbox/users/") else urllib.parse.unquote(g)
                    for i, g in enumerate(found.groups())]  # fmt: skip
                try:
                    with self.lock:
                        result = action(args, req)
                except ApiError as error:
                    return Response.of_error(error)
                return Response.of_json({"ok": True} if result is None else result)
        return Response.of_error(not_found(f"Not Found: {req.method} {req.path}"))

    def _insert(self, args: list[str], req: Request) -> Any:
        return self.events.insert(args[0], req.json(), _one(req, "sendUpdates"))

    def _list(self, args: list[str], req: Request) -> Any:
        return self.reads.list_events(args[0], req.query)

    def _instances(self, args: list[str], req: Request) -> Any:
        return self.reads.instances(args[0], self.events.get(args[0], args[1]), req.query)

    def _owner(self, user: str, event_id: str) -> str:
        organizer = organizer_of(self.events.get(user, event_id))
        return organizer or user

    def _patch(self, args: list[str], req: Request) -> Any:
        owner = self._owner(args[0], args[1])
        self.events.modify(owner, args[1], req.json(), replace=False)
        return self.events.get(args[0], args[1])

    def _delete(self, args: list[str], req: Request) -> Any:
        self.events.delete(args[0], args[1])

    def _respond(self, args: list[str], req: Request) -> Any:
        status = req.json().get("responseStatus")
        if not isinstance(status, str):
            raise bad_request("responseStatus is required")
        comment = req.json().get("comment")
        return self.events.respond(
            args[0], args[1], status, comment if isinstance(comment, str) else None
        )

    def _calendar(self, args: list[str], req: Request) -> Any:
        meta = self.store.calendar(args[0])
        meta.time_zone = str(req.json().get("timeZone", meta.time_zone))
        self.store.save_calendar(meta)

    def _issue(self, args: list[str], req: Request) -> Any:
        body = req.json()
        if not body.get("email"):
            raise bad_request("email is required")
        issued: dict[str, Any] = self.auth.issue_refresh_token(
            str(body["email"]), body.get("scopes")
        )
        issued["token_uri"] = self.base_url() + "token"
        return issued

    def _code(self, args: list[str], req: Request) -> Any:
        body = req.json()
        if not body.get("email") or not body.get("redirect_uri"):
            raise bad_request("email and redirect_uri are required")
        scopes = [str(s) for s in body.get("scopes") or []]
        code = self.auth.issue_code(str(body["email"]), scopes, str(body["redirect_uri"]))
        return {"code": code, "token_uri": self.base_url() + "token"}

    def _revoke(self, args: list[str], req: Request) -> Any:
        self.auth.revoke(str(req.json().get("email", "")))

    def _expire(self, args: list[str], req: Request) -> Any:
        meta = self.store.calendar(str(req.json().get("email", "")).lower())
        meta.sync_floor = self.store.next_seq()
        self.store.save_calendar(meta)

    def _freebusy_error(self, args: list[str], req: Request) -> Any:
        body = req.json()
        meta = self.store.calendar(str(body.get("email", "")).lower())
        meta.freebusy_error = body.get("reason")
        self.store.save_calendar(meta)

    def _mail(self, args: list[str], req: Request) -> Any:
        return self.gmail.sent(_one(req, "user"))

    def _notifications(self, args: list[str], req: Request) -> Any:
        return self.events.notifications.received(_one(req, "user"))

    def _requests(self, args: list[str], req: Request) -> Any:
        return self.meter.requests(int(_one(req, "limit") or 50))

    def _config(self, args: list[str], req: Request) -> Any:
        body = req.json()
        if "page_jitter" in body:
            self.reads.page_jitter = float(body["page_jitter"])
        if "seed" in body:
            self.meter.rng.seed(body["seed"])
        if "dwd_scopes" in body:
            self.auth.dwd_scopes = {full_scope(s) for s in body["dwd_scopes"]}
        self.events.org.configure(body.get("domains"), body.get("non_google_domains"))
        if "reset_responses_on_time_change" in body:
            self.events.reset_responses_on_time_change = bool(
                body["reset_responses_on_time_change"]
            )
        return {
            **self.events.org.settings(),
            "reset_responses_on_time_change": self.events.reset_responses_on_time_change,
        }


def _one(req: Request, name: str) -> str | None:
    values = req.query.get(name)
    return values[-1] if values else None
