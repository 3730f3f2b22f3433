"""/api/v1 threads and posts."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint

from app import policy
from app.access import access_thread, access_workspace
from app.actions import threads as actions
from app.actions.reactions import do_toggle_reaction
from app.api.common import API_PREFIX, json_response, require_actor
from app.identity import current_actor
from app.models import Thread
from app.queries.reactions import reaction_counts
from app.queries.threads import list_posts_after, list_threads
from app.ratelimits import per_actor_limit
from app.schemas.common import ErrorResponseSchema, PageArgsSchema, list_schema
from app.schemas.threads import (
    PostCreateSchema,
    PostEditSchema,
    PostSchema,
    ReactionSchema,
    ReactionsSchema,
    ThreadCreateSchema,
    ThreadSchema,
    ThreadWithPostSchema,
    post_json,
)

blp = Blueprint("api_threads", __name__, url_prefix=API_PREFIX, description="Threads and posts")
_posting_limit = per_actor_limit("RATELIMIT_POSTING")


@blp.route("/workspaces/<slug>/threads", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, list_schema(ThreadSchema, "ThreadList"))
def list_workspace_threads(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """Threads of a workspace: pinned first, then by last activity."""
    user = current_actor()
    seen = access_workspace(user, slug)
    page = list_threads(seen.workspace, args["cursor"], args["limit"], viewer=user,
                        moderator=policy.is_moderator(user, seen.membership))
    return {"items": page.items, "next": page.next}


@blp.route("/workspaces/<slug>/threads", methods=["POST"])
@_posting_limit
@blp.arguments(ThreadCreateSchema)
@blp.response(201, ThreadWithPostSchema)
@blp.alt_response(422, schema=ErrorResponseSchema)
def create_thread(args: dict[str, Any], slug: str) -> Response:
    """Start a thread with its first post."""
    thread, post = actions.do_create_thread(require_actor(), slug, args["title"], args["body"])
    data: dict[str, Any] = ThreadSchema().dump(thread)
    data["first_post"] = post_json(post)
    return json_response(data, 201)


@blp.route("/threads/<int:thread_id>", methods=["GET"])
@blp.response(200, ThreadSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def get_thread(thread_id: int) -> Thread:
    """One thread."""
    return access_thread(current_actor(), thread_id).thread


@blp.route("/threads/<int:thread_id>/posts", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, list_schema(PostSchema, "PostList"))
def list_thread_posts(args: dict[str, Any], thread_id: int) -> Response:
    """Posts of a thread, oldest first."""
    user = current_actor()
    seen = access_thread(user, thread_id)
    page = list_posts_after(seen.thread, args["cursor"], args["limit"], viewer=user,
                            moderator=policy.is_moderator(user, seen.membership))
    counts = reaction_counts([p.id for p in page.items])
    items = [post_json(p, policy.can_see_post_body(user, p, seen.membership), counts.get(p.id)) for p in page.items]
    return json_response({"items": items, "next": page.next})


@blp.route("/threads/<int:thread_id>/posts", methods=["POST"])
@_posting_limit
@blp.arguments(PostCreateSchema)
@blp.response(201, PostSchema)
@blp.alt_response(422, schema=ErrorResponseSchema)
def reply(args: dict[str, Any], thread_id: int) -> Response:
    """Reply in a thread, optionally to (quoting) one of its posts."""
    post = actions.do_post_reply(require_actor(), thread_id, args["body"], args.get("reply_to"),
                                 args.get("client_id"))
    return json_response(post_json(post, reactions=reaction_counts([post.id]).get(post.id)), 201)


@blp.route("/posts/<int:post_id>", methods=["PATCH"])
@blp.arguments(PostEditSchema)
@blp.response(200, PostSchema)
def edit_post(args: dict[str, Any], post_id: int) -> Response:
    """Edit one's own post; the earlier version is kept."""
    return json_response(post_json(actions.do_edit_post(require_actor(), post_id, args["body"])))


@blp.route("/posts/<int:post_id>/reactions", methods=["POST"])
@blp.arguments(ReactionSchema)
@blp.response(200, ReactionsSchema)
def react(args: dict[str, Any], post_id: int) -> dict[str, Any]:
    """Toggle the caller's reaction (👍 ❤️ 🎉 💡) on a post; answers the post's counts."""
    return {"reactions": do_toggle_reaction(require_actor(), post_id, args["emoji"])}


@blp.route("/posts/<int:post_id>", methods=["DELETE"])
@blp.response(204)
def delete_post(post_id: int) -> None:
    """Delete a post (its place in the thread stays)."""
    actions.do_delete_post(require_actor(), post_id)
