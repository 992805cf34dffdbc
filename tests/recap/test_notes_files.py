"""The notes folder: one private Markdown file per occurrence, made before and read after."""

from __future__ import annotations

import dataclasses
import datetime as dt
import stat
from pathlib import Path

from integrations.state.notes_files import (
    create_notes_file,
    legacy_path,
    notes_path,
    pair_folder,
    read_notes_file,
)
from scheduler.agenda import ACTIONS_MARKER, END_MARKER, NOTES_MARKER
from scheduler.model import Pair
from scheduler.notes import parse_notes
from tests.recap.conftest import make_pair

# 22:00 in New York on Tuesday 24 Nov is already Wednesday in UTC.
LATE_EVENING = dt.datetime(2026, 11, 25, 3, 0, tzinfo=dt.UTC)
AGENDA = (
    f"Pipeline review, 45 min\n\nAGENDA\n1. Check-in\n\n"
    f"{NOTES_MARKER}\n\n{ACTIONS_MARKER}\n\n{END_MARKER}\n"
)


def with_rep(pair: Pair, email: str, manager: str | None = None) -> Pair:
    rep = dataclasses.replace(pair.rep, email=email)
    boss = dataclasses.replace(pair.manager, email=manager or pair.manager.email)
    return dataclasses.replace(pair, rep=rep, manager=boss)


def test_the_file_is_named_by_the_pair_and_the_original_start_in_the_managers_zone(
    tmp_path: Path,
) -> None:
    pair = make_pair()
    path = notes_path(tmp_path, pair, LATE_EVENING)
    assert path.parent.parent == tmp_path
    assert path.parent.name.startswith("sam-ortiz-")
    assert path.name == "2026-11-24-2200.md"
    fiji = make_pair(manager_tz="Pacific/Fiji")
    assert notes_path(tmp_path, fiji, LATE_EVENING).name == "2026-11-25-1500.md"


def test_three_sams_of_two_managers_get_three_files_for_the_same_day(tmp_path: Path) -> None:
    base = make_pair()
    sams = [
        with_rep(base, "sam@example.com"),
        with_rep(base, "sam@other.example"),
        with_rep(base, "sam@example.org", manager="lee@example.com"),
    ]
    paths = {notes_path(tmp_path, p, LATE_EVENING) for p in sams}
    assert len(paths) == 3
    assert len({pair_folder(tmp_path, p) for p in sams}) == 3
    for n, pair in enumerate(sams):
        assert create_notes_file(tmp_path, pair, LATE_EVENING, f"agenda {n}")
    for n, pair in enumerate(sams):
        assert f"agenda {n}" in (read_notes_file(tmp_path, pair, LATE_EVENING) or "")


def test_an_old_style_file_only_one_rep_could_own_moves_into_the_pairs_folder(
    tmp_path: Path,
) -> None:
    pair = make_pair()
    old = legacy_path(tmp_path, pair, LATE_EVENING)
    assert old == tmp_path / "2026-11-24-sam.md"
    old.write_text(f"{NOTES_MARKER}\nGood talk.\n{END_MARKER}\n")
    text = read_notes_file(tmp_path, pair, LATE_EVENING, start=LATE_EVENING, pairs=[pair])
    assert text is not None
    assert "Good talk." in text
    assert not old.exists()
    assert notes_path(tmp_path, pair, LATE_EVENING).read_text() == text


def test_an_old_style_file_two_reps_could_own_is_left_alone_and_never_read(
    tmp_path: Path,
) -> None:
    sam = make_pair()
    other = with_rep(sam, "sam@other.example")
    both = [sam, other]
    old = legacy_path(tmp_path, sam, LATE_EVENING)
    old.write_text("Sam's private notes")
    for pair in both:
        assert read_notes_file(tmp_path, pair, LATE_EVENING, start=LATE_EVENING, pairs=both) is None
        create_notes_file(tmp_path, pair, LATE_EVENING, "agenda", start=LATE_EVENING, pairs=both)
        text = read_notes_file(tmp_path, pair, LATE_EVENING, start=LATE_EVENING, pairs=both)
        assert text is not None
        assert "agenda" in text
        assert "private" not in text
    assert old.read_text() == "Sam's private notes"


def test_the_file_is_created_private_from_the_agenda(tmp_path: Path) -> None:
    pair = make_pair()
    folder = tmp_path / "notes"
    assert create_notes_file(folder, pair, LATE_EVENING, AGENDA)
    path = notes_path(folder, pair, LATE_EVENING)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    text = path.read_text()
    assert text.startswith("# 1:1 Dana Whitfield / Sam Ortiz, Tue 24 Nov 2026 22:00 EST\n")
    assert AGENDA in text
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_an_existing_file_is_never_overwritten(tmp_path: Path) -> None:
    pair = make_pair()
    create_notes_file(tmp_path, pair, LATE_EVENING, AGENDA)
    path = notes_path(tmp_path, pair, LATE_EVENING)
    path.write_text("my own notes")
    assert not create_notes_file(tmp_path, pair, LATE_EVENING, "another agenda")
    assert path.read_text() == "my own notes"


def test_agenda_text_without_markers_gets_them(tmp_path: Path) -> None:
    pair = make_pair()
    create_notes_file(tmp_path, pair, LATE_EVENING, "Just an agenda")
    text = read_notes_file(tmp_path, pair, LATE_EVENING)
    assert text is not None
    assert text.index(NOTES_MARKER) < text.index(ACTIONS_MARKER) < text.index(END_MARKER)


def test_a_fresh_file_reads_back_as_empty_notes_and_a_filled_one_as_notes(tmp_path: Path) -> None:
    pair = make_pair()
    create_notes_file(tmp_path, pair, LATE_EVENING, AGENDA)
    day = dt.date(2026, 11, 24)
    fresh = read_notes_file(tmp_path, pair, LATE_EVENING)
    assert fresh is not None
    assert parse_notes(fresh, manager=pair.manager, rep=pair.rep, meeting_day=day).empty
    path = notes_path(tmp_path, pair, LATE_EVENING)
    filled = fresh.replace(f"{NOTES_MARKER}\n", f"{NOTES_MARKER}\nGood talk.\n").replace(
        f"{ACTIONS_MARKER}\n", f"{ACTIONS_MARKER}\n- [ ] Sam: send deck (by Fri)\n"
    )
    path.write_text(filled)
    notes = parse_notes(
        read_notes_file(tmp_path, pair, LATE_EVENING) or "",
        manager=pair.manager,
        rep=pair.rep,
        meeting_day=day,
    )
    assert notes.summary == "Good talk."
    assert notes.items[0].due == dt.date(2026, 11, 27)


def test_a_missing_file_reads_as_none(tmp_path: Path) -> None:
    assert read_notes_file(tmp_path / "nowhere", make_pair(), LATE_EVENING) is None


def test_undecodable_bytes_do_not_stop_the_reading(tmp_path: Path) -> None:
    pair = make_pair()
    path = notes_path(tmp_path, pair, LATE_EVENING)
    path.parent.mkdir()
    path.write_bytes(b"caf\xe9 notes \xf0\x9f\x8e\x89")
    assert read_notes_file(tmp_path, pair, LATE_EVENING) == "caf\ufffd notes 🎉"
