"""One service per state database: an exclusive ``flock`` on ``<state>.lock``.

APScheduler 3 has no interprocess synchronisation, and two reconcilers on one state would race
each other, so a second ``oneonone run`` refuses to start; ``oneonone doctor`` asks who holds it.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

from scheduler.errors import UserError


class StateLock:
    """An exclusive ``flock`` on ``<state>.lock``: one service per state database.

    APScheduler 3 has no interprocess synchronisation, and two reconcilers on one state would
    race each other, so a second ``oneonone run`` refuses to start. The kernel drops the lock
    when the process dies, even by ``kill -9``, so a stale file never blocks a restart.
    """

    def __init__(self, state: Path) -> None:
        self.path = state.with_name(state.name + ".lock")
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 32).decode("ascii", "replace").strip() or "unknown"
            os.close(fd)
            raise UserError(
                f"another 'oneonone run' (pid {holder}) is already serving the state in "
                f"{self.path.with_suffix('')}; stop it first (only one service may run per "
                "state file)"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._fd = fd

    def holder(self) -> int | None:
        """The pid of the running service holding the lock, or None if nobody holds it."""
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:
                text = os.read(fd, 32).decode("ascii", "replace").strip()
                return int(text) if text.isdigit() else -1
            fcntl.flock(fd, fcntl.LOCK_UN)
            return None
        finally:
            os.close(fd)

    def release(self) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            os.close(self._fd)  # closing drops the flock; the file stays (unlinking races)
            self._fd = None
