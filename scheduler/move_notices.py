"""Who hears of a move, decided with the move: the rep once by email, the manager once more
when the 1:1 leaves its day.

Each move the pass plans (a new one, or one Google already holds from an earlier pass that
stopped before telling) is followed in the plan by what will be said of it, so ``oneonone
plan`` shows every email a move sends before it is sent. The words are decided here; each
message is sent only once its move is done (``after``), and the move is recorded as finished
with the rep's notice.

Pure: every input is an argument.
"""

from __future__ import annotations

from collections.abc import Sequence

from scheduler.actions import Action, MoveOccurrence, Notice, SendMoveNotice
from scheduler.keys import other_day_key
from scheduler.recurrence import to_local


def with_move_notices(actions: Sequence[Action]) -> list[Action]:
    """``actions`` with, after each move, the manager's alert when the day changes and the
    rep's notice."""
    out: list[Action] = []
    for action in actions:
        out.append(action)
        if isinstance(action, MoveOccurrence):
            out += tell_of_move(action)
    return out


def tell_of_move(move: MoveOccurrence) -> list[Action]:
    """What is said of one move (its reason is the decision's, as the audit keeps it)."""
    key = (move.series_id, move.original_start)
    said: list[Action] = []
    zone = move.timezone
    if to_local(move.start, zone).date() != to_local(move.original_start, zone).date():
        # The rule is the same day; another day is news the manager should hear of herself.
        said.append(
            Notice(
                move.pair_key,
                move.owner,
                other_day_key(move.series_id, move.original_start),
                move.reason,
                moved=(move.original_start, move.start),
                after=key,
            )
        )
    said.append(
        SendMoveNotice(
            move.pair_key,
            move.owner,
            move.series_id,
            move.original_start,
            move.start,
            move.end,
            "the rep hears of every move once, with the new time (never why)",
        )
    )
    return said
