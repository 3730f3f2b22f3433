"""Workspaces and memberships as the API shows them."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.common import UserRefSchema


class WorkspaceUpdateSchema(Schema):
    """The settings an owner may change; in PATCH, only the settings given are changed."""

    name = fields.String()
    description = fields.String()
    themes = fields.List(fields.String())
    visibility = fields.String()
    join_policy = fields.String()
    archived = fields.Boolean()
    premoderation = fields.Boolean(metadata={"description": "new members' first posts wait for approval"})


class WorkspaceSchema(WorkspaceUpdateSchema):
    """A workspace: its settings, plus what the platform keeps for it."""

    slug = fields.String()
    member_count = fields.Integer()
    thread_count = fields.Integer()
    created_at = fields.DateTime()
    last_activity_at = fields.DateTime()
    my_role = fields.String(allow_none=True, metadata={"description": "the caller's role, or null"})


class WorkspaceCreateSchema(Schema):
    name = fields.String(required=True)
    slug = fields.String(load_default=None)
    description = fields.String(load_default="")
    themes = fields.List(fields.String(), load_default=list)
    visibility = fields.String(load_default="network")
    join_policy = fields.String(load_default="open")


class JoinSchema(Schema):
    message = fields.String(load_default="")


class MembershipSchema(Schema):
    id = fields.Integer()
    user = fields.Nested(UserRefSchema)
    role = fields.String()
    state = fields.String()
    workspace = fields.Function(lambda m: m.workspace.slug)
    created_at = fields.DateTime()
