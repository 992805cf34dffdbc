"""Where the service's log lines go: stderr (journald picks it up), redacted, as text or JSON.

Apart from the metrics server (``shell.observe``) so that every command can set up its logging
without importing the HTTP server and the Prometheus client it does not use.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from typing import Any

from integrations.redaction import RedactingFilter, redact_record
from integrations.redaction import install as install_redaction

_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message",
    "asctime",
}


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for journald or a log shipper; extras become fields."""

    def format(self, record: logging.LogRecord) -> str:
        redact_record(record)  # extras were set after the record was made, and redacted
        entry: dict[str, Any] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exc"] = record.exc_text
        for key, value in vars(record).items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value if isinstance(value, str | int | float | bool) else str(value)
        return json.dumps(entry, ensure_ascii=False)


_HANDLER_NAME = "oneonone"


class _Stderr(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a line is written, not when it was made."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def setup_logging(json: bool, level: int | str = logging.INFO) -> logging.Handler:
    """Route all logging to stderr (journald picks it up), redacted; safe to call again.

    Every command calls it first: every record of the process is redacted when it is made
    (``integrations.redaction``), and this handler filters once more on its way out.
    """
    install_redaction()
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    handler = _Stderr()
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RedactingFilter())
    handler.setFormatter(
        JsonFormatter() if json else logging.Formatter("%(levelname)s %(name)s: %(message)s")
    )
    root.addHandler(handler)
    root.setLevel(level)
    logging.getLogger("googleapiclient.discovery_cache").setLevel(logging.ERROR)
    return handler
