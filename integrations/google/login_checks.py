"""What ``oneonone auth login`` checks before it stores anything, and what it tells a person
who logs in on a server without a browser.

A consent screen can go wrong quietly: the person signs in with another of their Google
accounts, or unticks a box (Google's granular consent lets them grant fewer scopes than were
asked for, and says so only in the token answer's ``scope``). The login asks for ``openid`` and
``userinfo.email`` as well, so the token answer carries an ID token naming the account; it comes
straight from Google's token endpoint over TLS, which OpenID Connect accepts in place of
checking its signature (Core 1.0, 3.1.3.7, item 6), so its claims are read as they are.
"""

from __future__ import annotations

import base64
import binascii
import getpass
import json
import socket
from collections.abc import Iterable, Mapping, Sequence

IDENTITY_SCOPES = ("openid", "https://www.googleapis.com/auth/userinfo.email")
"""Asked with the service's scopes, only to learn which account consented."""


def consented_email(id_token: str | None) -> str | None:
    """The verified address in an ID token; None when it has none (or is not a JWT)."""
    if not id_token:
        return None
    try:
        payload = id_token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return None
    if not isinstance(claims, dict) or claims.get("email_verified") is False:
        return None
    email = claims.get("email")
    return email.lower() if isinstance(email, str) else None


def consent_problems(
    email: str, wanted: Sequence[str], granted: Iterable[str] | None, id_token: str | None
) -> list[str]:
    """Sentences saying why this consent cannot be stored ([] when it can)."""
    problems = []
    who = consented_email(id_token)
    if who is None:
        problems.append("Google did not say which account consented, so nothing was stored.")
    elif who != email.lower():
        problems.append(
            f"You consented as {who}, not as {email}. Log in again and pick {email} on "
            "Google's account chooser; nothing was stored."
        )
    missing = [s for s in wanted if s not in set(granted or ())]
    if missing:
        names = ", ".join(s.rsplit("/", 1)[-1] for s in missing)
        problems.append(
            f"The consent leaves out {names}: tick every box on Google's consent screen "
            "(the service needs each of them) and log in again; nothing was stored."
        )
    return problems


def headless(environ: Mapping[str, str]) -> bool:
    """A session on a server: over SSH, or with no display for a browser to open on."""
    if environ.get("SSH_CONNECTION") or environ.get("SSH_TTY"):
        return True
    return not (environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


def ssh_tunnel_line(port: int, environ: Mapping[str, str], user: str | None = None) -> str:
    """The exact command to run on one's own computer so that Google's redirect to
    ``127.0.0.1:port`` reaches this server: ``ssh -N -L 8765:127.0.0.1:8765 dana@203.0.113.5``."""
    fields = environ.get("SSH_CONNECTION", "").split()
    host = fields[2] if len(fields) == 4 else socket.getfqdn()
    return f"ssh -N -L {port}:127.0.0.1:{port} {user or getpass.getuser()}@{host}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
