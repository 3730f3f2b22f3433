"""Documents, revisions, differences and attachments as the API and live events show them."""

from __future__ import annotations

from marshmallow import Schema, fields

from app.schemas.common import UserRefSchema


class GoodPracticeFieldsSchema(Schema):
    organisation = fields.String(metadata={"description": "the city, municipality or organisation"})
    themes = fields.List(fields.String())
    sdgs = fields.List(fields.Integer(), metadata={"description": "UN Sustainable Development Goals, 1–17"})
    status = fields.String(metadata={"description": "planned, ongoing, completed or ended"})
    results = fields.String()
    contact = fields.String(metadata={"description": "who to ask"})


class DocumentRefSchema(Schema):
    """A document in lists: no body."""

    id = fields.Integer()
    workspace = fields.Function(lambda d: d.workspace.slug)
    kind = fields.String(metadata={"description": "page or good_practice"})
    title = fields.String()
    fields_ = fields.Dict(data_key="fields", attribute="fields")
    revision = fields.Integer(metadata={"description": "the current revision's number"})
    created_by = fields.Nested(UserRefSchema, allow_none=True)
    created_at = fields.DateTime()
    updated_by = fields.Nested(UserRefSchema, allow_none=True)
    updated_at = fields.DateTime()


class DocumentSchema(DocumentRefSchema):
    body = fields.String(metadata={"description": "Markdown source"})
    html = fields.String(metadata={"description": "sanitised HTML"})
    thread_id = fields.Integer(allow_none=True, metadata={"description": "the document's discussion thread"})


class DocumentEventSchema(DocumentRefSchema):
    """document.created / document.updated: who saved which revision, so open pages can say so."""

    summary = fields.String()


class DocumentCreateSchema(Schema):
    title = fields.String(required=True)
    body = fields.String(load_default="")
    kind = fields.String(load_default="page")
    fields_ = fields.Dict(data_key="fields", load_default=None, allow_none=True)


class DocumentSaveSchema(Schema):
    title = fields.String(load_default=None)
    body = fields.String(required=True)
    base_revision = fields.Integer(required=True, strict=True,
                                   metadata={"description": "the revision the edit started from"})
    summary = fields.String(load_default="")
    fields_ = fields.Dict(data_key="fields", load_default=None, allow_none=True)


class DocumentSavedSchema(Schema):
    document = fields.Nested(DocumentSchema)
    merged = fields.Boolean(metadata={"description": "true when merged with changes saved meanwhile"})


class RevisionRefSchema(Schema):
    number = fields.Integer()
    author = fields.Nested(UserRefSchema, allow_none=True)
    created_at = fields.DateTime()
    summary = fields.String()
    merged = fields.Boolean()
    restored_from = fields.Integer(allow_none=True)


class RevisionSchema(RevisionRefSchema):
    title = fields.String()
    body = fields.String()
    fields_ = fields.Dict(data_key="fields", attribute="fields")


class DiffArgsSchema(Schema):
    from_ = fields.Integer(data_key="from", required=True)
    to = fields.Integer(required=True)


class DiffSchema(Schema):
    from_ = fields.Integer(data_key="from")
    to = fields.Integer()
    title = fields.List(fields.Tuple((fields.Integer(), fields.String())))
    body = fields.List(fields.Tuple((fields.Integer(), fields.String())),
                       metadata={"description": "[op, text] pieces: -1 removed, 0 kept, 1 added"})


class AttachmentSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    url = fields.Function(lambda a: f"/attachments/{a.id}")
    thumbnail_url = fields.Function(lambda a: f"/attachments/{a.id}/thumbnail" if a.has_thumbnail else None)
    created_at = fields.DateTime()


class GoodPracticeArgsSchema(Schema):
    theme = fields.String(load_default=None)
    sdg = fields.Integer(load_default=None)
    organisation = fields.String(load_default=None)
    cursor = fields.String(load_default=None)
    limit = fields.Integer(load_default=None)
