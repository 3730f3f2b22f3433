"""Reacting to posts."""

import pytest
from sqlalchemy import select

from app.actions.reactions import do_toggle_reaction
from app.errors import Forbidden, Invalid
from app.extensions import db
from app.models import Event
from tests.factories import make_thread


def test_reaction_toggles_and_counts_people(member, other_member, workspace) -> None:
    _thread, post = make_thread(member, workspace)
    assert do_toggle_reaction(member, post.id, "👍") == {"👍": 1}
    assert do_toggle_reaction(other_member, post.id, "👍") == {"👍": 2}
    assert do_toggle_reaction(other_member, post.id, "🎉") == {"👍": 2, "🎉": 1}
    assert do_toggle_reaction(member, post.id, "👍") == {"👍": 1, "🎉": 1}


def test_reaction_change_is_announced_live(member, workspace) -> None:
    _thread, post = make_thread(member, workspace)
    do_toggle_reaction(member, post.id, "💡")
    event = db.session.scalar(select(Event).where(Event.kind == "post.reactions"))
    assert event is not None
    assert event.payload == {"id": post.id, "thread_id": post.thread_id, "reactions": {"💡": 1},
                             "by": member.id, "emoji": "💡", "added": True}


def test_only_the_offered_reactions_are_accepted(member, workspace) -> None:
    _thread, post = make_thread(member, workspace)
    with pytest.raises(Invalid):
        do_toggle_reaction(member, post.id, "<script>")


def test_outsider_cannot_react_in_network_workspace(member, outsider, workspace) -> None:
    _thread, post = make_thread(member, workspace)
    with pytest.raises(Forbidden):
        do_toggle_reaction(outsider, post.id, "👍")
