"""The durable outbox: every email is sent once, whatever restarts, crashes or retries happen.

No mail transport has an idempotency key, so "once" is a state machine in SQLite:
PENDING → SENDING is committed *before* the send call and SENDING → SENT after it. A crash in
between leaves SENDING, which nobody can resolve by asking the provider (``gmail.send`` cannot
read), so ``recover()`` applies a policy per kind: a late prep, move notice, note, reminder or
digest is worthless and a duplicate is embarrassing, so those are dropped (at most once); a
recap or an alert is a promise, so it is re-sent once (at least once, at most twice).

The same table paces each sender (per minute and per rolling 24 h, under Gmail's limits),
parks a sender for an hour when the provider reports a sending limit or refuses its
credentials, and backs off transient failures exponentially. Times are passed in as ``now``.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from integrations.mail.mime import build_mime
from integrations.mail.records import (
    DeliveryReport,
    DeliveryRow,
    ParkedSender,
    SqliteThreads,
    from_payload,
    to_payload,
)
from integrations.mail.records import ts as _ts
from scheduler.errors import (
    AuthRevoked,
    CredentialsError,
    OneOnOneError,
    TransientError,
    UsageLimited,
)
from scheduler.ports import Mailer, OutgoingEmail

__all__ = [
    "AT_LEAST_ONCE",
    "Deliveries",
    "DeliveryReport",
    "DeliveryRow",
    "ParkedSender",
    "SqliteThreads",
    "from_payload",
    "logger_log",
    "to_payload",
]

AT_LEAST_ONCE = frozenset({"recap", "alert"})
_QUIET = frozenset({"mail.queued", "mail.sent"})
AMBIGUOUS = "ambiguous"
RANGES_PER_QUERY = 400  # two parameters each
DROP_NOTE = "may or may not have been delivered; not re-sent so nobody gets it twice"
Log = Callable[[str, dict[str, Any]], None]


def logger_log(logger: logging.Logger) -> Log:
    """A ``Log`` that writes every event to ``logger``: each failed attempt as a warning with
    the transport's own error, so a failure is seen where the service's logs are read."""

    def log(event: str, fields: dict[str, Any]) -> None:
        shown = {k: v for k, v in fields.items() if k != "traceback"}
        detail = " ".join(f"{k}={v}" for k, v in shown.items())
        if event == "mail.bug":
            logger.error("%s %s\n%s", event, detail, fields.get("traceback", ""))
        elif event in _QUIET:
            logger.info("%s %s", event, detail)
        else:
            logger.warning("%s %s", event, detail)

    return log


class Deliveries:
    """Send-once bookkeeping around one ``Mailer``; see the module docstring for the policy."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        mailer: Mailer,
        *,
        log: Log | None = None,
        per_sender_per_minute: int = 20,
        daily_budget: int = 1500,
        park_for: dt.timedelta = dt.timedelta(hours=1),
        max_backoff: dt.timedelta = dt.timedelta(hours=1),
    ) -> None:
        self._conn = conn
        self._mailer = mailer
        self._log: Log = log or (lambda event, fields: None)
        self.per_sender_per_minute = per_sender_per_minute
        self.daily_budget = daily_budget
        self.park_for = park_for
        self.max_backoff = max_backoff

    # -- queries ------------------------------------------------------------------------
    def state(self, key: str) -> str | None:
        row = self._conn.execute("SELECT state FROM outbox WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def keys_in(self, ranges: Sequence[tuple[str, str]]) -> frozenset[str]:
        """The keys queued (whatever became of them) from the first to the second of any of
        ``ranges``: one query (in parts of ``RANGES_PER_QUERY``, within SQLite's limit of
        999 parameters of older builds), each range a walk of the key's index."""
        found: set[str] = set()
        for lo in range(0, len(ranges), RANGES_PER_QUERY):
            part = ranges[lo : lo + RANGES_PER_QUERY]
            where = " OR ".join(["(key >= ? AND key < ?)"] * len(part))
            rows = self._conn.execute(
                f"SELECT key FROM outbox WHERE {where}",
                [bound for pair in part for bound in pair],
            )
            found.update(row[0] for row in rows)
        return frozenset(found)

    def rows(self, *, state: str | None = None, kind: str | None = None) -> list[DeliveryRow]:
        sql = (
            "SELECT key, kind, sender, recipient, state, attempts, not_before, created_at, "
            "sent_at, provider_id, thread_key, last_error FROM outbox WHERE 1 = 1"
        )
        args: list[str] = []
        if state is not None:
            sql, args = sql + " AND state = ?", [*args, state]
        if kind is not None:
            sql, args = sql + " AND kind = ?", [*args, kind]
        order = " ORDER BY sent_at, created_at, key"
        return [DeliveryRow(*r) for r in self._conn.execute(sql + order, args)]

    def sent(self, kind: str | None = None) -> list[DeliveryRow]:
        return self.rows(state="SENT", kind=kind)

    def parked_until(self, sender: str, *, now: dt.datetime) -> dt.datetime | None:
        row = self._conn.execute(
            "SELECT until FROM parked_senders WHERE sender = ? AND until > ?",
            (sender.lower(), _ts(now)),
        ).fetchone()
        return None if row is None else dt.datetime.fromisoformat(row[0])

    # -- commands -----------------------------------------------------------------------
    def enqueue(self, msg: OutgoingEmail, *, not_before: dt.datetime, now: dt.datetime) -> bool:
        """Queue a message; False when its key is already known, in any state.

        The message is built once here so a bad address fails now, in the caller's hands.
        """
        build_mime(msg, date=now)
        recipient = ", ".join(a.email for a in (*msg.to, *msg.cc))
        with self._conn:
            cur = self._conn.execute(
                "INSERT OR IGNORE INTO outbox (key, kind, sender, recipient, payload, state, "
                "not_before, created_at, thread_key) VALUES (?, ?, ?, ?, ?, 'PENDING', ?, ?, ?)",
                (
                    msg.key,
                    msg.kind,
                    msg.sender.email.lower(),
                    recipient,
                    to_payload(msg),
                    _ts(not_before),
                    _ts(now),
                    msg.thread_key,
                ),
            )
        if cur.rowcount == 1:
            self._log("mail.queued", {"key": msg.key, "kind": msg.kind, "to": recipient})
        return cur.rowcount == 1

    def recover(self, *, now: dt.datetime) -> list[str]:
        """Resolve rows a crash left SENDING; call once at start, before ``deliver_due``."""
        rows = self._conn.execute(
            "SELECT key, kind, ambiguous FROM outbox WHERE state = 'SENDING' ORDER BY key"
        ).fetchall()
        for key, kind, ambiguous in rows:
            self._resolve_ambiguous(key, kind, ambiguous, now=now, why="found SENDING at start")
        return [key for key, _, _ in rows]

    def deliver_due(self, *, now: dt.datetime, limit: int | None = None) -> DeliveryReport:
        """Send what is due, within pacing and budget; never loops on a failing sender."""
        report = DeliveryReport()
        self._prune(now)
        parked = self._parked(now)
        due = self._conn.execute(
            "SELECT key, kind, sender, payload, ambiguous FROM outbox "
            "WHERE state = 'PENDING' AND not_before <= ? ORDER BY not_before, created_at, key",
            (_ts(now),),
        ).fetchall()
        attempts = 0
        for key, kind, sender, payload, ambiguous in due:
            if sender in parked or not self._within_pace(sender, now):
                report.waiting += 1
                continue
            if limit is not None and attempts >= limit:
                report.waiting += 1
                continue
            if not self._claim(key, sender, now):
                continue  # another worker took it
            attempts += 1
            self._send_one(
                key,
                kind,
                sender,
                from_payload(payload),
                ambiguous,
                now=now,
                report=report,
                parked=parked,
            )
        return report

    # -- one send -----------------------------------------------------------------------
    def _send_one(
        self,
        key: str,
        kind: str,
        sender: str,
        msg: OutgoingEmail,
        ambiguous: int,
        *,
        now: dt.datetime,
        report: DeliveryReport,
        parked: dict[str, dt.datetime],
    ) -> None:
        try:
            provider_id = self._mailer.send(msg)
        except UsageLimited as exc:
            self._park(key, sender, "usage limit", exc, now=now, report=report, parked=parked)
        except (AuthRevoked, CredentialsError) as exc:
            self._park(key, sender, "credentials", exc, now=now, report=report, parked=parked)
        except TransientError as exc:
            if exc.reason == AMBIGUOUS:
                outcome = self._resolve_ambiguous(key, kind, ambiguous, now=now, why=str(exc))
                (report.dropped if outcome == "DROPPED" else report.retrying).append(key)
            else:
                self._retry_later(key, exc, now=now)
                report.retrying.append(key)
        except OneOnOneError as exc:  # SendRejected and any other deliberate refusal
            self._finish(key, "FAILED", error=str(exc))
            self._log("mail.failed", {"key": key, "kind": kind, "error": str(exc)})
            report.failed.append((key, str(exc)))
        except Exception as exc:  # a bug: we cannot know whether the message went out
            self._log(
                "mail.bug", {"key": key, "error": repr(exc), "traceback": traceback.format_exc()}
            )
            outcome = self._resolve_ambiguous(key, kind, ambiguous, now=now, why=repr(exc))
            (report.dropped if outcome == "DROPPED" else report.retrying).append(key)
        else:
            self._finish(key, "SENT", provider_id=provider_id, sent_at=now)
            self._log("mail.sent", {"key": key, "kind": kind, "provider_id": provider_id})
            report.sent.append(key)

    def _claim(self, key: str, sender: str, now: dt.datetime) -> bool:
        # Committed before the send: a crash after this point is visible at the next start.
        with self._conn:
            cur = self._conn.execute(
                "UPDATE outbox SET state = 'SENDING', sending_at = ?, attempts = attempts + 1 "
                "WHERE key = ? AND state = 'PENDING'",
                (_ts(now), key),
            )
            if cur.rowcount == 1:
                self._conn.execute("INSERT INTO send_log VALUES (?, ?)", (sender, _ts(now)))
        return cur.rowcount == 1

    def _finish(
        self,
        key: str,
        state: str,
        *,
        error: str | None = None,
        provider_id: str | None = None,
        sent_at: dt.datetime | None = None,
    ) -> None:
        with self._conn:
            self._conn.execute(
                "UPDATE outbox SET state = ?, last_error = ?, provider_id = ?, sent_at = ? "
                "WHERE key = ?",
                (state, error, provider_id, _ts(sent_at) if sent_at else None, key),
            )

    def _requeue(
        self,
        key: str,
        *,
        not_before: dt.datetime,
        error: str,
        undo_attempt: bool = False,
        ambiguous: bool = False,
    ) -> None:
        with self._conn:
            self._conn.execute(
                "UPDATE outbox SET state = 'PENDING', not_before = ?, last_error = ?, "
                "attempts = attempts - ?, ambiguous = ambiguous + ? WHERE key = ?",
                (_ts(not_before), error, int(undo_attempt), int(ambiguous), key),
            )

    def _retry_later(self, key: str, exc: Exception, *, now: dt.datetime) -> None:
        (attempts,) = self._conn.execute(
            "SELECT attempts FROM outbox WHERE key = ?", (key,)
        ).fetchone()
        exponent = min(max(attempts - 1, 0), 12)  # 1, 2, 4 … minutes, capped
        delay = min(dt.timedelta(minutes=2**exponent), self.max_backoff)
        self._requeue(key, not_before=now + delay, error=str(exc))
        self._log(
            "mail.retry", {"key": key, "in_seconds": delay.total_seconds(), "error": str(exc)}
        )

    def _resolve_ambiguous(
        self, key: str, kind: str, ambiguous: int, *, now: dt.datetime, why: str
    ) -> str:
        if kind in AT_LEAST_ONCE and ambiguous == 0:
            self._requeue(key, not_before=now, error=f"re-sent once after: {why}", ambiguous=True)
            self._log("mail.resend_once", {"key": key, "kind": kind, "why": why})
            return "PENDING"
        self._finish(key, "DROPPED", error=f"{DROP_NOTE} ({why})")
        self._log("mail.dropped", {"key": key, "kind": kind, "why": why, "note": DROP_NOTE})
        return "DROPPED"

    def _park(
        self,
        key: str,
        sender: str,
        reason: str,
        exc: Exception,
        *,
        now: dt.datetime,
        report: DeliveryReport,
        parked: dict[str, dt.datetime],
    ) -> None:
        until = now + self.park_for
        self._requeue(key, not_before=now, error=str(exc), undo_attempt=True)
        with self._conn:
            self._conn.execute(
                "INSERT INTO parked_senders VALUES (?, ?, ?) ON CONFLICT (sender) "
                "DO UPDATE SET until = excluded.until, reason = excluded.reason",
                (sender, _ts(until), reason),
            )
        parked[sender] = until
        report.parked.append(ParkedSender(sender, until, reason, str(exc)))
        report.waiting += 1
        self._log(
            "mail.sender_parked",
            {"sender": sender, "until": _ts(until), "reason": reason, "error": str(exc)},
        )

    # -- pacing -------------------------------------------------------------------------
    def _parked(self, now: dt.datetime) -> dict[str, dt.datetime]:
        rows = self._conn.execute(
            "SELECT sender, until FROM parked_senders WHERE until > ?", (_ts(now),)
        ).fetchall()
        return {s: dt.datetime.fromisoformat(u) for s, u in rows}

    def _sends_since(self, sender: str, since: dt.datetime) -> int:
        (n,) = self._conn.execute(
            "SELECT COUNT(*) FROM send_log WHERE sender = ? AND at > ?", (sender, _ts(since))
        ).fetchone()
        return int(n)

    def _within_pace(self, sender: str, now: dt.datetime) -> bool:
        minute = self._sends_since(sender, now - dt.timedelta(minutes=1))
        if minute >= self.per_sender_per_minute:
            return False
        return self._sends_since(sender, now - dt.timedelta(hours=24)) < self.daily_budget

    def _prune(self, now: dt.datetime) -> None:
        with self._conn:
            self._conn.execute(
                "DELETE FROM send_log WHERE at <= ?", (_ts(now - dt.timedelta(hours=24)),)
            )
            self._conn.execute("DELETE FROM parked_senders WHERE until <= ?", (_ts(now),))
