"""Shapes shared by every domain: errors, list pages, the short form of a person."""

from __future__ import annotations

from marshmallow import Schema, fields


class ErrorResponseSchema(Schema):
    error = fields.String(required=True, metadata={"description": "machine-readable code"})
    message = fields.String(required=True)
    field_messages = fields.Dict(
        keys=fields.String(), values=fields.String(), data_key="fields",
        metadata={"description": "one message per bad field (validation errors only)"},
    )


class UserRefSchema(Schema):
    """A person as shown next to what they wrote."""

    id = fields.Integer()
    display_name = fields.String()
    handle = fields.String()
    organisation = fields.String()


class PageArgsSchema(Schema):
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=None)


def list_schema(item: type[Schema], name: str) -> type[Schema]:
    """The list envelope of API.md: {"items": [...], "next": cursor | null}."""
    return Schema.from_dict(
        {"items": fields.List(fields.Nested(item)), "next": fields.String(allow_none=True)},
        name=name,
    )
