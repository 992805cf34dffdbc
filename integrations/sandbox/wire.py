"""Plain request/response values passed between the HTTP server, the routers and batch."""

from __future__ import annotations

import dataclasses
import json
import urllib.parse
from typing import Any

from integrations.sandbox.errors import ApiError

_JSON = "application/json; charset=UTF-8"
REASONS = {
    200: "OK", 204: "No Content", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
    403: "Forbidden", 404: "Not Found", 409: "Conflict", 410: "Gone", 412: "Precondition Failed",
    429: "Too Many Requests", 500: "Internal Server Error", 502: "Bad Gateway",
    503: "Service Unavailable", 504: "Gateway Timeout",
}  # fmt: skip


@dataclasses.dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]  # lower-case names
    body: bytes = b""

    @classmethod
    def from_target(cls, method: str, target: str, headers: dict[str, str], body: bytes) -> Request:
        parts = urllib.parse.urlsplit(target)
        query = urllib.parse.parse_qs(parts.query, keep_blank_values=True)
        return cls(
            method.upper(), parts.path, query, {k.lower(): v for k, v in headers.items()}, body
        )

    def json(self) -> dict[str, Any]:
        if not self.body.strip():
            return {}
        try:
            value = json.loads(self.body)
        except ValueError as exc:
            raise ApiError(400, "parseError", "Parse Error") from exc
        if not isinstance(value, dict):
            raise ApiError(400, "parseError", "Parse Error")
        return value


@dataclasses.dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = dataclasses.field(default_factory=dict)

    @classmethod
    def of_json(
        cls, value: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> Response:
        return cls(status, json.dumps(value).encode(), {"Content-Type": _JSON, **(headers or {})})

    @classmethod
    def of_error(cls, error: ApiError) -> Response:
        return cls(error.code, error.encoded(), {"Content-Type": _JSON, **error.headers})

    @property
    def reason(self) -> str:
        return REASONS.get(self.status, "Unknown")
