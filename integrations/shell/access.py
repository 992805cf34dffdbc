"""Who the metrics server answers: the Host names it serves, and optional token or basic auth.

The server binds loopback, but loopback is not private: any web page a browser on the same
machine opens can point a name it controls at 127.0.0.1 (DNS rebinding) and read ``/status``,
every manager's and rep's address included. Such a request carries the attacker's name in its
``Host`` header, so only the configured names are served (421 Misdirected Request otherwise).
Behind a reverse proxy, a bearer token or basic auth can be asked for as well; the secret comes
from the systemd credential ``oneonone-metrics-secret`` or ``$ONEONONE_METRICS_SECRET``, never
from the config file. ``/healthz`` says nothing about anyone and stays open for health checks.
"""

from __future__ import annotations

import base64
import binascii
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from integrations.redaction import remember_secret
from scheduler.errors import CredentialsError
from scheduler.model import MetricsAccess

SECRET_CREDENTIAL = "oneonone-metrics-secret"
SECRET_ENV = "ONEONONE_METRICS_SECRET"
MIN_SECRET = 16
OPEN_PATHS = frozenset({"/healthz"})

Refusal = tuple[int, dict[str, str], bytes]


class Headers(Protocol):
    def get(self, name: str, default: None = None) -> str | None: ...


@dataclass(frozen=True)
class Gate:
    hosts: frozenset[str]
    auth: str = "none"
    username: str | None = None
    secret: str | None = None

    @classmethod
    def from_config(cls, access: MetricsAccess, environ: Mapping[str, str]) -> Gate:
        secret = find_secret(environ) if access.auth != "none" else None
        if access.auth != "none" and secret is None:
            raise CredentialsError(
                f"metrics_access.auth is {access.auth} but no secret is set: put it in the "
                f"systemd credential {SECRET_CREDENTIAL} (LoadCredential=) or in ${SECRET_ENV}"
            )
        if secret is not None and len(secret) < MIN_SECRET:
            raise CredentialsError(
                f"the metrics secret is {len(secret)} characters; use at least {MIN_SECRET}, "
                "e.g. head -c 24 /dev/urandom | base64"
            )
        return cls(frozenset(access.hosts), access.auth, access.username, secret)

    def refuse(self, path: str, headers: Headers) -> Refusal | None:
        """Why this request is not served (status, headers, body), or None to serve it."""
        host = host_name(headers.get("Host") or "")
        if host not in self.hosts:
            return 421, {}, b"misdirected request: this server does not answer to that name\n"
        if self.auth == "none" or path.split("?", 1)[0] in OPEN_PATHS:
            return None
        if self._authorised(headers.get("Authorization") or ""):
            return None
        challenge = (
            'Bearer realm="oneonone"'
            if self.auth == "token"
            else 'Basic realm="oneonone", charset="UTF-8"'
        )
        return 401, {"WWW-Authenticate": challenge}, b"authentication required\n"

    def _authorised(self, header: str) -> bool:
        assert self.secret is not None
        scheme, _, value = header.strip().partition(" ")
        if self.auth == "token":
            return scheme.lower() == "bearer" and _same(value.strip(), self.secret)
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            return False
        user, _, password = decoded.partition(":")
        return _same(user, self.username or "") & _same(password, self.secret)


def _same(given: str, wanted: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), wanted.encode("utf-8"))


def host_name(header: str) -> str:
    """The name in a Host header, without port or brackets: ``[::1]:9464`` → ``::1``."""
    text = header.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    if text.count(":") == 1:
        text = text.partition(":")[0]
    return text.rstrip(".")


def find_secret(environ: Mapping[str, str]) -> str | None:
    """The metrics secret from systemd credentials, then the environment; None if neither."""
    secret = None
    folder = environ.get("CREDENTIALS_DIRECTORY")
    if folder and (Path(folder) / SECRET_CREDENTIAL).is_file():
        secret = (Path(folder) / SECRET_CREDENTIAL).read_text("utf-8").strip()
    secret = secret or environ.get(SECRET_ENV, "").strip() or None
    if secret is not None:
        remember_secret(secret)
    return secret
