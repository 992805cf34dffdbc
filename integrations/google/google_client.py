"""Building google-api-python-client services the way both Google and the sandbox accept.

The bundled discovery document is loaded and its ``rootUrl`` replaced when an ``api_endpoint``
is configured: request paths keep their production shape (``/calendar/v3/…``) and batch requests
go to the same host (googleapiclient's own ``api_endpoint`` option drops the prefix and is ignored
by batches). httplib2 is not thread-safe, so ``ServicePool`` builds one service per thread.
"""

from __future__ import annotations

import copy
import functools
import importlib.resources
import json
import threading
from collections.abc import Callable
from typing import Any

import google_auth_httplib2
import httplib2
from google.auth.credentials import Credentials
from googleapiclient.discovery import build_from_document

CALENDAR_EVENTS = "https://www.googleapis.com/auth/calendar.events"
CALENDAR_FREEBUSY = "https://www.googleapis.com/auth/calendar.freebusy"
GMAIL_SEND = "https://www.googleapis.com/auth/gmail.send"
SCOPES = (CALENDAR_EVENTS, CALENDAR_FREEBUSY, GMAIL_SEND)
"""Least privilege: write events, read free/busy, send mail. Nothing reads a mailbox."""

CALENDAR_EVENTS_READONLY = "https://www.googleapis.com/auth/calendar.events.readonly"
READER_SCOPES = (CALENDAR_EVENTS_READONLY,)
"""A rep's calendar is only ever read (to see a meeting booked over the 1:1 on their side)."""

HTTP_TIMEOUT = 60.0


@functools.cache
def _discovery(api: str, version: str) -> dict[str, Any]:
    path = importlib.resources.files("googleapiclient") / "discovery_cache" / "documents"
    loaded: dict[str, Any] = json.loads((path / f"{api}.{version}.json").read_text("utf-8"))
    return loaded


def build_service(
    api: str,
    version: str,
    *,
    credentials: Credentials,
    root_url: str | None = None,
    timeout: float = HTTP_TIMEOUT,
) -> Any:
    doc = copy.deepcopy(_discovery(api, version))
    if root_url:
        doc["rootUrl"] = root_url if root_url.endswith("/") else root_url + "/"
    http = google_auth_httplib2.AuthorizedHttp(credentials, http=httplib2.Http(timeout=timeout))
    return build_from_document(doc, http=http)


class ServicePool:
    """Built Google services and authorised connections, reused across passes.

    For Calendar, each thread builds ONE resource and ONE connection, and each manager's
    request runs through a light ``AuthorizedHttp`` that wraps that connection with the
    manager's credentials (``request.execute(http=...)``): memory stays bounded by the number
    of threads, not managers. Mail keeps one built service per sender.
    """

    def __init__(
        self, credentials_for: Callable[[str], Credentials], *, root_url: str | None = None
    ) -> None:
        self._credentials_for = credentials_for
        self._root_url = root_url
        self._local = threading.local()
        self._creds: dict[str, Credentials] = {}
        self._lock = threading.Lock()
        self._built: list[Any] = []

    def credentials(self, user: str) -> Credentials:
        with self._lock:
            if user not in self._creds:
                self._creds[user] = self._credentials_for(user)
            return self._creds[user]

    def loaded(self) -> list[Credentials]:
        """Every credential the pool has loaded, with the access token it now holds."""
        with self._lock:
            return list(self._creds.values())

    def _get(self, user: str, api: str, version: str) -> Any:
        cache: dict[tuple[str, str], Any] | None = getattr(self._local, "cache", None)
        if cache is None:
            cache = self._local.cache = {}
        key = (user, api)
        if key not in cache:
            cache[key] = build_service(
                api, version, credentials=self.credentials(user), root_url=self._root_url
            )
            with self._lock:
                self._built.append(cache[key])
        return cache[key]

    def _thread_http(self) -> httplib2.Http:
        http: httplib2.Http | None = getattr(self._local, "http", None)
        if http is None:
            http = self._local.http = httplib2.Http(timeout=HTTP_TIMEOUT)
            with self._lock:
                self._built.append(http)
        return http

    def calendar_resource(self) -> Any:
        """This thread's Calendar v3 resource (requests carry their own ``http=``)."""
        resource = getattr(self._local, "calendar", None)
        if resource is None:
            doc = copy.deepcopy(_discovery("calendar", "v3"))
            if self._root_url:
                root = self._root_url
                doc["rootUrl"] = root if root.endswith("/") else root + "/"
            resource = self._local.calendar = build_from_document(doc, http=self._thread_http())
        return resource

    def http_for(self, user: str) -> google_auth_httplib2.AuthorizedHttp:
        """This thread's connection, authorised as ``user`` (a small wrapper, kept per user)."""
        cache: dict[str, google_auth_httplib2.AuthorizedHttp] | None = getattr(
            self._local, "authorized", None
        )
        if cache is None:
            cache = self._local.authorized = {}
        if user not in cache:
            cache[user] = google_auth_httplib2.AuthorizedHttp(
                self.credentials(user), http=self._thread_http()
            )
        return cache[user]

    def close(self) -> None:
        """Close every connection the pool opened (services of all threads)."""
        with self._lock:
            built, self._built = self._built, []
        for service in built:
            service.close()
        self._local = threading.local()

    def calendar(self, user: str) -> Any:
        return self._get(user, "calendar", "v3")

    def gmail(self, user: str) -> Any:
        return self._get(user, "gmail", "v1")
