"""The data model, one module per domain; this package only re-exports."""

from app.models.base import Base, utcnow
from app.models.events import Event
from app.models.threads import REACTIONS, Post, PostRevision, Reaction, Thread
from app.models.users import ApiToken, User, UserSession
from app.models.workspaces import JoinPolicy, Membership, MembershipState, Role, Visibility, Workspace

__all__ = [
    "REACTIONS",
    "ApiToken",
    "Base",
    "Event",
    "JoinPolicy",
    "Membership",
    "MembershipState",
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
