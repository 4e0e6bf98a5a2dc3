"""The alert lifecycle (order V.E.4-7, V.F): officer accept/reject, dispatch verification, disposition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum


class AlertStatus(StrEnum):
    PENDING = "pending"  # shown to the officer; waiting for accept / reject
    ACCEPTED = "accepted"  # the officer compared the image with the list entry: looks right
    REJECTED = "rejected"  # misread, wrong state, vehicle does not match, other
    CONFIRMED = "confirmed"  # dispatch confirmed the hit through COLLECT/NCIC
    NOT_CONFIRMED = "not_confirmed"  # dispatch could not confirm: no action may follow
    DISPOSED = "disposed"  # outcome recorded (no action, stop, arrest, vehicle recovered)


class RejectReason(StrEnum):
    MISREAD = "misread"
    WRONG_STATE = "wrong_state"
    VEHICLE_MISMATCH = "vehicle_mismatch"
    OTHER = "other"


class Disposition(StrEnum):
    NO_ACTION = "no_action"
    STOP = "stop"
    ARREST = "arrest"
    VEHICLE_RECOVERED = "vehicle_recovered"


class InvalidTransition(ValueError):
    """An action that the alert's current status does not allow; the message says why."""


@dataclass(frozen=True, slots=True)
class AlertState:
    status: AlertStatus = AlertStatus.PENDING
    decided_by: str | None = None
    decided_at: dt.datetime | None = None
    reject_reason: RejectReason | None = None
    reject_note: str = ""
    verified_by: str | None = None
    verified_at: dt.datetime | None = None
    verification_note: str = ""
    disposition: Disposition | None = None
    incident_number: str = ""
    leas_subtype: str = ""
    """The LEAS incident sub-type the incident was documented under (V.E.2f: the agency's LPR sub-type)."""
    disposed_by: str | None = None
    disposed_at: dt.datetime | None = None


def _need(state: AlertState, allowed: tuple[AlertStatus, ...], action: str) -> None:
    if state.status not in allowed:
        wanted = " or ".join(s.value for s in allowed)
        raise InvalidTransition(f"cannot {action} an alert that is {state.status.value} (must be {wanted})")


def accept(state: AlertState, who: str, at: dt.datetime) -> AlertState:
    _need(state, (AlertStatus.PENDING,), "accept")
    return replace(state, status=AlertStatus.ACCEPTED, decided_by=who, decided_at=at)


def reject(state: AlertState, who: str, at: dt.datetime, reason: RejectReason, note: str = "") -> AlertState:
    _need(state, (AlertStatus.PENDING,), "reject")
    if reason is RejectReason.OTHER and not note.strip():
        raise InvalidTransition("a rejection for reason 'other' needs a note")
    return replace(
        state, status=AlertStatus.REJECTED, decided_by=who, decided_at=at, reject_reason=reason, reject_note=note
    )


def verify(state: AlertState, who: str, at: dt.datetime, confirmed: bool, note: str = "") -> AlertState:
    """Dispatch's COLLECT/NCIC check (V.F.3): only an accepted alert is verified."""
    _need(state, (AlertStatus.ACCEPTED,), "verify")
    status = AlertStatus.CONFIRMED if confirmed else AlertStatus.NOT_CONFIRMED
    return replace(state, status=status, verified_by=who, verified_at=at, verification_note=note)


def dispose(
    state: AlertState,
    who: str,
    at: dt.datetime,
    disposition: Disposition,
    incident_number: str = "",
    leas_subtype: str = "",
) -> AlertState:
    """Record the outcome. Action beyond 'no action' needs a confirmed hit (V.F.4). Its LEAS incident number and
    sub-type (V.E.2f) may follow when the officer has them (`document_in_leas`): until then the hit is on the
    supervisors' list of undocumented ones (`leas_gap`)."""
    _need(state, (AlertStatus.CONFIRMED, AlertStatus.NOT_CONFIRMED), "dispose of")
    action = disposition is not Disposition.NO_ACTION
    if action and state.status is not AlertStatus.CONFIRMED:
        raise InvalidTransition("a stop, arrest or recovery needs a hit confirmed through COLLECT/NCIC")
    if not action and incident_number.strip():
        raise InvalidTransition("'no action' has no LEAS incident: record a stop, arrest or recovery to give one")
    return replace(
        state,
        status=AlertStatus.DISPOSED,
        disposition=disposition,
        incident_number=incident_number.strip(),
        leas_subtype=leas_subtype.strip().upper() if incident_number.strip() else "",
        disposed_by=who,
        disposed_at=at,
    )


def document_in_leas(state: AlertState, incident_number: str, leas_subtype: str) -> AlertState:
    """The LEAS incident number and sub-type of a stop, arrest or recovery, given (or corrected) after the fact."""
    if state.status is not AlertStatus.DISPOSED or state.disposition in (None, Disposition.NO_ACTION):
        raise InvalidTransition("only a hit disposed of with a stop, arrest or recovery is documented in LEAS")
    if not incident_number.strip() or not leas_subtype.strip():
        raise InvalidTransition("give the LEAS incident number and the sub-type it was documented under")
    return replace(state, incident_number=incident_number.strip(), leas_subtype=leas_subtype.strip().upper())


def leas_gap(disposition: str | None, incident_number: str, leas_subtype: str, lpr_subtype: str) -> str | None:
    """Why an LPR outcome is not properly documented in LEAS (order V.E.2f), or None when it is (or needs none): a
    stop, arrest or recovery needs an incident number under the agency's LPR sub-type."""
    if disposition in (None, Disposition.NO_ACTION.value):
        return None
    if not incident_number.strip():
        return "no LEAS incident number"
    if leas_subtype.strip().upper() != lpr_subtype.strip().upper():
        return f"LEAS sub-type {leas_subtype or 'not given'}, not {lpr_subtype.strip().upper()}"
    return None


HOTLIST_AGE_WARNING = dt.timedelta(hours=24)


def hotlist_age(version_created_at: dt.datetime, now: dt.datetime) -> dt.timedelta:
    return max(now - version_created_at, dt.timedelta(0))


def hotlist_is_stale(
    version_created_at: dt.datetime, now: dt.datetime, limit: dt.timedelta = HOTLIST_AGE_WARNING
) -> bool:
    """Order V.F.2: a list older than 24 hours is shown with a warning."""
    return hotlist_age(version_created_at, now) > limit
