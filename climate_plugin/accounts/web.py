"""Sign-in pages: password login, sign-out, and OpenID Connect single sign-on per municipality."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from flask import Blueprint, Response, current_app, g, redirect, request, session, url_for
from sqlalchemy import func, select

from climate_plugin.accounts import password_links, sso
from climate_plugin.accounts.audit import audit
from climate_plugin.accounts.limits import login_per_email, login_per_ip
from climate_plugin.accounts.passwords import hash_password, needs_rehash, verify_password
from climate_plugin.accounts.principal import SESSION_PASSWORD, SESSION_USER, password_fingerprint
from climate_plugin.db import db
from climate_plugin.i18n import LANGUAGES, language_links, pick_language
from climate_plugin.models._types import utcnow
from climate_plugin.models.municipality import Municipality
from climate_plugin.models.user import User
from climate_plugin.web.form_token import FIELD, form_token, form_token_ok
from climate_plugin.web.render import render

log = logging.getLogger(__name__)
bp = Blueprint("auth", __name__)

LOGIN_SCOPE = "admin-login"
LOGOUT_SCOPE = "admin-logout"
#: where a person lands after signing in when the login page was not reached from another admin page
HOME = "/admin/"
_SSO_PENDING = "auth_sso"


def _lang() -> str:
    return pick_language(
        request.values.get("lang"), request.accept_languages.best_match(LANGUAGES), default="fi"
    )


def _safe_next(value: str | None) -> str:
    """Only a path of this service's admin pages: never another host ("//evil", "https://…")."""
    if not value or not value.startswith("/admin") or value.startswith("//") or "\\" in value:
        return HOME
    parts = urlsplit(value)
    return value if not parts.scheme and not parts.netloc else HOME


def _sso_choices() -> list[dict[str, str]]:
    rows = db.session.scalars(select(Municipality).order_by(Municipality.name)).all()
    return [
        {"name": m.name, "url": url_for("auth.sso_start", slug=m.slug)}
        for m in rows
        if isinstance(m.settings, dict) and isinstance(m.settings.get("sso"), dict)
    ]


def _page(message_key: str | None = None, status: int = 200, email: str = "", notice: str | None = None):
    lang = _lang()
    html = render(
        "auth/login.html",
        lang,
        languages=language_links("auth.login", lang, next=request.values.get("next") or None),
        csrf_field=FIELD,
        csrf_token=form_token(LOGIN_SCOPE),
        next=_safe_next(request.values.get("next")),
        email=email,
        message_key=message_key,
        notice_key=notice,
        sso_choices=_sso_choices(),
    )
    return Response(html, status=status, mimetype="text/html")


def too_many_logins() -> Response:
    return _page("auth.login.too_many", status=429, email=request.form.get("email", "")[:320])


def sign_in(user: User, method: str) -> None:
    """Start a fresh session for ``user`` (a new session, so nothing planted before sign-in survives)."""
    session.clear()
    session.permanent = True
    session[SESSION_USER] = user.id
    session[SESSION_PASSWORD] = password_fingerprint(user.password_hash)
    user.last_login_at = utcnow()
    g.pop("_climate_principal", None)
    audit("user.login", f"user:{user.id}", user.municipality_id, {"method": method},
          actor=f"user:{user.id} ({user.name})")
    db.session.commit()


@bp.get("/admin/login")
def login():
    return _page()


@bp.post("/admin/login")
@login_per_ip
@login_per_email
def login_post():
    email = request.form.get("email", "").strip().lower()[:320]
    password = request.form.get("password", "")
    if not form_token_ok(LOGIN_SCOPE, request.form.get(FIELD)):
        return _page("auth.login.csrf", status=400, email=email)
    user = db.session.scalar(select(User).where(func.lower(User.email) == email)) if email else None
    # verify_password runs even for an unknown address, so the answer takes as long either way
    matches = verify_password(user.password_hash if user else None, password)
    if user is None or not matches or not user.active:
        log.info("failed sign-in for an account%s", "" if user else " that does not exist")
        return _page("auth.login.failed", status=401, email=email)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    sign_in(user, "password")
    return redirect(_safe_next(request.form.get("next")))


# --- set-password links: invitations and "forgot password" (climate_plugin.accounts.password_links) ---
FORGOT_SCOPE = "admin-password-forgot"
SET_SCOPE = "admin-password-set"


def _password_page(template: str, status: int = 200, **context):
    lang = _lang()
    endpoint = request.endpoint or "auth.login"
    html = render(
        template,
        lang,
        languages=language_links(endpoint, lang, **(request.view_args or {})),
        csrf_field=FIELD,
        **context,
    )
    return Response(html, status=status, mimetype="text/html")


@bp.get("/admin/password/forgot")
def password_forgot():
    return _password_page("auth/forgot.html", csrf_token=form_token(FORGOT_SCOPE), sent=False)


