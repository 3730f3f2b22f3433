"""Membership management, invitations, flags and the audit log as the API shows them."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.common import UserRefSchema


class RoleChangeSchema(Schema):
    role = fields.String(required=True, metadata={"description": "owner, moderator, facilitator or member"})


class BanCreateSchema(Schema):
    user_id = fields.Integer(required=True, strict=True)
    reason = fields.String(load_default="")


class BanSchema(Schema):
    user = fields.Nested(UserRefSchema)
    reason = fields.String(attribute="note")
    created_at = fields.DateTime()


class JoinRequestSchema(Schema):
    id = fields.Integer()
    user = fields.Nested(UserRefSchema)
    message = fields.String(attribute="note")
    workspace = fields.Function(lambda m: m.workspace.slug)
    created_at = fields.DateTime()


class DeclineSchema(Schema):
    reason = fields.String(load_default="")


class InvitationCreateSchema(Schema):
    email = fields.String(load_default=None, allow_none=True)
    user_id = fields.Integer(load_default=None, allow_none=True, strict=True)
    role = fields.String(load_default="member")


class InvitationCreatedSchema(Schema):
    id = fields.Integer()
    url = fields.String(metadata={"description": "the single-use link; shown only now"})
    expires_at = fields.DateTime()


class InvitationSchema(Schema):
    id = fields.Integer()
    workspace = fields.Function(lambda i: i.workspace.slug)
    email = fields.String()
    user = fields.Nested(UserRefSchema, allow_none=True)
    role = fields.String()
    inviter = fields.Nested(UserRefSchema, allow_none=True)
    created_at = fields.DateTime()
    expires_at = fields.DateTime()


class AcceptInvitationSchema(Schema):
    token = fields.String(required=True)


class FlagCreateSchema(Schema):
    reason = fields.String(required=True, metadata={"description": "spam, inappropriate, off_topic or other"})
    text = fields.String(load_default="")


class FlagSchema(Schema):
    id = fields.Integer()
    post_id = fields.Integer()
    thread_id = fields.Function(lambda f: f.post.thread_id)
    workspace = fields.Function(lambda f: f.workspace.slug)
    reporter = fields.Nested(UserRefSchema, allow_none=True)
    reason = fields.String()
    text = fields.String()
    state = fields.String()
    created_at = fields.DateTime()


class HideSchema(Schema):
    reason = fields.String(required=True)


class ThreadUpdateSchema(Schema):
    title = fields.String()
    pinned = fields.Boolean()
    locked = fields.Boolean()
    workspace = fields.String(metadata={"description": "slug of the workspace to move the thread to"})


class AuditEntrySchema(Schema):
    id = fields.Integer()
    workspace = fields.Function(lambda a: a.workspace.slug if a.workspace else None)
    actor = fields.Nested(UserRefSchema, allow_none=True)
    action = fields.String()
    target_type = fields.String()
    target_id = fields.Integer(allow_none=True)
    target_label = fields.String()
    reason = fields.String()
    details = fields.Dict()
    created_at = fields.DateTime()


class AuditArgsSchema(Schema):
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=None)
    action = fields.String(load_default=None)
    actor = fields.Integer(load_default=None)


class SuspendSchema(Schema):
    reason = fields.String(required=True)
