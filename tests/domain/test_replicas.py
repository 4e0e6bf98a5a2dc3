"""Which standby serves a search, and what the person is told (domain/replicas.py), with literal inputs."""

from __future__ import annotations

from platewatch.domain.replicas import ON_PRIMARY, Standby, choose, why_skipped

FRESH = Standby("replica 1", up=True, streaming=True, lag_seconds=0.0)
BEHIND = Standby("replica 2", up=True, streaming=True, lag_seconds=45.2)
DOWN = Standby("replica 3", up=False, streaming=False, lag_seconds=0.0)
ALONE = Standby("replica 4", up=True, streaming=False, lag_seconds=0.0)


def test_no_standbys_means_the_primary_and_nothing_to_say() -> None:
    assert choose([], 30, 0) == (None, ON_PRIMARY)
    assert ON_PRIMARY.header == "primary"


def test_a_fresh_standby_serves_and_says_nothing_under_a_second() -> None:
    index, served = choose([FRESH], 30, 7)
    assert index == 0 and served.by == "replica 1" and served.note == ""
    assert served.header == "replica 1; lag=0.0s"


def test_a_standby_within_the_bound_serves_and_says_how_old_its_answer_may_be() -> None:
    index, served = choose([BEHIND], 60, 0)
    assert index == 0 and served.note == "results as of about 45 s ago (replica 2)"
    assert served.header == "replica 2; lag=45.2s"


def test_skipped_standbys_each_give_their_reason_and_the_primary_serves() -> None:
    index, served = choose([BEHIND, DOWN, ALONE], 30, 0)
    assert index is None and served.by == "primary"
    assert served.note == (
        "served by the primary database: replica 2 is 45.2 s behind (more than 30 s); replica 3 does not answer; "
        "replica 4 is not receiving from the primary"
    )
    assert served.header == "primary; " + served.note


def test_fresh_standbys_take_turns_and_a_skipped_one_is_passed_over() -> None:
    two = [FRESH, Standby("replica 2", up=True, streaming=True, lag_seconds=0.2)]
    assert [choose(two, 30, turn)[0] for turn in range(4)] == [0, 1, 0, 1]
    assert [choose([FRESH, DOWN], 30, turn)[0] for turn in range(3)] == [0, 0, 0]


def test_why_skipped() -> None:
    assert why_skipped(FRESH, 0) is None
    assert why_skipped(Standby("r", True, True, float("inf")), 30) == "r has not replayed anything since it started"
    assert why_skipped(Standby("r", True, True, 30.0), 30) is None  # at the bound: still serves
    assert why_skipped(Standby("r", True, True, 30.5), 30) == "r is 30.5 s behind (more than 30 s)"
