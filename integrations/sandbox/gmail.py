"""Gmail v1 ``messages.send`` and ``getProfile``: decode, check recipients, store, thread.

A message joins the requested thread only when the thread is the sender's, the subject matches
(ignoring Re:/Fwd:) and In-Reply-To/References are present; otherwise it starts a new thread.
"""

from __future__ import annotations

import base64
import binascii
import email
import email.message
import email.policy
import email.utils
import json
import re
from typing import Any

from integrations.sandbox.errors import ApiError, bad_request
from integrations.sandbox.store import Store

_PREFIX_RE = re.compile(r"^\s*((re|fwd?|aw|wg)\s*:\s*)+", re.IGNORECASE)
_ID_BASE = 0x18C0_0000_0000_0000
_BLANK_RE = re.compile(rb"\r?\n\r?\n")


def _normal_subject(subject: str) -> str:
    return _PREFIX_RE.sub("", subject or "").strip().lower()


def decode_raw(raw: str) -> bytes:
    text = raw.strip().replace("+", "-").replace("/", "_")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ApiError(400, "invalidArgument", "Invalid value for ByteString: raw") from exc


def raw_from_upload(content_type: str, body: bytes) -> tuple[bytes, str | None]:
    """The RFC 822 bytes and threadId of a ``multipart/related`` media upload."""
    holder = email.message.Message()
    holder["Content-Type"] = content_type
    boundary = holder.get_param("boundary")
    if not isinstance(boundary, str):
        return body, None
    meta: dict[str, Any] = {}
    raw = b""
    for chunk in body.split(b"--" + boundary.encode())[1:]:
        if chunk.startswith(b"--"):
            break
        pieces = _BLANK_RE.split(chunk.lstrip(b"\r\n"), maxsplit=1)
        if len(pieces) < 2:
            continue
        payload = pieces[1].removesuffix(b"\r\n").removesuffix(b"\n")
        if b"application/json" in pieces[0].lower():
            meta = json.loads(payload or b"{}")
        else:
            raw = payload
    thread = meta.get("threadId")
    return raw, str(thread) if thread else None


class Gmail:
    def __init__(self, store: Store) -> None:
        self.store = store

    def send(self, user: str, raw_bytes: bytes, thread_id: str | None) -> dict[str, Any]:
        message = email.message_from_bytes(raw_bytes, policy=email.policy.default)
        recipients = [
            addr
            for header in ("To", "Cc", "Bcc")
            for _, addr in email.utils.getaddresses([str(v) for v in message.get_all(header, [])])
            if addr
        ]
        if not recipients:
            raise ApiError(400, "invalidArgument", "Recipient address required")
        subject = str(message.get("Subject", ""))
        message_id = f"{_ID_BASE + len(self.store.mail) + 1:x}"
        thread = message_id
        replying = bool(message.get("In-Reply-To") or message.get("References"))
        if thread_id and replying:
            first = self._thread_head(user, thread_id)
            if first is not None and _normal_subject(first["subject"]) == _normal_subject(subject):
                thread = thread_id
        text = raw_bytes.decode("utf-8", "replace")
        self.store.add_mail(
            {
                "id": message_id,
                "threadId": thread,
                "user": user,
                "from": str(message.get("From", user)),
                "to": recipients,
                "subject": subject,
                "raw": text,
                "labelIds": ["SENT"],
            }
        )
        return {"id": message_id, "threadId": thread, "labelIds": ["SENT"]}

    def _thread_head(self, user: str, thread_id: str) -> dict[str, Any] | None:
        for message in self.store.mail:
            if message["threadId"] == thread_id and message["user"] == user:
                return message
        return None

    def profile(self, user: str) -> dict[str, Any]:
        mine = [m for m in self.store.mail if m["user"] == user]
        return {
            "emailAddress": user,
            "messagesTotal": len(mine),
            "threadsTotal": len({m["threadId"] for m in mine}),
            "historyId": str(1000 + len(self.store.mail)),
        }

    def sent(self, user: str | None) -> list[dict[str, Any]]:
        return [dict(m) for m in self.store.mail if user is None or m["user"] == user.lower()]


def parse_send_body(body: bytes) -> tuple[bytes, str | None]:
    try:
        payload = json.loads(body or b"{}")
    except ValueError as exc:
        raise bad_request("Invalid JSON payload received.") from exc
    if not isinstance(payload, dict) or not payload.get("raw"):
        raise ApiError(
            400,
            "invalidArgument",
            "'raw' RFC822 payload message string or uploading message via /upload/* URL required",
        )
    thread = payload.get("threadId")
    return decode_raw(str(payload["raw"])), str(thread) if thread else None
