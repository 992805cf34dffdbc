"""``SandboxAdmin``: a tiny urllib client of the sandbox's ``/_sandbox/`` admin API."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import Any


class SandboxAdminError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"sandbox admin call failed with {status}: {body}")
        self.status = status
        self.body = body


class SandboxAdmin:
    def __init__(self, url: str, timeout: float = 30.0) -> None:
        self.url = url if url.endswith("/") else url + "/"
        self.timeout = timeout

    def _call(
        self, method: str, path: str, body: Any = None, query: list[tuple[str, str]] | None = None
    ) -> Any:
        target = self.url + "_sandbox/" + path
        if query:
            target += "?" + urllib.parse.urlencode(query)
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(target, data=data, method=method)
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            raw = error.read()
            error.close()
            raise SandboxAdminError(error.code, json.loads(raw or b"null")) from None

    @staticmethod
    def _user(email: str) -> str:
        return "users/" + urllib.parse.quote(email, safe="@")

    # -- events ---------------------------------------------------------------------------
    def insert_event(self, email: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self._call("POST", self._user(email) + "/events", body))

    def patch_event(self, email: str, event_id: str, body: dict[str, Any]) -> dict[str, Any]:
        return dict(self._call("PATCH", f"{self._user(email)}/events/{event_id}", body))

    def delete_event(self, email: str, event_id: str) -> None:
        self._call("DELETE", f"{self._user(email)}/events/{event_id}")

    def get_event(self, email: str, event_id: str) -> dict[str, Any] | None:
        try:
            return dict(self._call("GET", f"{self._user(email)}/events/{event_id}"))
        except SandboxAdminError as error:
            if error.status == 404:
                return None
            raise

    def list_events(self, email: str, **params: Any) -> list[dict[str, Any]]:
        return self._pages(self._user(email) + "/events", params)

    def instances(
        self,
        email: str,
        event_id: str,
        time_min: str | None = None,
        time_max: str | None = None,
        show_deleted: bool = False,
    ) -> list[dict[str, Any]]:
        params: dict[str, Any] = {"showDeleted": show_deleted}
        if time_min:
            params["timeMin"] = time_min
        if time_max:
            params["timeMax"] = time_max
        return self._pages(f"{self._user(email)}/events/{event_id}/instances", params)

    def _pages(self, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        query = _query(params)
        items: list[dict[str, Any]] = []
        while True:
            page = self._call("GET", path, query=query)
            items.extend(page.get("items", []))
            token = page.get("nextPageToken")
            if not token:
                return items
            query = [*_query(params), ("pageToken", token)]

    def respond(
        self, email: str, event_id: str, status: str, comment: str | None = None
    ) -> dict[str, Any]:
        """``email`` answers the invitation, with a note (``comment``) when given."""
        path = f"{self._user(email)}/events/{event_id}/respond"
        body: dict[str, Any] = {"responseStatus": status}
        if comment is not None:
            body["comment"] = comment
        return dict(self._call("POST", path, body))

    def set_time_zone(self, email: str, time_zone: str) -> None:
        self._call("POST", self._user(email) + "/calendar", {"timeZone": time_zone})

    # -- auth -----------------------------------------------------------------------------
    def issue_token(self, email: str, scopes: list[str] | None = None) -> dict[str, Any]:
        return dict(self._call("POST", "tokens", {"email": email, "scopes": scopes}))

    def issue_code(self, email: str, scopes: list[str], redirect_uri: str) -> dict[str, Any]:
        """An authorization code as if ``email`` had granted ``scopes`` (granular consent may
        grant fewer than were asked) on a consent screen that redirected to ``redirect_uri``."""
        body = {"email": email, "scopes": scopes, "redirect_uri": redirect_uri}
        return dict(self._call("POST", "codes", body))

    def revoke_tokens(self, email: str) -> None:
        self._call("POST", "tokens/revoke", {"email": email})

    # -- faults, counts, knobs ------------------------------------------------------------
    def add_fault(
        self,
        method: str = "*",
        status: int = 503,
        reason: str = "backendError",
        times: int | None = None,
        rate: float | None = None,
        latency: float = 0.0,
        retry_after: int | None = None,
        seed: int | None = None,
        after: bool = False,
    ) -> None:
        """Make ``method`` fail; with ``after``, the request takes effect before the error."""
        spec: dict[str, Any] = {
            "method": method, "status": status, "reason": reason, "times": times, "rate": rate,
            "latency": latency, "retry_after": retry_after, "after": after,
        }  # fmt: skip
        if seed is not None:
            spec["seed"] = seed
        self._call("POST", "faults", spec)

    def clear_faults(self) -> None:
        self._call("DELETE", "faults")

    def counts(self) -> dict[str, Any]:
        return dict(self._call("GET", "counts"))

    def reset_counts(self) -> None:
        self._call("POST", "counts/reset")

    def expire_sync_tokens(self, email: str) -> None:
        self._call("POST", "sync/expire", {"email": email})

    def set_freebusy_error(self, email: str, reason: str | None) -> None:
        self._call("POST", "freebusy/errors", {"email": email, "reason": reason})

    def sent_mail(self, user: str | None = None) -> list[dict[str, Any]]:
        return list(self._call("GET", "mail", query=[("user", user)] if user else None))

    def health(self) -> dict[str, Any]:
        return dict(self._call("GET", "health"))

    def requests(self, limit: int = 50) -> list[dict[str, Any]]:
        return list(self._call("GET", "requests", query=[("limit", str(limit))]))

    def mutations(self) -> list[dict[str, Any]]:
        """Every recorded write with its ``sendUpdates`` (the simulated notifications)."""
        return list(self._call("GET", "mutations"))

    def notifications(self, user: str | None = None) -> list[dict[str, Any]]:
        """The invitations, updates and cancellations Google emailed (to ``user``)."""
        return list(self._call("GET", "notifications", query=[("user", user)] if user else None))

    def configure(
        self,
        page_jitter: float | None = None,
        seed: int | None = None,
        dwd_scopes: list[str] | None = None,
        domains: list[str] | None = None,
        non_google_domains: list[str] | None = None,
        reset_responses_on_time_change: bool | None = None,
    ) -> dict[str, Any]:
        """Knobs; ``domains`` joins domains into one organisation (free/busy visibility),
        ``non_google_domains`` have no Google calendar (``externalOnly``). Returns the settings."""
        body = {
            "page_jitter": page_jitter, "seed": seed, "dwd_scopes": dwd_scopes,
            "domains": domains, "non_google_domains": non_google_domains,
            "reset_responses_on_time_change": reset_responses_on_time_change,
        }  # fmt: skip
        return dict(self._call("POST", "config", {k: v for k, v in body.items() if v is not None}))


def _query(params: dict[str, Any]) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            text = ("true" if item else "false") if isinstance(item, bool) else str(item)
            out.append((key, text))
    return out
