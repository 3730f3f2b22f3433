"""Workspace documents with every saved version kept, and files attached to documents and posts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.users import User
from app.models.workspaces import Workspace


class DocumentKind(enum.StrEnum):
    PAGE = "page"
    GOOD_PRACTICE = "good_practice"


class Document(Base):
    """A document's current state; every save is also a DocumentRevision."""

    __tablename__ = "documents"
    __table_args__ = (Index("ix_documents_workspace", "workspace_id", "updated_at", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20), default=DocumentKind.PAGE)
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    # A good practice's structured fields: organisation, themes, sdgs, status, results, contact.
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The number of the current revision: a save based on an older one is merged or refused.
    revision: Mapped[int] = mapped_column(default=1)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    workspace: Mapped[Workspace] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    updated_by: Mapped[User | None] = relationship(foreign_keys=[updated_by_id])


class DocumentRevision(Base):
    """One saved version: what the document said, who saved it and why."""

    __tablename__ = "document_revisions"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    number: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    # Rendered once when saved, like Document.html: showing a revision never renders Markdown.
    html: Mapped[str] = mapped_column(Text, default="")
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    summary: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Saved on an older revision and merged with the changes made meanwhile.
    merged: Mapped[bool] = mapped_column(default=False)
    restored_from: Mapped[int | None] = mapped_column(default=None)

    author: Mapped[User | None] = relationship()


class Attachment(Base):
    """A file attached to a document or a post. The bytes live on disk under their SHA-256, so
    the same file uploaded twice is stored once, and stays while any attachment row names it."""

    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    has_thumbnail: Mapped[bool] = mapped_column(default=False)
    uploader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    uploader: Mapped[User | None] = relationship()

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class DocumentFacet(Base):
    """One filterable value of a good practice (a theme, an SDG number, the organisation), kept
    normalised in its own indexed rows so the library filters in SQL on every database."""

    __tablename__ = "document_facets"
    __table_args__ = (Index("ix_document_facets_lookup", "facet", "value"),)

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    facet: Mapped[str] = mapped_column(String(16), primary_key=True)  # "theme", "sdg", "organisation"
    value: Mapped[str] = mapped_column(String(120), primary_key=True)
