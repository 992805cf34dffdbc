"""A manager's KPI sheet, read from CSV text, for the prep email.

Managers keep KPIs in a spreadsheet they export as CSV (``rep,kpi,kind,actual,goal,period``),
one row per rep, KPI and period; several periods of the same KPI give its trend
(``scheduler.numbers`` judges them). ``period`` is a month (``2026-11``, ``Nov 2026``), a quarter
(``2026-Q4``, ``Q4 2026``) or a year (``2026``); optional ``start`` and ``end`` columns
(``YYYY-MM-DD``) give any other period its dates. A period's dates are what pace is measured
against. Output KPIs (revenue, new accounts…) are what matters; input KPIs (calls, new
opportunities…) only deserve a place on the agenda when some output is below goal, so
``for_agenda`` applies that rule. A bad row never sinks the file: it becomes a warning naming the
row, the rest is kept.

Pure: the caller reads the file and passes its text.
"""

from __future__ import annotations

import _csv
import calendar
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass

COLUMNS = ("rep", "kpi", "kind", "actual", "goal", "period")
KINDS = ("output", "input")
OPTIONAL_COLUMNS = ("start", "end")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


@dataclass(frozen=True)
class Kpi:
    """One KPI of one rep for one period; ``unit`` is ``$``, ``%`` or empty."""

    rep: str
    name: str
    kind: str
    actual: float
    goal: float
    period: str
    unit: str = ""
    row: int = 0
    start: dt.date | None = None
    end: dt.date | None = None

    @property
    def attainment(self) -> float:
        """Actual as a fraction of goal (1.0 = on goal)."""
        return self.actual / self.goal

    @property
    def below_goal(self) -> bool:
        return self.actual < self.goal


@dataclass(frozen=True)
class KpiTable:
    kpis: tuple[Kpi, ...]
    warnings: tuple[str, ...] = ()

    def rows_for(self, rep_email: str, *, name: str = "") -> list[Kpi]:
        """Every KPI of one rep in file order; the ``rep`` column may hold the email or name."""
        keys = {rep_email.strip().casefold()}
        if name.strip():
            keys.add(name.strip().casefold())
        return [k for k in self.kpis if k.rep.casefold() in keys]

    def for_agenda(self, rep_email: str, *, name: str = "") -> list[Kpi]:
        """Output KPIs first; input KPIs only when some output KPI is below goal."""
        rows = self.rows_for(rep_email, name=name)
        outputs = [k for k in rows if k.kind == "output"]
        if not any(k.below_goal for k in outputs):
            return outputs
        return outputs + [k for k in rows if k.kind == "input"]


def parse_kpis(text: str, *, source: str) -> KpiTable:
    """Parse KPI CSV text; ``source`` names the file in warnings (``source:row N: …``)."""
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header, header_row = _header(reader)
    if header is None:
        return KpiTable((), (f"{source}: no header row; expected {','.join(COLUMNS)}",))
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        problem = f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
        expected = ",".join(COLUMNS)
        return KpiTable((), (f"{source}:row {header_row}: {problem}; expected {expected}",))
    kpis: list[Kpi] = []
    warnings: list[str] = []
    for fields in reader:
        row = reader.line_num
        if _blank(fields):
            continue
        try:
            kpis.append(_kpi(header, fields, row))
        except ValueError as e:
            warnings.append(f"{source}:row {row}: {e}; row skipped")
    return KpiTable(tuple(kpis), tuple(warnings))


def _header(reader: _csv.Reader) -> tuple[list[str] | None, int]:
    for fields in reader:
        if not _blank(fields):
            return [f.strip().casefold() for f in fields], reader.line_num
    return None, 0


def _blank(fields: list[str]) -> bool:
    return not any(f.strip() for f in fields) or fields[0].lstrip().startswith("#")


