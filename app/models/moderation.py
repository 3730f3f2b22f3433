"""Moderation: invitations, flags on posts, per-user notices and the audit log."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.threads import Post
from app.models.users import User
from app.models.workspaces import Workspace


class Invitation(Base):
    """A single-use, expiring invitation into a workspace, for an existing user or an email address.

    Only the SHA-256 of the link's token is stored, so a leaked database holds no usable link.
    """

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"), index=True)
    inviter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    email: Mapped[str] = mapped_column(String(254), default="")
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None] = mapped_column(default=None)
    accepted_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)

    workspace: Mapped[Workspace] = relationship()
    inviter: Mapped[User | None] = relationship(foreign_keys=[inviter_id])
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None and self.expires_at > utcnow()


class FlagReason(enum.StrEnum):
    SPAM = "spam"
    INAPPROPRIATE = "inappropriate"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class FlagState(enum.StrEnum):
    OPEN = "open"
    DISMISSED = "dismissed"  # a moderator found nothing wrong
    ACTIONED = "actioned"    # the post was hidden or deleted


class Flag(Base):
    """A member's report of a post, waiting in the moderators' review queue until someone decides."""

    __tablename__ = "flags"
    __table_args__ = (
        UniqueConstraint("post_id", "reporter_id"),  # one report per person and post
        Index("ix_flags_queue", "workspace_id", "state", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reason: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(1000), default="")
    state: Mapped[str] = mapped_column(String(16), default=FlagState.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(default=None)

    post: Mapped[Post] = relationship()
    workspace: Mapped[Workspace] = relationship()
    reporter: Mapped[User | None] = relationship(foreign_keys=[reporter_id])


class Notification(Base):
    """A notice to one person: a join request decided, a post hidden, an invitation, a ban."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(default=None)


class AuditEntry(Base):
    """One moderator's or admin's action: who, what, on what, when and why. Written once, never changed."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_workspace", "workspace_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for network-wide actions (suspending a user); kept after a workspace goes.
    workspace_id: Mapped[int | None] = mapped_column(ForeignKey("workspaces.id", ondelete="SET NULL"))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int | None]
    # What the target was called at the time, so the entry reads well after the target is gone.
    target_label: Mapped[str] = mapped_column(String(200), default="")
    reason: Mapped[str] = mapped_column(Text, default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
    workspace: Mapped[Workspace | None] = relationship()


class AuditLogIsAppendOnly(Exception):
    """Raised when code tries to change or delete an audit entry."""


def _refuse_change(_mapper: object, _connection: object, target: AuditEntry) -> None:
    raise AuditLogIsAppendOnly(f"audit entry {target.id} cannot be changed")


sa_event.listen(AuditEntry, "before_update", _refuse_change)
sa_event.listen(AuditEntry, "before_delete", _refuse_change)
