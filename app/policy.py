"""Who may do what: every permission question in the platform is answered here, and only here.

Pure predicates over already-loaded objects: no queries, no Flask, no HTTP. Pages, the JSON API
and socket handlers reach them through app.access and app.actions; templates ask them what to show.
`user` is None for an anonymous visitor; `membership` is the user's membership in the workspace
concerned, whatever its state, or None.
"""

from __future__ import annotations

from app.models import (
    Invitation,
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


def can_see_pending(user: User | None, author_id: int | None, membership: Membership | None) -> bool:
    """A post or thread waiting for approval is seen by its author and the moderators only."""
    return (is_signed_in(user) and user is not None and author_id == user.id) or is_moderator(user, membership)


def can_see_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    return not post.pending or can_see_pending(user, post.author_id, membership)


def can_see_thread(user: User | None, thread: Thread, membership: Membership | None) -> bool:
    return not thread.pending or can_see_pending(user, thread.author_id, membership)


def needs_approval(user: User | None, ws: Workspace, membership: Membership | None) -> bool:
    """Pre-moderation holds a new member's posts until a moderator has approved one of them."""
    if not ws.premoderation or is_admin(user) or membership is None:
        return False
    return rank(membership) < ROLE_RANK[Role.FACILITATOR] and not membership.trusted


def can_rename_thread(user: User | None, thread: Thread, membership: Membership | None) -> bool:
    """The thread's author (while still able to reply) or a moderator changes its title."""
    if is_moderator(user, membership):
        return True
    return user is not None and thread.author_id == user.id and can_reply(user, thread, membership)


def moves_on_its_own(thread: Thread) -> bool:
    """A document's discussion belongs with its document: it is shown on the document's page, under
    the document's access, so it never moves to another workspace apart from it."""
    return thread.document_id is None


def can_move_thread(user: User | None, thread: Thread, source: Membership | None, target: Membership | None,
                    target_ws: Workspace) -> bool:
    """Move a thread only between workspaces one moderates, never into an archived one, and never
    a document's discussion (see moves_on_its_own)."""
    return (moves_on_its_own(thread) and not target_ws.archived
            and is_moderator(user, source) and is_moderator(user, target))


_OPENNESS = {Visibility.PRIVATE: 0, Visibility.NETWORK: 1, Visibility.PUBLIC: 2}


def can_name_place(source: Workspace, target: Workspace) -> bool:
    """A thread moved from `source` may say where it went only if everyone who may read the source
    may see the target too: a private target is named to no one (the source's readers, even of a
    private source, need not be its members); a network one not to a public workspace's anonymous
    readers."""
    return (target.visibility != Visibility.PRIVATE
            and _OPENNESS[Visibility(target.visibility)] >= _OPENNESS[Visibility(source.visibility)])


def can_see_post_body(user: User | None, post: Post, membership: Membership | None) -> bool:
    """A hidden post's text stays visible to its author and to moderators; deleted text to no one."""
    if post.is_deleted:
        return False
    if post.hidden_at is None:
        return True
    return (user is not None and post.author_id == user.id) or is_moderator(user, membership)


def can_reply_to(user: User | None, quoted: Post, thread: Thread, membership: Membership | None) -> bool:
    """A reply may point only at a post of the same thread whose text the replier may read: the page
    names the quoted post's author, so a post waiting for approval, or a hidden or deleted one, must
    not be reachable by guessing its id."""
    return (quoted.thread_id == thread.id and can_see_post(user, quoted, membership)
            and can_see_post_body(user, quoted, membership))


def can_react(user: User | None, post: Post, membership: Membership | None) -> bool:
    return (not post.is_deleted and post.hidden_at is None and not post.pending
            and can_start_thread(user, post.thread.workspace, membership))


# --- moderation ---------------------------------------------------------------------------------


ADMIN_RANK = ROLE_RANK[Role.OWNER] + 1


def actor_rank(user: User | None, membership: Membership | None) -> int:
    """The actor's standing in a workspace: admins above every owner."""
    return ADMIN_RANK if is_admin(user) else rank(membership)


def can_flag_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    """Members report other people's posts that still stand."""
    return (
        is_member(user, membership) and user is not None and post.author_id != user.id
        and not post.is_deleted and post.hidden_at is None and not post.pending
    )


def can_hide_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    return is_moderator(user, membership) and not post.is_deleted and post.hidden_at is None


def can_restore_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    return is_moderator(user, membership) and not post.is_deleted and post.hidden_at is not None


def can_approve_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    return is_moderator(user, membership) and post.pending and not post.is_deleted


def can_purge(user: User | None) -> bool:
    """Deleting for good, beyond any restore, is for site admins only."""
    return is_admin(user)


def can_review(user: User | None, membership: Membership | None) -> bool:
    """See the workspace's review queue, join requests, invitations, bans and audit log."""
    return is_moderator(user, membership)


def can_assign_role(actor: User | None, actor_membership: Membership | None, target: Membership | None,
                    new_role: str, owner_count: int) -> bool:
    """Change an active member's role. No one raises anyone above their own role; moderators change
    only those ranked below them (so never an owner); the last owner stays an owner."""
    if target is None or not target.is_active or not is_moderator(actor, actor_membership):
        return False
    mine = actor_rank(actor, actor_membership)
    theirs = ROLE_RANK[Role(target.role)]
    wanted = ROLE_RANK[Role(new_role)]
    if wanted > mine or (theirs >= mine and mine < ROLE_RANK[Role.OWNER]):
        return False
    return not (target.role == Role.OWNER and new_role != Role.OWNER and owner_count <= 1)


def can_remove_member(actor: User | None, actor_membership: Membership | None, target: Membership | None,
                      owner_count: int) -> bool:
    """Take someone out of the workspace: moderators those ranked below them, owners and admins
    anyone but the last owner."""
    if target is None or not target.is_active or not is_moderator(actor, actor_membership):
        return False
    if actor is not None and target.user_id == actor.id:
        return False  # leaving is its own action
    mine, theirs = actor_rank(actor, actor_membership), ROLE_RANK[Role(target.role)]
    if theirs >= mine and mine < ROLE_RANK[Role.OWNER]:
        return False
    return not (target.role == Role.OWNER and owner_count <= 1)


def can_ban(actor: User | None, actor_membership: Membership | None, target_user: User,
            target: Membership | None, owner_count: int) -> bool:
    """Ban a user from the workspace (members or not): never oneself, an admin or the last owner."""
    if not is_moderator(actor, actor_membership) or actor is None or target_user.id == actor.id:
        return False
    if target_user.is_admin or is_banned(target):
        return False
    if target is None or not target.is_active:
        return True
    return can_remove_member(actor, actor_membership, target, owner_count)


def can_invite(actor: User | None, actor_membership: Membership | None, ws: Workspace, role: str) -> bool:
    """Moderators invite, into a role no higher than their own."""
    return (not ws.archived and is_moderator(actor, actor_membership)
            and ROLE_RANK[Role(role)] <= actor_rank(actor, actor_membership))


def invitation_is_for(user: User, invitation: Invitation) -> bool:
    """An invitation may be used only by the person it names: by account, or by email address."""
    if invitation.user_id is not None:
        return invitation.user_id == user.id
    return invitation.email.lower() == user.email.lower()


def can_suspend(actor: User | None, target: User) -> bool:
    return is_admin(actor) and actor is not None and actor.id != target.id and target.is_active


def can_reinstate(actor: User | None, target: User) -> bool:
    return is_admin(actor) and not target.is_active


# --- people -----------------------------------------------------------------------------------


def can_view_profile(viewer: User | None, profile: User) -> bool:
    """Profiles are for signed-in people of the network; suspended accounts only for admins."""
    if not is_signed_in(viewer):
        return False
    return profile.is_active or is_admin(viewer)


# --- documents ------------------------------------------------------------------------------------


def can_edit_documents(user: User | None, ws: Workspace, membership: Membership | None) -> bool:
    """Members write and edit the workspace's documents together (a wiki among members)."""
    return can_start_thread(user, ws, membership)


def can_attach_to_post(user: User | None, post: Post, membership: Membership | None) -> bool:
    """A post's author adds files to it while they may still edit it."""
    return can_edit_post(user, post, membership)
