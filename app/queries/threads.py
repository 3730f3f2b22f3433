"""Reading threads and posts: keyset pages whose cost does not grow with the page number."""

from __future__ import annotations

from math import ceil

from sqlalchemy import ColumnElement, false, or_, select, true, tuple_
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.sql import Select

from app.extensions import db
from app.models import Post, PostRevision, Thread, User, Workspace
from app.queries.paging import Page, clamp_limit, cursor_int, cursor_time, decode_cursor, encode_cursor
from app.queries.workspaces import visible_workspaces_query


def shown_to(model: type[Thread] | type[Post], viewer: User | None, moderator: bool) -> ColumnElement[bool]:
    """What waits for approval is listed only to its author and the moderators (policy.can_see_pending)."""
    if moderator:
        return true()
    if viewer is None:
        return model.pending == false()
    return or_(model.pending == false(), model.author_id == viewer.id)


def list_threads(ws: Workspace, cursor: str | None = None, limit: object = None, default: int = 30, *,
                 viewer: User | None = None, moderator: bool = False) -> Page[Thread]:
    """Threads of a workspace, pinned first, then by last activity, newest first."""
    size = clamp_limit(limit, default)
    query = (
        select(Thread)
        .where(Thread.workspace_id == ws.id, Thread.document_id.is_(None), shown_to(Thread, viewer, moderator))
        .options(joinedload(Thread.author), joinedload(Thread.last_author), joinedload(Thread.workspace))
        .order_by(Thread.pinned.desc(), Thread.last_activity_at.desc(), Thread.id.desc())
        .limit(size + 1)
    )
    after = decode_cursor(cursor, 3)
    if after is not None:
        pinned, at, thread_id = bool(after[0]), cursor_time(after[1]), cursor_int(after[2])
        query = query.where(tuple_(Thread.pinned, Thread.last_activity_at, Thread.id) < (pinned, at, thread_id))
    rows = list(db.session.scalars(query).unique())
    more = len(rows) > size
    rows = rows[:size]
    last = rows[-1] if more else None
    cursor_out = encode_cursor([last.pinned, last.last_activity_at.isoformat(), last.id]) if last else None
    return Page(rows, cursor_out)


def _post_query() -> Select[Post]:
    return select(Post).options(
        joinedload(Post.author), selectinload(Post.reply_to).joinedload(Post.author)
    ).order_by(Post.number)


def page_count(thread: Thread, per_page: int) -> int:
    return max(1, ceil(thread.post_count / per_page))


def list_posts_page(thread: Thread, page: int, per_page: int, *, viewer: User | None = None,
                    moderator: bool = False) -> list[Post]:
    """Page `page` (from 1) of a thread: a range of post numbers, found through the unique index."""
    first = (page - 1) * per_page + 1
    query = _post_query().where(Post.thread_id == thread.id, Post.number.between(first, first + per_page - 1),
                                shown_to(Post, viewer, moderator))
    return list(db.session.scalars(query))


def list_posts_after(thread: Thread, cursor: str | None, limit: object, default: int = 50, *,
                     viewer: User | None = None, moderator: bool = False) -> Page[Post]:
    """Posts of a thread, oldest first, after the cursor (the API's paging)."""
    size = clamp_limit(limit, default)
    after = decode_cursor(cursor, 1)
    number = cursor_int(after[0]) if after else 0
    query = _post_query().where(Post.thread_id == thread.id, Post.number > number,
                                shown_to(Post, viewer, moderator)).limit(size + 1)
    rows = list(db.session.scalars(query))
    more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor([rows[-1].number]) if more else None)


def page_of_post(post: Post, per_page: int) -> int:
    return (post.number - 1) // per_page + 1


def list_recent_posts(profile: User, viewer: User | None, limit: int = 10) -> list[Post]:
    """A person's latest posts, in workspaces the viewer may see."""
    visible = visible_workspaces_query(viewer).with_only_columns(Workspace.id)
    query = (
        _post_query()
        .join(Thread, Thread.id == Post.thread_id)
        .options(joinedload(Post.thread).joinedload(Thread.workspace))
        .where(Post.author_id == profile.id, Post.deleted_at.is_(None), Post.hidden_at.is_(None),
               Post.pending == false())
        .where(Thread.workspace_id.in_(visible))
        .order_by(None)
        .order_by(Post.created_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def list_post_revisions(post: Post) -> list[PostRevision]:
    """Earlier versions of a post, oldest first."""
    query = select(PostRevision).where(PostRevision.post_id == post.id).order_by(PostRevision.id)
    return list(db.session.scalars(query))
