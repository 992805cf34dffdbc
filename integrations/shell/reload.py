"""Reloading the config off the main thread, and answering whoever asked for the reload.

A reload reads a file someone just edited, so it may be slow or hostile; done in the main thread
it held up SIGTERM for as long as it took. ``Reloader`` runs one reload at a time in its own
thread (SIGHUPs that arrive meanwhile merge into one more), tells systemd ``RELOADING=1`` then
``READY=1`` with the outcome as ``STATUS=``, and writes the outcome to ``<state>.reload``.

``oneonone reload`` (the unit's ``ExecReload=``) sends SIGHUP and waits for that file to
change, so ``systemctl reload`` fails, with the config's problems in the journal, when the
service kept its last good config.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType

from integrations.shell.sdnotify import SystemdNotifier
from integrations.state.statelock import StateLock
from scheduler.errors import ConfigError, UserError
from scheduler.model import Config

log = logging.getLogger("oneonone.service")


@dataclass(frozen=True)
class Outcome:
    """How reload number ``count`` of process ``pid`` went."""

    pid: int
    count: int
    ok: bool
    message: str


def outcome_path(state: Path) -> Path:
    return state.with_name(state.name + ".reload")


def write_outcome(state: Path, outcome: Outcome) -> None:
    """Replace the outcome file atomically (a reader never sees half of it); mode 0600."""
    path = outcome_path(state)
    fd, tmp = tempfile.mkstemp(prefix=".reload-", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(asdict(outcome), f)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_outcome(state: Path) -> Outcome | None:
    try:
        data = json.loads(outcome_path(state).read_text("utf-8"))
        return Outcome(int(data["pid"]), int(data["count"]), bool(data["ok"]), str(data["message"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class Reloader:
    """One reload at a time, in a daemon thread; the main thread only asks."""

    def __init__(
        self,
        reload: Callable[[], tuple[bool, str]],
        *,
        state: Path,
        notifier: SystemdNotifier,
    ) -> None:
        self._reload = reload
        self._state = state
        self._notifier = notifier
        self._lock = threading.Lock()
        self._again = False
        self._thread: threading.Thread | None = None
        self.count = 0

    def request(self) -> None:
        """Start a reload, or ask for one more when one is running (never blocks)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                self._again = True
                return
            self._thread = threading.Thread(target=self._run, name="reload", daemon=True)
            self._thread.start()

    def join(self, timeout: float) -> bool:
        """Wait for a running reload; True when none is left running."""
        thread = self._thread
        if thread is not None:
            thread.join(timeout)
            return not thread.is_alive()
        return True

    def _run(self) -> None:
        while True:
            self._notifier.reloading("reloading the config")
            try:
                ok, message = self._reload()
            except Exception as exc:  # a bug in the reload must not end the service
                log.exception("reload failed, keeping the last good config")
                ok, message = False, f"reload failed, keeping the last good config: {exc}"
            self.count += 1
            try:
                write_outcome(self._state, Outcome(os.getpid(), self.count, ok, message))
            except OSError as exc:
                log.warning("cannot record the reload's outcome for 'oneonone reload': %s", exc)
            self._notifier.ready(message)
            with self._lock:
                if not self._again:
                    return
                self._again = False


def ask_to_reload(
    state: Path,
    pid: int,
    *,
    timeout: float,
    sleep: Callable[[float], None] = time.sleep,
    monotonic: Callable[[], float] = time.monotonic,
) -> Outcome | None:
    """SIGHUP ``pid`` and wait for its answer; None when none came within ``timeout``."""
    before = read_outcome(state)
    seen = before.count if before is not None and before.pid == pid else 0
    os.kill(pid, signal.SIGHUP)
    deadline = monotonic() + timeout
    while monotonic() < deadline:
        outcome = read_outcome(state)
        if outcome is not None and outcome.pid == pid and outcome.count > seen:
            return outcome
        sleep(0.05)
    return None


@contextlib.contextmanager
def handle_signals(stop: threading.Event, hup: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop``, SIGHUP sets ``hup``; the previous handlers come back."""

    def on_stop(signum: int, frame: FrameType | None) -> None:
        stop.set()

    def on_hup(signum: int, frame: FrameType | None) -> None:
        hup.set()

    previous = {
        signal.SIGTERM: signal.signal(signal.SIGTERM, on_stop),
        signal.SIGINT: signal.signal(signal.SIGINT, on_stop),
        signal.SIGHUP: signal.signal(signal.SIGHUP, on_hup),
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def reload_command(
    config_path: str | Path,
    load: Callable[[str | Path], Config],
    *,
    pid: int | None,
    timeout: float,
) -> int:
    """``oneonone reload``: 0 when the service took the file, 78 when it kept the last good one.

    For ``ExecReload=``: ``systemctl reload`` then fails when the file is refused, and the
    problems land in the journal. A file too broken to read is refused here, without waiting
    (with ``pid`` the service is still told, so its status says why too).
    """
    try:
        config = load(config_path)
    except ConfigError:
        if pid:
            os.kill(pid, signal.SIGHUP)
        raise
    pid = pid or _service_pid(config)
    outcome = ask_to_reload(Path(config.state), pid, timeout=timeout)
    if outcome is None:
        print(f"oneonone: pid {pid} did not answer within {timeout:g}s", file=sys.stderr)
        return 75
    print(outcome.message, file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if outcome.ok else 78


def _service_pid(config: Config) -> int:
    """The pid of the service holding ``config``'s state (never a ``--once`` or ``plan``)."""
    holder = StateLock(Path(config.state)).holder()
    words = holder.command.split() if holder is not None else []
    if holder is None or holder.pid <= 0 or words[:2] != ["oneonone", "run"] or "--once" in words:
        who = f"; {holder} holds it" if holder is not None else ""
        raise UserError(f"no oneonone service is running on the state in {config.state}{who}")
    return holder.pid
