"""Turn an ``OutgoingEmail`` into RFC 5322 bytes that every transport sends the same way.

Why a module of its own: the outbox folder, SMTP and Gmail must produce the same message,
with deterministic ids (so a re-send is recognisably the same message) and thread
headers that group an occurrence's prep, move notice and recap in every mail client. It is also
the single place that keeps attacker-controlled text (event titles, display names) out of the
header structure: CPython before the gh-121650 fix lets encoded newlines through, so we clean
every header value ourselves instead of trusting the library.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import email.policy
import hashlib
import html
import unicodedata
from email.headerregistry import Address as HeaderAddress
from email.message import EmailMessage
from email.parser import BytesHeaderParser
from email.utils import format_datetime

from scheduler.ports import Address, OutgoingEmail

KINDS = frozenset({"prep", "move", "recap", "reminder", "alert", "note", "digest"})
DEFAULT_DOMAIN = "oneonone.local"

# 7bit makes the body quoted-printable/base64 when it is not ASCII, so the bytes survive any
# relay, including servers without 8BITMIME.
_BUILD_POLICY = email.policy.default.clone(cte_type="7bit")
_UNSAFE_CATEGORIES = frozenset({"Cc", "Zl", "Zp"})


def _is_unsafe(ch: str) -> bool:
    # Control characters and Unicode line/paragraph separators: str.splitlines() breaks on
    # several of them, which is how header folding code gets fooled.
    return unicodedata.category(ch) in _UNSAFE_CATEGORIES


def clean_text(value: str) -> str:
    """A display name or subject that cannot break out of its header.

    Control and line-break characters become spaces. ``=?`` becomes ``= ?``: CPython 3.11
    (before gh-121650) decodes RFC 2047 encoded words found in a value it is given and then
    writes the decoded newline raw, so ``=?UTF-8?Q?x=0ABcc:_evil@x.com?=`` would add a header.
    """
    cleaned = "".join(" " if _is_unsafe(ch) else ch for ch in value)
    return cleaned.replace("=?", "= ?").strip()


def checked_email(value: str) -> str:
    """An email address, refused when it carries anything that could break a header."""
    if any(_is_unsafe(ch) for ch in value) or not value or "@" not in value:
        raise ValueError(f"not a usable email address: {value!r}")
    return value.strip()


def header_address(addr: Address) -> HeaderAddress:
    """A structured address; ``headerregistry`` encodes non-ASCII display names (RFC 2047)."""
    email_ = checked_email(addr.email)
    local, _, domain = email_.rpartition("@")
    return HeaderAddress(display_name=clean_text(addr.name), username=local, domain=domain)


def short_hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:24]


def message_id(msg: OutgoingEmail, *, domain: str = DEFAULT_DOMAIN) -> str:
    """``<{kind}.{sha256(key)[:24]}@{domain}>``: the same message always gets the same id."""
    return f"<{msg.kind}.{short_hash(msg.key)}@{_checked_domain(domain)}>"


def thread_anchor(thread_key: str, *, domain: str = DEFAULT_DOMAIN) -> str:
    """The id every message of one thread refers to, so clients group them (Gmail included)."""
    return f"<thread.{short_hash(thread_key)}@{_checked_domain(domain)}>"


def _checked_domain(domain: str) -> str:
    if not domain or any(_is_unsafe(ch) or ch in "<>@ " for ch in domain):
        raise ValueError(f"not a usable Message-ID domain: {domain!r}")
    return domain


def _set_headers(out: EmailMessage, msg: OutgoingEmail, *, date: dt.datetime, domain: str) -> None:
    out["From"] = header_address(msg.sender)
    if msg.to:
        out["To"] = tuple(header_address(a) for a in msg.to)
    if msg.cc:
        out["Cc"] = tuple(header_address(a) for a in msg.cc)
    if msg.reply_to is not None:
        out["Reply-To"] = header_address(msg.reply_to)
    out["Subject"] = clean_text(msg.subject)
    out["Date"] = format_datetime(date.astimezone(dt.UTC))
    out["Message-ID"] = message_id(msg, domain=domain)
    if msg.thread_key:
        anchor = thread_anchor(msg.thread_key, domain=domain)
        out["In-Reply-To"] = anchor
        out["References"] = anchor
    out["Auto-Submitted"] = "auto-generated"
    out["X-Oneonone-Kind"] = msg.kind


def _add_images(out: EmailMessage, msg: OutgoingEmail) -> None:
    html_part = out.get_body(preferencelist=("html",))
    if html_part is None or not isinstance(html_part, EmailMessage):
        raise ValueError("inline images need an HTML part")
    for image in msg.images:
        cid = checked_email(image.cid) if "@" in image.cid else clean_text(image.cid)
        if not cid or any(ch in cid for ch in "<> "):
            raise ValueError(f"not a usable Content-ID: {image.cid!r}")
        html_part.add_related(
            image.data,
            maintype="image",
            subtype=clean_text(image.subtype) or "png",
            cid=f"<{cid}>",
            disposition="inline",
        )


def build_mime(
    msg: OutgoingEmail, *, date: dt.datetime, domain: str = DEFAULT_DOMAIN
) -> EmailMessage:
    """The message as ``multipart/alternative`` (text, then HTML with inline images if any).

    ``date`` is the Date header: passed in, never read from the clock.
    Raises ``ValueError`` for an unusable address, kind, domain or a naive ``date``.
    """
    if msg.kind not in KINDS:
        raise ValueError(f"unknown email kind {msg.kind!r}; one of {', '.join(sorted(KINDS))}")
    if date.tzinfo is None:
        raise ValueError("the Date header needs an aware datetime")
    if not msg.to and not msg.cc:
        raise ValueError(f"email {msg.key!r} has no recipient")
    out = EmailMessage(policy=_BUILD_POLICY)
    _set_headers(out, msg, date=date, domain=domain)
    out.set_content(msg.text, charset="utf-8")
    out.add_alternative(msg.html, subtype="html", charset="utf-8")
    if msg.images:
        _add_images(out, msg)
    if msg.calendar is not None:
        _add_calendar(out, msg)
    return out


def _add_calendar(out: EmailMessage, msg: OutgoingEmail) -> None:
    """The iCalendar part as a third alternative, ``text/calendar; method=…``, where mail
    clients look for an invitation (RFC 6047 §2.4: the method parameter must match the body's)."""
    assert msg.calendar is not None
    method = msg.calendar.method
    if method not in ("REQUEST", "CANCEL") or f"METHOD:{method}" not in msg.calendar.text:
        raise ValueError(f"calendar part of {msg.key!r}: method {method!r} is not its body's")
    out.add_alternative(
        msg.calendar.text, subtype="calendar", charset="utf-8", params={"method": method}
    )


def mime_bytes(mime: EmailMessage) -> bytes:
    """The wire form: CRLF line endings (``email.policy.SMTP``).

    The serialized header block is parsed back and must hold exactly the headers that were
    set, a second line of defence against header injection through the library itself.
    """
    raw = mime.as_bytes(policy=email.policy.SMTP.clone(cte_type="7bit"))
    written = BytesHeaderParser(policy=email.policy.compat32).parsebytes(raw).keys()
    if [k.lower() for k in written] != [k.lower() for k in mime]:
        raise ValueError(f"refusing a message whose headers changed when written: {written}")
    return raw


def recipients(msg: OutgoingEmail) -> list[str]:
    """Envelope recipients (To then Cc), checked and without duplicates."""
    seen: dict[str, None] = {}
    for addr in (*msg.to, *msg.cc):
        seen.setdefault(checked_email(addr.email), None)
    return list(seen)


MAX_MESSAGE_BYTES = 36_700_160
"""Gmail refuses a raw message over this many bytes (``messages.send`` maxSize); SMTP relays
commonly allow less, never much more, so every transport is held to it."""
SHORTENED = (
    "\n\n[… shortened: this email was {size:,} bytes, more than email can carry; "
    "the rest is in the calendar event or the notes]\n"
)


def fit_message(
    msg: OutgoingEmail, *, date: dt.datetime, limit: int = MAX_MESSAGE_BYTES
) -> OutgoingEmail:
    """``msg`` whole when it fits in ``limit`` bytes, else with its text cut and a line saying
    so (the HTML part becomes the same cut text): a message too big to send must not fail and be
    retried for ever.

    The cut is computed, not searched: each of the two parts gets under half the room left by
    the headers, divided by base64's worst expansion (4/3, plus line breaks), so one check
    suffices.
    """
    size = len(mime_bytes(build_mime(msg, date=date)))
    if size <= limit:
        return msg
    headers = len(
        mime_bytes(build_mime(dataclasses.replace(msg, text="", html="", images=()), date=date))
    )
    note = SHORTENED.format(size=size)
    room = (limit - headers - 4096) // 2  # two parts, and room for MIME boundaries
    keep = max(int(room / 1.4) - len(note.encode()) * 2, 0)
    text = msg.text.encode()[:keep].decode(errors="ignore") + note
    cut = dataclasses.replace(msg, text=text, html=_plain_html(text), images=())
    if len(mime_bytes(build_mime(cut, date=date))) > limit:
        raise ValueError(f"email {msg.key!r} cannot be brought under {limit} bytes")
    return cut


def _plain_html(text: str) -> str:
    body = html.escape(text)
    return (
        '<!DOCTYPE html><html><body><pre style="white-space:pre-wrap;'
        f'font-family:Arial,Helvetica,sans-serif;">{body}</pre></body></html>'
    )
