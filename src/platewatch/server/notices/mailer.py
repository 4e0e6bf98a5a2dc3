"""E-mail over SMTP (the standard library's smtplib lives here): the agency's relay, with STARTTLS, implicit TLS or,
on a trusted local relay only, none."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

TIMEOUT_S = 20


@dataclass(frozen=True, slots=True)
class Relay:
    host: str
    port: int
    security: str  # starttls | tls | none
    sender: str
    username: str = ""
    password_file: Path | None = None


def send(relay: Relay, to: list[str], subject: str, body: str) -> None:
    """Send one message to `to`; raises OSError or smtplib.SMTPException when the relay refuses or cannot be reached."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = relay.sender, ", ".join(to), subject
    message.set_content(body)
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if relay.security == "tls":
        smtp = smtplib.SMTP_SSL(relay.host, relay.port, timeout=TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(relay.host, relay.port, timeout=TIMEOUT_S)
    with smtp:
        if relay.security == "starttls":
            smtp.starttls(context=context)
        if relay.username and relay.password_file is not None:
            smtp.login(relay.username, relay.password_file.read_text(encoding="utf-8").strip())
        smtp.send_message(message)
