"""``oneonone log``: the audit trail as a manager reads it, or as JSON for machines.

Each row: when (in the zone of the manager concerned, or UTC with ``--utc``), who by name, the
action and its result, then the reason. ``--explain`` adds what was done and, for a move, the
candidate times as a short table. Internal values (event ids, raw dictionaries, empty fields)
stay out of the human form; ``--json`` keeps every field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from integrations.state.journal import AuditRow
from scheduler.people import People
from scheduler.words import when

Print = Callable[[str], None]

SHOWN = 5  # candidates listed; the rest are counted
_EXPLAINED = ("bump", "conflict", "same_day", "why")
_LABELS = {"bump": "bumped by", "conflict": "conflict", "same_day": "same day", "why": "why"}


def print_json(rows: Sequence[AuditRow], out: Print) -> None:
    for row in rows:
        out(
            json.dumps(
                {
                    "at": row.at.isoformat(),
                    "pair": row.pair_key,
                    "action": row.action,
                    "reason": row.reason,
                    "result": row.result,
                    "details": row.details,
                }
            )
        )


def print_rows(rows: Sequence[AuditRow], people: People, out: Print, *, explain: bool) -> None:
    if not rows:
        out("nothing logged yet: the audit trail fills as passes act")
    for row in rows:
        who = people.of(row.pair_key)
        out(f"{when(row.at, who.zone)}  {who.label}  {row.action}  {row.result}")
        if row.reason:
            out(f"    {row.reason}")
        if explain:
            for line in explained(row, utc=people.utc):
                said = line.partition(": ")[2]
                if not said or said not in row.reason:  # said once is enough
                    out(f"    {line}")


def explained(row: AuditRow, *, utc: bool) -> list[str]:
    """What was done, why it did not go as planned, and a move's candidates, as lines."""
    details = row.details
    lines = []
    what = details.get("what_utc" if utc else "what") or details.get("what")
    if isinstance(what, str) and what:
        lines.append(f"what: {what}")
    detail = details.get("detail")
    if row.result not in ("done", "noted") and isinstance(detail, str) and detail.strip():
        lines.append(f"detail: {detail}")
    move = details.get("explain")
    if isinstance(move, dict):
        lines += _move_lines(move)
    return lines


def _move_lines(explain: dict[str, object]) -> list[str]:
    lines = [
        f"{_LABELS[key]}: {explain[key]}"
        for key in _EXPLAINED
        if key != "why" and isinstance(explain.get(key), str) and explain[key]
    ]
    listed = explain.get("candidates")
    candidates = [c for c in listed if isinstance(c, str)] if isinstance(listed, list) else []
    if candidates:
        lines.append("candidates (the manager's time), best first:")
        shown = candidates[:SHOWN]
        width = max(len(c) for c in shown)
        for rank, candidate in enumerate(shown, 1):
            mark = "  ← chosen" if rank == 1 else ""
            lines.append(f"  {rank:>2}  {candidate.ljust(width)}{mark}".rstrip())
        if len(candidates) > SHOWN:
            lines.append(f"      … and {len(candidates) - SHOWN} more")
    else:
        lines.append("candidates: none fitted")
    why = explain.get("why")
    if isinstance(why, str) and why:
        lines.append(f"why: {why}")
    return lines
