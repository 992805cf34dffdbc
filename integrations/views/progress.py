"""Progress of ``oneonone run --once``: managers done of total, elapsed time and what is left.

A pass has two long stretches: every manager's calendar is read (and her series written),
then each manager's moves and emails are done. Each has its own line: calendars read of total,
then managers done of total, with the time elapsed and the time left. On a terminal these are
rich's live bars (redrawn in place); anywhere else (a pipe, cron, journald) a few plain lines,
one per tenth of the managers in each stretch, so a long pass is never silent and never floods
a log. Managers may finish in several threads at once.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from types import TracebackType
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from scheduler.words import plural

STAGES = {"read": "calendars read", "done": "managers done"}


class PassProgress:
    """A context manager; ``step(stage, …)`` once per manager and stage (``read``, ``done``)."""

    def __init__(
        self, total: int, out: TextIO, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.total = total
        self.counts = dict.fromkeys(STAGES, 0)
        self._out = out
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._began = monotonic()
        self._step = max(1, math.ceil(total / 10))
        console = Console(file=out)
        self._bar: Progress | None = None
        self._tasks: dict[str, TaskID] = {}
        if console.is_terminal:
            self._bar = Progress(
                TextColumn("[bold]{task.description:<14}[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("·"),
                TimeElapsedColumn(),
                TextColumn("elapsed ·"),
                TimeRemainingColumn(),
                TextColumn("left"),
                console=console,
            )

    @property
    def elapsed(self) -> float:
        return self._monotonic() - self._began

    def __enter__(self) -> PassProgress:
        if self._bar is not None:
            self._bar.start()
            for stage, words in STAGES.items():
                self._tasks[stage] = self._bar.add_task(words, total=self.total)
        elif self.total:
            self._say(f"pass: {plural(self.total, 'manager')} to go")
        return self

    def step(self, stage: str, *_: object) -> None:
        with self._lock:
            self.counts[stage] += 1
            count = self.counts[stage]
        if self._bar is not None:
            self._bar.advance(self._tasks[stage])
        elif count % self._step == 0 or count == self.total:
            done = f"{count} of {self.total} {STAGES[stage]}"
            self._say(f"pass: {done}, {self.elapsed:.1f} s")

    def _say(self, line: str) -> None:
        with self._lock:
            self._out.write(line + "\n")
            self._out.flush()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
