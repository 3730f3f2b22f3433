"""Moderating content: flags and the review queue, hiding and restoring posts, pre-moderation,
locking, pinning and moving threads, and the admins' deleting for good."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from app import policy
from app.access import PostAccess, access_post, access_thread, access_workspace, get_membership
from app.actions.audit import audit
from app.actions.membership import check_reason, moderate_unseen
from app.actions.notifications import notify
from app.actions.threads import audience_for
from app.actions.unit import transactional
from app.actions.workspaces import bump_thread_count, viewers_of
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.live.control import thread_moved_after_commit
from app.live.log import record_event
from app.models import Flag, FlagReason, FlagState, Membership, Post, Thread, User, Workspace, utcnow
from app.schemas.threads import ThreadSchema, post_json
from app.validation import FieldErrors

FLAG_TEXT_MAX = 1000
_THREAD = ThreadSchema()


def excerpt(text: str, length: int = 80) -> str:
    """A post's first words, for audit entries and notices that must read well later."""
    flat = " ".join(text.split())
    return flat if len(flat) <= length else flat[: length - 1] + "…"


def _moderated_post(actor: User, post_id: int) -> PostAccess:
    seen = access_post(actor, post_id)
    if not policy.is_moderator(actor, seen.membership):
        raise Forbidden(_("Only the workspace's moderators can do this."))
    return seen


# --- flags ---------------------------------------------------------------------------------------


