"""When a hot list may be deleted (order V.D.3: kept as long as the reads and alerts that refer to it)."""

from __future__ import annotations

from platewatch.domain.retention import ListUse, deletion_refusal, reads_needing_list


def test_a_read_needs_the_list_only_where_a_version_with_entries_was_in_force() -> None:
    # versions 4 (created, empty), 7 (2 entries), 9 (5 entries), 12 (retired: empty)
    versions = [(4, 0), (7, 2), (9, 5), (12, 0)]
    assert reads_needing_list(versions, [3, 4, 6, 7, 8, 9, 11, 12, 40]) == [7, 8, 9, 11]
    assert reads_needing_list([], [1, 2]) == []
    assert reads_needing_list([(5, 0)], [5, 6]) == []


def test_an_active_list_is_retired_first() -> None:
    refusal = deletion_refusal("BOLO", ListUse(active=True))
    assert refusal is not None and "retire it first" in refusal


def test_a_retired_list_is_kept_while_a_kept_alert_or_read_refers_to_it() -> None:
    assert deletion_refusal("BOLO", ListUse(active=False)) is None
    alerts = deletion_refusal("BOLO", ListUse(active=False, alerts=2))
    assert alerts is not None and "2 kept alert(s) name its entries" in alerts and "V.D.3" in alerts
    assert "legal hold" not in alerts and alerts.endswith("once the purge has removed them")
    both = deletion_refusal("BOLO", ListUse(active=False, alerts=2, held_alerts=1, reads=3, held_reads=1))
    assert both == (
        "'BOLO' must be kept: 2 kept alert(s) name its entries, 1 of them on reads under a legal hold; 3 kept read(s) "
        "were compared against its entries, 1 of them under a legal hold (order V.D.3: a hot list is kept as long as "
        "the reads and alerts that refer to it); it can be deleted once the holds are released and the purge has "
        "removed them"
    )
