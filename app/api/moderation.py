"""/api/v1 membership and moderation: roles, bans, invitations, join requests, flags, hiding,
pre-moderation, thread moderation and the audit log."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app.access import access_thread
from app.actions import invitations, membership, moderation
from app.api.common import API_PREFIX, json_response, require_actor
from app.links import invitation_url
from app.models import Flag, Membership, Thread
from app.queries.moderation import (
    list_audit,
    list_banned,
    list_join_requests,
    list_open_flags,
    list_pending_invitations,
    list_pending_posts,
)
from app.ratelimits import per_actor_limit
from app.schemas.common import ErrorResponseSchema, list_schema
from app.schemas.moderation import (
    AcceptInvitationSchema,
    AuditArgsSchema,
    AuditEntrySchema,
    BanCreateSchema,
    BanSchema,
    DeclineSchema,
    FlagCreateSchema,
    FlagSchema,
    HideSchema,
    InvitationCreatedSchema,
    InvitationCreateSchema,
    InvitationSchema,
    JoinRequestSchema,
    RoleChangeSchema,
    ThreadUpdateSchema,
)
from app.schemas.threads import PostSchema, ThreadSchema, post_json
from app.schemas.workspaces import MembershipSchema

blp = Blueprint("api_moderation", __name__, url_prefix=API_PREFIX, description="Membership and moderation")


# --- members, roles and bans ---------------------------------------------------------------------


@blp.route("/workspaces/<slug>/members/<int:user_id>", methods=["PATCH"])
@blp.arguments(RoleChangeSchema)
@blp.response(200, MembershipSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
def change_role(args: dict[str, Any], slug: str, user_id: int) -> Membership:
    """Give a member another role (owners and moderators, within their own rank)."""
    return membership.do_change_role(require_actor(), slug, user_id, args["role"])


@blp.route("/workspaces/<slug>/members/<int:user_id>", methods=["DELETE"])
@blp.response(204)
def remove_member(slug: str, user_id: int) -> None:
    """Remove a member from the workspace."""
    membership.do_remove_member(require_actor(), slug, user_id)


@blp.route("/workspaces/<slug>/bans", methods=["GET"])
@blp.response(200, list_schema(BanSchema, "BanList"))
def bans(slug: str) -> dict[str, Any]:
    """People banned from the workspace (moderators)."""
    seen = membership.moderate(require_actor(), slug)
    return {"items": list_banned(seen.workspace), "next": None}


@blp.route("/workspaces/<slug>/bans", methods=["POST"])
@blp.arguments(BanCreateSchema)
@blp.response(201, BanSchema)
def ban(args: dict[str, Any], slug: str) -> Membership:
    """Ban someone from the workspace: they lose all access at once, live subscriptions included."""
    return membership.do_ban(require_actor(), slug, args["user_id"], args.get("reason"))


@blp.route("/workspaces/<slug>/bans/<int:user_id>", methods=["DELETE"])
@blp.response(204)
def unban(slug: str, user_id: int) -> None:
    """Lift a ban."""
    membership.do_unban(require_actor(), slug, user_id)


# --- join requests -------------------------------------------------------------------------------


@blp.route("/workspaces/<slug>/join-requests", methods=["GET"])
@blp.response(200, list_schema(JoinRequestSchema, "JoinRequestList"))
def join_requests(slug: str) -> dict[str, Any]:
    """Pending requests to join, oldest first (moderators)."""
    seen = membership.moderate(require_actor(), slug)
    return {"items": list_join_requests(seen.workspace), "next": None}


@blp.route("/join-requests/<int:request_id>/approve", methods=["POST"])
@blp.response(200, MembershipSchema)
def approve_request(request_id: int) -> Membership:
    """Let the person in; they are notified."""
    return membership.do_approve_request(require_actor(), request_id)


@blp.route("/join-requests/<int:request_id>/decline", methods=["POST"])
@blp.arguments(DeclineSchema)
@blp.response(200, description="{id, declined: true}")
def decline_request(args: dict[str, Any], request_id: int) -> Response:
    """Decline, optionally with a reason the person is shown."""
    membership.do_decline_request(require_actor(), request_id, args.get("reason"))
    return json_response({"id": request_id, "declined": True})


# --- invitations ---------------------------------------------------------------------------------


@blp.route("/workspaces/<slug>/invitations", methods=["POST"])
@per_actor_limit("RATELIMIT_INVITATIONS")
@blp.arguments(InvitationCreateSchema)
@blp.response(201, InvitationCreatedSchema)
@blp.alt_response(422, schema=ErrorResponseSchema)
def invite(args: dict[str, Any], slug: str) -> Response:
    """Invite an existing user or an email address. The answer's url carries the single-use token."""
    invitation, token = invitations.do_invite(require_actor(), slug, args.get("email"), args.get("user_id"),
                                              args.get("role"))
    return json_response({"id": invitation.id, "url": invitation_url(token),
                          "expires_at": invitation.expires_at.isoformat()}, 201)


@blp.route("/workspaces/<slug>/invitations", methods=["GET"])
@blp.response(200, list_schema(InvitationSchema, "InvitationList"))
def pending_invitations(slug: str) -> dict[str, Any]:
    """Invitations not yet accepted, withdrawn or expired (moderators)."""
    seen = membership.moderate(require_actor(), slug)
    return {"items": list_pending_invitations(seen.workspace), "next": None}