def _kpi(header: list[str], fields: list[str], row: int) -> Kpi:
    if len(fields) != len(header):
        raise ValueError(f"expected {len(header)} fields, found {len(fields)}")
    cell = {h: v.strip() for h, v in zip(header, fields, strict=True)}
    for column in ("rep", "kpi"):
        if not cell[column]:
            raise ValueError(f"{column} is empty")
    kind = cell["kind"].casefold()
    if kind not in KINDS:
        raise ValueError(f"kind {cell['kind']!r} is not one of {', '.join(KINDS)}")
    actual, unit_a = parse_number(cell["actual"], "actual")
    goal, unit_g = parse_number(cell["goal"], "goal")
    if goal <= 0:
        raise ValueError(f"goal {cell['goal']!r} must be greater than 0")
    start, end = _period_dates(cell)
    return Kpi(
        rep=cell["rep"],
        name=cell["kpi"],
        kind=kind,
        actual=actual,
        goal=goal,
        period=cell["period"],
        unit=unit_a or unit_g,
        row=row,
        start=start,
        end=end,
    )


def _period_dates(cell: dict[str, str]) -> tuple[dt.date | None, dt.date | None]:
    """The period's first and last day: the ``start``/``end`` columns, else read from
    ``period``; (None, None) for a period named in words only (it is shown without pace)."""
    written = [cell.get(c, "") for c in OPTIONAL_COLUMNS]
    if any(written):
        try:
            start, end = (dt.date.fromisoformat(w) for w in written)
        except ValueError:
            raise ValueError(
                f"start {written[0]!r} and end {written[1]!r} must both be dates (YYYY-MM-DD)"
            ) from None
        if end < start:
            raise ValueError(f"end {written[1]} is before start {written[0]}")
        return start, end
    return period_dates(cell["period"]) or (None, None)


def period_dates(text: str) -> tuple[dt.date, dt.date] | None:
    """``2026-11``, ``Nov 2026``, ``November 2026``, ``2026-Q4``, ``Q4 2026`` or ``2026`` as its
    first and last day; None for anything else."""
    word = " ".join(text.casefold().replace("-", " ").replace("/", " ").split())
    if m := re.fullmatch(r"(\d{4}) (\d{1,2})", word):
        return _month(int(m[1]), int(m[2]))
    if (m := re.fullmatch(r"([a-z]{3,9}) (\d{4})", word)) and m[1][:3] in _MONTHS:
        return _month(int(m[2]), _MONTHS.index(m[1][:3]) + 1)
    quarter = re.fullmatch(r"(\d{4}) q([1-4])", word) or re.fullmatch(r"q([1-4]) (\d{4})", word)
    if quarter:
        year, q = (
            (int(quarter[1]), int(quarter[2]))
            if len(quarter[1]) == 4
            else (
                int(quarter[2]),
                int(quarter[1]),
            )
        )
        first = _month(year, 3 * q - 2)
        last = _month(year, 3 * q)
        return (first[0], last[1]) if first and last else None
    if re.fullmatch(r"\d{4}", word):
        return dt.date(int(word), 1, 1), dt.date(int(word), 12, 31)
    return None


def _month(year: int, month: int) -> tuple[dt.date, dt.date] | None:
    if not 1 <= month <= 12 or not 1900 <= year <= 9999:
        return None
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def parse_number(raw: str, column: str) -> tuple[float, str]:
    """``'$12,500'`` → ``(12500.0, '$')``, ``'85%'`` → ``(85.0, '%')``; ValueError otherwise."""
    text = raw.strip().replace(" ", "")
    unit = ""
    negative = text.startswith("-")
    text = text.removeprefix("-")
    if text.startswith("$"):
        unit, text = "$", text[1:]
    elif text.endswith("%"):
        unit, text = "%", text[:-1]
    if not text or not all(part.isdigit() for part in text.replace(",", "").split(".", 1)):
        raise ValueError(f"{column} {raw!r} is not a number")
    if "," in text and not _good_thousands(text.split(".", 1)[0]):
        raise ValueError(f"{column} {raw!r} has misplaced thousands separators")
    value = float(text.replace(",", ""))
    return (-value if negative else value), unit


def _good_thousands(integer: str) -> bool:
    groups = integer.split(",")
    return 1 <= len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
