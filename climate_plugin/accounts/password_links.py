"""Set-password links: the invitation a person added in the admin pages gets, and "forgot password".

A link is signed and expiring (climate_plugin.web.signed_links) and names the user together with a digest
of their stored password hash: setting a password changes the hash, so a link works once only, and an
older link stops working as soon as a newer one is used. Asking for a reset answers the same whether or
not the address has an account (no enumeration); only an active account gets mail.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import timedelta
from urllib.parse import quote

from flask import current_app

from climate_plugin.accounts import users
from climate_plugin.accounts.audit import audit
from climate_plugin.accounts.principal import password_fingerprint
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.mail import MailRefused, send_mail
from climate_plugin.models import Municipality, User
from climate_plugin.models._types import utcnow
from climate_plugin.outbound import TransientError
from climate_plugin.web.signed_links import LinkExpired, make_token, read_token

log = logging.getLogger(__name__)

PURPOSE = "set-password"
INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=2)


class MailNotSent(Exception):
    """The link was made but the mail could not go out; the message says why (for the administrator)."""


def _token(user: User, lifetime: timedelta) -> str:
    subject = f"{user.id}:{password_fingerprint(user.password_hash)}"
    return make_token(PURPOSE, subject, utcnow() + lifetime)


def link(user: User, lifetime: timedelta, lang: str) -> str:
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/admin/password/{quote(_token(user, lifetime), safe='')}?lang={lang}"


def user_for(token: str) -> User | None:
    """The active user a link is for while it is valid and unused; None otherwise.

    Raises ``LinkExpired`` for a genuine link whose time is over (the page says so in words)."""
    subject = read_token(PURPOSE, token)
    if subject is None:
        return None
    user_id, _, fingerprint = subject.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or password_fingerprint(user.password_hash) != fingerprint:
        return None
    return user


def _language(user: User, fallback: str) -> str:
    municipality = db.session.get(Municipality, user.municipality_id) if user.municipality_id else None
    return getattr(municipality, "language", None) or fallback


def _send(user: User, subject: str, body: str) -> None:
    try:
        send_mail(user.email, subject, body)
    except (TransientError, MailRefused, OSError) as exc:
        log.warning("a set-password mail to user %s could not be sent: %s", user.id, exc)
        raise MailNotSent(str(exc)) from None


def send_invitation(user: User, lang: str, invited_by: str) -> None:
    """Mail ``user`` a link to set their first password (or a new one); audited. Raises MailNotSent."""
    lang = _language(user, lang)
    municipality = db.session.get(Municipality, user.municipality_id) if user.municipality_id else None
    days = INVITATION_LIFETIME.days
    body = t(
        "mail.invite.body",
        lang,
        name=user.name,
        inviter=invited_by,
        municipality=municipality.name if municipality else "",
        url=link(user, INVITATION_LIFETIME, lang),
        days=days,
    )
    audit("user.invite", f"user:{user.id}", user.municipality_id, {"expires_in_days": days})
    db.session.commit()
    _send(user, t("mail.invite.subject", lang), body)


def send_reset(email: str, lang: str) -> None:
    """Mail a reset link if ``email`` is an active account's; the same for the caller either way."""
    try:
        address = users.normalise_email(email)
    except users.UserError:
        return
    user = users.find_by_email(address)
    if user is None or not user.active:
        log.info("a password reset was asked for an address without an active account")
        return
    hours = int(RESET_LIFETIME.total_seconds() // 3600)
    body = t("mail.reset.body", lang, name=user.name, url=link(user, RESET_LIFETIME, lang), hours=hours)
    audit("user.password_reset_link", f"user:{user.id}", user.municipality_id, actor="anonymous")
    db.session.commit()
    # logged when it fails; the page must not tell whether the address has an account
    with contextlib.suppress(MailNotSent):
        _send(user, t("mail.reset.subject", lang), body)


def set_password(token: str, password: str) -> User | None:
    """Set the password of the link's user (the rules of users.set_password); None for an unusable link.

    Raises ``users.UserError`` for a password the rules refuse, ``LinkExpired`` for a link out of time."""
    user = user_for(token)
    if user is None:
        return None
    users.set_password(user, password)  # audits "user.password"
    db.session.commit()
    return user


__all__ = ["LinkExpired", "MailNotSent", "send_invitation", "send_reset", "set_password", "user_for"]
