"""The Google-facing router: maps production paths to discovery method ids, applies faults,
checks the bearer token and scopes, runs the handler under the store lock, and counts.
"""

from __future__ import annotations

import re
import threading
import time
import urllib.parse
from collections.abc import Callable

from integrations.sandbox import gmail as gmail_mod
from integrations.sandbox.auth import Auth, TokenError
from integrations.sandbox.errors import ApiError, not_found
from integrations.sandbox.events import Events
from integrations.sandbox.gmail import Gmail
from integrations.sandbox.metering import Fault, Meter
from integrations.sandbox.reads import Reads
from integrations.sandbox.wire import Request, Response

_EV = r"/calendar/v3/calendars/([^/]+)/events"
_ROUTES: list[tuple[str, re.Pattern[str], str]] = [
    ("POST", re.compile(_EV), "calendar.events.insert"),
    ("GET", re.compile(_EV), "calendar.events.list"),
    ("GET", re.compile(_EV + r"/([^/]+)/instances"), "calendar.events.instances"),
    ("GET", re.compile(_EV + r"/([^/]+)"), "calendar.events.get"),
    ("PATCH", re.compile(_EV + r"/([^/]+)"), "calendar.events.patch"),
    ("PUT", re.compile(_EV + r"/([^/]+)"), "calendar.events.update"),
    ("DELETE", re.compile(_EV + r"/([^/]+)"), "calendar.events.delete"),
    ("POST", re.compile(r"/calendar/v3/freeBusy"), "calendar.freebusy.query"),
    ("POST", re.compile(r"/gmail/v1/users/([^/]+)/messages/send"), "gmail.users.messages.send"),
    (
        "POST",
        re.compile(r"/upload/gmail/v1/users/([^/]+)/messages/send"),
        "gmail.users.messages.send",
    ),
    ("GET", re.compile(r"/gmail/v1/users/([^/]+)/profile"), "gmail.users.getProfile"),
]
Handler = Callable[[str, list[str], Request], Response]


def match(req: Request) -> tuple[str, list[str]] | None:
    for verb, pattern, method in _ROUTES:
        found = pattern.fullmatch(req.path)
        if verb == req.method and found:
            return method, [urllib.parse.unquote(g) for g in found.groups()]
    return None


