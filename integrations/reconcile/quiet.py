"""Quiet managers: a manager whose inputs did not change and who has nothing due is not
planned again.

A steady pass spent nearly all its time recomputing, every minute and for every manager,
decisions whose inputs had not moved: the same series, the same busy spans, the same nothing
due. Once a manager's whole plan came out empty, what it was decided from is remembered as a
``Quiet`` record: the version of her kept calendar, those of the reps' calendars the service
reads, the notes files it read, and the moment the next email falls due. A later pass that
finds every one of them as it was, before that moment, skips her planners: the plan would be
the same empty plan. Any difference (a delta on her calendar, a write of the pass, a rep's
calendar read anew with changes, a notes file saved) plans her again in that same pass.

Only the clock can change a plan without changing its inputs. Emails are exact: their planners
say when the next one falls due (``scheduler.mail_plan``). The other time-driven decisions (an
occurrence entering the look-ahead window over a conflict already there, a pause coming into
view, a series generation taking over) are made again at least every ``RECHECK``, spread over
the passes by manager so that they do not all fall in one pass. What a person changes outside
the calendar and the notes folder is seen within that time too; a new config (``oneonone
reload``) starts afresh.

The records outlive the process (``state.quiet_store``): the next ``run --once``, ``plan`` or
service start skips a manager whose record still holds, without decoding her kept calendar.
Every input a record compares is counted by the state file itself, so a record means the same
in the next process: her calendar's version (``CalendarCache.version``, moved by a trigger on
every row written), the reps' calendars' versions, the notes files' stamps. Records are kept
under the config file's hash and the code's own stamp (``basis``): a new config or another
version of the code plans everyone. ``plan``, which stores nothing, skips only a manager whose
read found no change at all. ``oneonone outbox drop`` and ``retry`` clear them.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import logging
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from integrations.reconcile.rep_calendars import RepCalendars
from integrations.state.notes_files import notes_signature
from integrations.state.quiet_store import QuietRow, QuietStore
from scheduler.busy import MoveKey
from scheduler.mail_plan import next_end_of_any, notes_wanted
from scheduler.model import Pair
from scheduler.ports import CalendarEvent

log = logging.getLogger("oneonone")

Moves = Mapping[MoveKey, tuple[int, tuple[dt.datetime, dt.datetime]]]

RECHECK = dt.timedelta(minutes=15)
"""The longest a quiet manager goes without being planned again."""
FOREVER = dt.datetime.max.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Quiet:
    """What an empty plan of one manager was decided from, and until when it holds."""

    calendar: int  # her kept calendar's version (``CalendarCache.version``)
    around: str  # a digest of the versions of the reps' calendars read, the notes' stamps
    watch: tuple[tuple[Pair, dt.datetime], ...]  # the notes files read: (pair, original start)
    until: dt.datetime


def recheck_after(
    owner: str, every: dt.timedelta = RECHECK, *, first: bool = False
) -> dt.timedelta:
    """``every`` scaled by a factor in [0.75, 1.25) fixed per manager, so that the managers'
    re-plans spread over several passes instead of falling in one. ``first``: a manager's first
    quiet record of the process, after a pass that planned everyone, takes a factor in
    [0.25, 1.25) instead, so that the first re-plans spread over the whole re-check rather than
    over its last half."""
    digest = hashlib.sha256(owner.encode()).digest()
    if first:
        return every * (0.25 + int.from_bytes(digest[4:8], "big") / 2**32)
    return every * (0.75 + int.from_bytes(digest[:4], "big") / 2**33)


class QuietManagers:
    """The quiet records of one runner (one config): in memory for its life, and in the state
    file (``kept``) from one pass to the next process, under ``basis``."""

    def __init__(
        self,
        every: dt.timedelta = RECHECK,
        *,
        kept: QuietStore | None = None,
        basis: str = "",
        pairs: Sequence[Pair] = (),
    ) -> None:
        self.every = every
        self._quiet: dict[str, Quiet] = {}
        self._seen: set[str] = set()  # managers who had a quiet record in this process
        self._dirty: set[str] = set()  # settled or forgotten since the records were written
        self._lock = threading.Lock()
        self._kept, self._basis = (kept, basis) if basis else (None, "")
        if self._kept is not None:
            self._load(self._kept, {p.key: p for p in pairs})

    def _load(self, kept: QuietStore, pairs: Mapping[str, Pair]) -> None:
        for owner, row in kept.load(self._basis).items():
            if all(key in pairs for key, _ in row.watch):
                watch = tuple((pairs[key], start) for key, start in row.watch)
                self._quiet[owner] = Quiet(row.version, row.around, watch, row.until)
                self._seen.add(owner)

    def get(self, owner: str, *, now: dt.datetime) -> Quiet | None:
        """``owner``'s record, while it is in force (its inputs are the caller's to compare)."""
        with self._lock:
            quiet = self._quiet.get(owner)
        return quiet if quiet is not None and now < quiet.until else None

    def settle(self, owner: str, quiet: Quiet, *, now: dt.datetime) -> None:
        """Remember an empty plan, until ``quiet.until`` (the next email) or the re-check."""
        with self._lock:
            first = owner not in self._seen
            self._seen.add(owner)
        until = min(quiet.until, now + recheck_after(owner, self.every, first=first))
        with self._lock:
            self._quiet[owner] = replace(quiet, until=until)
            self._dirty.add(owner)

    def forget(self, owner: str) -> None:
        with self._lock:
            if self._quiet.pop(owner, None) is not None:
                self._dirty.add(owner)

    def holds(
        self,
        owner: str,
        reps: RepCalendars | None,
        notes_dir: Path | None,
        pairs: Sequence[Pair],
        now: dt.datetime,
        keep: bool,
    ) -> bool:
        """Whether what ``owner``'s last empty plan read besides her calendar is as it was (the
        reps' calendars due are read now, and kept when ``keep``)."""
        quiet = self.get(owner, now=now)
        if quiet is None:
            return False
        return quiet.around == observe_around(
            reps, notes_dir, pairs, quiet.watch, now=now, keep=keep
        )

    def keep(self) -> None:
        """Write the records settled or forgotten since the last time, in one transaction. A
        write that fails is tried again after the next pass; a record left behind is harmless
        (it was forgotten because what it compares had changed: it no longer matches)."""
        if self._kept is None:
            return
        with self._lock:
            dirty, self._dirty = self._dirty, set()
            records = {owner: self._quiet.get(owner) for owner in dirty}
        rows = {owner: None if q is None else _row(q) for owner, q in records.items()}
        try:
            self._kept.save(self._basis, rows)
        except Exception:
            log.warning(
                "could not keep the quiet records; the next pass tries again", exc_info=True
            )
            with self._lock:
                self._dirty |= dirty


