"""Queueing the weekly digest in a pass: each manager's, when due, once per ISO week.

The timing is the core's (``scheduler.digest_timing``), the words are the email's
(``mail.digest``); this is the part that reads the outbox and the state and queues.
"""

from __future__ import annotations

import datetime as dt

from integrations.mail.digest import build_digest
from integrations.mail.notify import Notifier
from integrations.state.status_read import read_status
from scheduler import keys
from scheduler.digest_timing import digest_due, digest_key
from scheduler.model import Config


def last_digests(notifier: Notifier) -> dict[str, dt.datetime]:
    """When each manager's latest digest was queued, by digest key prefix: one read of the
    outbox per pass (a read per manager scanned every digest ever queued, a thousand times)."""
    latest: dict[str, dt.datetime] = {}
    for row in notifier.deliveries.rows(kind="digest"):
        prefix = row.key[: row.key.rindex(":") + 1]  # the week is last: digest_prefix's form
        created = dt.datetime.fromisoformat(row.created_at)
        if prefix not in latest or created > latest[prefix]:
            latest[prefix] = created
    return latest


def queue_digests(config: Config, notifier: Notifier, *, now: dt.datetime) -> list[str]:
    """Queue each manager's digest when due (once per ISO week); returns the keys queued."""
    queued = []
    latest = last_digests(notifier)
    for manager in config.managers:
        person = manager.person
        last_sent = latest.get(keys.digest_prefix(person.email))
        if not digest_due(person, now=now, last_sent=last_sent):
            continue
        if notifier.known(digest_key(person, now)):
            continue
        [status] = read_status(config, now=now, manager=person.email)
        message = build_digest(
            status, now=now, renderer=notifier.renderer, sender=notifier.sender_for(person)
        )
        if notifier.queue(message, now=now):
            queued.append(message.key)
    return queued
