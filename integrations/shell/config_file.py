"""Reading the config file: the one place the shell turns a path into a validated ``Config``.

The command line, the service's reload and ``doctor`` all read the file through here, so they
report the same problems the same way (``ConfigError``, every problem at once).

The file is parsed in a short-lived child process (``fork``) that hands back the resolved
``Config`` only. Reading a 1,000-manager config builds about 70 MB of passing objects (the YAML
node tree, the raw models, the line of every path); freed in this process they stay as
fragmented arenas that the allocator cannot give back, so the service would carry them for its
whole life. Parsed in a child, they go away with it, and so do the parser's libraries.

Only a process with one thread forks (a command at start, the service before its threads
start): a fork copies only the calling thread, so a lock another thread held (logging's, the
import lock, the allocator's) would stay held in the child forever and stall the read. A
reload, made while the service's threads run, parses in the process itself.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import os
import pickle
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from integrations.collector import collector_paused
from integrations.shell.paths import LocalPaths
from scheduler.errors import ConfigError, Problem
from scheduler.model import Config


def load_config(
    path: str | Path, *, now: dt.datetime, meanwhile: Callable[[], object] | None = None
) -> Config:
    """Read and validate a config file; every problem is reported at once (``ConfigError``).

    ``meanwhile``: the caller's own preparation (a command's imports), run while the child
    parses, so that on a machine with two cores it costs no time; run before the parse when
    the file is parsed in the process, and not at all when the file cannot be read.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(
            str(path), [Problem(str(path), 0, "", f"cannot read: {exc.strerror}")]
        ) from exc
    if hasattr(os, "fork") and threading.active_count() == 1:
        config = _parse_in_child(data, path, now, meanwhile or _nothing)
    else:
        (meanwhile or _nothing)()
        config = _parse(data, path, now)
    return dataclasses.replace(config, source=path, digest=hashlib.sha256(data).hexdigest())


def _nothing() -> None:
    return None


def _parse(data: bytes, path: Path, now: dt.datetime) -> Config:
    """Imported here, in the child: the parser's libraries (pydantic, PyYAML and the schema's
    models, about 20 MB) are then never loaded into the long-running process."""
    with collector_paused():  # every object built here lives until the parse ends (or always)
        from scheduler.config import parse_config_bytes

        return parse_config_bytes(
            data,
            filename=str(path),
            base_dir=path.resolve().parent,
            paths=LocalPaths(),
            now=now,
        )


def _parse_in_child(
    data: bytes, path: Path, now: dt.datetime, meanwhile: Callable[[], object]
) -> Config:
    """``_parse`` in a forked child; its outcome (the config or the problems) comes back pickled.

    Anything else the child meets (a bug) is raised here again, as the child raised it. The
    parent runs ``meanwhile`` before it reads (a child done first waits on the full pipe).
    """
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: parse, send, and leave without running the parent's cleanups
        os.close(read_end)
        try:
            _send(write_end, _outcome(data, path, now))
        finally:
            os._exit(0)
    os.close(write_end)
    try:
        meanwhile()
    finally:  # the child is heard out and reaped even when ``meanwhile`` failed
        with os.fdopen(read_end, "rb") as pipe:
            payload = pipe.read()
        _, status = os.waitpid(pid, 0)
    whole = os.waitstatus_to_exitcode(status) == 0  # a killed child's answer may be cut short
    outcome: tuple[str, Any] = _answer(payload) if whole else ("crash", None)
    kind, value = outcome
    if kind == "config" and isinstance(value, Config):
        return value
    if kind == "problems":
        file, problems = value
        raise ConfigError(file, problems)
    if isinstance(value, BaseException):
        raise value
    return _parse(data, path, now)  # the child died before it could answer: parse here


def _answer(payload: bytes) -> tuple[str, Any]:
    """The child's outcome; ``("crash", None)`` when it sent none, or a part of one."""
    if not payload:
        return "crash", None
    try:
        with collector_paused():  # the config it rebuilds lives on
            answer: tuple[str, Any] = pickle.loads(payload)
    except Exception:  # a write cut short (the child stopped half way): parse here
        return "crash", None
    return answer


def _outcome(data: bytes, path: Path, now: dt.datetime) -> tuple[str, Any]:
    try:
        return "config", _parse(data, path, now)
    except ConfigError as exc:
        return "problems", (exc.file, exc.problems)
    except Exception as exc:  # handed to the parent, which raises it
        return "error", exc


def _send(fd: int, outcome: tuple[str, Any]) -> None:
    try:
        payload = pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # an unpicklable error: the parent parses again
        payload = b""
    with os.fdopen(fd, "wb") as pipe:
        pipe.write(payload)
