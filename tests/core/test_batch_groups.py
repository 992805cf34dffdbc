"""How new series are packed into shared batches: whole teams, at most 50 inserts a batch."""

from __future__ import annotations

from integrations.reconcile.series_writes import BATCH_PARTS, batch_groups


def team(name: str, size: int) -> list[str]:
    return [f"{name}/{i}" for i in range(size)]


def test_whole_teams_are_packed_up_to_fifty_inserts() -> None:
    teams = [team(f"m{i}", 8) for i in range(13)]
    groups = list(batch_groups(teams))
    assert [len(g) for g in groups] == [48, 48, 8]
    assert [x for g in groups for x in g] == [
        x for t in teams for x in t
    ]  # nothing lost or doubled


def test_a_team_is_never_split_between_two_groups() -> None:
    teams = [team("a", 30), team("b", 30), team("c", 20)]
    groups = list(batch_groups(teams))
    assert groups == [team("a", 30), team("b", 30) + team("c", 20)]


def test_a_team_larger_than_a_batch_gets_a_group_of_its_own() -> None:
    teams = [team("a", 10), team("big", BATCH_PARTS + 12), team("c", 5)]
    groups = list(batch_groups(teams))
    assert groups == [team("a", 10), team("big", BATCH_PARTS + 12), team("c", 5)]


def test_no_teams_no_groups() -> None:
    assert list(batch_groups([])) == []
    assert list(batch_groups([[], []])) == []
