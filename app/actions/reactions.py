"""Reactions to posts: a small fixed set, each at most once per person, toggled."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app import policy
from app.access import access_post
from app.actions.unit import transactional
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.live.log import record_event
from app.models import REACTIONS, Reaction, User
from app.queries.reactions import reaction_counts


@transactional
def do_toggle_reaction(actor: User, post_id: int, emoji: object) -> dict[str, int]:
    """Add the actor's reaction, or take it back if it was there; emits post.reactions.

    Returns the post's reaction counts after the change.
    """
    if emoji not in REACTIONS:
        raise Invalid(_("Choose one of the offered reactions."), fields={"emoji": " ".join(REACTIONS)})
    seen = access_post(actor, post_id)
    if not policy.can_react(actor, seen.post, seen.membership):
        raise Forbidden(_("You cannot react to this post."))
    mine = (Reaction.post_id == post_id, Reaction.user_id == actor.id, Reaction.emoji == emoji)
    added = db.session.scalar(select(Reaction.id).where(*mine)) is None
    if added:
        db.session.add(Reaction(post_id=post_id, user_id=actor.id, emoji=str(emoji)))
    else:
        db.session.execute(delete(Reaction).where(*mine))
    db.session.flush()
    counts = reaction_counts([post_id]).get(post_id, {})
    record_event(seen.workspace, "post.reactions", {
        "id": post_id, "thread_id": seen.thread.id, "reactions": counts,
        "by": actor.id, "emoji": emoji, "added": added,
    })
    return counts
