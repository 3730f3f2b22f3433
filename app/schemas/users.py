"""Accounts and tokens as the API shows them."""

from __future__ import annotations

from marshmallow import Schema, fields


class UserSchema(Schema):
    """A public profile."""

    id = fields.Integer()
    handle = fields.String()
    display_name = fields.String()
    organisation = fields.String()
    title = fields.String()
    created_at = fields.DateTime()


class MeSchema(UserSchema):
    """The signed-in user's own account, with what only they may see."""

    email = fields.String()
    language = fields.String()
    is_admin = fields.Boolean()


class RegisterSchema(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True)
    display_name = fields.String(required=True)
    organisation = fields.String(load_default="")
    title = fields.String(load_default="")
    language = fields.String(load_default="")


class TokenRequestSchema(Schema):
    email = fields.String(required=True)
    password = fields.String(required=True)
    name = fields.String(load_default="")


class TokenSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    prefix = fields.String()
    created_at = fields.DateTime()
    last_used_at = fields.DateTime(allow_none=True)


class NewTokenSchema(Schema):
    token = fields.String(metadata={"description": "shown once; send as `Authorization: Bearer`"})
    user = fields.Nested(MeSchema)


class AdminUserSchema(MeSchema):
    """An account as site admins see it, with its standing."""

    suspended = fields.Function(lambda u: u.suspended_at is not None)
    suspended_at = fields.DateTime(allow_none=True)
    suspended_reason = fields.String()


class UserSearchArgsSchema(Schema):
    q = fields.String(load_default=None)
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=None)
