"""The notes folder: one Markdown file per occurrence, for managers who keep notes in files.

Before the meeting the file is created from the same agenda text the event description holds
(markers included), so the manager types notes and action items under the same headings; after
the meeting the recap reads it back.

Names are unique by construction: a folder per pair, named from the rep's name and a short hash
of the manager's and the rep's addresses, and a file per occurrence, named from its original
start in the manager's zone: ``<notes_dir>/sam-ortiz-1a2b3c4d/2026-11-24-1300.md``. (Files used
to be ``<notes_dir>/2026-11-24-sam.md``, which ``sam@example.com`` and ``sam@other.example``
shared, so one rep's notes could reach another's recap. Such a file is moved into its pair's
folder when exactly one configured rep could own it, and otherwise left alone and not read.)

Notes are private: folders are 0700 and each file 0600. An existing file is never overwritten;
the manager may have started writing in it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import re
import tempfile
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from scheduler.agenda import ACTIONS_MARKER, END_MARKER, NOTES_MARKER
from scheduler.model import Pair
from scheduler.private_notes import PRIVATE_MARKER, is_private_marker

log = logging.getLogger("oneonone")

MAX_READ = 1024 * 1024
"""Bytes of a notes file that are read; anything beyond is someone's pasted archive."""


def pair_folder(notes_dir: Path, pair: Pair) -> Path:
    """``sam-ortiz-1a2b3c4d``: readable, and distinct for every manager/rep pair."""
    ascii_name = unicodedata.normalize("NFKD", pair.rep.name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")[:40] or "rep"
    who = f"{pair.manager.email.lower()}/{pair.rep.email.lower()}"
    return notes_dir / f"{slug}-{hashlib.sha256(who.encode()).hexdigest()[:8]}"


def notes_path(notes_dir: Path, pair: Pair, original_start: dt.datetime) -> Path:
    """Where the notes of the occurrence first planned at ``original_start`` live (a move does
    not rename them)."""
    if original_start.tzinfo is None:
        raise ValueError("original_start must be an aware datetime")
    local = original_start.astimezone(pair.manager.zone)
    return pair_folder(notes_dir, pair) / f"{local:%Y-%m-%d-%H%M}.md"


def _local_part(pair: Pair) -> str:
    local_part = pair.rep.email.split("@", 1)[0]
    return re.sub(r"[^A-Za-z0-9._+-]", "_", local_part).lstrip(".") or "rep"


def legacy_path(notes_dir: Path, pair: Pair, start: dt.datetime) -> Path:
    """The old shared name ``<notes_dir>/2026-11-24-sam.md`` (date of the start, local part)."""
    day = start.astimezone(pair.manager.zone).date()
    return notes_dir / f"{day.isoformat()}-{_local_part(pair)}.md"


def adopt_legacy(
    notes_dir: Path,
    pair: Pair,
    original_start: dt.datetime,
    start: dt.datetime,
    pairs: Sequence[Pair],
) -> bool:
    """Move an old-style file into the pair's folder when only this pair could own it."""
    old = legacy_path(notes_dir, pair, start)
    new = notes_path(notes_dir, pair, original_start)
    if new.exists() or not old.is_file():
        return False
    owners = {p.key for p in pairs if _local_part(p) == _local_part(pair)} | {pair.key}
    if len(owners) > 1:
        log.warning(
            "notes file %s could belong to %d reps (%s): left as it is and not read",
            old,
            len(owners),
            ", ".join(sorted(owners)),
        )
        return False
    new.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.link(old, new)
    except FileExistsError:
        return False
    os.unlink(old)
    log.info("notes file %s moved to %s", old, new)
    return True


def notes_template(pair: Pair, start: dt.datetime, agenda_text: str) -> str:
    """The file's first content: a title, the agenda and the places to write (markers)."""
    local = start.astimezone(pair.manager.zone)
    title = f"# {pair.summary}, {local:%a %d %b %Y %H:%M} {local.tzname()}\n\n"
    body = agenda_text.rstrip("\n") + "\n"
    if NOTES_MARKER not in body:
        body += f"\n{NOTES_MARKER}\n\n\n{ACTIONS_MARKER}\n\n\n{END_MARKER}\n"
    if not any(is_private_marker(line) for line in body.splitlines()):
        body += f"\n{PRIVATE_MARKER}\n\n"  # a place for what is hers alone (to the file's end)
    return title + body


def create_notes_file(
    notes_dir: Path,
    pair: Pair,
    original_start: dt.datetime,
    agenda_text: str,
    *,
    start: dt.datetime | None = None,
    pairs: Sequence[Pair] = (),
) -> bool:
    """Create the occurrence's notes file; False when it already exists (left untouched).

    ``start`` (the current start, for the title and an old-style file) defaults to
    ``original_start``. The content is written to a private temporary file and linked into
    place, so a crash never leaves a half-written file under the final name and an existing
    file always wins.
    """
    start = start or original_start
    path = notes_path(notes_dir, pair, original_start)
    notes_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    if adopt_legacy(notes_dir, pair, original_start, start, pairs) or path.exists():
        return False
    path.parent.mkdir(exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".notes-", suffix=".tmp")
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


def read_notes_file(
    notes_dir: Path,
    pair: Pair,
    original_start: dt.datetime,
    *,
    start: dt.datetime | None = None,
    pairs: Sequence[Pair] = (),
) -> str | None:
    """The text of the occurrence's notes file, or None when there is none."""
    adopt_legacy(notes_dir, pair, original_start, start or original_start, pairs)
    path = notes_path(notes_dir, pair, original_start)
    try:
        with path.open("rb") as f:
            data = f.read(MAX_READ)
    except (FileNotFoundError, IsADirectoryError):
        return None
    return data.decode("utf-8", errors="replace")


def notes_signature(
    notes_dir: Path | None, wanted: Sequence[tuple[Pair, dt.datetime]]
) -> tuple[tuple[int, int] | None, ...]:
    """What changes when reading these occurrences' notes files could give another text: each
    file's size and modification time (None: no file), and the folder's own, where an
    old-style file would appear. Cheap: a ``stat`` each."""
    if notes_dir is None:
        return ()
    paths = [notes_dir, *(notes_path(notes_dir, pair, start) for pair, start in wanted)]
    return tuple(_stamp(path) for path in paths)


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size)
