"""Themed workspaces and who belongs to them."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import Base, utcnow
from app.models.users import User


class Visibility(enum.StrEnum):
    PUBLIC = "public"    # anyone may read
    NETWORK = "network"  # signed-in users may read
    PRIVATE = "private"  # members only; others are not told it exists


class JoinPolicy(enum.StrEnum):
    OPEN = "open"
    REQUEST = "request"
    INVITE = "invite"


class Role(enum.StrEnum):
    OWNER = "owner"
    MODERATOR = "moderator"
    FACILITATOR = "facilitator"
    MEMBER = "member"

    @property
    def rank(self) -> int:
        return ROLE_RANK[self]


ROLE_RANK = {Role.MEMBER: 1, Role.FACILITATOR: 2, Role.MODERATOR: 3, Role.OWNER: 4}


class MembershipState(enum.StrEnum):
    ACTIVE = "active"
    INVITED = "invited"
    REQUESTED = "requested"
    BANNED = "banned"


class Workspace(Base):
    __tablename__ = "workspaces"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    visibility: Mapped[str] = mapped_column(String(16), default=Visibility.NETWORK)
    join_policy: Mapped[str] = mapped_column(String(16), default=JoinPolicy.OPEN)
    archived: Mapped[bool] = mapped_column(default=False)
    # Pre-moderation: a new member's posts wait for a moderator until one of them is approved.
    premoderation: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_activity_at: Mapped[datetime] = mapped_column(default=utcnow)
    member_count: Mapped[int] = mapped_column(default=0)
    thread_count: Mapped[int] = mapped_column(default=0)
    # The last event sequence number handed out; bumped under a row lock (see app.live.log).
    event_seq: Mapped[int] = mapped_column(default=0)


class Membership(Base):
    __tablename__ = "memberships"
    __table_args__ = (UniqueConstraint("workspace_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workspace_id: Mapped[int] = mapped_column(ForeignKey("workspaces.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=Role.MEMBER)
    state: Mapped[str] = mapped_column(String(16), default=MembershipState.ACTIVE)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The request's message while state is "requested"; the ban's reason while it is "banned".
    note: Mapped[str] = mapped_column(String(1000), default="")
    # Set once a moderator approved one of this member's posts: pre-moderation no longer applies.
    trusted: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship(lazy="joined")
    workspace: Mapped[Workspace] = relationship()

    @property
    def is_active(self) -> bool:
        return self.state == MembershipState.ACTIVE

    @property
    def rank(self) -> int:
        return ROLE_RANK[Role(self.role)] if self.is_active else 0
