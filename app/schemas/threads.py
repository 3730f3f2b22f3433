"""Threads and posts as the API, and the live events, show them."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

from app.models import Post
from app.schemas.common import UserRefSchema


class PostSchema(Schema):
    id = fields.Integer()
    thread_id = fields.Integer()
    number = fields.Integer(metadata={"description": "place in the thread, from 1"})
    author = fields.Nested(UserRefSchema, allow_none=True)
    body = fields.String(metadata={"description": "Markdown source"})
    html = fields.String(metadata={"description": "sanitised HTML"})
    reply_to = fields.Integer(attribute="reply_to_id", allow_none=True)
    created_at = fields.DateTime()
    edited_at = fields.DateTime(allow_none=True)
    deleted = fields.Function(lambda p: p.deleted_at is not None)
    hidden = fields.Function(lambda p: p.hidden_at is not None)
    hidden_reason = fields.String(metadata={"description": "why a moderator hid it (to its author and moderators)"})
    pending = fields.Boolean(metadata={"description": "waiting for a moderator's approval"})
    reactions = fields.Dict(keys=fields.String(), values=fields.Integer(), dump_default=dict,
                            metadata={"description": "count per emoji"})


class ThreadSchema(Schema):
    id = fields.Integer()
    workspace = fields.Function(lambda t: t.workspace.slug)
    title = fields.String()
    author = fields.Nested(UserRefSchema, allow_none=True)
    pinned = fields.Boolean()
    locked = fields.Boolean()
    pending = fields.Boolean(metadata={"description": "waiting for a moderator's approval"})
    document_id = fields.Integer(allow_none=True, metadata={
        "description": "set for a document's discussion, which is not listed among the workspace's threads"})
    post_count = fields.Integer()
    created_at = fields.DateTime()
    last_activity_at = fields.DateTime()
    last_author = fields.Nested(UserRefSchema, allow_none=True)


class ThreadWithPostSchema(ThreadSchema):
    first_post = fields.Nested(PostSchema)


class ThreadCreateSchema(Schema):
    title = fields.String(required=True)
    body = fields.String(required=True)


class PostCreateSchema(Schema):
    body = fields.String(required=True)
    reply_to = fields.Integer(load_default=None, allow_none=True)
    client_id = fields.String(load_default=None, allow_none=True, metadata={
        "description": "made by the client; sending the same one again returns the first post, not a copy"})


class ReactionSchema(Schema):
    emoji = fields.String(required=True, metadata={"description": "one of 👍 ❤️ 🎉 💡"})


class ReactionsSchema(Schema):
    reactions = fields.Dict(keys=fields.String(), values=fields.Integer())


class PostEditSchema(Schema):
    body = fields.String(required=True)


_POST = PostSchema()


def post_json(post: Post, show_body: bool = True, reactions: dict[str, int] | None = None) -> dict[str, Any]:
    """A post as JSON; the text is left out where the reader may not see it (deleted, hidden)."""
    data: dict[str, Any] = _POST.dump(post)
    data["reactions"] = reactions or {}
    if not show_body or post.deleted_at is not None:
        data["body"] = ""
        data["html"] = ""
        data["hidden_reason"] = ""
    return data
