"""Gmail v1 ``messages.send`` and ``getProfile``: decode, check size and recipients, store, thread.

Threading follows Google's three rules for ``Message.threadId``
(developers.google.com/workspace/gmail/api/reference/rest/v1/users.messages, quoted in the
bundled discovery document): "To add a message or draft to a thread, the following criteria
must be met: 1. The requested ``threadId`` must be specified on the ``Message`` […] 2. The
``References`` and ``In-Reply-To`` headers must be set in compliance with the RFC 2822
standard. 3. The ``Subject`` headers must match." Here a message joins the requested thread
only when all three hold: the thread is in the sender's mailbox, one id in its
In-Reply-To/References is already named by a message of the thread (its Message-ID or its own
references), and its subject equals the thread's (ignoring Re:/Fwd: prefixes). When the id is
given but a header or the subject does not match, the message starts a new thread (what Google
does then is not documented; a new thread is what practitioners report).

A ``threadId`` the sender's mailbox does not hold is refused with 400 "Invalid thread_id
value", as practitioners report from Gmail (PipedreamHQ/pipedream#15223, "Gmail Invalid
thread_id"); the reason string is this emulator's choice.

A raw message over ``MAX_RAW_BYTES`` is refused with 413: the discovery document gives
``messages.send`` a ``maxSize`` of 36700160 bytes, and practitioners report 413 "Request Entity
Too Large" from Gmail for messages over the limit (jennybc/send-email-with-r#6).
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
_MSG_ID_RE = re.compile(r"<[^<>\s]+>")
MAX_RAW_BYTES = 36_700_160
"""``gmail.users.messages.send`` ``mediaUpload.maxSize`` in Google's discovery document."""


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
        if len(raw_bytes) > MAX_RAW_BYTES:
            raise ApiError(
                413,
                "uploadTooLarge",
                f"Message too large: {len(raw_bytes)} bytes; the limit is {MAX_RAW_BYTES}",
            )
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
        head = self._thread_head(user, thread_id) if thread_id else None
        if thread_id and head is None:
            raise ApiError(400, "invalidArgument", "Invalid thread_id value")
        message_id = f"{_ID_BASE + len(self.store.mail) + 1:x}"
        refs = _ids(message, "In-Reply-To", "References")
        thread = message_id
        if thread_id and head is not None and self._joins(user, thread_id, head, subject, refs):
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
                "ids": sorted(refs | _ids(message, "Message-ID")),
            }
        )
        return {"id": message_id, "threadId": thread, "labelIds": ["SENT"]}

    def _joins(
        self, user: str, thread_id: str, head: dict[str, Any], subject: str, refs: set[str]
    ) -> bool:
        """Rules 2 and 3: a reference the thread knows, and the thread's subject."""
        if _normal_subject(head["subject"]) != _normal_subject(subject):
            return False
        known = {
            i
            for m in self.store.mail
            if m["threadId"] == thread_id and m["user"] == user
            for i in m.get("ids", [])
        }
        return bool(refs & known)

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


def _ids(message: email.message.Message, *headers: str) -> set[str]:
    """The ``<id>`` tokens of the given headers (RFC 2822 msg-id lists)."""
    return {i for h in headers for v in message.get_all(h, []) for i in _MSG_ID_RE.findall(str(v))}


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
