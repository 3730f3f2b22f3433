"""/api/v1/auth and /me: registration, API tokens, password reset, the caller's own account."""

from __future__ import annotations

from typing import Any

from flask import g
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from app.actions import accounts
from app.api.common import API_PREFIX, anonymous_write, require_actor
from app.errors import Unauthenticated
from app.models import ApiToken, User
from app.ratelimits import per_actor_limit, per_address_and_account_limit, per_address_limit
from app.schemas.common import ErrorResponseSchema
from app.schemas.users import MeSchema, NewTokenSchema, RegisterSchema, TokenRequestSchema, TokenSchema

blp = Blueprint("api_auth", __name__, url_prefix=API_PREFIX, description="Accounts and API tokens")


class ResetRequestSchema(Schema):
    email = fields.String(required=True)


class ResetConfirmSchema(Schema):
    token = fields.String(required=True)
    password = fields.String(required=True)


@blp.route("/auth/register", methods=["POST"])
@anonymous_write
@per_actor_limit("RATELIMIT_REGISTER")
@blp.arguments(RegisterSchema)
@blp.response(201, MeSchema)
@blp.alt_response(422, schema=ErrorResponseSchema)
def register(args: dict[str, Any]) -> User:
    """Create an account."""
    return accounts.do_register(**args)


@blp.route("/auth/tokens", methods=["POST"])
@anonymous_write
@per_address_and_account_limit("RATELIMIT_SIGNIN", "signin")
@blp.arguments(TokenRequestSchema)
@blp.response(201, NewTokenSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
def create_token(args: dict[str, Any]) -> dict[str, Any]:
    """Exchange an email and password for a personal API token (shown once)."""
    user = accounts.check_credentials(args["email"], args["password"])
    if user is None:
        raise Unauthenticated("The email or password is not right.")
    secret, _token = accounts.do_create_token(user, args.get("name"))
    return {"token": secret, "user": user}


@blp.route("/auth/tokens", methods=["GET"])
@blp.response(200, TokenSchema(many=True))
def list_tokens() -> list[ApiToken]:
    """The caller's API tokens (never the secrets)."""
    return accounts.list_tokens(require_actor())


@blp.route("/auth/tokens/current", methods=["DELETE"])
@blp.response(204)
def revoke_current_token() -> None:
    """Revoke the token this request was made with."""
    user = require_actor()
    token_id = g.get("api_token_id")
    if not token_id:
        raise Unauthenticated("This request was not made with an API token.")
    accounts.do_revoke_token(user, token_id)


@blp.route("/auth/tokens/<int:token_id>", methods=["DELETE"])
@blp.response(204)
def revoke_token(token_id: int) -> None:
    """Revoke one of the caller's tokens."""
    accounts.do_revoke_token(require_actor(), token_id)


@blp.route("/auth/password-reset", methods=["POST"])
@anonymous_write
@per_address_and_account_limit("RATELIMIT_RESET", "reset")
@blp.arguments(ResetRequestSchema)
@blp.response(202)
def request_reset(args: dict[str, Any]) -> None:
    """Mail a reset link if the address has an account; the answer is the same either way."""
    accounts.request_password_reset(args["email"])


@blp.route("/auth/password-reset/confirm", methods=["POST"])
@anonymous_write
@per_address_limit("RATELIMIT_RESET", "reset-confirm")
@blp.arguments(ResetConfirmSchema)
@blp.response(204)
def confirm_reset(args: dict[str, Any]) -> None:
    """Set a new password with the token from the reset mail; every session of the user ends."""
    accounts.do_reset_password(args["token"], args["password"])


@blp.route("/me", methods=["GET"])
@blp.response(200, MeSchema)
def me() -> User:
    """The caller's own account."""
    return require_actor()
