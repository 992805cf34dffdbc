"""A manager's deal list, read from CSV text: which deals deserve the 1:1's time.

An optional second sheet next to the KPIs, exported from the CRM as
``rep,deal,stage,amount,close_date,last_activity,next_step`` (and optionally ``stage_since``,
the date the deal entered its stage). A manager preparing a 1:1 looks for the deals that need a
decision: the close date passed while the deal is still open, nothing happened for two weeks,
no next step is written, it has sat in one stage for a month, or it is simply the largest. The
"one deal in depth" section then suggests one of them.

A bad row never sinks the file: it becomes a warning naming the row, for the manager's prep.
Pure: the caller reads the file; ``today`` is an argument.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Sequence
from dataclasses import dataclass

from scheduler.kpis import parse_number
from scheduler.numbers import format_value

COLUMNS = ("rep", "deal", "stage", "amount", "close_date", "last_activity", "next_step")
QUIET_DAYS = 14
STUCK_DAYS = 30
SHOWN = 5
CLOSED_STAGES = ("closed", "won", "lost")


@dataclass(frozen=True)
class Deal:
    rep: str
    name: str
    stage: str
    amount: float
    unit: str
    close_date: dt.date
    last_activity: dt.date | None
    next_step: str
    stage_since: dt.date | None = None
    row: int = 0

    @property
    def open(self) -> bool:
        return not self.stage.casefold().startswith(CLOSED_STAGES)

    def label(self) -> str:
        return f"{self.name} ({format_value(self.amount, self.unit)}, {self.stage})"


@dataclass(frozen=True)
class DealTable:
    deals: tuple[Deal, ...]
    warnings: tuple[str, ...] = ()

    def rows_for(self, rep_email: str, *, name: str = "") -> list[Deal]:
        keys = {rep_email.strip().casefold()} | (
            {name.strip().casefold()} if name.strip() else set()
        )
        return [d for d in self.deals if d.rep.casefold() in keys]


@dataclass(frozen=True)
class DealToDiscuss:
    deal: Deal
    reasons: tuple[str, ...]

    def sentence(self) -> str:
        return f"{self.deal.label()}: {'; '.join(self.reasons)}"


def parse_deals(text: str, *, source: str) -> DealTable:
    """Parse deal CSV text; ``source`` names the file in warnings (``source:row N: …``)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header: list[str] | None = None
    deals: list[Deal] = []
    warnings: list[str] = []
    for fields in reader:
        if not any(f.strip() for f in fields) or fields[0].lstrip().startswith("#"):
            continue
        if header is None:
            header = [f.strip().casefold() for f in fields]
            missing = [c for c in COLUMNS if c not in header]
            if missing:
                problem = f"missing {', '.join(missing)}; expected {','.join(COLUMNS)}"
                return DealTable((), (f"{source}:row {reader.line_num}: {problem}",))
            continue
        try:
            deals.append(_deal(header, fields, reader.line_num))
        except ValueError as e:
            warnings.append(f"{source}:row {reader.line_num}: {e}; row skipped")
    if header is None:
        return DealTable((), (f"{source}: no header row; expected {','.join(COLUMNS)}",))
    return DealTable(tuple(deals), tuple(warnings))


def _deal(header: list[str], fields: list[str], row: int) -> Deal:
    if len(fields) != len(header):
        raise ValueError(f"expected {len(header)} fields, found {len(fields)}")
    cell = {h: v.strip() for h, v in zip(header, fields, strict=True)}
    for column in ("rep", "deal", "stage"):
        if not cell[column]:
            raise ValueError(f"{column} is empty")
    amount, unit = parse_number(cell["amount"], "amount")
    return Deal(
        rep=cell["rep"],
        name=cell["deal"],
        stage=cell["stage"],
        amount=amount,
        unit=unit,
        close_date=_date(cell["close_date"], "close_date", required=True),  # type: ignore[arg-type]
        last_activity=_date(cell["last_activity"], "last_activity"),
        next_step=cell["next_step"],
        stage_since=_date(cell.get("stage_since", ""), "stage_since"),
        row=row,
    )


def _date(text: str, column: str, *, required: bool = False) -> dt.date | None:
    if not text:
        if required:
            raise ValueError(f"{column} is empty")
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{column} {text!r} is not a date (YYYY-MM-DD)") from None


def deals_to_discuss(deals: Sequence[Deal], *, today: dt.date) -> list[DealToDiscuss]:
    """The open deals worth the 1:1's time, those with most reasons first, then the largest."""
    live = [d for d in deals if d.open]
    largest = max(live, key=lambda d: d.amount, default=None)
    found = []
    for deal in live:
        reasons = _reasons(deal, today)
        if deal is largest:
            reasons.append("the largest open deal")
        if reasons:
            found.append(DealToDiscuss(deal, tuple(reasons)))
    found.sort(key=lambda f: (-len(f.reasons), -f.deal.amount, f.deal.row))
    return found[:SHOWN]


def _reasons(deal: Deal, today: dt.date) -> list[str]:
    reasons = []
    if deal.close_date < today:
        reasons.append(f"close date {deal.close_date:%d %b} has passed")
    if deal.last_activity is not None and (today - deal.last_activity).days >= QUIET_DAYS:
        reasons.append(f"no activity for {(today - deal.last_activity).days} days")
    if not deal.next_step:
        reasons.append("no next step")
    if deal.stage_since is not None and (today - deal.stage_since).days >= STUCK_DAYS:
        reasons.append(f"in {deal.stage} for {(today - deal.stage_since).days} days")
    return reasons


def deal_in_depth(found: Sequence[DealToDiscuss]) -> DealToDiscuss | None:
    """The deal to take apart together: the largest one that has a problem, else the largest."""
    troubled = [f for f in found if f.reasons != ("the largest open deal",)]
    pool = troubled or list(found)
    return max(pool, key=lambda f: f.deal.amount, default=None)
