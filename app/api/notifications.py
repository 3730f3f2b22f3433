"""/api/v1/notifications: the caller's notices."""

from __future__ import annotations

from typing import Any

from flask_smorest import Blueprint

from app.actions.notifications import do_mark_notifications_read
from app.api.common import API_PREFIX, require_actor
from app.queries.moderation import list_notifications, unread_count
from app.schemas.common import PageArgsSchema
from app.schemas.notifications import MarkReadSchema, NotificationListSchema

blp = Blueprint("api_notifications", __name__, url_prefix=API_PREFIX, description="Notifications")


@blp.route("/notifications", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, NotificationListSchema)
def notifications(args: dict[str, Any]) -> dict[str, Any]:
    """The caller's notices, newest first, with how many are unread."""
    user = require_actor()
    page = list_notifications(user, args["cursor"], args["limit"])
    return {"items": page.items, "next": page.next, "unread": unread_count(user)}


@blp.route("/notifications/read", methods=["POST"])
@blp.arguments(MarkReadSchema)
@blp.response(200, description="{marked: number of notices marked read}")
def mark_read(args: dict[str, Any]) -> dict[str, Any]:
    """Mark the caller's notices read: all of them, or those up to the id `up_to`."""
    return {"marked": do_mark_notifications_read(require_actor(), args.get("up_to"))}