@transactional
def do_flag_post(actor: User, post_id: int, reason: object, text: object = "") -> Flag:
    """Report a post to the workspace's moderators, who see it arrive in their review queue."""
    seen = access_post(actor, post_id)
    if not policy.can_flag_post(actor, seen.post, seen.membership):
        raise Forbidden(_("You cannot report this post."))
    errors = FieldErrors()
    why = errors.choice("reason", reason, [r.value for r in FlagReason], "")
    if not why and "reason" not in errors.fields:
        errors.add("reason", _("Choose what is wrong with the post."))
    details = errors.text("text", text, max_length=FLAG_TEXT_MAX, min_length=0, multiline=True)
    if why == FlagReason.OTHER and not details and "text" not in errors.fields:
        errors.add("text", _("Tell the moderators what is wrong."))
    errors.raise_if_any()
    flag = Flag(post_id=seen.post.id, workspace_id=seen.workspace.id, reporter_id=actor.id, reason=why,
                text=details, created_at=utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(flag)
    except IntegrityError:
        raise Conflict(_("You have already reported this post.")) from None
    record_event(seen.workspace, "flag.created",
                 {"id": flag.id, "post_id": seen.post.id, "thread_id": seen.thread.id, "reason": why},
                 audience="moderators")
    return flag


def _resolve_flags(actor: User, post: Post, state: FlagState) -> list[int]:
    ids = list(db.session.scalars(select(Flag.id).where(Flag.post_id == post.id, Flag.state == FlagState.OPEN)))
    if ids:
        db.session.execute(update(Flag).where(Flag.id.in_(ids)).values(
            state=state, resolved_by_id=actor.id, resolved_at=utcnow()))
    return ids


@transactional
def do_dismiss_flag(actor: User, flag_id: int) -> Flag:
    """Close a report without acting on the post."""
    flag = db.session.get(Flag, flag_id)
    if flag is None:
        raise NotFound(_("No such report."))
    seen = moderate_unseen(actor, flag.workspace.slug, _("No such report."))
    if flag.state != FlagState.OPEN:
        raise Conflict(_("This report has already been handled."))
    flag.state, flag.resolved_by_id, flag.resolved_at = FlagState.DISMISSED, actor.id, utcnow()
    db.session.flush()
    label = excerpt(flag.post.body)
    audit(actor, "flag.dismissed", "post", flag.post_id, label, seen.workspace, flag_reason=flag.reason)
    record_event(seen.workspace, "flag.resolved", {"ids": [flag.id], "post_id": flag.post_id, "state": flag.state},
                 audience="moderators")
    return flag


# --- hiding and restoring posts ------------------------------------------------------------------


@transactional
def do_hide_post(actor: User, post_id: int, reason: object) -> Post:
    """Hide a post from everyone but its author and the moderators; the author is told why.

    Open reports of the post are closed as acted on; open pages replace the post at once.
    """
    seen = _moderated_post(actor, post_id)
    post = seen.post
    if not policy.can_hide_post(actor, post, seen.membership):
        raise Conflict(_("This post is already hidden or deleted."))
    why = check_reason(reason, required=True)
    post.hidden_at, post.hidden_reason = utcnow(), why
    db.session.flush()
    flags = _resolve_flags(actor, post, FlagState.ACTIONED)
    audit(actor, "post.hidden", "post", post.id, excerpt(post.body), seen.workspace, why, thread_id=post.thread_id)
    record_event(seen.workspace, "post.hidden", {"id": post.id, "thread_id": post.thread_id},
                 audience=audience_for(post, seen.thread))
    if flags:
        record_event(seen.workspace, "flag.resolved", {"ids": flags, "post_id": post.id, "state": FlagState.ACTIONED},
                     audience="moderators")
    if post.author_id is not None and post.author_id != actor.id:
        notify(post.author_id, "post.hidden", post_id=post.id, thread_title=seen.thread.title, reason=why)
    return post


@transactional
def do_restore_post(actor: User, post_id: int) -> Post:
    """Show a hidden post again; open pages show its text again at once (post.updated)."""
    seen = _moderated_post(actor, post_id)
    post = seen.post
    if not policy.can_restore_post(actor, post, seen.membership):
        raise Conflict(_("This post is not hidden."))
    post.hidden_at, post.hidden_reason = None, ""
    db.session.flush()
    audit(actor, "post.restored", "post", post.id, excerpt(post.body), seen.workspace, thread_id=post.thread_id)
    record_event(seen.workspace, "post.updated", post_json(post), audience=audience_for(post, seen.thread))
    if post.author_id is not None and post.author_id != actor.id:
        notify(post.author_id, "post.restored", post_id=post.id, thread_title=seen.thread.title)
    return post


# --- pre-moderation ------------------------------------------------------------------------------


@transactional
def do_approve_post(actor: User, post_id: int) -> Post:
    """Publish a post that waited for approval; its author's later posts no longer wait.

    In a thread that waits too, the first post is approved first (it publishes the thread).
    """
    seen = _moderated_post(actor, post_id)
    post, thread, ws = seen.post, seen.thread, seen.workspace
    if not policy.can_approve_post(actor, post, seen.membership):
        raise Conflict(_("This post is not waiting for approval."))
    if thread.pending and post.number != 1:
        # Publishing it would announce a thread no one but its author and the moderators may see.
        raise Conflict(_("The thread itself is still waiting: approve its first post first."))
    post.pending = False
    if post.author_id is not None:
        db.session.execute(update(Membership).where(
            Membership.workspace_id == ws.id, Membership.user_id == post.author_id).values(trusted=True))
    if thread.pending and post.number == 1:
        thread.pending = False
        bump_thread_count(ws.id, 1)
    db.session.flush()
    audit(actor, "post.approved", "post", post.id, excerpt(post.body), ws, thread_id=thread.id)
    if post.number == 1:
        record_event(ws, "thread.created", _THREAD.dump(thread))
    data = post_json(post)
    data["thread"] = _THREAD.dump(thread)
    record_event(ws, "post.created", data)
    if post.author_id is not None and post.author_id != actor.id:
        notify(post.author_id, "post.approved", post_id=post.id, thread_title=thread.title)
    return post


@transactional
def do_reject_post(actor: User, post_id: int, reason: object = "") -> None:
    """Turn down a waiting post. A thread that was waiting with it goes too: no one else ever saw it."""
    seen = _moderated_post(actor, post_id)
    post, thread, ws = seen.post, seen.thread, seen.workspace
    if not policy.can_approve_post(actor, post, seen.membership):
        raise Conflict(_("This post is not waiting for approval."))
    why = check_reason(reason)
    audit(actor, "post.rejected", "post", post.id, excerpt(post.body), ws, why, thread_id=thread.id)
    if post.author_id is not None and post.author_id != actor.id:
        notify(post.author_id, "post.rejected", thread_title=thread.title, reason=why, excerpt=excerpt(post.body))
    if thread.pending and post.number == 1:
        db.session.delete(thread)
        record_event(ws, "thread.deleted", {"id": thread.id}, audience="moderators")
    else:
        post.deleted_at = utcnow()
        record_event(ws, "post.deleted", {"id": post.id, "thread_id": thread.id}, audience="moderators")


# --- threads -------------------------------------------------------------------------------------


@transactional
def do_update_thread(actor: User, thread_id: int, **changes: object) -> Thread:
    """Rename, pin or unpin, lock or unlock, or move a thread to another workspace the actor moderates."""
    seen = access_thread(actor, thread_id)
    thread, ws, membership = seen.thread, seen.workspace, seen.membership
    errors = FieldErrors()
    for name in set(changes) - {"title", "pinned", "locked", "workspace"}:
        errors.add(name, _("This cannot be changed."))
    for flag in ("pinned", "locked"):
        if flag in changes and not isinstance(changes[flag], bool):
            errors.add(flag, _("Must be true or false."))
    title = errors.text("title", changes["title"], max_length=200, min_length=3) if "title" in changes else None
    errors.raise_if_any()
    if title is not None and title != thread.title and not policy.can_rename_thread(actor, thread, membership):
        raise Forbidden(_("You cannot rename this thread."))
    if {"pinned", "locked", "workspace"} & set(changes) and not policy.can_moderate_thread(actor, membership):
        raise Forbidden(_("Only the workspace's moderators can do this."))
    changed = _apply_thread_changes(actor, thread, ws, title, changes)
    if "workspace" in changes:
        target = _move_target(actor, thread, changes["workspace"])
        if target is not None:
            _move_thread(actor, thread, ws, target)
            return thread
    if changed:
        db.session.flush()
        record_event(ws, "thread.updated", _THREAD.dump(thread), audience="moderators" if thread.pending else "all")
    return thread


def _apply_thread_changes(actor: User, thread: Thread, ws: Workspace, title: str | None,
                          changes: dict[str, object]) -> bool:
    changed = False
    if title is not None and title != thread.title:
        if actor.id != thread.author_id:
            audit(actor, "thread.renamed", "thread", thread.id, thread.title, ws, old=thread.title, new=title)
        thread.title, changed = title, True
    toggles = (("pinned", "thread.pinned", "thread.unpinned"), ("locked", "thread.locked", "thread.unlocked"))
    for flag, on, off in toggles:
        if flag in changes and bool(changes[flag]) != getattr(thread, flag):
            setattr(thread, flag, bool(changes[flag]))
            audit(actor, on if changes[flag] else off, "thread", thread.id, thread.title, ws)
            changed = True
    return changed


def _move_target(actor: User, thread: Thread, slug: object) -> Workspace | None:
    if not isinstance(slug, str):
        raise NotFound(_("No such workspace."))
    if slug == thread.workspace.slug:
        return None
    if not policy.moves_on_its_own(thread):
        raise Conflict(_("A document's discussion stays with its document: it cannot be moved on its own."))
    target = access_workspace(actor, slug)
    source_membership = get_membership(actor, thread.workspace_id)
    if not policy.can_move_thread(actor, thread, source_membership, target.membership, target.workspace):
        raise Forbidden(_("You can move threads only into workspaces you moderate."))
    return target.workspace


def _move_thread(actor: User, thread: Thread, source: Workspace, target: Workspace) -> None:
    """Readers of the old workspace are told where it went, unless some of them may not see that
    place (policy.can_name_place); the new workspace's readers see it appear; open pages of the
    thread that may not see the new place stop receiving its typing and viewers. Each workspace's
    audit entry names the other; the log shows that name only to those who may see it."""
    thread.workspace_id = target.id
    db.session.execute(update(Flag).where(Flag.post_id.in_(select(Post.id).where(Post.thread_id == thread.id)))
                       .values(workspace_id=target.id))
    if not thread.pending:
        for ws, delta in ((source, -1), (target, 1)):
            bump_thread_count(ws.id, delta)
    db.session.flush()
    db.session.refresh(thread)
    audit(actor, "thread.moved", "thread", thread.id, thread.title, source, to=target.slug, to_name=target.name)
    audit(actor, "thread.moved", "thread", thread.id, thread.title, target, source=source.slug,
          source_name=source.name)
    shown = policy.can_name_place(source, target)
    audience = "moderators" if thread.pending else "all"
    record_event(source, "thread.moved", {"id": thread.id, "to": {"slug": target.slug, "name": target.name}
                                          if shown else None}, audience=audience)
    record_event(target, "thread.created", _THREAD.dump(thread), audience=audience)
    thread_moved_after_commit(thread.id, target.id, viewers_of(target))


# --- deleting for good (admins) ------------------------------------------------------------------


@transactional
def do_purge_thread(actor: User, thread_id: int, reason: object = "") -> None:
    """Delete a thread and all its posts for good; kept only as an audit entry."""
    seen = access_thread(actor, thread_id)
    if not policy.can_purge(actor):
        raise Forbidden(_("Only administrators can delete for good."))
    why = check_reason(reason)
    thread, ws = seen.thread, seen.workspace
    thread_id, audience = thread.id, "moderators" if thread.pending else "all"
    audit(actor, "thread.purged", "thread", thread_id, thread.title, ws, why)
    if not thread.pending:
        bump_thread_count(ws.id, -1)
    db.session.execute(delete(Thread).where(Thread.id == thread_id))
    record_event(ws, "thread.deleted", {"id": thread_id}, audience=audience)


@transactional
def do_purge_post(actor: User, post_id: int, reason: object = "") -> None:
    """Delete a post for good (its text and history); its number in the thread stays unused."""
    seen = access_post(actor, post_id)
    if not policy.can_purge(actor):
        raise Forbidden(_("Only administrators can delete for good."))
    why = check_reason(reason)
    post = seen.post
    audit(actor, "post.purged", "post", post.id, excerpt(post.body), seen.workspace, why, thread_id=post.thread_id)
    db.session.execute(update(Post).where(Post.reply_to_id == post.id).values(reply_to_id=None))
    db.session.execute(delete(Post).where(Post.id == post.id))
    record_event(seen.workspace, "post.deleted", {"id": post.id, "thread_id": seen.thread.id, "purged": True},
                 audience=audience_for(post, seen.thread))
