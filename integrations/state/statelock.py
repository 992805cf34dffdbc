"""One writer per state database: an exclusive ``flock`` on ``<state>.lock``.

Two processes reconciling the same state race each other: both see a series missing, both
create it. So every command that changes the state (the service, ``run --once``, ``plan``)
takes this lock first. A second one waits a bounded time for it, then gives up with exit 75
(EX_TEMPFAIL), naming the holder's pid and command line, which the holder wrote into the file.
``oneonone doctor`` asks who holds it. The kernel drops the lock when the process dies, even by
``kill -9``, so a stale file never blocks a restart.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from scheduler.errors import StateBusy

POLL = 0.1  # seconds between tries while waiting for the lock
_MAX_INFO = 4096


@dataclass(frozen=True)
class Holder:
    """Who holds the lock: the pid and command line it wrote (``-1``/"" when unreadable)."""

    pid: int
    command: str

    def __str__(self) -> str:
        who = f"pid {self.pid}" if self.pid > 0 else "another process"
        return f"{who} ({self.command})" if self.command else who


class StateLock:
    """An exclusive ``flock`` on ``<state>.lock``, held by one command at a time."""

    def __init__(self, state: Path, *, command: str = "oneonone run") -> None:
        self.state = state
        self.path = state.with_name(state.name + ".lock")
        self.command = " ".join(command.split())  # one line, whatever the arguments held
        self._fd: int | None = None

    def acquire(
        self,
        *,
        wait: float = 0.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        """Take the lock, trying for up to ``wait`` seconds; ``StateBusy`` when it stays taken."""
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = monotonic() + max(0.0, wait)
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                left = deadline - monotonic()
                if left <= 0:
                    holder = _read_holder(fd)
                    os.close(fd)
                    raise self._busy(holder, wait) from None
                sleep(min(POLL, left))
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n{self.command}\n".encode(), 0)
        self._fd = fd

    def _busy(self, holder: Holder, wait: float) -> StateBusy:
        waited = f"; waited {wait:g}s for it" if wait > 0 else ""
        return StateBusy(
            f"the state in {self.state} is in use by {holder}{waited}. Only one oneonone "
            "command may change it at a time: try again when that one is done, or stop it"
        )

    def holder(self) -> Holder | None:
        """Who holds the lock now, or None if nobody does."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                return _read_holder(fd)
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock; the file stays (unlinking races)
            self._fd = None


def _read_holder(fd: int) -> Holder:
    text = os.pread(fd, _MAX_INFO, 0).decode("utf-8", "replace")
    pid_text, _, rest = text.partition("\n")
    pid = int(pid_text) if pid_text.strip().isdigit() else -1
    return Holder(pid, rest.strip().splitlines()[0] if rest.strip() else "")


@contextlib.contextmanager
def holding(state: Path, *, command: str, wait: float) -> Iterator[StateLock]:
    """The state's lock for the length of a ``with`` block, waited for up to ``wait`` seconds."""
    lock = StateLock(state, command=command)
    lock.acquire(wait=wait)
    try:
        yield lock
    finally:
        lock.release()
