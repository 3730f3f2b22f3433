"""The data model, one module per domain; this package only re-exports."""

from app.models.base import Base, utcnow
from app.models.events import Event
from app.models.threads import Post, PostRevision, Thread
from app.models.users import ApiToken, User, UserSession
from app.models.workspaces import JoinPolicy, Membership, MembershipState, Role, Visibility, Workspace

__all__ = [
    "ApiToken",
    "Base",
    "Event",
    "JoinPolicy",
    "Membership",
    "MembershipState",
    "Post",
    "PostRevision",
    "Role",
    "Thread",
    "User",
    "UserSession",
    "Visibility",
    "Workspace",
    "utcnow",
]
