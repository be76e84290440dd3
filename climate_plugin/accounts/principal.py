"""Who is asking: an API token (``Authorization: Bearer``) or a signed-in person (the admin session).

Everything a principal may see is limited to its municipality by :func:`scoped`: another municipality's
rows are filtered out of the query itself, so they answer 404 exactly like rows that do not exist,
and a forgotten check cannot leak them.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, TypeVar

from flask import abort, g, has_request_context, redirect, request, session, url_for
from sqlalchemy import Select, false, select, update

from climate_plugin.db import db
from climate_plugin.models._types import utcnow
from climate_plugin.web.errors import json_error

ROLES: tuple[str, ...] = ("platform_admin", "municipality_admin", "coordinator", "viewer")
PLATFORM_ADMIN = "platform_admin"

#: the session keys of a signed-in person (see climate_plugin.accounts.web)
SESSION_USER = "auth_uid"
SESSION_PASSWORD = "auth_pw"
#: last_used_at is written at most this often, so a busy token does not turn every GET into a write
_TOUCH_EVERY = timedelta(minutes=1)
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Principal:
    kind: str  # "token" | "user"
    id: int
    name: str
    role: str
    #: None only for a platform administrator
    municipality_id: int | None

    @property
    def actor(self) -> str:
        """How the audit log names this principal."""
        return f"{self.kind}:{self.id} ({self.name})"


def hash_token(token: str) -> str:
    """How an API token is stored and looked up: its SHA-256 (see climate_plugin.accounts.tokens)."""
    return hashlib.sha256(token.encode()).hexdigest()


def password_fingerprint(password_hash: str | None) -> str:
    """A short digest of the stored hash kept in the session: a password change ends other sessions."""
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def current_principal() -> Principal | None:
    """The principal of this request (cached on ``flask.g``); None outside a request or when anonymous."""
    if not has_request_context():
        return None
    if "_climate_principal" not in g:
        g._climate_principal = _resolve()
    return g._climate_principal


def _resolve() -> Principal | None:
    header = request.headers.get("Authorization")
    if header is not None:
        # A wrong or expired token is anonymous even if a session cookie came along: the caller meant
        # the token.
        scheme, _, value = header.partition(" ")
        return _from_token(value.strip()) if scheme.lower() == "bearer" else None
    if request.path.startswith("/api/") and request.method not in _SAFE_METHODS:
        # The session cookie rides along with any cross-site request, and the API has no CSRF token:
        # changes through the API need a bearer token. Reading with the session (browsable docs) is fine.
        return None
    return _from_session()


def _from_token(token: str) -> Principal | None:
    from climate_plugin.models.api_token import ApiToken

    if not token.startswith("cpt_") or len(token) > 200:
        return None
    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return None
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_EVERY:
        # A plain UPDATE through its own short transaction: the view's session stays untouched.
        with db.engine.begin() as conn:
            conn.execute(update(ApiToken.__table__).where(ApiToken.id == row.id).values(last_used_at=now))
    return Principal("token", row.id, row.name, row.role, row.municipality_id)


def _from_session() -> Principal | None:
    from climate_plugin.models.user import User

    user_id = session.get(SESSION_USER)
    if not isinstance(user_id, int):
        return None
    user = db.session.get(User, user_id)
    # Checked on every request: deactivating a person or changing the password ends their sessions at once.
    if (
        user is None
        or not user.active
        or session.get(SESSION_PASSWORD) != password_fingerprint(user.password_hash)
    ):
        session.pop(SESSION_USER, None)
        return None
    return Principal("user", user.id, user.name, user.role, user.municipality_id)


def _is_page() -> bool:
    return request.path.startswith("/admin")


def require(*roles: str) -> Callable[[F], F]:
    """Let a view run only for a principal with one of ``roles`` (any signed-in principal when none given).

    Anonymous: 401 JSON for the API, a redirect to the login page for the admin pages. Signed in with
    another role: 403. A platform administrator always passes.
    """
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorate(view: F) -> F:
        @functools.wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            principal = current_principal()
            if principal is None:
                if _is_page():
                    return redirect(url_for("auth.login", next=_next_path()))
                response = json_error(401, "authentication required: send Authorization: Bearer <token>")
                response.headers["WWW-Authenticate"] = 'Bearer realm="climate-plugin"'
                return response
            if roles and principal.role != PLATFORM_ADMIN and principal.role not in roles:
                if _is_page():
                    abort(403)
                return json_error(403, "your role may not do this")
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def _next_path() -> str:
    return request.full_path.rstrip("?") if request.query_string else request.path


def municipality_scope(principal: Principal | None) -> int | None:
    """The municipality a principal is limited to; None means every municipality (platform admin)."""
    if principal is None:
        raise ValueError("no principal: an anonymous request has no scope")
    if principal.role == PLATFORM_ADMIN:
        return None
    if principal.municipality_id is None:
        # a misconfigured row must not widen into "everything"
        raise ValueError(f"{principal.actor} has role {principal.role} but no municipality")
    return principal.municipality_id


def scoped(stmt: Select, model: type, principal: Principal | None = None) -> Select:
    """``stmt`` (a select of ``model``) limited to what ``principal`` (default: the current one) may see.

    Anonymous sees nothing. Rows that belong to a municipality only through their connector or item are
    filtered with IN sub-selects rather than joins, so a statement that already joins those tables
    still works.
    """
    principal = principal if principal is not None else current_principal()
    if principal is None:
        return stmt.where(false())
    if principal.role != PLATFORM_ADMIN and principal.municipality_id is None:
        return stmt.where(false())
    scope = municipality_scope(principal)
    if scope is None:
        return stmt
    return stmt.where(_condition(model, scope))


def _condition(model: type, municipality_id: int):
    from climate_plugin.models import AgendaItem, Assessment, Connector, Delivery, Municipality, WriteBack

    if model is Municipality:
        return Municipality.id == municipality_id
    if hasattr(model, "municipality_id"):
        return model.municipality_id == municipality_id
    connectors = select(Connector.id).where(Connector.municipality_id == municipality_id)
    if model in (Delivery, AgendaItem):
        return model.connector_id.in_(connectors)
    items = select(AgendaItem.id).where(AgendaItem.connector_id.in_(connectors))
    if model in (WriteBack, Assessment):
        return model.item_id.in_(items)
    raise TypeError(f"scoped() does not know how {model.__name__} belongs to a municipality")


def get_scoped(model: type, row_id: int, principal: Principal | None = None):
    """The row of ``model`` with ``row_id`` if the principal may see it, else None (answer 404)."""
    stmt = scoped(select(model).where(model.id == row_id), model, principal)
    return db.session.scalar(stmt)


def get_scoped_or_404(model: type, row_id: int, principal: Principal | None = None):
    row = get_scoped(model, row_id, principal)
    if row is None:
        abort(404)
    return row
