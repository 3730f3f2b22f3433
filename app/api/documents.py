"""/api/v1 documents, their revisions and differences, attachments, and the good-practice library."""

from __future__ import annotations

from typing import IO, Any

from flask import Response, current_app, request
from flask_smorest import Blueprint

from app.access import DocumentAccess, access_attachment, access_document, access_workspace
from app.actions import attachments, documents
from app.api.common import API_PREFIX, json_response, require_actor
from app.errors import NotFound
from app.identity import current_actor
from app.merging import diff_text
from app.models import Document
from app.queries.documents import get_revision, list_documents, list_good_practices, list_revisions
from app.ratelimits import per_actor_limit
from app.schemas.common import ErrorResponseSchema, PageArgsSchema, list_schema
from app.schemas.documents import (
    AttachmentSchema,
    DiffArgsSchema,
    DiffSchema,
    DocumentCreateSchema,
    DocumentRefSchema,
    DocumentSavedSchema,
    DocumentSaveSchema,
    DocumentSchema,
    GoodPracticeArgsSchema,
    RevisionRefSchema,
    RevisionSchema,
)
from app.storage import send_stored

blp = Blueprint("api_documents", __name__, url_prefix=API_PREFIX, description="Documents and files")
# A file added is posting, as on the page: one count per person for both doors.
_posting_limit = per_actor_limit("RATELIMIT_POSTING")
_DOCUMENT = DocumentSchema()
_ATTACHMENT = AttachmentSchema()


def document_json(seen: DocumentAccess, document: Document | None = None) -> dict[str, Any]:
    """The document as the reader sees it, or `document` as an action left it (not a later save)."""
    data: dict[str, Any] = _DOCUMENT.dump(document or seen.document)
    data["thread_id"] = seen.thread.id if seen.thread else None
    return data


@blp.route("/workspaces/<slug>/documents", methods=["GET"])
@blp.arguments(PageArgsSchema, location="query")
@blp.response(200, list_schema(DocumentRefSchema, "DocumentList"))
def workspace_documents(args: dict[str, Any], slug: str) -> dict[str, Any]:
    """The workspace's documents, most recently saved first."""
    seen = access_workspace(current_actor(), slug)
    page = list_documents(seen.workspace, args["cursor"], args["limit"])
    return {"items": page.items, "next": page.next}


@blp.route("/workspaces/<slug>/documents", methods=["POST"])
@blp.arguments(DocumentCreateSchema)
@blp.response(201, DocumentSchema)
@blp.alt_response(422, schema=ErrorResponseSchema)
def create_document(args: dict[str, Any], slug: str) -> Response:
    """Create a page or a good practice (with its structured `fields`)."""
    user = require_actor()
    document = documents.do_create_document(user, slug, args["title"], args["body"], args["kind"], args["fields_"])
    return json_response(document_json(access_document(user, document.id), document), 201)


