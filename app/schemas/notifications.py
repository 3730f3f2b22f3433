"""Per-user notices as the API and the live `notification` message show them."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.common import list_schema


class NotificationSchema(Schema):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "e.g. join_request.approved, post.hidden, member.banned"})
    data = fields.Dict(metadata={"description": "what the notice is about (workspace, post, reason …)"})
    created_at = fields.DateTime()
    read = fields.Function(lambda n: n.read_at is not None)


class MarkReadSchema(Schema):
    up_to = fields.Integer(load_default=None, allow_none=True)


class NotificationListSchema(list_schema(NotificationSchema, "NotificationPage")):  # type: ignore[misc]
    """The list envelope plus how many of the person's notices are unread."""

    unread = fields.Integer()
