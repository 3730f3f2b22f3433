"""Threads and posts: start a thread, reply, edit, delete."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from app import policy
from app.access import ThreadAccess, access_post, access_thread, access_workspace
from app.actions.unit import transactional
from app.actions.workspaces import bump_thread_count
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.live.log import record_event
from app.models import Membership, MembershipState, Post, PostRevision, Thread, User, Workspace, utcnow
from app.schemas.threads import ThreadSchema, post_json
from app.text import MentionResolver, RenderedText, render_markdown
from app.validation import FieldErrors

TITLE_MAX = 200
BODY_MAX = 50_000
MAX_ID = 2**63 - 1  # the largest id a database column holds: beyond it, nothing is found
_THREAD = ThreadSchema()


def profile_path(user_id: int) -> str:
    return f"/users/{user_id}"


def _mention_resolver(ws: Workspace) -> MentionResolver:
    """Resolve @handles to the profiles of the workspace's active members."""

    def resolve(handles: set[str]) -> Mapping[str, str]:
        if not handles:
            return {}
        rows = db.session.execute(
            select(User.handle, User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(
                Membership.workspace_id == ws.id,
                Membership.state == MembershipState.ACTIVE,
                User.handle.in_(handles),
            )
        )
        return {handle: profile_path(user_id) for handle, user_id in rows}

    return resolve


def _render(ws: Workspace, body: str) -> RenderedText:
    return render_markdown(body, _mention_resolver(ws))


def _append_post(actor: User, thread: Thread, body: str, reply_to_id: int | None,
                 client_id: str | None = None, pending: bool = False) -> Post:
    """Number the post under the thread's row lock and bring the thread's counters along."""
    now = utcnow()
    number = db.session.scalar(
        update(Thread)
        .where(Thread.id == thread.id)
        .values(post_count=Thread.post_count + 1, last_activity_at=now, last_author_id=actor.id)
        .returning(Thread.post_count)
    )
    post = Post(
        thread_id=thread.id, number=number, author_id=actor.id, reply_to_id=reply_to_id,
        body=body, html=_render(thread.workspace, body).html, created_at=now, client_id=client_id,
        pending=pending,
    )
    db.session.add(post)
    db.session.flush()
    thread.last_post_id = post.id
    db.session.execute(update(Workspace).where(Workspace.id == thread.workspace_id).values(last_activity_at=now))
    db.session.refresh(thread)
    return post


def _check_body(errors: FieldErrors, body: object) -> str:
    return errors.text("body", body, max_length=BODY_MAX, multiline=True)


def _check_client_id(errors: FieldErrors, client_id: object) -> str | None:
    if client_id in (None, ""):
        return None
    return errors.text("client_id", client_id, max_length=64) or None


def find_retried_post(actor: User, client_id: str | None, thread: Thread) -> Post | None:
    """The post this author already sent with this client-made id (a retry after a reconnect).

    Only a retry in the same thread gets it back: the id used for a post elsewhere (perhaps in a
    workspace the author has since lost) is refused rather than answered with that post.
    """
    if client_id is None:
        return None
    earlier = db.session.scalar(select(Post).where(Post.author_id == actor.id, Post.client_id == client_id))
    if earlier is not None and earlier.thread_id != thread.id:
        raise Invalid(_("Please correct the marked fields."),
                      fields={"client_id": _("This id was already used for another post.")})
    return earlier


@transactional
def do_create_thread(actor: User, slug: str, title: object, body: object) -> tuple[Thread, Post]:
    """Start a thread with its first post; emits thread.created and post.created."""
    seen = access_workspace(actor, slug)
    if not policy.can_start_thread(actor, seen.workspace, seen.membership):
        raise Forbidden(_("Join the workspace to start a thread."))
    errors = FieldErrors()
    clean_title = errors.text("title", title, max_length=TITLE_MAX, min_length=3)
    clean_body = _check_body(errors, body)
    errors.raise_if_any()
    ws = seen.workspace
    waits = policy.needs_approval(actor, ws, seen.membership)
    thread = Thread(workspace_id=ws.id, author_id=actor.id, title=clean_title, pending=waits)
    db.session.add(thread)
    if not waits:
        bump_thread_count(ws.id, 1)
    db.session.flush()
    post = _append_post(actor, thread, clean_body, None, pending=waits)
    audience = _audience(waits)
    record_event(ws, "thread.created", _THREAD.dump(thread), audience=audience)
    record_event(ws, "post.created", _post_created(post, thread), audience=audience)
    return thread, post


def _audience(waits_for_approval: bool) -> str:
    """A post waiting for approval is announced to the moderators only (their queue)."""
    return "moderators" if waits_for_approval else "all"


def audience_for(post: Post, thread: Thread) -> str:
    """What happens to a post, or in a thread, still waiting for approval is news to the moderators only."""
    return _audience(post.pending or thread.pending)


@transactional
def do_post_reply(actor: User, thread_id: int, body: object, reply_to: object = None,
                  client_id: object = None) -> Post:
    """Reply in a thread, optionally quoting an earlier post of it; emits post.created.

    With a `client_id` the reply is sent at most once: a retry gets the post made the first time.
    """
    seen = access_thread(actor, thread_id)
    if not policy.can_reply(actor, seen.thread, seen.membership):
        if seen.thread.locked:
            raise Forbidden(_("This thread is locked."))
        raise Forbidden(_("Join the workspace to reply."))
    errors = FieldErrors()
    clean_body = _check_body(errors, body)
    reply_to_id = _check_reply_to(errors, seen, actor, reply_to)
    retry_id = _check_client_id(errors, client_id)
    errors.raise_if_any()
    earlier = find_retried_post(actor, retry_id, seen.thread)
    if earlier is not None:
        return earlier
    waits = policy.needs_approval(actor, seen.workspace, seen.membership)
    try:
        with db.session.begin_nested():  # a concurrent retry may win the unique client_id
            post = _append_post(actor, seen.thread, clean_body, reply_to_id, retry_id, pending=waits)
    except IntegrityError:
        winner = find_retried_post(actor, retry_id, seen.thread)
        if winner is None:
            raise
        return winner
    record_event(seen.workspace, "post.created", _post_created(post, seen.thread),
                 audience=audience_for(post, seen.thread))
    return post


def _post_created(post: Post, thread: Thread) -> dict[str, object]:
    """post.created: the post as the API shows it, plus its thread's new counters, so one message
    per reply updates both an open thread and the workspace's thread list (fan-out costs per message)."""
    data = post_json(post)
    data["thread"] = _THREAD.dump(thread)
    return data


def _check_reply_to(errors: FieldErrors, seen: ThreadAccess, actor: User, reply_to: object) -> int | None:
    """The id of the post a reply points at, if the replier may see it in this thread; any other id
    (missing, elsewhere, waiting, hidden, deleted) gets the same field error, so it reveals nothing."""
    if reply_to in (None, ""):
        return None
    try:
        reply_to_id = int(str(reply_to))
    except ValueError:
        reply_to_id = 0
    quoted = db.session.get(Post, reply_to_id) if 0 < reply_to_id <= MAX_ID else None
    if quoted is None or not policy.can_reply_to(actor, quoted, seen.thread, seen.membership):
        errors.add("reply_to", _("Not a post of this thread."))
        return None
    return reply_to_id


@transactional
def do_edit_post(actor: User, post_id: int, body: object) -> Post:
    """Replace a post's text, keeping the earlier version; emits post.updated."""
    seen = access_post(actor, post_id)
    post = seen.post
    if not policy.can_edit_post(actor, post, seen.membership):
        raise Forbidden(_("You cannot edit this post."))
    errors = FieldErrors()
    clean_body = _check_body(errors, body)
    errors.raise_if_any()
    if clean_body == post.body:
        return post
    db.session.add(
        PostRevision(post_id=post.id, body=post.body, written_at=post.edited_at or post.created_at, editor_id=actor.id)
    )
    post.body = clean_body
    post.html = _render(seen.workspace, clean_body).html
    post.edited_at = utcnow()
    db.session.flush()
    record_event(seen.workspace, "post.updated", post_json(post), audience=audience_for(post, seen.thread))
    return post


@transactional
def do_delete_post(actor: User, post_id: int) -> Post:
    """Soft-delete a post: its place in the thread stays, its text goes; emits post.deleted."""
    seen = access_post(actor, post_id)
    post = seen.post
    if not policy.can_delete_post(actor, post, seen.membership):
        raise Forbidden(_("You cannot delete this post."))
    post.deleted_at = utcnow()
    db.session.flush()
    record_event(seen.workspace, "post.deleted", {"id": post.id, "thread_id": post.thread_id},
                 audience=audience_for(post, seen.thread))
    return post
