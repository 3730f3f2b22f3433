"""Who may do what: every permission question in the platform is answered here, and only here.

Pure predicates over already-loaded objects: no queries, no Flask, no HTTP. Pages, the JSON API
and socket handlers reach them through app.access and app.actions; templates ask them what to show.
`user` is None for an anonymous visitor; `membership` is the user's membership in the workspace
concerned, whatever its state, or None.
"""

from __future__ import annotations

from app.models import (
    JoinPolicy,
    Membership,
    MembershipState,
    Post,
    Role,
    Thread,
    User,
    Visibility,
    Workspace,
)
from app.models.workspaces import ROLE_RANK


def is_signed_in(user: User | None) -> bool:
    return user is not None and user.is_active


def is_admin(user: User | None) -> bool:
    return is_signed_in(user) and bool(user and user.is_admin)


def rank(membership: Membership | None) -> int:
    """The active role's rank (member 1 … owner 4); 0 for no active membership."""
    return membership.rank if membership is not None else 0


def is_banned(membership: Membership | None) -> bool:
    return membership is not None and membership.state == MembershipState.BANNED


def is_member(user: User | None, membership: Membership | None) -> bool:
    return is_signed_in(user) and rank(membership) >= ROLE_RANK[Role.MEMBER]


def is_moderator(user: User | None, membership: Membership | None) -> bool:
    return is_admin(user) or (is_signed_in(user) and rank(membership) >= ROLE_RANK[Role.MODERATOR])


# --- workspaces -------------------------------------------------------------------------------


def can_view_workspace(user: User | None, ws: Workspace, membership: Membership | None) -> bool:
    """Read the workspace's content. A banned user loses it even where the public keeps it."""
    if is_admin(user):
        return True
    if is_banned(membership) and is_signed_in(user):
        return False
    if ws.visibility == Visibility.PUBLIC:
        return True
    if ws.visibility == Visibility.NETWORK:
        return is_signed_in(user)
    return is_member(user, membership)


def can_create_workspace(user: User | None, creation_setting: str) -> bool:
    if creation_setting == "admins":
        return is_admin(user)
    return is_signed_in(user)


def can_join_workspace(user: User | None, ws: Workspace, membership: Membership | None) -> bool:
    """Join at once: only open workspaces, and only for those not already in or banned."""
    return (
        is_signed_in(user)
        and not ws.archived
        and ws.join_policy == JoinPolicy.OPEN
        and can_view_workspace(user, ws, membership)
        and (membership is None or membership.state not in (MembershipState.ACTIVE, MembershipState.BANNED))
    )


def can_leave_workspace(user: User | None, membership: Membership | None, owner_count: int) -> bool:
    """Anyone may leave, except the last owner, who would leave the workspace without one."""
    if not is_member(user, membership) or membership is None:
        return False
    return not (membership.role == Role.OWNER and owner_count <= 1)


def can_manage_workspace(user: User | None, membership: Membership | None) -> bool:
    """Change the workspace's settings."""
    return is_admin(user) or (is_signed_in(user) and rank(membership) >= ROLE_RANK[Role.OWNER])


def can_view_members(user: User | None, ws: Workspace, membership: Membership | None) -> bool:
    return can_view_workspace(user, ws, membership) and is_signed_in(user)


# --- threads and posts ------------------------------------------------------------------------


def can_start_thread(user: User | None, ws: Workspace, membership: Membership | None) -> bool:
    return not ws.archived and (is_member(user, membership) or is_admin(user))


def can_reply(user: User | None, thread: Thread, membership: Membership | None) -> bool:
    """Members reply; in a locked thread only moderators still may."""
    if not can_start_thread(user, thread.workspace, membership):
        return False
    return not thread.locked or is_moderator(user, membership)


def can_moderate_thread(user: User | None, membership: Membership | None) -> bool:
    return is_moderator(user, membership)


def can_edit_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    """Authors edit their own posts while they are still members and the post stands."""
    if user is None or post.author_id != user.id or post.is_deleted or post.hidden_at is not None:
        return False
    return can_reply(user, post.thread, membership)


def can_delete_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    if post.is_deleted or not is_signed_in(user) or user is None:
        return False
    if post.author_id == user.id:
        return is_member(user, membership) or is_admin(user)
    return is_moderator(user, membership)


def can_see_post_body(user: User | None, post: Post, membership: Membership | None) -> bool:
    """A hidden post's text stays visible to its author and to moderators; deleted text to no one."""
    if post.is_deleted:
        return False
    if post.hidden_at is None:
        return True
    return (user is not None and post.author_id == user.id) or is_moderator(user, membership)


def can_react(user: User | None, post: Post, membership: Membership | None) -> bool:
    return not post.is_deleted and post.hidden_at is None and can_start_thread(user, post.thread.workspace, membership)


# --- people -----------------------------------------------------------------------------------


def can_view_profile(viewer: User | None, profile: User) -> bool:
    """Profiles are for signed-in people of the network; suspended accounts only for admins."""
    if not is_signed_in(viewer):
        return False
    return profile.is_active or is_admin(viewer)
