"""Reaction counts for a page of posts, in one query whatever the number of posts."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.models import REACTIONS, Reaction, User


def reaction_counts(post_ids: list[int]) -> dict[int, dict[str, int]]:
    """{post id: {emoji: count}} in the fixed order of REACTIONS; posts without any are absent."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        select(Reaction.post_id, Reaction.emoji, func.count())
        .where(Reaction.post_id.in_(post_ids))
        .group_by(Reaction.post_id, Reaction.emoji)
    )
    found: dict[int, dict[str, int]] = {}
    for post_id, emoji, count in rows:
        found.setdefault(post_id, {})[emoji] = count
    return {pid: {e: c[e] for e in REACTIONS if e in c} for pid, c in found.items()}


def my_reactions(user: User | None, post_ids: list[int]) -> set[tuple[int, str]]:
    """Which (post, emoji) pairs the user has reacted with."""
    if user is None or not post_ids:
        return set()
    rows = db.session.execute(
        select(Reaction.post_id, Reaction.emoji).where(Reaction.user_id == user.id, Reaction.post_id.in_(post_ids))
    )
    return {(post_id, emoji) for post_id, emoji in rows}
