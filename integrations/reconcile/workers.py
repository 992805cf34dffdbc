"""The threads of a pass: one long-lived pool, and a guard that one manager is never in two
threads at once.

The pool lives from pass to pass because its threads keep their connections (each thread has
its own Google client and HTTP connection); the guard raises rather than waits, since two
threads meeting on one manager is a bug, not a race to sit out.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

T = TypeVar("T")


class Workers:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: ThreadPoolExecutor | None = None
        self._executor_size = 0
        self.in_flight: set[str] = set()
        self.max_in_flight = 0  # most managers in their own stages at once (for tests and logs)

    def each(self, items: Sequence[T], work: Callable[[T], object], workers: int) -> None:
        """``work`` on every item, ``workers`` at a time."""
        if workers <= 1:  # else on the pool even for one item: its threads hold the connections
            for item in items:
                work(item)
        else:
            list(self._pool(workers).map(work, items))

    def _pool(self, workers: int) -> ThreadPoolExecutor:
        """One long-lived pool: its threads keep their connections from pass to pass."""
        with self._lock:
            if self._executor is None or self._executor_size != workers:
                if self._executor is not None:
                    self._executor.shutdown(wait=True)
                self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pass")
                self._executor_size = workers
            return self._executor

    def close(self) -> None:
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            executor.shutdown(wait=True)

    def note_in_flight(self) -> None:
        """Keep the most managers in their own stages at once: at most the worker count."""
        with self._lock:
            self.max_in_flight = max(self.max_in_flight, len(self.in_flight))

    @contextlib.contextmanager
    def claim(self, owners: set[str]) -> Iterator[None]:
        """Mark managers as being processed; a guard, not a wait: two threads must never meet."""
        with self._lock:
            if owners & self.in_flight:
                raise RuntimeError(f"{sorted(owners & self.in_flight)} already being processed")
            self.in_flight |= owners
        try:
            yield
        finally:
            with self._lock:
                self.in_flight -= owners
