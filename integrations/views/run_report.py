"""What ``oneonone run --once`` prints: each action, then each email as it really ended.

Queueing an email is not sending it. A pass queues preps, notices and recaps, then hands what is
due to the transport; this report says which went out, which wait for a retry (with the
transport's error), which failed for good, and which are held because their sender is parked,
so an SMTP server that is down never reads as ``done``.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable

from integrations.mail.deliveries import Deliveries, DeliveryReport
from integrations.reconcile.meeting_mail import MAIL_ACTIONS
from integrations.reconcile.runner import PassReport
from integrations.reconcile.series_writes import Outcome
from scheduler.people import People
from scheduler.words import UTC, plural, when

Print = Callable[[str], None]


ITEMIZED = 20
"""Actions that went as planned are listed one per line up to this many; beyond, they are
counted (``oneonone log`` lists each). What failed or was skipped is always listed."""

_ORDER = ("failed", "skipped", "queued", "done", "planned")


def result_of(outcome: Outcome) -> str:
    action = outcome.action
    if (
        outcome.result == "done"
        and isinstance(action, MAIL_ACTIONS)
        and action.verb != "write-agenda"
    ):
        return "queued"  # an email queued; the emails section says whether it went out
    return outcome.result


def print_actions(report: PassReport, out: Print, people: People | None = None) -> None:
    """Managers in error first, then failed and skipped actions, then the rest (when few)."""
    people = people or People.empty()
    for owner, error in report.manager_errors.items():
        out(f"error    {people.of(owner).label}: {error}")
    ranked = sorted(report.outcomes, key=lambda o: _ORDER.index(result_of(o)))
    fine = [o for o in ranked if result_of(o) in ("queued", "done", "planned")]
    for outcome in ranked:
        if outcome in fine and len(fine) > ITEMIZED:
            break
        result, action = result_of(outcome), outcome.action
        line = (
            f"{result:8} {action.verb:16} {people.of(action.pair_key).label}: {people.say(action)}"
        )
        keep = outcome.result != "done" and outcome.result != "planned" and outcome.detail
        out(line + (f" ({outcome.detail})" if keep else ""))


def summary_lines(report: PassReport, seconds: float | None = None) -> list[str]:
    """One line of totals that add up, then the count of each action per result, failures
    first: ``1 failed, 4 done (5 actions); 1 manager with errors; 2.1 s``."""
    by_result: dict[str, Counter[str]] = {}
    for outcome in report.outcomes:
        by_result.setdefault(result_of(outcome), Counter())[outcome.action.verb] += 1
    totals = [f"{sum(by_result[r].values())} {r}" for r in _ORDER if r in by_result]
    head = ", ".join(totals) or "no action"
    head += f" ({plural(len(report.outcomes), 'action')})" if len(totals) > 1 else ""
    head += f"; {plural(len(report.manager_errors), 'manager')} with errors"
    if seconds is not None:
        head += f"; {seconds:.1f} s"
    lines = [f"summary: {head}"]
    for result in _ORDER:
        if result in by_result:
            counts = ", ".join(f"{verb} {n}" for verb, n in sorted(by_result[result].items()))
            lines.append(f"  {result:8} {counts}")
    return lines


def print_emails(
    emails: DeliveryReport | None,
    deliveries: Deliveries,
    out: Print,
    people: People | None = None,
) -> None:
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
        error, again = (row.last_error, row.not_before) if row else ("", "")
        zone = (people or People.empty()).zone_of(row.recipient if row else "")
        at = when(dt.datetime.fromisoformat(again), zone) if again else "the next pass"
        out(f"retrying {who(key)}: not sent yet ({error}); tried again at {at}")
    for key, error in emails.failed:
        out(f"FAILED   {who(key)}: {error}")
    for key in emails.dropped:
        row = rows.get(key)
        out(f"DROPPED  {who(key)}: {row.last_error if row else ''}")
    for parked in emails.parked:
        until = when(parked.until, UTC)
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


def print_counts(counts: dict[str, object] | None, out: Print) -> None:
    """The sandbox's request counts after a pass on it (None: not on the sandbox)."""
    if counts is None:
        return
    by_method = counts.get("by_method", {})
    assert isinstance(by_method, dict)
    methods = ", ".join(f"{k}={v}" for k, v in sorted(by_method.items()))
    out(f"sandbox requests: {counts.get('total')} (writes: {counts.get('writes')}) {methods}")