@bp.post("/admin/password/forgot")
@login_per_ip
@login_per_email
def password_forgot_post():
    if not form_token_ok(FORGOT_SCOPE, request.form.get(FIELD)):
        return _password_page("auth/forgot.html", 400, csrf_token=form_token(FORGOT_SCOPE), sent=False,
                              message_key="auth.login.csrf")
    password_links.send_reset(request.form.get("email", "")[:320], _lang())
    # the same answer whether or not the address has an account
    return _password_page("auth/forgot.html", csrf_token=form_token(FORGOT_SCOPE), sent=True)


def _set_page(token: str, status: int = 200, message_key: str | None = None, **params):
    try:
        user = password_links.user_for(token)
    except password_links.LinkExpired:
        return _password_page("auth/set_password.html", 410, user=None, message_key="auth.password.expired")
    if user is None:
        return _password_page("auth/set_password.html", 404, user=None, message_key="auth.password.unusable")
    return _password_page(
        "auth/set_password.html",
        status,
        user=user,
        token=token,
        csrf_token=form_token(SET_SCOPE),
        message_key=message_key,
        message_params=params,
    )


@bp.get("/admin/password/<path:token>")
def password_set(token: str):
    return _set_page(token)


@bp.post("/admin/password/<path:token>")
@login_per_ip
def password_set_post(token: str):
    from climate_plugin.accounts.passwords import MAX_LENGTH, MIN_LENGTH
    from climate_plugin.accounts.users import UserError

    if not form_token_ok(SET_SCOPE, request.form.get(FIELD)):
        return _set_page(token, 400, "auth.login.csrf")
    password = request.form.get("password", "")
    if password != request.form.get("password_again", ""):
        return _set_page(token, 422, "auth.password.mismatch")
    try:
        user = password_links.set_password(token, password)
    except password_links.LinkExpired:
        return _set_page(token)
    except UserError:
        key = "auth.password.too_short" if len(password) < MIN_LENGTH else "auth.password.too_long"
        return _set_page(token, 422, key, min=MIN_LENGTH, max=MAX_LENGTH)
    if user is None:
        return _set_page(token)
    return redirect(url_for("auth.login", lang=_lang(), password_set=1))


@bp.post("/admin/logout")
def logout():
    # A cross-site page must not be able to sign people out: the form carries the session's token.
    from climate_plugin.accounts.csrf import session_form_token_ok

    if session.get(SESSION_USER) is not None and not session_form_token_ok(
        LOGOUT_SCOPE, request.form.get(FIELD)
    ):
        return _page("auth.login.csrf", status=400)
    session.clear()
    return redirect(url_for("auth.login", lang=_lang(), signed_out=1))


@bp.get("/admin/sso/<slug>")
def sso_start(slug: str):
    municipality = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    config = sso.load_config(municipality) if municipality is not None else None
    if config is None:
        return _page("auth.sso.failed", status=404)
    url, pending = sso.start(config, _redirect_uri(slug))
    session[_SSO_PENDING] = {**pending, "slug": slug, "next": _safe_next(request.args.get("next"))}
    return redirect(url)


@bp.get("/admin/sso/<slug>/callback")
def sso_callback(slug: str):
    pending = session.pop(_SSO_PENDING, None)
    state = request.args.get("state")
    if not isinstance(pending, dict) or pending.get("slug") != slug or not state or state != pending["state"]:
        return _page("auth.sso.expired", status=400)
    if request.args.get("error") or not request.args.get("code"):
        log.warning("single sign-on for %s: the provider answered %r", slug, request.args.get("error"))
        return _page("auth.sso.failed", status=400)
    municipality = db.session.scalar(select(Municipality).where(Municipality.slug == slug))
    config = sso.load_config(municipality) if municipality is not None else None
    if config is None:
        return _page("auth.sso.failed", status=404)
    try:
        email = sso.finish(config, request.args["code"], _redirect_uri(slug), pending)
    except sso.SsoError as exc:
        log.warning("single sign-on for %s failed: %s", slug, exc)
        return _page("auth.sso.failed", status=400)
    user = db.session.scalar(
        select(User).where(
            func.lower(User.email) == email, User.municipality_id == municipality.id, User.active.is_(True)
        )
    )
    if user is None:
        log.info("single sign-on for %s: no active account for the address the provider gave", slug)
        return _page("auth.sso.no_account", status=403)
    sign_in(user, "sso")
    return redirect(_safe_next(pending.get("next")))


def _redirect_uri(slug: str) -> str:
    # From PUBLIC_URL, not the Host header: the provider only accepts the registered address anyway,
    # and a forged Host must not decide where the code goes.
    return current_app.config["PUBLIC_URL"] + url_for("auth.sso_callback", slug=slug)
