"""The alert lifecycle as a table of transitions, and the 24-hour hot-list age rule."""

from __future__ import annotations

import datetime as dt

import pytest

from platewatch.domain.alerts import (
    AlertState,
    AlertStatus,
    Disposition,
    InvalidTransition,
    RejectReason,
    accept,
    dispose,
    document_in_leas,
    hotlist_is_stale,
    leas_gap,
    reject,
    verify,
)

T = dt.datetime(2026, 11, 28, 12, 0, tzinfo=dt.UTC)


def test_full_lifecycle() -> None:
    s = accept(AlertState(), "ofc1", T)
    assert s.status is AlertStatus.ACCEPTED and s.decided_by == "ofc1"
    s = verify(s, "disp1", T, confirmed=True, note="NCIC confirmed, entry active")
    assert s.status is AlertStatus.CONFIRMED and s.verified_by == "disp1"
    s = dispose(s, "ofc1", T, Disposition.VEHICLE_RECOVERED, " 26-12345 ")
    assert s.status is AlertStatus.DISPOSED and s.incident_number == "26-12345"


def test_reject_needs_a_note_for_other() -> None:
    with pytest.raises(InvalidTransition, match="needs a note"):
        reject(AlertState(), "ofc1", T, RejectReason.OTHER)
    s = reject(AlertState(), "ofc1", T, RejectReason.MISREAD)
    assert s.status is AlertStatus.REJECTED and s.reject_reason is RejectReason.MISREAD


@pytest.mark.parametrize(
    ("start", "action", "message"),
    [
        (AlertStatus.REJECTED, "accept", "cannot accept an alert that is rejected"),
        (AlertStatus.ACCEPTED, "accept", "cannot accept"),
        (AlertStatus.PENDING, "verify", "cannot verify an alert that is pending"),
        (AlertStatus.PENDING, "dispose", "cannot dispose of an alert that is pending"),
        (AlertStatus.DISPOSED, "reject", "cannot reject"),
    ],
)
def test_invalid_transitions(start: AlertStatus, action: str, message: str) -> None:
    s = AlertState(status=start)
    with pytest.raises(InvalidTransition, match=message):
        if action == "accept":
            accept(s, "x", T)
        elif action == "reject":
            reject(s, "x", T, RejectReason.MISREAD)
        elif action == "verify":
            verify(s, "x", T, confirmed=True)
        else:
            dispose(s, "x", T, Disposition.NO_ACTION)


def test_no_stop_without_confirmation_and_the_leas_number_may_follow() -> None:
    unconfirmed = verify(accept(AlertState(), "o", T), "d", T, confirmed=False)
    with pytest.raises(InvalidTransition, match="confirmed through COLLECT/NCIC"):
        dispose(unconfirmed, "o", T, Disposition.STOP, "26-1")
    assert dispose(unconfirmed, "o", T, Disposition.NO_ACTION).status is AlertStatus.DISPOSED
    with pytest.raises(InvalidTransition, match="no LEAS incident"):
        dispose(unconfirmed, "o", T, Disposition.NO_ACTION, "26-1")
    confirmed = verify(accept(AlertState(), "o", T), "d", T, confirmed=True)
    arrest = dispose(confirmed, "o", T, Disposition.ARREST, "  ", "LPR")  # at the scene, before the report
    assert arrest.status is AlertStatus.DISPOSED and arrest.incident_number == "" and arrest.leas_subtype == ""
    documented = document_in_leas(arrest, " 26-7781 ", "lpr")
    assert (documented.incident_number, documented.leas_subtype) == ("26-7781", "LPR")
    with pytest.raises(InvalidTransition, match="incident number and the sub-type"):
        document_in_leas(arrest, "26-7781", " ")
    with pytest.raises(InvalidTransition, match="only a hit disposed of with a stop"):
        document_in_leas(dispose(unconfirmed, "o", T, Disposition.NO_ACTION), "26-1", "LPR")


@pytest.mark.parametrize(
    ("disposition", "number", "subtype", "gap"),
    [
        ("no_action", "", "", None),
        (None, "", "", None),
        ("arrest", "", "", "no LEAS incident number"),
        ("stop", "26-1", "LPR", None),
        ("stop", "26-1", "lpr ", None),
        ("vehicle_recovered", "26-1", "TRAFFIC", "LEAS sub-type TRAFFIC, not LPR"),
        ("arrest", "26-1", "", "LEAS sub-type not given, not LPR"),
    ],
)
def test_what_the_leas_report_lists(disposition: str | None, number: str, subtype: str, gap: str | None) -> None:
    assert leas_gap(disposition, number, subtype, "LPR") == gap


@pytest.mark.parametrize(("hours", "stale"), [(0, False), (23.9, False), (24, False), (24.1, True), (72, True)])
def test_hotlist_age(hours: float, stale: bool) -> None:
    assert hotlist_is_stale(T - dt.timedelta(hours=hours), T) is stale
