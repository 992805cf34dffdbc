"""What ``oneonone run --once`` prints: each action, then each email as it really ended.

Queueing an email is not sending it. A pass queues preps, notices and recaps, then hands what is
due to the transport; this report says which went out, which wait for a retry (with the
transport's error), which failed for good, and which are held because their sender is parked,
so an SMTP server that is down never reads as ``done``.
"""

from __future__ import annotations

from collections.abc import Callable

from integrations.mail.deliveries import Deliveries, DeliveryReport
from integrations.meeting_mail import MAIL_ACTIONS
from integrations.runner import PassReport
from scheduler.actions import describe

Print = Callable[[str], None]


def print_actions(report: PassReport, out: Print) -> None:
    for outcome in report.outcomes:
        action = outcome.action
        result = outcome.result
        if result == "done" and isinstance(action, MAIL_ACTIONS) and action.verb != "write-agenda":
            result = "queued"  # an email queued; the emails section says whether it went out
        print_line = f"{result:8} {action.verb:16} {action.pair_key}: {describe(action)}"
        out(print_line + (f" ({outcome.detail})" if outcome.result != "done" else ""))
    for owner, error in report.manager_errors.items():
        out(f"error    {owner}: {error}")


def print_emails(emails: DeliveryReport | None, deliveries: Deliveries, out: Print) -> None:
    """One line per email this pass tried or holds, with the transport's error where it failed."""
    if emails is None:
        return
    rows = {row.key: row for row in deliveries.rows()}

    def who(key: str) -> str:
        row = rows.get(key)
        return f"{row.kind} to {row.recipient}" if row else key

    for key in emails.sent:
        row = rows.get(key)
        out(f"sent     {who(key)}" + (f" ({row.provider_id})" if row and row.provider_id else ""))
    for key in emails.retrying:
        row = rows.get(key)
        error, again = (row.last_error, row.not_before) if row else ("", "?")
        out(f"retrying {who(key)}: not sent yet ({error}); tried again at {again}")
    for key, error in emails.failed:
        out(f"FAILED   {who(key)}: {error}")
    for key in emails.dropped:
        row = rows.get(key)
        out(f"DROPPED  {who(key)}: {row.last_error if row else ''}")
    for parked in emails.parked:
        until = f"{parked.until:%Y-%m-%d %H:%M}Z"
        out(f"held     mail from {parked.sender} until {until}: {parked.error}")
    pending = len([r for r in rows.values() if r.state == "PENDING"])
    out(
        f"emails: {len(emails.sent)} sent, {len(emails.retrying)} to retry, "
        f"{len(emails.failed)} failed, {len(emails.dropped)} dropped; "
        f"{pending} waiting in the outbox (oneonone outbox)"
    )


def exit_code(report: PassReport) -> int:
    """1 when an action or a manager failed, or an email failed for good, was dropped, or is
    held by a parked sender; 0 otherwise (an email that will be retried is said, not failed)."""
    emails_bad = report.emails is not None and not report.emails.ok
    return 1 if report.failed or emails_bad else 0
