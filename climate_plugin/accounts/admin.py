"""Users and roles of a municipality: the list, adding a person with a role (who gets an invitation
e-mail with a link to set their password), sending that link again, changing the role, deactivating and
reactivating. Passwords themselves are never typed here: the person sets theirs through the link."""

from __future__ import annotations

from typing import Any

from flask import abort, redirect, request, url_for
from marshmallow import ValidationError
from sqlalchemy import func, select

from climate_plugin import services
from climate_plugin.accounts import require, scoped
from climate_plugin.accounts import service as accounts_service
from climate_plugin.accounts.password_links import MailNotSent
from climate_plugin.admin.pages import (
    CHANGE,
    MUNICIPALITY_ROLES,
    VIEW,
    bp,
    csrf_ok,
    error_page,
    field_errors,
    lang,
    municipality_or_404,
    principal,
    refuse_csrf,
    render,
    scoped_one,
)
from climate_plugin.db import db
from climate_plugin.i18n import t
from climate_plugin.models import Municipality, User


def _page(
    town: Municipality,
    errors: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> Any:
    rows = db.session.scalars(
        scoped(select(User).where(User.municipality_id == town.id).order_by(User.email), User)
    ).all()
    done = request.args.get("done")
    problems = {
        "created_not_sent": "admin.users.created_not_sent",
        "not_sent": "admin.users.not_sent",
    }
    notices = {
        "invited": "admin.users.invited",
        "created": "admin.users.created",
        "role": "admin.users.role_changed",
        "deactivated": "admin.users.deactivated",
        "activated": "admin.users.activated",
    }
    return render(
        "admin/users.html",
        town,
        status=status,
        users=rows,
        roles=MUNICIPALITY_ROLES,
        errors=errors or {},
        values=values or {},
        notice=t(notices[done], lang()) if done in notices else None,
        problem=t(problems[done], lang()) if done in problems else None,
        switch_endpoint="admin.users",
    )


def _user(town: Municipality, user_id: int) -> User:
    return scoped_one(User, user_id, User.municipality_id == town.id)


def _done(town: Municipality, done: str) -> Any:
    return redirect(url_for("admin.users", slug=town.slug, lang=lang(), done=done), 303)


@bp.get("/m/<slug>/users")
@require(*VIEW)
def users(slug: str) -> Any:
    return _page(municipality_or_404(slug))


@bp.post("/m/<slug>/users")
@require(*CHANGE)
def user_create(slug: str) -> Any:
    town = municipality_or_404(slug)
    if not csrf_ok():
        return refuse_csrf(town)
    current = lang()
    values = {k: request.form.get(k, "") for k in ("email", "name", "role")}
    if values["role"] not in MUNICIPALITY_ROLES:
        return _page(town, {"role": t("admin.error.role", current)}, values, 422)
    try:
        user = accounts_service.create_user(
            principal(), values["email"], values["name"], values["role"], town.id
        )
    except ValidationError as exc:
        db.session.rollback()
        errors: dict[str, str] = {}
        for field in field_errors(exc):
            if field == "email":
                taken = db.session.scalar(
                    select(func.count(User.id)).where(User.email == values["email"].strip().lower())
                )
                errors["email"] = (
                    t("admin.error.email_taken", current) if taken else t("admin.error.email", current)
                )
            elif field == "name":
                errors["name"] = t("admin.error.name", current, max=services.NAME_MAX)
            else:
                errors["role"] = t("admin.error.role", current)
        return _page(town, errors, values, 422)
    except accounts_service.NotAllowed:
        abort(403)
    try:
        accounts_service.invite_user(principal(), user, current)
    except MailNotSent:
        return _done(town, "created_not_sent")
    return _done(town, "created")


@bp.post("/m/<slug>/users/<int:user_id>/invite")
@require(*CHANGE)
def user_invite(slug: str, user_id: int) -> Any:
    town = municipality_or_404(slug)
    user = _user(town, user_id)
    if not csrf_ok():
        return refuse_csrf(town)
    try:
        accounts_service.invite_user(principal(), user, lang())
    except accounts_service.NotAllowed:
        abort(403)
    except services.NotPossible:
        return error_page(409, t("admin.users.invite_inactive", lang()), town)
    except MailNotSent:
        return _done(town, "not_sent")
    return _done(town, "invited")


@bp.post("/m/<slug>/users/<int:user_id>/role")
@require(*CHANGE)
def user_role(slug: str, user_id: int) -> Any:
    town = municipality_or_404(slug)
    user = _user(town, user_id)
    if not csrf_ok():
        return refuse_csrf(town)
    role = request.form.get("role", "")
    if role not in MUNICIPALITY_ROLES:
        return _page(town, {f"role-{user.id}": t("admin.error.role", lang())}, status=422)
    try:
        accounts_service.update_user(principal(), user, role=role)
    except accounts_service.NotAllowed:
        abort(403)
    return _done(town, "role")


@bp.post("/m/<slug>/users/<int:user_id>/active")
@require(*CHANGE)
def user_active(slug: str, user_id: int) -> Any:
    town = municipality_or_404(slug)
    user = _user(town, user_id)
    if not csrf_ok():
        return refuse_csrf(town)
    active = request.form.get("active") == "1"
    try:
        accounts_service.update_user(principal(), user, active=active)
    except services.NotPossible:
        db.session.rollback()
        return error_page(409, t("admin.error.self", lang()), town)
    except accounts_service.NotAllowed:
        abort(403)
    return _done(town, "activated" if active else "deactivated")
