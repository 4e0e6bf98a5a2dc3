"""What a supervisor must hear about a unit (order V.E.2h, V.E.3, V.F.2): a shift's reads not on the server, a hot
list more than 24 hours old or behind the server's, a clock that stamps reads with the wrong time (pure rules)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

HOTLIST_MAX_AGE = dt.timedelta(hours=24)
"""V.F.2: hits compare against a list at most 24 hours old."""
HOTLIST_CATCH_UP = dt.timedelta(minutes=15)
"""A unit checks for a newer list every 5 minutes: one still behind after this long is not getting it."""
CLOCK_WARNING_S = 30.0
"""A unit's clock this far from the server's, as its last question showed, is named. The measure includes the
request's one-way delay (a second or two on a cellular link), so it is looser than `platewatch unit check`'s 5 s,
which knows the round trip."""


@dataclass(frozen=True, slots=True)
class UnitSeen:
    """What the server knows of a unit: its contacts, and its officer's latest shift."""

    last_contact: dt.datetime | None
    hotlist_version: int | None
    hotlist_fetched: dt.datetime | None
    shift_started: dt.datetime | None
    shift_ended: dt.datetime | None
    reads_waiting: int | None = None
    """Reads in the unit's outbox at its last contact, as the unit said (None: it did not say)."""
    clock_skew_s: float | None = None
    """The server's clock minus the unit's at its last question (None: it did not say its time)."""
    reads_deleted: int | None = None
    """Reads the unit deleted unsent, past the retention period, in the week before its last contact."""
    disk_free_mib: int | None = None
    """Free space beside the unit's outbox at its last contact, in MiB (None: it did not say)."""
    reads_lost: int | None = None
    """Reads the unit's disk refused since its agent started (None: it did not say)."""
    gps_fix_age_s: int | None = None
    """Seconds since its GPS receiver's latest fix at its last contact (-1: none yet; None: no receiver or unsaid)."""
    ingest_refused: int | None = None
    """Its ingest requests the server refused (a 4xx: a bad token, a read that does not validate), all told."""
    ingest_refused_at: dt.datetime | None = None
    ingest_refused_reason: str | None = None
    """The last refusal's status, code and fields (never a plate)."""


def clock_off(skew_s: float | None) -> str | None:
    """The clock's offset in words ("the unit's clock is 3 min 20 s behind the server's") when `skew_s` (the server's
    clock minus the unit's) is beyond CLOCK_WARNING_S; None when it is within it or unknown."""
    if skew_s is None or abs(skew_s) <= CLOCK_WARNING_S:
        return None
    return f"the unit's clock is {clock_offset(skew_s)} the server's"


DISK_WARNING_BYTES = 256 * 1024**2
"""Below this much free space beside the unit's outbox, its screen tells the officer to call IT: an hour of reads with
their images, about (`platewatch unit check` wants 1 GiB before a shift)."""


def disk_short(free_bytes: int, alerts_in_memory: int) -> str | None:
    """What the officer's screen says of the unit's disk: full (alerts the disk refused are held in memory, and reads
    are not being stored), nearly full, or nothing."""
    if alerts_in_memory:
        alerts = "1 alert is" if alerts_in_memory == 1 else f"{alerts_in_memory} alerts are"
        return f"this unit's disk is full: {alerts} kept in memory only, and reads are not being stored; tell IT"
    if free_bytes < DISK_WARNING_BYTES:
        free = f"{free_bytes / 1024**2:.0f} MiB free"
        return f"this unit's disk is nearly full ({free}): reads will soon be lost; tell IT"
    return None


GPS_STALE = dt.timedelta(seconds=60)
"""A receiver sends a fix every second; none for this long and the unit's reads have no location."""


def gps_lost(receiver: str | None, last_fix: dt.datetime | None, now: dt.datetime) -> str | None:
    """What the officer's screen says of the GPS: nothing with no receiver configured or a fresh fix; else that
    reads are being stored without a location (a read never gets a guessed one)."""
    if receiver is None:
        return None
    if last_fix is None:
        return f"no GPS fix from {receiver} yet: reads have no location until one comes"
    if now - last_fix <= GPS_STALE:
        return None
    return f"no GPS fix for {in_words((now - last_fix).total_seconds())}: reads have no location; tell IT"


