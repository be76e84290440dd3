"""/api/v1/users and /api/v1/tokens: people of the admin pages and API tokens. Passwords are never set
or shown here (`climate-plugin user` and single sign-on do that); a token is shown once, when made."""

from __future__ import annotations

from sqlalchemy import select

from climate_plugin.accounts import require, scoped
from climate_plugin.accounts import service as accounts_service
from climate_plugin.api.common import ADMIN, SelectPage, get_or_404, make_blueprint, principal
from climate_plugin.api.schemas import (
    TokenCreatedSchema,
    TokenCreateSchema,
    TokenSchema,
    UserCreateSchema,
    UserSchema,
    UserUpdateSchema,
)
from climate_plugin.models import ApiToken, User

users_bp = make_blueprint("users", "/users", "People who sign in to the admin pages, and their roles.")
tokens_bp = make_blueprint("tokens", "/tokens", "API tokens (shown once; only a hash is stored).")


def _municipality_id(data: dict) -> int | None:
    """The municipality of a new user or token: given (for a platform admin) or the creator's own."""
    if "municipality_id" in data:
        return data["municipality_id"]
    return principal().municipality_id


@users_bp.route("", methods=["GET"])
@require(*ADMIN)
@users_bp.response(200, UserSchema(many=True))
@users_bp.paginate(SelectPage)
def list_users():
    """People and their roles."""
    return scoped(select(User).order_by(User.email), User)


@users_bp.route("/<int:user_id>", methods=["GET"])
@require(*ADMIN)
@users_bp.response(200, UserSchema)
def get_user(user_id: int):
    """One person."""
    return get_or_404(User, user_id)


@users_bp.route("", methods=["POST"])
@require(*ADMIN)
@users_bp.arguments(UserCreateSchema)
@users_bp.response(201, UserSchema)
def create_user(data: dict):
    """Add a person (without a password: they set it through the CLI's invitation or sign in with SSO)."""
    return accounts_service.create_user(
        principal(), data["email"], data["name"], data["role"], _municipality_id(data)
    )


@users_bp.route("/<int:user_id>", methods=["PATCH"])
@require(*ADMIN)
@users_bp.arguments(UserUpdateSchema)
@users_bp.response(200, UserSchema)
def update_user(data: dict, user_id: int):
    """Change a person's name, role, or whether they may sign in."""
    user = get_or_404(User, user_id)
    return accounts_service.update_user(
        principal(), user, role=data.get("role"), active=data.get("active"), name=data.get("name")
    )


@tokens_bp.route("", methods=["GET"])
@require(*ADMIN)
@tokens_bp.response(200, TokenSchema(many=True))
@tokens_bp.paginate(SelectPage)
def list_tokens():
    """API tokens (never the tokens themselves, nor their hashes)."""
    return scoped(select(ApiToken).order_by(ApiToken.id.desc()), ApiToken)


@tokens_bp.route("", methods=["POST"])
@require(*ADMIN)
@tokens_bp.arguments(TokenCreateSchema)
@tokens_bp.response(201, TokenCreatedSchema)
def create_token(data: dict):
    """Make a token; the answer has it, only this once."""
    row, token = accounts_service.create_token(
        principal(), data["name"], data["role"], _municipality_id(data), data["expires_in_days"]
    )
    return {**{key: getattr(row, key) for key in TokenSchema().fields}, "token": token}


@tokens_bp.route("/<int:token_id>/revoke", methods=["POST"])
@require(*ADMIN)
@tokens_bp.response(200, TokenSchema)
def revoke_token(token_id: int):
    """Revoke a token at once."""
    return accounts_service.revoke_token(get_or_404(ApiToken, token_id))
