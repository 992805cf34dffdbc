"""Progress of ``oneonone run --once``: managers done of total, elapsed time and what is left.

On a terminal it is rich's live progress bar (redrawn in place, gone from logs); anywhere else
(a pipe, cron, journald) it is a few plain lines, one per tenth of the managers, so a long pass
is never silent and never floods a log. Managers may finish in several threads at once.
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
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from scheduler.words import plural


class PassProgress:
    """A context manager; ``done()`` once per manager whose part of the pass has ended."""

    def __init__(
        self, total: int, out: TextIO, *, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.total = total
        self.count = 0
        self._out = out
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self._began = monotonic()
        self._step = max(1, math.ceil(total / 10))
        console = Console(file=out)
        self._bar: Progress | None = None
        if console.is_terminal:
            self._bar = Progress(
                TextColumn("[bold]pass[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("managers"),
                TextColumn("·"),
                TimeElapsedColumn(),
                TextColumn("elapsed ·"),
                TimeRemainingColumn(),
                TextColumn("left"),
                console=console,
                transient=False,
            )
            self._task = self._bar.add_task("pass", total=total)

    @property
    def elapsed(self) -> float:
        return self._monotonic() - self._began

    def __enter__(self) -> PassProgress:
        if self._bar is not None:
            self._bar.start()
        elif self.total:
            self._out.write(f"pass: {plural(self.total, 'manager')} to go\n")
            self._out.flush()
        return self

    def done(self, *_: object) -> None:
        with self._lock:
            self.count += 1
            count = self.count
        if self._bar is not None:
            self._bar.advance(self._task)
        elif count % self._step == 0 or count == self.total:
            self._out.write(
                f"pass: {count} of {plural(self.total, 'manager')} done, {self.elapsed:.1f} s\n"
            )
            self._out.flush()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
