"""The data model, one module per domain; this package only re-exports."""

from app.models.base import Base, utcnow
from app.models.documents import Attachment, Document, DocumentFacet, DocumentKind, DocumentRevision
from app.models.events import Event
from app.models.moderation import (
    AuditEntry,
    AuditLogIsAppendOnly,
    Flag,
    FlagReason,
    FlagState,
    Invitation,
    Notification,
)
from app.models.threads import REACTIONS, Post, PostRevision, Reaction, Thread
from app.models.users import ApiToken, User, UserSession
from app.models.workspaces import JoinPolicy, Membership, MembershipState, Role, Visibility, Workspace

__all__ = [
    "REACTIONS",
    "ApiToken",
    "Attachment",
    "AuditEntry",
    "AuditLogIsAppendOnly",
    "Base",
    "Document",
    "DocumentFacet",
    "DocumentKind",
    "DocumentRevision",
    "Event",
    "Flag",
    "FlagReason",
    "FlagState",
    "Invitation",
    "JoinPolicy",
    "Membership",
    "MembershipState",
    "Notification",
    "Post",
    "PostRevision",
    "Reaction",
    "Role",
    "Thread",
    "User",
    "UserSession",
    "Visibility",
    "Workspace",
    "utcnow",
]