class GoogleApi:
    def __init__(
        self, lock: threading.RLock, auth: Auth, events: Events, reads: Reads, gmail: Gmail,
        meter: Meter,
    ) -> None:  # fmt: skip
        self.lock, self.auth, self.events, self.reads = lock, auth, events, reads
        self.gmail, self.meter = gmail, meter
        self.handlers: dict[str, Handler] = {
            "calendar.events.insert": self._insert,
            "calendar.events.list": self._list,
            "calendar.events.instances": self._instances,
            "calendar.events.get": self._get,
            "calendar.events.patch": self._patch,
            "calendar.events.update": self._update,
            "calendar.events.delete": self._delete,
            "calendar.freebusy.query": self._freebusy,
            "gmail.users.messages.send": self._send,
            "gmail.users.getProfile": self._profile,
        }

    def dispatch(self, req: Request) -> Response:
        if req.path == "/token" and req.method == "POST":
            return self._token(req)
        found = match(req)
        method, args = found if found else ("unknown", [])
        user: str | None = None
        fault = self._pick(method)
        response = self._faulted(fault) if fault is not None and not fault.after else None
        if response is None:
            try:
                with self.lock:
                    if found is None:
                        raise not_found(f"Not Found: {req.method} {req.path}")
                    user = self.auth.bearer(req.headers.get("authorization"), method)
                    response = self.handlers[method](user, args, req)
            except ApiError as error:
                response = Response.of_error(error)
            if fault is not None and fault.after and response.status < 300:
                # The write took effect, but the answer is a server error. Google's errors
                # guide says of a 500 only "An unexpected error occurred while processing the
                # request" and to retry with backoff, never that nothing was written
                # (developers.google.com/workspace/calendar/api/guides/errors).
                response = self._faulted(fault) or response
        with self.lock:
            self.meter.record(method, response.status, user, req.path)
        return response

    def _pick(self, method: str) -> Fault | None:
        with self.lock:
            return self.meter.pick_fault(method)

    def _faulted(self, fault: Fault | None, token: bool = False) -> Response | None:
        if fault is None:
            return None
        if fault.latency:
            time.sleep(fault.latency)
        if not fault.status:
            return None
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else {}
        if token:
            body = {"error": fault.reason, "error_description": fault.describe()}
            return Response.of_json(body, fault.status, headers)
        error = ApiError(fault.status, fault.reason, fault.describe(), headers=headers)
        return Response.of_error(error)

    def _token(self, req: Request) -> Response:
        user = None
        response = self._faulted(self._pick("oauth2.token"), token=True)
        if response is None:
            try:
                with self.lock:
                    answer = self.auth.token(req.body, req.headers.get("authorization"))
                    response = Response.of_json(answer)
                    user = self.auth.user_of_refresh(
                        dict(urllib.parse.parse_qsl(req.body.decode()))
                    )
            except TokenError as error:
                response = Response.of_json(error.body, error.status)
        with self.lock:
            self.meter.record("oauth2.token", response.status, user, req.path)
        return response

    # -- calendar -----------------------------------------------------------------------
    @staticmethod
    def _cal(user: str, cal: str) -> str:
        cal = user if cal == "primary" else cal.lower()
        if cal != user:
            raise not_found("Not Found")
        return cal

    def _insert(self, user: str, args: list[str], req: Request) -> Response:
        cal = self._cal(user, args[0])
        send = _one(req, "sendUpdates")
        return Response.of_json(self.events.insert(cal, req.json(), send))

    def _list(self, user: str, args: list[str], req: Request) -> Response:
        return Response.of_json(self.reads.list_events(self._cal(user, args[0]), req.query))

    def _instances(self, user: str, args: list[str], req: Request) -> Response:
        cal = self._cal(user, args[0])
        master = self.events.get(cal, args[1])
        return Response.of_json(self.reads.instances(cal, master, req.query))

    def _get(self, user: str, args: list[str], req: Request) -> Response:
        event = self.events.get(self._cal(user, args[0]), args[1])
        if req.headers.get("if-none-match", "").strip() == event.get("etag"):
            return Response(304, b"", {"ETag": str(event.get("etag"))})
        return Response.of_json(event, headers={"ETag": str(event.get("etag"))})

    def _modify(self, user: str, args: list[str], req: Request, replace: bool) -> Response:
        event = self.events.modify(
            self._cal(user, args[0]), args[1], req.json(), replace=replace,
            if_match=req.headers.get("if-match"), send_updates=_one(req, "sendUpdates"),
        )  # fmt: skip
        return Response.of_json(event)

    def _patch(self, user: str, args: list[str], req: Request) -> Response:
        return self._modify(user, args, req, replace=False)

    def _update(self, user: str, args: list[str], req: Request) -> Response:
        return self._modify(user, args, req, replace=True)

    def _delete(self, user: str, args: list[str], req: Request) -> Response:
        self.events.delete(
            self._cal(user, args[0]), args[1],
            if_match=req.headers.get("if-match"), send_updates=_one(req, "sendUpdates"),
        )  # fmt: skip
        return Response(204)

    def _freebusy(self, user: str, args: list[str], req: Request) -> Response:
        return Response.of_json(self.reads.freebusy(req.json(), user))

    # -- gmail --------------------------------------------------------------------------
    @staticmethod
    def _mailbox(user: str, user_id: str) -> str:
        if user_id not in ("me", user):
            raise ApiError(403, "forbidden", "Delegation denied for " + user)
        return user

    def _send(self, user: str, args: list[str], req: Request) -> Response:
        sender = self._mailbox(user, args[0])
        if req.path.startswith("/upload/"):
            raw, thread = gmail_mod.raw_from_upload(req.headers.get("content-type", ""), req.body)
        else:
            raw, thread = gmail_mod.parse_send_body(req.body)
        return Response.of_json(self.gmail.send(sender, raw, thread))

    def _profile(self, user: str, args: list[str], req: Request) -> Response:
        return Response.of_json(self.gmail.profile(self._mailbox(user, args[0])))


def _one(req: Request, name: str) -> str | None:
    values = req.query.get(name)
    return values[-1] if values else None
