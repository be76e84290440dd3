"""Sending e-mail: through SMTP when CLIMATE_PLUGIN_SMTP_URL is set, else into a development outbox.

The outbox is a folder of .eml files in the instance folder, one per message, that any mail program (or
`climate-plugin outbox list`) opens: in development nobody needs a mail server to see what would be sent.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid, parsedate_to_datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app

from climate_plugin.models._types import utcnow
from climate_plugin.outbound import TransientError

OUTBOX_DIR = "outbox"


class MailRefused(Exception):
    """The mail server refused the recipient: retrying will not help, the address must be fixed."""


@dataclass(frozen=True)
class OutboxMessage:
    path: Path
    sent_at: datetime | None
    to: str
    subject: str
    text: str


def outbox_path() -> Path:
    return Path(current_app.instance_path) / OUTBOX_DIR


def _message(to: str, subject: str, text: str, sender: str) -> EmailMessage:
    # policy.SMTP refuses line breaks in headers, so no text can smuggle in a header of its own
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or "localhost")
    message.set_content(text)  # UTF-8, so ä, ö and å arrive as written
    return message


def send_mail(to: str, subject: str, text: str) -> None:
    """Send one plain-text message; raises TransientError when the mail server cannot take it now."""
    settings = current_app.extensions["climate_plugin.settings"]
    message = _message(to, subject, text, settings.mail_from)
    if settings.smtp_url:
        _send_smtp(settings.smtp_url, message, timeout=settings.outbound_timeout)
    else:
        _write_outbox(message)


def _send_smtp(url: str, message: EmailMessage, timeout: float) -> None:
    parts = urlsplit(url)
    host, user = parts.hostname or "", unquote(parts.username or "")
    password = unquote(parts.password or "")
    context = ssl.create_default_context()
    try:
        if parts.scheme == "smtps":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(host, parts.port or 587, timeout=timeout)
        with client:
            client.ehlo()
            if parts.scheme == "smtp" and client.has_extn("starttls"):
                client.starttls(context=context)
                client.ehlo()
            elif parts.scheme == "smtp" and user:
                # Never send a password in the clear; a server without STARTTLS wants smtps:// instead.
                raise smtplib.SMTPNotSupportedError("the server offers no STARTTLS; use smtps://")
            if user:
                client.login(user, password)
            client.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        # A wrong address stays wrong: not worth a retry, but worth saying which one.
        raise MailRefused(f"the mail server refused the address {message['To']}") from exc
    except (OSError, smtplib.SMTPException) as exc:
        raise TransientError(f"mail server {host}: {type(exc).__name__}: {exc}") from exc


def _write_outbox(message: EmailMessage) -> Path:
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = utcnow().strftime("%Y%m%dT%H%M%S")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    # Written aside and renamed, so a reader never sees half a message.
    partial = path.with_suffix(".part")
    partial.write_bytes(message.as_bytes(policy=policy.SMTP))
    partial.replace(path)
    return path


def read_outbox() -> list[OutboxMessage]:
    """The development outbox, oldest first."""
    folder = outbox_path()
    if not folder.is_dir():
        return []
    messages = []
    parser = BytesParser(policy=policy.default)
    for path in sorted(folder.glob("*.eml")):
        parsed = parser.parsebytes(path.read_bytes())
        body = parsed.get_body(preferencelist=("plain",))
        try:
            sent_at = parsedate_to_datetime(str(parsed["Date"])) if parsed["Date"] else None
        except (TypeError, ValueError):
            sent_at = None
        messages.append(
            OutboxMessage(
                path=path,
                sent_at=sent_at,
                to=str(parsed["To"] or ""),
                subject=str(parsed["Subject"] or ""),
                text=body.get_content() if body is not None else "",
            )
        )
    return messages
