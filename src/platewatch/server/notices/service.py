"""One round of notices (order V.C.1): find the causes, open a notice for each new one, send it to those responsible,
send again what nobody acknowledged, close what is gone; and the list and acknowledgement for the page and the API."""

from __future__ import annotations

import datetime as dt
import logging
import smtplib
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from platewatch.domain.local_time import shown, zone
from platewatch.domain.notices import Audience, OpenNotice, addresses, plan
from platewatch.server.accounts.models import User
from platewatch.server.accounts.service import record_event
from platewatch.server.errors import ApiError
from platewatch.server.notices import causes as found
from platewatch.server.notices.mailer import Relay, send
from platewatch.server.notices.models import Notice
from platewatch.server.settings import Settings
from platewatch.server.supervision import scope

log = logging.getLogger(__name__)


def run_once(db: Session, settings: Settings, now: dt.datetime) -> tuple[int, int, int]:
    """One round; (opened, sent, closed). Sending failures are kept on the notice and tried again next round."""
    tz = zone(settings.time_zone)
    current = list(db.scalars(select(Notice).where(Notice.closed_at.is_(None))))
    by_id = {n.id: n for n in current}
    todo = plan(
        [OpenNotice(n.id, n.key, n.last_sent_at, n.acknowledged_at is not None) for n in current],
        found.gather(db, now, tz),
        now,
        dt.timedelta(minutes=settings.notice_repeat_minutes),
    )
    to_send = [by_id[i] for i in todo.send_again]
    for cause in todo.open:
        notice = Notice(key=cause.key, audience=cause.audience.value, subject=cause.subject, detail=cause.detail,
                        opened_at=now, sent_count=0, send_error="")  # fmt: skip
        db.add(notice)
        to_send.append(notice)
    for i in todo.close:
        by_id[i].closed_at = now
    db.flush()
    sent = sum(_send(settings, n, now, tz, overseers_addresses(db, n.key)) for n in to_send)
    db.commit()
    return len(todo.open), sent, len(todo.close)


def overseers_addresses(db: Session, key: str) -> list[str]:
    """The e-mail addresses of the active supervisors a notice about a unit or officer is for (order V.E.2g: their
    command holds it, or they belong to no command); none for a notice about neither."""
    names = scope.notice_overseers(db, key)
    if not names:
        return []
    stmt = select(User.email).where(User.username.in_(names), User.active.is_(True), User.email != "")
    return sorted(db.scalars(stmt))


def _send(settings: Settings, notice: Notice, now: dt.datetime, tz: ZoneInfo, overseers: list[str]) -> bool:
    configured = settings.notice_to_hotlists if notice.audience == Audience.HOTLISTS else settings.notice_to_units
    to = addresses(" ".join([configured, *overseers]))
    if not settings.smtp_host or not to:
        notice.send_error = (
            "no SMTP relay configured" if not settings.smtp_host else f"no addresses for {notice.audience}"
        )
        return False
    relay = Relay(settings.smtp_host, settings.smtp_port, settings.smtp_security, settings.smtp_from,
                  settings.smtp_username, settings.smtp_password_file)  # fmt: skip
    again = f" (sent {notice.sent_count} times before; not acknowledged)" if notice.sent_count else ""
    body = (
        f"{notice.detail}\n\nFirst found {shown(notice.opened_at, tz)}{again}. Acknowledge it on PlateWatch's Notices "
        f"page; it is sent again every {settings.notice_repeat_minutes} minutes until then.\n\n{settings.agency_name}, "
        "PlateWatch (order V.C.1)"
    )
    try:
        send(relay, to, f"[PlateWatch] {notice.subject}", body)
    except (OSError, smtplib.SMTPException) as exc:
        notice.send_error = f"{type(exc).__name__}: {exc}"[:300]
        log.error("notice %d not sent (%s)", notice.id, type(exc).__name__)
        return False
    notice.last_sent_at, notice.sent_count, notice.send_error = now, notice.sent_count + 1, ""
    return True


def listing(db: Session, include_closed: bool, limit: int = 200) -> list[Notice]:
    """Open notices first (newest first), then closed ones when asked."""
    stmt = select(Notice).order_by(Notice.closed_at.is_not(None), Notice.id.desc()).limit(limit)
    if not include_closed:
        stmt = stmt.where(Notice.closed_at.is_(None))
    return list(db.scalars(stmt))


def acknowledge(db: Session, notice_id: int, who: str, now: dt.datetime) -> Notice:
    """Someone has it in hand: no more sending (the notice stays open until its cause is gone)."""
    notice = db.get(Notice, notice_id)
    if notice is None:
        raise ApiError(404, "not_found", f"no notice {notice_id}")
    if notice.acknowledged_at is not None:
        raise ApiError(409, "already_acknowledged", f"notice {notice_id} was acknowledged by {notice.acknowledged_by}")
    notice.acknowledged_by, notice.acknowledged_at = who, now
    record_event(db, who, "notice_acknowledged", "success", f"notice {notice_id}: {notice.subject}"[:500])
    return notice
