"""Catch-up checks every replayed event against today's rights with a fixed number of queries: one
for the posts the events name, one for their threads, one each for the places threads moved to."""

from __future__ import annotations

from app.actions import moderation
from app.live.catchup import catch_up
from app.models import Role, User, Workspace
from tests.conftest import QueryCounter
from tests.factories import add_member, make_thread, make_workspace, reply


def _activity(author: User, ws: Workspace, threads: int) -> None:
    for n in range(threads):
        thread, _ = make_thread(author, ws, title=f"Ketju {n}")
        reply(author, thread)


def _queries_for_catch_up(ws: Workspace, reader: User, counter: QueryCounter) -> tuple[int, int]:
    before = counter.count
    missed = catch_up(ws, 0, moderator=False, reader=reader)
    return counter.count - before, len(missed.events)


def test_catch_up_costs_the_same_queries_for_three_threads_and_for_twelve(
        owner: User, moderator: User, member: User, count_queries: QueryCounter) -> None:
    sizes = []
    for threads in (3, 12):
        ws = make_workspace(owner, visibility="public")
        away = make_workspace(owner, visibility="private")
        for place in (ws, away):
            add_member(place, moderator, Role.MODERATOR)
        add_member(ws, member)
        _activity(member, ws, threads)
        moved, _ = make_thread(member, ws, title="Siirtyvä")
        moderation.do_update_thread(moderator, moved.id, workspace=away.slug)
        sizes.append(_queries_for_catch_up(ws, member, count_queries))
    (few_queries, few_events), (many_queries, many_events) = sizes
    assert many_events > few_events
    assert few_queries == many_queries <= 7, count_queries.statements[-many_queries:]
