"""Email delivery: MIME building, three transports (outbox folder, SMTP, Gmail) and the
durable send-once outbox that sits in front of them.

Callers queue with ``Deliveries.enqueue`` and flush with ``Deliveries.deliver_due``; the
transports implement ``scheduler.ports.Mailer`` and are chosen by ``email.provider``.
"""

from __future__ import annotations

from integrations.mail.deliveries import (
    Deliveries,
    DeliveryReport,
    DeliveryRow,
    ParkedSender,
    SqliteThreads,
)
from integrations.mail.mime import build_mime, message_id, mime_bytes, thread_anchor
from integrations.mail.outbox import OutboxMailer

__all__ = [
    "Deliveries",
    "DeliveryReport",
    "DeliveryRow",
    "OutboxMailer",
    "ParkedSender",
    "SqliteThreads",
    "build_mime",
    "message_id",
    "mime_bytes",
    "thread_anchor",
]
