"""/api/v1/admin: what site admins do across the network."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app.actions import admin
from app.api.common import API_PREFIX, json_response, require_actor
from app.errors import NotFound
from app.models import User
from app.queries.moderation import list_audit, list_open_flags, list_pending_posts, list_users
from app.schemas.common import ErrorResponseSchema, list_schema
from app.schemas.moderation import AuditArgsSchema, AuditEntrySchema, FlagSchema, SuspendSchema
from app.schemas.threads import PostSchema, post_json
from app.schemas.users import AdminUserSchema, UserSearchArgsSchema

blp = Blueprint("api_admin", __name__, url_prefix=API_PREFIX + "/admin", description="Site administration")
_ADMIN_USER = AdminUserSchema()


def require_admin() -> User:
    """The signed-in admin; everyone else is told there is nothing here."""
    user = require_actor()
    if not user.is_admin:
        raise NotFound()
    return user


@blp.route("/users", methods=["GET"])
@blp.arguments(UserSearchArgsSchema, location="query")
@blp.response(200, list_schema(AdminUserSchema, "AdminUserList"))
def users(args: dict[str, Any]) -> dict[str, Any]:
    """Every account, newest first; `q` matches name, email or organisation."""
    require_admin()
    page = list_users(args["q"] or "", args["cursor"], args["limit"])
    return {"items": page.items, "next": page.next}


@blp.route("/users/<int:user_id>/suspend", methods=["POST"])
@blp.arguments(SuspendSchema)
@blp.response(200, AdminUserSchema)
@blp.alt_response(409, schema=ErrorResponseSchema)
def suspend(args: dict[str, Any], user_id: int) -> User:
    """Suspend an account: its sessions, tokens and open sockets stop working at once."""
    return admin.do_suspend(require_admin(), user_id, args["reason"])


@blp.route("/users/<int:user_id>/reinstate", methods=["POST"])
@blp.response(200, AdminUserSchema)
def reinstate(user_id: int) -> User:
    """Lift a suspension."""
    return admin.do_reinstate(require_admin(), user_id)


@blp.route("/flags", methods=["GET"])
@blp.response(200, list_schema(FlagSchema, "NetworkFlagList"))
def flags() -> dict[str, Any]:
    """Open reports in every workspace, oldest first."""
    require_admin()
    return {"items": list_open_flags(None), "next": None}


@blp.route("/pending-posts", methods=["GET"])
@blp.response(200, list_schema(PostSchema, "NetworkPendingPostList"))
def pending_posts() -> Response:
    """Posts waiting for approval in every workspace, oldest first."""
    require_admin()
    return json_response({"items": [post_json(p) for p in list_pending_posts(None)], "next": None})


@blp.route("/audit", methods=["GET"])
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, list_schema(AuditEntrySchema, "NetworkAuditList"))
def audit_log(args: dict[str, Any]) -> dict[str, Any]:
    """Every moderator's and admin's action in the network, newest first."""
    page = list_audit(None, args["cursor"], args["limit"], viewer=require_admin(), action=args["action"],
                      actor_id=args["actor"], network=True)
    return {"items": page.items, "next": page.next}

