"""What the service counts for ``/metrics`` beyond passes: API requests, emails and bumps.

The calendar adapter and the runner report in their own terms (an execute hook, a
``PassReport``); this module turns them into the ``Metrics`` counters, so neither needs to know
about Prometheus.
"""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from integrations.google.retry import http_status
from integrations.reconcile.runner import PassReport
from integrations.shell.observe import Metrics
from integrations.shell.wiring import Wired
from integrations.state import db
from scheduler.actions import MoveOccurrence, SendRecap
from scheduler.keys import kind_of
from scheduler.model import Config

log = logging.getLogger("oneonone.service")


def count_api_requests(wired: Wired, metrics: Metrics) -> None:
    """Count every Calendar HTTP attempt (retries included) by API method and status.

    The calendar adapter runs each request through one ``execute`` hook (its retry loop);
    wrapping the callable it retries sees each attempt and its outcome. Batches count as
    one ``batch`` request; token refreshes and mail are not counted here.
    """
    calendar = wired.calendar
    execute = getattr(calendar, "_execute", None)
    if execute is None:
        log.info("the calendar adapter has no execute hook: API requests are not counted")
        return

    def counted(fn: Callable[[], Any]) -> Any:
        method = _method_of(fn)

        def attempt() -> Any:
            try:
                result = fn()
            except Exception as exc:
                metrics.api_request(method, _status_of(exc))
                raise
            metrics.api_request(method, 200)
            return result

        return execute(attempt)

    calendar._execute = counted


def feed_metrics(metrics: Metrics, report: PassReport) -> None:
    """Emails by kind (the key's prefix) and result; bumps planned and moved."""
    moves = [o for o in report.outcomes if isinstance(o.action, MoveOccurrence)]
    metrics.bumps(found=len(moves), moved=sum(1 for o in moves if o.result == "done"))
    for outcome in report.outcomes:
        if isinstance(outcome.action, SendRecap) and outcome.result == "done":
            metrics.recap_sent(outcome.action.late)
    emails = report.emails
    if emails is None:
        return
    for result, keys in (
        ("sent", emails.sent),
        ("retrying", emails.retrying),
        ("failed", [key for key, _ in emails.failed]),
        ("dropped", emails.dropped),
    ):
        for key in keys:
            metrics.email(kind_of(key), result)


def _method_of(fn: Callable[[], Any]) -> str:
    if isinstance(fn, functools.partial):  # request.execute with the owner's connection bound
        fn = fn.func
    request = getattr(fn, "__self__", None)
    method = getattr(request, "methodId", None)
    if isinstance(method, str):
        return method
    return "batch" if type(request).__name__ == "BatchHttpRequest" else "unknown"


def _status_of(exc: BaseException) -> str:
    if isinstance(exc, HttpError):
        return str(http_status(exc))
    if isinstance(exc, RefreshError):
        return "token_refresh_failed"
    return "no_response"


OUTBOX_STATES = ("PENDING", "SENDING", "SENT", "FAILED", "DROPPED")


class OutboxCollector(Collector):
    """``oneonone_outbox_messages{state,kind}``: the send-once outbox as it stands, read at each
    scrape on a read-only connection of its own (the pass's connection is not shared across
    threads); ``oneonone_email_transport{route,transport}`` says which way each route goes."""

    def __init__(self, config: Callable[[], Config]) -> None:
        self.config = config

    def collect(self) -> Iterator[Metric]:
        config = self.config()
        messages = GaugeMetricFamily(
            "oneonone_outbox_messages",
            "Emails in the send-once outbox by state and kind",
            labels=["state", "kind"],
        )
        counts = _outbox_counts(Path(config.state))
        for kind in sorted({k for _, k in counts} | {"alert"}):
            for state in OUTBOX_STATES:
                messages.add_metric([state.lower(), kind], counts.get((state, kind), 0))
        yield messages
        routes = GaugeMetricFamily(
            "oneonone_email_transport",
            "The transport each route of email takes (1 = in use)",
            labels=["route", "transport"],
        )
        mail = config.email
        routes.add_metric(["main", mail.provider], 1)
        routes.add_metric(["alerts", mail.alerts_transport or mail.provider], 1)
        yield routes


def _outbox_counts(state: Path) -> dict[tuple[str, str], int]:
    if not state.exists():
        return {}
    try:
        conn = db.connect(state, readonly=True)
    except sqlite3.Error:
        return {}
    try:
        rows = conn.execute("SELECT state, kind, COUNT(*) FROM outbox GROUP BY state, kind")
        return {(str(s), str(k)): int(n) for s, k, n in rows}
    except sqlite3.Error:  # no outbox table yet
        return {}
    finally:
        conn.close()


def count_outbox(metrics: Metrics, config: Callable[[], Config]) -> None:
    """Register the outbox gauges on ``metrics`` once; a reload only changes the config read."""
    existing = getattr(metrics, "_outbox_collector", None)
    if isinstance(existing, OutboxCollector):
        existing.config = config
        return
    collector = OutboxCollector(config)
    metrics.registry.register(collector)
    metrics._outbox_collector = collector  # type: ignore[attr-defined]
