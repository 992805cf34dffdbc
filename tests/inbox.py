"""A person's whole inbox, as a test sees it: the service's emails plus Google's own.

A rep judges the product by everything that arrives, so the tests that matter assert on both:
the messages the service sent (from the outbox folder, the sandbox's Gmail, or raw bytes an
SMTP server received) and the invitations, updates and cancellations Google emailed because of
the service's calendar writes (recorded by the sandbox per ``sendUpdates``).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
from collections.abc import Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from integrations.sandbox import SandboxAdmin

GOOGLE_SUBJECTS = {
    "invitation": "Invitation",
    "update": "Updated invitation",
    "cancellation": "Canceled event",
}


@dataclass(frozen=True)
class Received:
    source: str  # "oneonone" (our email) or "google" (Google's notification)
    kind: str  # ours: the X-Oneonone-Kind header; Google's: invitation | update | cancellation
    subject: str
    to: tuple[str, ...]
    text: str = ""
    html: str = ""
    message: EmailMessage | None = None
    event: dict[str, Any] = field(default_factory=dict)  # Google's: the event as mailed

    def __str__(self) -> str:  # readable in assertion messages
        return f"{self.source}:{self.kind}: {self.subject}"


def parse(raw: bytes) -> EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def recipients(message: EmailMessage) -> tuple[str, ...]:
    values = [str(v) for h in ("To", "Cc", "Bcc") for v in message.get_all(h, [])]
    return tuple(addr.lower() for _, addr in email.utils.getaddresses(values) if addr)


def _part(message: EmailMessage, subtype: str) -> str:
    body = message.get_body(preferencelist=(subtype,))
    return str(body.get_content()) if body is not None else ""


def ours(raw: bytes) -> Received:
    message = parse(raw)
    return Received(
        source="oneonone",
        kind=str(message.get("X-Oneonone-Kind", "")),
        subject=str(message.get("Subject", "")),
        to=recipients(message),
        text=_part(message, "plain"),
        html=_part(message, "html"),
        message=message,
    )


def google(notice: dict[str, Any]) -> Received:
    event = notice["event"]
    return Received(
        source="google",
        kind=notice["kind"],
        subject=f"{GOOGLE_SUBJECTS[notice['kind']]}: {event.get('summary', '')}",
        to=(notice["to"],),
        event=event,
    )


def raw_messages(
    *, outbox: Path | None = None, admin: SandboxAdmin | None = None, smtp: Iterable[bytes] = ()
) -> list[bytes]:
    """Every message the service sent, whichever transport carried it."""
    out: list[bytes] = []
    if outbox is not None and outbox.exists():
        out += [p.read_bytes() for p in sorted(outbox.glob("*.eml"))]
    if admin is not None:
        out += [m["raw"].encode() for m in admin.sent_mail()]
    out += list(smtp)
    return out


def inbox(
    address: str,
    *,
    outbox: Path | None = None,
    admin: SandboxAdmin | None = None,
    smtp: Iterable[bytes] = (),
) -> list[Received]:
    """What ``address`` received: the service's messages in sending order, then Google's."""
    address = address.lower()
    mine = [ours(raw) for raw in raw_messages(outbox=outbox, admin=admin, smtp=smtp)]
    out = [m for m in mine if address in m.to]
    if admin is not None:
        out += [google(n) for n in admin.notifications(address)]
    return out


def summary(messages: Iterable[Received]) -> list[str]:
    """``source:kind`` per message: the shape of an inbox, for whole-inbox assertions."""
    return [f"{m.source}:{m.kind}" for m in messages]
