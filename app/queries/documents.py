"""Reading documents, their revisions and attachments, and the network's good-practice library."""

from __future__ import annotations

from sqlalchemy import select, tuple_
from sqlalchemy.orm import joinedload
from sqlalchemy.sql import Select

from app.extensions import db
from app.models import Attachment, Document, DocumentFacet, DocumentKind, DocumentRevision, User, Workspace
from app.queries.paging import Page, clamp_limit, cursor_int, cursor_time, decode_cursor, encode_cursor
from app.queries.workspaces import visible_workspaces_query


def _recent_first(query: Select[Document], cursor: str | None, size: int) -> Page[Document]:
    """A keyset page of documents, most recently saved first."""
    query = query.options(joinedload(Document.workspace), joinedload(Document.updated_by),
                          joinedload(Document.created_by))
    after = decode_cursor(cursor, 2)
    if after is not None:
        query = query.where(tuple_(Document.updated_at, Document.id) < (cursor_time(after[0]), cursor_int(after[1])))
    rows = list(db.session.scalars(query.order_by(Document.updated_at.desc(), Document.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor([rows[-1].updated_at.isoformat(), rows[-1].id]) if more else None)


def list_documents(ws: Workspace, cursor: str | None = None, limit: object = None, kind: str | None = None,
                   default: int = 50) -> Page[Document]:
    query = select(Document).where(Document.workspace_id == ws.id)
    if kind:
        query = query.where(Document.kind == kind)
    return _recent_first(query, cursor, clamp_limit(limit, default))


def list_good_practices(viewer: User | None, theme: str | None = None, sdg: int | None = None,
                        organisation: str | None = None, cursor: str | None = None, limit: object = None,
                        default: int = 50) -> Page[Document]:
    """Good practices of every workspace the reader may see, filtered by theme, SDG and organisation."""
    visible = visible_workspaces_query(viewer).with_only_columns(Workspace.id)
    query = select(Document).where(Document.kind == DocumentKind.GOOD_PRACTICE, Document.workspace_id.in_(visible))
    for facet, value in (("theme", theme), ("sdg", str(sdg) if sdg else None), ("organisation", organisation)):
        if value:
            query = query.where(Document.id.in_(select(DocumentFacet.document_id).where(
                DocumentFacet.facet == facet, DocumentFacet.value == value.strip().lower())))
    return _recent_first(query, cursor, clamp_limit(limit, default))


def facet_values(viewer: User | None, facet: str) -> list[str]:
    """The values in use for a filter menu (themes, SDGs or organisations), among visible practices."""
    visible = visible_workspaces_query(viewer).with_only_columns(Workspace.id)
    query = (
        select(DocumentFacet.value).distinct()
        .join(Document, Document.id == DocumentFacet.document_id)
        .where(DocumentFacet.facet == facet, Document.workspace_id.in_(visible))
        .order_by(DocumentFacet.value)
    )
    return list(db.session.scalars(query))


def list_revisions(document: Document) -> list[DocumentRevision]:
    """Every revision, newest first (a long-lived document has hundreds at most)."""
    query = (select(DocumentRevision).options(joinedload(DocumentRevision.author))
             .where(DocumentRevision.document_id == document.id).order_by(DocumentRevision.number.desc()))
    return list(db.session.scalars(query))


def get_revision(document: Document, number: int) -> DocumentRevision | None:
    return db.session.scalar(select(DocumentRevision).options(joinedload(DocumentRevision.author)).where(
        DocumentRevision.document_id == document.id, DocumentRevision.number == number))


def document_attachments(document_id: int) -> list[Attachment]:
    return list(db.session.scalars(select(Attachment).where(Attachment.document_id == document_id)
                                   .order_by(Attachment.id)))


def post_attachments(post_ids: list[int]) -> dict[int, list[Attachment]]:
    """Attachments of many posts in one query, by post id."""
    found: dict[int, list[Attachment]] = {}
    if not post_ids:
        return found
    for attachment in db.session.scalars(select(Attachment).where(Attachment.post_id.in_(post_ids))
                                         .order_by(Attachment.id)):
        found.setdefault(attachment.post_id or 0, []).append(attachment)
    return found
