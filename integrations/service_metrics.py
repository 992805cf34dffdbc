"""What the service counts for ``/metrics`` beyond passes: API requests, emails and bumps.

The calendar adapter and the runner report in their own terms (an execute hook, a
``PassReport``); this module turns them into the ``Metrics`` counters, so neither needs to know
about Prometheus.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from google.auth.exceptions import RefreshError
from googleapiclient.errors import HttpError

from integrations.observe import Metrics
from integrations.retry import http_status
from integrations.runner import PassReport
from integrations.wiring import Wired
from scheduler.actions import MoveOccurrence, SendRecap

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
            metrics.email(key.split(":", 1)[0], result)


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
