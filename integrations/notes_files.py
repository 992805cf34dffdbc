"""The notes folder: one Markdown file per occurrence, for managers who keep notes in files.

Before the meeting the file is created from the same agenda text the event description holds
(markers included), so the manager types notes and action items under the same headings; after
the meeting the recap reads it back. The file is named after the meeting's date in the
manager's zone and the rep: ``<notes_dir>/2026-11-24-sam.md``. Notes are private: the folder
is 0700 and each file 0600. An existing file is never overwritten; the manager may have
started writing in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import tempfile
from pathlib import Path

from scheduler.agenda import ACTIONS_MARKER, END_MARKER, NOTES_MARKER
from scheduler.model import Pair

MAX_READ = 1024 * 1024
"""Bytes of a notes file that are read; anything beyond is someone's pasted archive."""


def notes_path(notes_dir: Path, pair: Pair, start: dt.datetime) -> Path:
    """Where the notes of the occurrence starting at ``start`` live."""
    if start.tzinfo is None:
        raise ValueError("start must be an aware datetime")
    day = start.astimezone(pair.manager.zone).date()
    local_part = pair.rep.email.split("@", 1)[0]
    safe = re.sub(r"[^A-Za-z0-9._+-]", "_", local_part).lstrip(".") or "rep"
    return notes_dir / f"{day.isoformat()}-{safe}.md"


def notes_template(pair: Pair, start: dt.datetime, agenda_text: str) -> str:
    """The file's first content: a title, the agenda and the places to write (markers)."""
    local = start.astimezone(pair.manager.zone)
    title = f"# {pair.summary}, {local:%a %d %b %Y %H:%M} {local.tzname()}\n\n"
    body = agenda_text.rstrip("\n") + "\n"
    if NOTES_MARKER not in body:
        body += f"\n{NOTES_MARKER}\n\n\n{ACTIONS_MARKER}\n\n\n{END_MARKER}\n"
    return title + body


def create_notes_file(notes_dir: Path, pair: Pair, start: dt.datetime, agenda_text: str) -> bool:
    """Create the occurrence's notes file; False when it already exists (left untouched).

    The content is written to a private temporary file and linked into place, so a crash
    never leaves a half-written file under the final name and an existing file always wins.
    """
    path = notes_path(notes_dir, pair, start)
    notes_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if path.exists():
        return False
    fd, tmp = tempfile.mkstemp(dir=notes_dir, prefix=".notes-", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(notes_template(pair, start, agenda_text))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            return _create_exclusive(path, notes_template(pair, start, agenda_text))
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
    return True


def _create_exclusive(path: Path, text: str) -> bool:
    """For file systems without hard links: create-or-fail, then write."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    return True


def read_notes_file(notes_dir: Path, pair: Pair, start: dt.datetime) -> str | None:
    """The text of the occurrence's notes file, or None when there is none."""
    path = notes_path(notes_dir, pair, start)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_READ)
    except (FileNotFoundError, IsADirectoryError):
        return None
    return data.decode("utf-8", errors="replace")