def clock_offset(skew_s: float) -> str:
    """`skew_s` (the server's clock minus the unit's) in words: "3 min 20 s behind", "6 s ahead of"."""
    return f"{in_words(abs(skew_s))} {'behind' if skew_s > 0 else 'ahead of'}"


def in_words(seconds: float) -> str:
    """A duration as the screen says it: "6 s", "3 min 20 s", "1 h 5 min"."""
    if seconds < 60:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(round(seconds) // 60, 60)
    return f"{hours} h {minutes} min"


def warnings(seen: UnitSeen, current_version: int | None, now: dt.datetime) -> list[str]:
    """Plain sentences for the supervisor, most pressing first; none for a unit in good order or never used."""
    out = []
    on_shift = seen.shift_started is not None and seen.shift_ended is None
    if seen.shift_ended is not None:
        ended = f"{seen.shift_ended:%Y-%m-%d %H:%M} UTC"
        if seen.last_contact is None or seen.last_contact < seen.shift_ended:
            out.append(f"no contact since the shift ended at {ended}: its reads may still be on the unit (V.E.2h)")
        elif seen.reads_waiting:
            out.append(
                f"{seen.reads_waiting} reads still on the unit at its last contact, after the shift ended at {ended} "
                "(V.E.2h)"
            )
    if on_shift:
        if seen.hotlist_fetched is None:
            out.append("on shift without a hot list from the server")
        elif now - seen.hotlist_fetched > HOTLIST_MAX_AGE:
            hours = int((now - seen.hotlist_fetched).total_seconds() // 3600)
            out.append(f"hot list not updated for {hours} h (V.F.2: at most 24 h)")
        elif (
            current_version is not None
            and seen.hotlist_version is not None
            and seen.hotlist_version < current_version
            and seen.last_contact is not None
            and seen.last_contact - seen.hotlist_fetched > HOTLIST_CATCH_UP
        ):
            out.append(f"hot list version {seen.hotlist_version} behind the server's {current_version}")
    if seen.reads_deleted:
        out.append(
            f"{seen.reads_deleted} reads deleted on the unit unsent in the last 7 days: they passed the retention "
            "period before it could reach the server (V.E.2h)"
        )
    if seen.reads_lost:
        reads = "1 read" if seen.reads_lost == 1 else f"{seen.reads_lost} reads"
        out.append(
            f"{reads} could not be stored on the unit since its agent started (its disk was full): lost (V.E.2h)"
        )
    if (
        on_shift
        and seen.gps_fix_age_s is not None
        and (seen.gps_fix_age_s < 0 or seen.gps_fix_age_s > GPS_STALE.total_seconds())
    ):
        since = "yet" if seen.gps_fix_age_s < 0 else f"for {in_words(seen.gps_fix_age_s)}"
        out.append(f"no GPS fix {since} at its last contact: its reads have no location (the receiver or its cable)")
    if seen.disk_free_mib is not None and seen.disk_free_mib * 1024**2 < DISK_WARNING_BYTES:
        out.append(
            f"its disk had {seen.disk_free_mib} MiB free at its last contact: its reads are lost when it is full "
            "(free space on the car computer; `platewatch unit check`)"
        )
    if (refused := ingest_refusals(seen, now)) is not None:
        out.append(refused)
    if (off := clock_off(seen.clock_skew_s)) is not None:
        out.append(f"{off}: its reads are stamped with it (keep it in step; `platewatch unit check`)")
    return out


REFUSALS_SHOWN = dt.timedelta(hours=24)
"""A unit's refused uploads are named until this long after the last one."""


def ingest_refusals(seen: UnitSeen, now: dt.datetime) -> str | None:
    """The unit's refused uploads in words, while the last is recent: an agent that ignores the answer (OpenALPR's
    daemon logs a 401 or 422 as uploaded) loses those reads without anyone hearing of it."""
    if not seen.ingest_refused or seen.ingest_refused_at is None or now - seen.ingest_refused_at > REFUSALS_SHOWN:
        return None
    count = "1 upload" if seen.ingest_refused == 1 else f"{seen.ingest_refused} uploads"
    return (
        f"{count} refused by the server, the last at {seen.ingest_refused_at:%Y-%m-%d %H:%M} UTC "
        f"({seen.ingest_refused_reason}): its reads are not stored (the agent's settings; the server's log)"
    )
