"""The end of a pass that applies: the ledger recorded, then the outbox delivered.

What delivery itself brings to light (a sender parked, its credentials gone) cannot be planned
before the sending: it is logged, kept in the audit trail, and a manager whose own sender lost
its credentials is told by the alerts' path at once.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Collection

from integrations.mail.deliveries import DeliveryReport
from integrations.mail.notify import Notifier
from integrations.reconcile.apply import Applier
from integrations.state.store import Store
from scheduler.keys import sender_parked_key
from scheduler.model import Config

log = logging.getLogger("oneonone")


def record_ledger_safely(
    config: Config, store: Store, *, now: dt.datetime, quiet: Collection[str] = frozenset()
) -> None:
    """Record how each past 1:1 ended (before the digests, which read it), but for the quiet
    managers' (``ledger_store.record_ledger``)."""
    from integrations.state.ledger_store import record_ledger

    try:
        record_ledger(config, store, now=now, quiet=quiet)
    except Exception:  # the ledger never stops a pass
        log.exception("the ledger failed; the next pass tries again")


def deliver(
    config: Config, store: Store, notifier: Notifier, applier: Applier, *, now: dt.datetime
) -> DeliveryReport:
    """Send what is due; a sender parked is told once, when its parking starts."""
    report = notifier.deliveries.deliver_due(now=now)
    for parked in report.parked:
        log.warning(
            "sender %s parked until %s: %s (%s)",
            parked.sender,
            parked.until.isoformat(),
            parked.reason,
            parked.error,
        )
        store.audit.record(
            at=now,
            pair_key=parked.sender,
            action="sender-parked",
            reason=f"{parked.reason}: {parked.error}",
            result=f"until {parked.until.isoformat()}",
        )
    _tell_parked_senders(config, notifier, applier, report, now=now)
    return report


def _tell_parked_senders(
    config: Config,
    notifier: Notifier,
    applier: Applier,
    emails: DeliveryReport,
    *,
    now: dt.datetime,
) -> None:
    """A manager whose own sender lost its credentials hears it by the alerts' path."""
    managers = {m.person.email for m in config.managers}
    told = False
    for parked in emails.parked:
        if parked.reason == "credentials" and parked.sender in managers:
            applier.tell(
                parked.sender, sender_parked_key(parked.sender, now), parked.error, now=now
            )
            told = True
    if told:
        more = notifier.deliveries.deliver_due(now=now)
        emails.sent += more.sent
        emails.retrying += more.retrying
        emails.failed += more.failed
        emails.dropped += more.dropped
