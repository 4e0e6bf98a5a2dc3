"""The notice rules with literal inputs (order V.C.1): one notice per cause, sent again until acknowledged, closed when
the cause is gone."""

from __future__ import annotations

import datetime as dt

from platewatch.domain.notices import Audience, Cause, OpenNotice, address_problem, addresses, cause_key, plan

T = dt.datetime(2026, 12, 6, 12, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def cause(key: str) -> Cause:
    return Cause(key, Audience.UNITS, key, key)


def test_a_key_stays_the_same_while_only_the_figures_change() -> None:
    assert cause_key("unit car-3", "hot list not updated for 26 h") == cause_key(
        "unit car-3", "hot list not updated for 27 h"
    )
    assert cause_key("unit car-3", "disk low") != cause_key("unit car-4", "disk low")


def test_new_causes_open_gone_ones_close_and_unacknowledged_ones_are_sent_again_after_the_interval() -> None:
    notices = [
        OpenNotice(1, "a", T - 2 * HOUR, acknowledged=False),  # due again
        OpenNotice(2, "b", T - 10 * dt.timedelta(minutes=1), acknowledged=False),  # sent 10 minutes ago
        OpenNotice(3, "c", T - 5 * HOUR, acknowledged=True),  # someone has it in hand
        OpenNotice(4, "d", T - 5 * HOUR, acknowledged=False),  # its cause is gone
        OpenNotice(5, "e", None, acknowledged=False),  # the relay failed last time
    ]
    result = plan(notices, [cause("a"), cause("b"), cause("c"), cause("e"), cause("f")], T, HOUR)
    assert [c.key for c in result.open] == ["f"]
    assert result.send_again == [1, 5] and result.close == [4]


def test_nothing_to_do_when_nothing_changed() -> None:
    assert plan([], [], T, HOUR).open == []
    quiet = plan([OpenNotice(1, "a", T, acknowledged=False)], [cause("a")], T + 59 * dt.timedelta(minutes=1), HOUR)
    assert (quiet.open, quiet.send_again, quiet.close) == ([], [], [])


def test_addresses_are_read_from_a_setting_in_order_without_repeats() -> None:
    assert addresses(" sgt@town.gov; it@town.gov,sgt@town.gov  chief@town.gov ") == [
        "sgt@town.gov", "it@town.gov", "chief@town.gov"]  # fmt: skip
    assert addresses("") == []


def test_a_persons_e_mail_is_one_plain_address_or_none() -> None:
    for good in ("", "sgt.north@town.gov", "a.b-c+lpr@mail.ct.us"):
        assert address_problem(good) is None, good
    for bad in ("sgt north@town.gov", "north@town", "a@b.gov, c@d.gov", "<a@b.gov>", "@town.gov", "a@@b.gov",
                "Sgt North <north@town.gov>", "north@town.gov.", "x" * 250 + "@t.gov"):  # fmt: skip
        problem = address_problem(bad)
        assert problem is not None and "is not one e-mail address" in problem, bad
