"""Queueing the weekly digest in a pass: each manager's, when due, once per ISO week.

The timing is the core's (``scheduler.digest_timing``), the words are the email's
(``mail.digest``); this is the part that reads the outbox and the state and queues.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence

from integrations.mail.digest import build_digest
from integrations.mail.notify import Notifier
from integrations.reconcile.series_writes import Outcome
from integrations.state.status_read import read_status
from scheduler import keys
from scheduler.actions import Action, SendDigest
from scheduler.digest_timing import digest_due, digest_key
from scheduler.model import Config
from scheduler.vocabulary import Result

log = logging.getLogger("oneonone")


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


def plan_digests(config: Config, notifier: Notifier, *, now: dt.datetime) -> list[SendDigest]:
    """Each manager's digest that is due now and not queued yet (once per ISO week)."""
    due: list[SendDigest] = []
    latest = last_digests(notifier)
    for manager in config.managers:
        person = manager.person
        last_sent = latest.get(keys.digest_prefix(person.email))
        if not digest_due(person, now=now, last_sent=last_sent):
            continue  # sent this week already, or Monday morning has not come
        key = digest_key(person, now)
        if notifier.known(key):
            continue  # queued in an earlier pass
        due.append(SendDigest(person.email, person.email, key, "Monday's digest of her 1:1s"))
    return due


def queue_digest(
    config: Config, notifier: Notifier, action: SendDigest, *, now: dt.datetime
) -> bool:
    """Build one manager's digest from the state as it is now, and queue it."""
    person = config.manager(action.owner).person
    [status] = read_status(config, now=now, manager=person.email)
    message = build_digest(
        status, now=now, renderer=notifier.renderer, sender=notifier.sender_for(person)
    )
    return notifier.queue(message, now=now)


def queue_digests(config: Config, notifier: Notifier, *, now: dt.datetime) -> list[str]:
    """Queue each manager's digest when due (once per ISO week); returns the keys queued."""
    return [
        action.key
        for action in plan_digests(config, notifier, now=now)
        if queue_digest(config, notifier, action, now=now)
    ]


def digest_stage(
    config: Config,
    notifier: Notifier,
    apply_actions: Callable[[Sequence[Action]], list[Outcome]],
    *,
    now: dt.datetime,
    apply: bool,
) -> list[Outcome]:
    """A pass's last stage: Monday's digest to each manager, once a week (after the ledger,
    which it reads, is recorded); it never stops a pass."""
    try:
        due = plan_digests(config, notifier, now=now)
    except Exception:
        log.exception("the digest failed; the next pass tries again")
        return []
    if not apply:
        return [Outcome(a, Result.PLANNED) for a in due]
    return apply_actions(due)