@blp.route("/documents/<int:document_id>", methods=["GET"])
@blp.response(200, DocumentSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
def get_document(document_id: int) -> Response:
    """A document with its Markdown `body`, rendered `html` and current `revision` number."""
    return json_response(document_json(access_document(current_actor(), document_id)))


@blp.route("/documents/<int:document_id>", methods=["PUT"])
@blp.arguments(DocumentSaveSchema)
@blp.response(200, DocumentSavedSchema)
@blp.alt_response(409, schema=ErrorResponseSchema,
                  description="overlapping changes were saved meanwhile: {current_revision, theirs, mine, conflicts}")
def save_document(args: dict[str, Any], document_id: int) -> Response:
    """Save a new revision made on `base_revision`; merged with changes saved meanwhile when they do
    not overlap (`merged: true`), refused with 409 when they do."""
    user = require_actor()
    document, merged = documents.do_save_document(user, document_id, args["body"], args["base_revision"],
                                                  args["title"], args["summary"], args["fields_"])
    return json_response({"document": document_json(access_document(user, document.id), document),
                          "merged": merged})


@blp.route("/documents/<int:document_id>/revisions", methods=["GET"])
@blp.response(200, list_schema(RevisionRefSchema, "RevisionList"))
def revisions(document_id: int) -> dict[str, Any]:
    """Every revision, newest first: number, author, time, summary."""
    seen = access_document(current_actor(), document_id)
    return {"items": list_revisions(seen.document), "next": None}


@blp.route("/documents/<int:document_id>/revisions/<int:number>", methods=["GET"])
@blp.response(200, RevisionSchema)
def revision(document_id: int, number: int) -> Any:
    """One revision as it was saved."""
    seen = access_document(current_actor(), document_id)
    found = get_revision(seen.document, number)
    if found is None:
        raise NotFound("There is no such revision of this document.")
    return found


@blp.route("/documents/<int:document_id>/diff", methods=["GET"])
@blp.arguments(DiffArgsSchema, location="query")
@blp.response(200, DiffSchema)
def diff(args: dict[str, Any], document_id: int) -> dict[str, Any]:
    """The difference between two revisions, as [op, text] pieces (-1 removed, 0 kept, 1 added)."""
    seen = access_document(current_actor(), document_id)
    old, new = get_revision(seen.document, args["from_"]), get_revision(seen.document, args["to"])
    if old is None or new is None:
        raise NotFound("There is no such revision of this document.")
    return {"from_": old.number, "to": new.number, "title": diff_text(old.title, new.title),
            "body": diff_text(old.body, new.body)}


@blp.route("/documents/<int:document_id>/revisions/<int:number>/restore", methods=["POST"])
@blp.response(200, DocumentSchema)
def restore(document_id: int, number: int) -> Response:
    """Make an old revision current again, as a new revision."""
    user = require_actor()
    document = documents.do_restore_revision(user, document_id, number)
    return json_response(document_json(access_document(user, document_id), document))


def uploaded_file() -> tuple[IO[bytes] | None, str | None]:
    """The multipart field `file`: its stream and the name the client gave (None, None if absent)."""
    upload = request.files.get("file")
    return (upload.stream, upload.filename) if upload else (None, None)


@blp.route("/documents/<int:document_id>/attachments", methods=["POST"])
@_posting_limit
@blp.response(201, AttachmentSchema)
@blp.alt_response(413, schema=ErrorResponseSchema)
def attach_to_document(document_id: int) -> Response:
    """Upload a file (multipart field `file`) to a document."""
    attachment = attachments.do_attach_to_document(require_actor(), document_id, *uploaded_file())
    return json_response(_ATTACHMENT.dump(attachment), 201)


@blp.route("/posts/<int:post_id>/attachments", methods=["POST"])
@_posting_limit
@blp.response(201, AttachmentSchema)
@blp.alt_response(413, schema=ErrorResponseSchema)
def attach_to_post(post_id: int) -> Response:
    """Upload a file (multipart field `file`) to one's own post."""
    attachment = attachments.do_attach_to_post(require_actor(), post_id, *uploaded_file())
    return json_response(_ATTACHMENT.dump(attachment), 201)


@blp.route("/attachments/<int:attachment_id>", methods=["GET"])
@blp.response(200, description="the file, with Content-Disposition, nosniff and a sandboxing CSP")
@blp.alt_response(404, schema=ErrorResponseSchema)
def download(attachment_id: int) -> Response:
    """The file; 404 to anyone who may not see its document or post."""
    found = access_attachment(current_actor(), attachment_id)
    return send_stored(current_app.config["UPLOAD_DIR"], found.sha256, found.content_type, found.name)


@blp.route("/good-practices", methods=["GET"])
@blp.arguments(GoodPracticeArgsSchema, location="query")
@blp.response(200, list_schema(DocumentRefSchema, "GoodPracticeList"))
def good_practices(args: dict[str, Any]) -> dict[str, Any]:
    """Good practices from every workspace the reader may see; filter by theme, SDG and organisation."""
    page = list_good_practices(current_actor(), args["theme"], args["sdg"], args["organisation"], args["cursor"],
                               args["limit"])
    return {"items": page.items, "next": page.next}