@blp.route("/invitations/<int:invitation_id>", methods=["DELETE"])
@blp.response(204)
def withdraw_invitation(invitation_id: int) -> None:
    """Withdraw a pending invitation; its link stops working."""
    invitations.do_withdraw_invitation(require_actor(), invitation_id)


@blp.route("/invitations/accept", methods=["POST"])
@blp.arguments(AcceptInvitationSchema)
@blp.response(200, MembershipSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="used, withdrawn or expired")
def accept_invitation(args: dict[str, Any]) -> Membership:
    """Accept an invitation meant for the caller's account."""
    return invitations.do_accept_invitation(require_actor(), args["token"])


# --- flags and the review queue ------------------------------------------------------------------


@blp.route("/posts/<int:post_id>/flags", methods=["POST"])
@per_actor_limit("RATELIMIT_FLAGGING")
@blp.arguments(FlagCreateSchema)
@blp.response(201, FlagSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="already reported by the caller")
def flag_post(args: dict[str, Any], post_id: int) -> tuple[Flag, int]:
    """Report a post to the workspace's moderators."""
    return moderation.do_flag_post(require_actor(), post_id, args["reason"], args.get("text")), 201


@blp.route("/workspaces/<slug>/flags", methods=["GET"])
@blp.response(200, list_schema(FlagSchema, "FlagList"))
def open_flags(slug: str) -> dict[str, Any]:
    """Open reports in the workspace, oldest first (moderators)."""
    seen = membership.moderate(require_actor(), slug)
    return {"items": list_open_flags([seen.workspace.id]), "next": None}


@blp.route("/flags/<int:flag_id>/dismiss", methods=["POST"])
@blp.response(200, FlagSchema)
def dismiss_flag(flag_id: int) -> Flag:
    """Close a report without acting on the post."""
    return moderation.do_dismiss_flag(require_actor(), flag_id)


@blp.route("/workspaces/<slug>/pending-posts", methods=["GET"])
@blp.response(200, list_schema(PostSchema, "PendingPostList"))
def pending_posts(slug: str) -> Response:
    """Posts waiting for approval (pre-moderation), oldest first (moderators)."""
    seen = membership.moderate(require_actor(), slug)
    return json_response({"items": [post_json(p) for p in list_pending_posts([seen.workspace.id])], "next": None})


@blp.route("/posts/<int:post_id>/hide", methods=["POST"])
@blp.arguments(HideSchema)
@blp.response(200, PostSchema)
def hide_post(args: dict[str, Any], post_id: int) -> Response:
    """Hide a post; its author sees the reason, others that a post was hidden."""
    return json_response(post_json(moderation.do_hide_post(require_actor(), post_id, args["reason"])))


@blp.route("/posts/<int:post_id>/restore", methods=["POST"])
@blp.response(200, PostSchema)
def restore_post(post_id: int) -> Response:
    """Show a hidden post again."""
    return json_response(post_json(moderation.do_restore_post(require_actor(), post_id)))


@blp.route("/posts/<int:post_id>/approve", methods=["POST"])
@blp.response(200, PostSchema)
def approve_post(post_id: int) -> Response:
    """Publish a post that waited for approval."""
    return json_response(post_json(moderation.do_approve_post(require_actor(), post_id)))


@blp.route("/posts/<int:post_id>/reject", methods=["POST"])
@blp.arguments(DeclineSchema)
@blp.response(204)
def reject_post(args: dict[str, Any], post_id: int) -> None:
    """Turn down a post that waited for approval; its author is told, with the reason if given."""
    moderation.do_reject_post(require_actor(), post_id, args.get("reason"))


# --- threads -------------------------------------------------------------------------------------


@blp.route("/threads/<int:thread_id>", methods=["PATCH"])
@blp.arguments(ThreadUpdateSchema)
@blp.response(200, ThreadSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
def update_thread(args: dict[str, Any], thread_id: int) -> Thread:
    """Rename (author or moderators), pin, lock, or move to another workspace one moderates."""
    user = require_actor()
    thread = moderation.do_update_thread(user, thread_id, **args)
    return access_thread(user, thread.id).thread


@blp.route("/threads/<int:thread_id>", methods=["DELETE"])
@blp.response(204)
def purge_thread(thread_id: int) -> None:
    """Delete a thread and its posts for good (site admins only)."""
    moderation.do_purge_thread(require_actor(), thread_id)


@blp.route("/posts/<int:post_id>/purge", methods=["POST"])
@blp.response(204)
def purge_post(post_id: int) -> None:
    """Delete a post for good, text and history (site admins only); DELETE /posts/{id} keeps its place."""
    moderation.do_purge_post(require_actor(), post_id)


# --- the audit log -------------------------------------------------------------------------------


@blp.route("/workspaces/<slug>/audit", methods=["GET"])
@blp.arguments(AuditArgsSchema, location="query")
@blp.response(200, list_schema(AuditEntrySchema, "AuditList"))
def audit_log(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """The workspace's moderation history, newest first; filter by `action` (or its prefix) and `actor`."""
    user = require_actor()
    seen = membership.moderate(user, slug)
    page = list_audit(seen.workspace.id, args["cursor"], args["limit"], viewer=user, action=args["action"],
                      actor_id=args["actor"])
    return {"items": page.items, "next": page.next}

