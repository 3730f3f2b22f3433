"""Discussion threads and their posts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.users import User
from app.models.workspaces import Workspace


class Thread(Base):
    __tablename__ = "threads"
    __table_args__ = (
        # Serves the workspace page: pinned first, then by last activity, sought by keyset.
        Index("ix_threads_listing", "workspace_id", "pinned", "last_activity_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(String(200))
    pinned: Mapped[bool] = mapped_column(default=False)
    locked: Mapped[bool] = mapped_column(default=False)
    # Started by a pre-moderated member: seen only by its author and moderators until approved.
    pending: Mapped[bool] = mapped_column(default=False)
    # The discussion of a document: shown on the document's page, not in the workspace's thread list.
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE", use_alter=True), default=None, unique=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Number of posts ever written (deleted ones keep their number); the next post gets post_count + 1.
    post_count: Mapped[int] = mapped_column(default=0)
    last_post_id: Mapped[int | None] = mapped_column(default=None)
    last_author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    workspace: Mapped[Workspace] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    last_author: Mapped[User | None] = relationship(foreign_keys=[last_author_id])


class Post(Base):
    __tablename__ = "posts"
    __table_args__ = (
        # `number` is the post's place in its thread: pages are ranges of it, so page 200 costs
        # what page 1 costs, and a link to a post knows its page without counting.
        UniqueConstraint("thread_id", "number"),
        Index("ix_posts_author_created", "author_id", "created_at"),
        # A client that retries a post after a reconnect sends the same client_id: no duplicate.
        UniqueConstraint("author_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(ForeignKey("threads.id", ondelete="CASCADE"))
    number: Mapped[int]
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reply_to_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    html: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(default=None)
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)
    hidden_at: Mapped[datetime | None] = mapped_column(default=None)
    hidden_reason: Mapped[str] = mapped_column(String(500), default="")
    client_id: Mapped[str | None] = mapped_column(String(64), default=None)
    # Waiting for a moderator's approval (pre-moderation): seen only by its author and moderators.
    pending: Mapped[bool] = mapped_column(default=False)

    thread: Mapped[Thread] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    reply_to: Mapped[Post | None] = relationship(remote_side=[id])

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class PostRevision(Base):
    """An earlier version of a post's text, kept when the post is edited."""

    __tablename__ = "post_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    body: Mapped[str] = mapped_column(Text)
    written_at: Mapped[datetime]
    replaced_at: Mapped[datetime] = mapped_column(default=utcnow)
    editor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


REACTIONS = ("👍", "❤️", "🎉", "💡")


class Reaction(Base):
    """One person's reaction to a post; each of the fixed emoji at most once per person."""

    __tablename__ = "reactions"
    __table_args__ = (UniqueConstraint("post_id", "user_id", "emoji"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    emoji: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
