"""/api/v1/workspaces: the directory, creating, joining and leaving."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app.access import access_workspace
from app.actions import workspaces as actions
from app.api.common import API_PREFIX, json_response, require_actor
from app.identity import current_actor
from app.models import Membership, Workspace
from app.queries.workspaces import list_members, list_workspaces, my_memberships
from app.ratelimits import per_actor_limit
from app.schemas.common import ErrorResponseSchema, list_schema
from app.schemas.workspaces import (
    JoinSchema,
    MembershipSchema,
    WorkspaceCreateSchema,
    WorkspaceSchema,
    WorkspaceUpdateSchema,
)

blp = Blueprint("api_workspaces", __name__, url_prefix=API_PREFIX, description="Workspaces")
_WORKSPACE = WorkspaceSchema()


def workspace_json(ws: Workspace, membership: Membership | None) -> dict[str, Any]:
    data: dict[str, Any] = _WORKSPACE.dump(ws)
    data["my_role"] = membership.role if membership is not None and membership.is_active else None
    return data


@blp.route("/workspaces", methods=["GET"])
@blp.response(200, list_schema(WorkspaceSchema, "WorkspaceList"))
def list_all() -> Response:
    """Workspaces the caller may see."""
    user = current_actor()
    mine = my_memberships(user)
    items = [workspace_json(ws, mine.get(ws.id)) for ws in list_workspaces(user)]
    return json_response({"items": items, "next": None})


@blp.route("/workspaces", methods=["POST"])
@blp.arguments(WorkspaceCreateSchema)
@blp.response(201, WorkspaceSchema)
@blp.alt_response(422, schema=ErrorResponseSchema)
def create(args: dict[str, Any]) -> Response:
    """Create a workspace; the caller becomes its owner."""
    user = require_actor()
    ws = actions.do_create_workspace(user, **args)
    return json_response(workspace_json(ws, access_workspace(user, ws.slug).membership), 201)


@blp.route("/workspaces/<slug>", methods=["GET"])
@blp.response(200, WorkspaceSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def get(slug: str) -> Response:
    """One workspace, with the caller's role in it."""
    seen = access_workspace(current_actor(), slug)
    return json_response(workspace_json(seen.workspace, seen.membership))


@blp.route("/workspaces/<slug>", methods=["PATCH"])
@blp.arguments(WorkspaceUpdateSchema)
@blp.response(200, WorkspaceSchema)
@blp.alt_response(422, schema=ErrorResponseSchema)
def update(args: dict[str, Any], slug: str) -> Response:
    """Change the workspace's settings (owners and site admins)."""
    user = require_actor()
    ws = actions.do_update_workspace(user, slug, **args)
    return json_response(workspace_json(ws, access_workspace(user, ws.slug).membership))


@blp.route("/workspaces/<slug>/join", methods=["POST"])
@per_actor_limit("RATELIMIT_JOIN_REQUESTS")
@blp.arguments(JoinSchema)
@blp.response(200, MembershipSchema)
@blp.alt_response(202, schema=MembershipSchema, description="the request to join was sent")
def join(args: dict[str, Any], slug: str) -> tuple[Membership, int]:
    """Join an open workspace (200), or ask to join one that takes requests (202)."""
    membership = actions.do_join_workspace(require_actor(), slug, args.get("message"))
    return membership, 200 if membership.is_active else 202


@blp.route("/workspaces/<slug>/leave", methods=["POST"])
@blp.response(204)
def leave(slug: str) -> None:
    """Leave a workspace (not as its last owner)."""
    actions.do_leave_workspace(require_actor(), slug)


@blp.route("/workspaces/<slug>/members", methods=["GET"])
@blp.response(200, list_schema(MembershipSchema, "MemberList"))
def members(slug: str) -> dict[str, Any]:
    """The workspace's active members."""
    seen = access_workspace(require_actor(), slug)
    return {"items": list_members(seen.workspace), "next": None}