def _row(quiet: Quiet) -> QuietRow:
    watch = tuple((pair.key, start) for pair, start in quiet.watch)
    return QuietRow(quiet.calendar, quiet.around, watch, quiet.until)


def basis(config_digest: str) -> str:
    """What quiet records are kept under: the config file's hash and the code's stamp; ""
    (records kept in memory only) for a config built in code."""
    if not config_digest:
        return ""
    return hashlib.sha256(f"{config_digest} {code_stamp()}".encode()).hexdigest()


@functools.cache
def code_stamp() -> str:
    """The code's own files (path, size, modification time): another version plans afresh."""
    root = Path(__file__).resolve().parents[2]
    files = sorted(
        p for package in ("scheduler", "integrations") for p in (root / package).rglob("*.py")
    )
    stamps = (f"{p.relative_to(root)} {p.stat().st_size} {p.stat().st_mtime_ns}" for p in files)
    return hashlib.sha256("\n".join(stamps).encode()).hexdigest()


def observe_around(
    reps: RepCalendars | None,
    notes_dir: Path | None,
    pairs: Sequence[Pair],
    watch: Sequence[tuple[Pair, dt.datetime]],
    *,
    now: dt.datetime,
    keep: bool = True,
) -> str:
    """What a manager's plan reads besides her calendar and the service's own state, as a
    digest: the reps' calendars it may read (those due are read now, and kept) and her notes
    files."""
    emails = [p.rep.email for p in pairs]
    versions = () if reps is None else reps.versions(emails, now=now, keep=keep)
    seen = repr((versions, notes_signature(notes_dir, watch)))
    return hashlib.sha256(seen.encode()).hexdigest()


def quiet_record(
    reps: RepCalendars | None,
    notes_dir: Path | None,
    pairs: Sequence[Pair],
    events: Sequence[CalendarEvent],
    moves: Moves,
    version: int,
    due: dt.datetime | None,
    *,
    now: dt.datetime,
) -> Quiet:
    """What a manager's empty plan was made from (her calendar at ``version``), and when the
    clock alone may change it: her next email ``due``, or the end of her next 1:1."""
    watch = tuple((w.pair, w.key[1]) for w in notes_wanted(pairs, events, moves, now=now))
    around = observe_around(reps, notes_dir, pairs, watch, now=now)
    moments = [m for m in (due, next_end_of_any(pairs, events, moves, now=now)) if m is not None]
    return Quiet(version, around, watch, min(moments, default=FOREVER))
