"""How long one same-day slot search takes on a crowded day.

Two calendars with 200 random busy intervals each (seeded, so runs compare), manager in
New York and rep in Los Angeles; prints median and p95 over 1,000 ``find_slot`` calls.
Run: ``python bench/slots_bench.py``.
"""

from __future__ import annotations

import datetime as dt
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduler import intervals
from scheduler.model import Person, WorkingHours
from scheduler.slots import SlotRequest, find_slot

SEARCHES = 1_000
BUSY = 200
DAY_START = dt.datetime(2026, 11, 24, 5, 0, tzinfo=dt.UTC)  # midnight in New York


def _person(name: str, tz: str) -> Person:
    hours = tuple(((540, 1050),) if d < 5 else () for d in range(7))
    return Person(name, f"{name.lower()}@example.com", tz, WorkingHours(hours))


def _busy(rng: random.Random) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    spans = []
    for _ in range(BUSY):
        start = DAY_START + dt.timedelta(minutes=rng.randrange(0, 24 * 60, 5))
        spans.append((start, start + dt.timedelta(minutes=rng.choice((5, 5, 10, 15)))))
    return tuple(spans)


def _requests(rng: random.Random) -> list[SlotRequest]:
    manager, rep = _person("Dana", "America/New_York"), _person("Sam", "America/Los_Angeles")
    return [
        SlotRequest(
            original_start=DAY_START + dt.timedelta(minutes=rng.randrange(720, 1020, 15)),
            duration=dt.timedelta(minutes=rng.choice((30, 45, 60))),
            manager=manager,
            rep=rep,
            busy_manager=_busy(rng),
            busy_rep=_busy(rng),
            min_notice=dt.timedelta(minutes=30),
            allow_shorter=dt.timedelta(minutes=15),
            buffer=dt.timedelta(minutes=rng.choice((0, 5))),
        )
        for _ in range(SEARCHES)
    ]


def _run(requests: list[SlotRequest], *, cold: bool) -> tuple[list[float], int, int]:
    """Seconds per search; ``cold`` forgets the cached zone offsets before each one."""
    now = DAY_START - dt.timedelta(hours=12)
    timings, found, shorter = [], 0, 0
    for req in requests:
        if cold:
            intervals._offset_segments.cache_clear()
        t0 = time.perf_counter()
        decision = find_slot(req, now=now)
        timings.append(time.perf_counter() - t0)
        found += decision.slot is not None
        shorter += decision.shorter
    return sorted(timings), found, shorter


def main() -> None:
    requests = _requests(random.Random(20261124))
    print(f"find_slot, {BUSY} busy intervals per calendar, {SEARCHES} searches")
    print(f"python {platform.python_version()} ({platform.python_implementation()})")
    head = ("zone cache", "median ms", "p95 ms", "max ms", "slot", "short")
    print(f"{head[0]:<11} {head[1]:>10} {head[2]:>10} {head[3]:>10} {head[4]:>6} {head[5]:>6}")
    for label, cold in (("warm", False), ("cold", True)):
        timings, found, shorter = _run(requests, cold=cold)
        median = statistics.median(timings) * 1e3
        p95 = timings[int(0.95 * len(timings)) - 1] * 1e3
        worst = timings[-1] * 1e3
        print(f"{label:<11} {median:>10.3f} {p95:>10.3f} {worst:>10.3f} {found:>6} {shorter:>6}")


if __name__ == "__main__":
    main()
