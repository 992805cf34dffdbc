"""Secrets never reach a log line, whichever logger, handler or command writes it.

Two nets. Patterns mask the value after any name that says secret (``token``, ``secret``,
``password``, ``authorization``, ``api_key``, ``"key"``…), bearer and basic credentials, OAuth
codes and Google's token shapes, in ``key=value``, ``key: value`` and JSON/dict forms. And the
values themselves: every secret the process loads (an SMTP password, a refresh token, the token
key, the metrics secret) is remembered here, so it is masked even where nothing names it, as
when a password is passed positionally (``log.info("login %s %s", user, password)``).

``install`` puts redaction into the creation of every ``LogRecord`` of the process, so it covers
every logger and every handler, ours or a library's; ``RedactingFilter`` does the same for one
handler. ``oneonone`` installs it first thing for every command.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from typing import Any

MASK = "***"
SHORTEST = 6  # shorter remembered values would mask ordinary words

# An identifier that names a secret (token, smtp_password, ONEONONE_TOKEN_KEY, x-api-key), but
# not prose or class names that merely contain the word ("OAuth tokens:", "TokenError:").
_NAME = (
    r"(?<![\w-])(?:\w+[_-])*(?:token|secret|password|passwd|passphrase|pwd|authorization|"
    r"api[_-]?key|private[_-]?key|access[_-]?key)(?:[_-]\w+)*(?![\w-])"
)
_QUOTED_KEY = r"[\"'](?:key|pass|pin)[\"']"  # "key": … in JSON/dicts, not "pair key: …"
_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"(?i)(authorization[\"']?\s*[:=]\s*[\"']?(?:bearer|basic)\s+)[^\s'\",}]+"),
        r"\1" + MASK,
    ),
    (re.compile(r"(?i)(\b(?:bearer|basic)\s+)[A-Za-z0-9._~+/=-]{8,}"), r"\1" + MASK),
    (  # name: "quoted value, spaces and all"
        re.compile(rf"(?i)((?:[\"']?{_NAME}[\"']?|{_QUOTED_KEY})\s*[:=]\s*)([\"'])(.*?)\2"),
        r"\1\2" + MASK + r"\2",
    ),
    (  # name=value, name: value
        re.compile(
            rf"(?i)((?:{_NAME}[\"']?|{_QUOTED_KEY})\s*[:=]\s*)(?!(?:bearer|basic)\s)"
            r"[^\"'\s&,;}\]]+"
        ),
        r"\1" + MASK,
    ),
    (re.compile(r"((?<![\w-])(?:code|key)=)[^&\s\"']+"), r"\1" + MASK),
    (re.compile(r"\bya29\.[A-Za-z0-9._-]+"), MASK),
    (re.compile(r"\b1//[A-Za-z0-9._-]{10,}"), MASK),
)
_SECRET_NAME = re.compile(rf"(?i)^{_NAME}$|^(?:key|pass|pin)$")

_known: set[str] = set()
_known_lock = threading.Lock()
_known_pattern: re.Pattern[str] | None = None  # every remembered value, longest first


def remember_secret(value: str | None) -> None:
    """Mask ``value`` wherever it appears in later log lines (ignored when too short).

    The pattern of all remembered values is built when a line is next redacted, not here: a
    service loads a refresh token per manager, and building it anew for each of a thousand
    would cost minutes of CPU (each build compiles every value remembered so far).
    """
    global _known_pattern
    if value and len(value) >= SHORTEST:
        with _known_lock:
            if value not in _known:
                _known.add(value)
                _known_pattern = None


def _pattern() -> re.Pattern[str] | None:
    """Every remembered value, longest first, as one pattern (built once after each change)."""
    global _known_pattern
    with _known_lock:
        if _known_pattern is None and _known:
            ordered = sorted(_known, key=len, reverse=True)
            _known_pattern = re.compile("|".join(map(re.escape, ordered)))
        return _known_pattern


def redact(text: str) -> str:
    """``text`` with every remembered secret and every value named as a secret masked."""
    text = redact_known(text)
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def redact_known(text: str) -> str:
    """``text`` with every remembered secret masked, and nothing else touched.

    For our own sentences to people, which show ``NAME=value`` templates the patterns would
    mangle (``export ONEONONE_TOKEN_KEY=$(head -c 32 /dev/urandom | base64)``).
    """
    pattern = _pattern()
    return text if pattern is None else pattern.sub(MASK, text)


def redact_record(record: logging.LogRecord) -> None:
    """Mask the message (arguments merged in), the traceback and string extras of ``record``.

    Idempotent: a record redacted when it was made is redacted again by a handler's filter,
    which also sees the extras set after the record was made.
    """
    try:
        message = record.getMessage()
    except Exception:  # arguments that do not fit: the handler reports it, unformatted
        return
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
    if record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    for key, value in list(vars(record).items()):
        if key not in _STANDARD and isinstance(value, str):
            setattr(record, key, MASK if _SECRET_NAME.match(key) else redact(value))


class RedactingFilter(logging.Filter):
    """Masks secrets in every record a handler sees, before it formats any."""

    def filter(self, record: logging.LogRecord) -> bool:
        redact_record(record)
        return True


def install() -> None:
    """Redact every record of this process as it is made (idempotent)."""
    factory = logging.getLogRecordFactory()
    if getattr(factory, "_oneonone_redacting", False):
        return

    def make(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        redact_record(record)
        return record

    make._oneonone_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(make)


_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}
