"""Thread and post actions: numbering, mentions, events, and all-or-nothing writes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.actions import threads
from app.errors import Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Event, Post, Thread, User, Workspace
from tests.factories import make_thread, make_user, reply


def test_posts_are_numbered_in_order(member: User, workspace: Workspace) -> None:
    thread, first = make_thread(member, workspace)
    second, third = reply(member, thread), reply(member, thread)
    assert [first.number, second.number, third.number] == [1, 2, 3]
    db.session.refresh(thread)
    assert thread.post_count == 3 and thread.last_post_id == third.id


def test_mention_of_a_member_is_linked(member: User, other_member: User, workspace: Workspace) -> None:
    _thread, post = make_thread(member, workspace, body=f"Kysytään @{other_member.handle} :lta")
    assert f'href="/users/{other_member.id}"' in post.html
    assert 'class="mention"' in post.html


def test_mention_of_a_non_member_is_plain_text(member: User, outsider: User, workspace: Workspace) -> None:
    _thread, post = make_thread(member, workspace, body=f"Hei @{outsider.handle}")
    assert "mention" not in post.html
    assert f"@{outsider.handle}" in post.html


def test_script_in_a_post_is_never_stored_as_markup(member: User, workspace: Workspace) -> None:
    _thread, post = make_thread(member, workspace, body="<script>alert(1)</script> [x](javascript:alert(1))")
    assert "<script" not in post.html
    assert "javascript:" not in post.html.replace("javascript:alert(1))", "")


def test_invalid_thread_writes_nothing(member: User, workspace: Workspace) -> None:
    events_before = db.session.scalar(select(func.count()).select_from(Event))
    with pytest.raises(Invalid) as error:
        threads.do_create_thread(member, workspace.slug, "", "x" * 50_001)
    assert set(error.value.fields) == {"title", "body"}
    assert db.session.scalar(select(func.count()).select_from(Thread)) == 0
    assert db.session.scalar(select(func.count()).select_from(Event)) == events_before


def test_outsider_gets_not_found_for_private_thread(outsider: User, member: User, private_workspace) -> None:
    thread, _ = make_thread(member, private_workspace)
    with pytest.raises(NotFound):
        threads.do_post_reply(outsider, thread.id, "Hei")


def test_non_member_cannot_start_thread(outsider: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        threads.do_create_thread(outsider, workspace.slug, "Otsikko", "Teksti")


def test_events_are_numbered_per_workspace_in_order(member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    reply(member, thread)
    events = db.session.scalars(select(Event).where(Event.workspace_id == workspace.id).order_by(Event.seq)).all()
    kinds = [e.kind for e in events]
    assert kinds[-3:] == ["thread.created", "post.created", "post.created"]
    assert [e.seq for e in events] == list(range(1, len(events) + 1))


def test_post_created_event_carries_the_post_as_the_api_shows_it(member: User, workspace: Workspace) -> None:
    _thread, post = make_thread(member, workspace, body="**Hei**")
    event = db.session.scalar(select(Event).where(Event.kind == "post.created"))
    assert event is not None
    assert event.payload["id"] == post.id
    assert event.payload["html"] == post.html
    assert event.payload["author"]["display_name"] == member.display_name


def test_failure_inside_an_action_rolls_everything_back(member: User, workspace: Workspace, monkeypatch) -> None:
    thread, _ = make_thread(member, workspace)

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(threads, "record_event", broken)
    with pytest.raises(RuntimeError):
        threads.do_post_reply(member, thread.id, "Ei tallennu")
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1
    db.session.refresh(thread)
    assert thread.post_count == 1


def test_edit_of_deleted_post_is_refused(member: User, workspace: Workspace) -> None:
    _thread, post = make_thread(member, workspace)
    threads.do_delete_post(member, post.id)
    with pytest.raises(Forbidden):
        threads.do_edit_post(member, post.id, "Uusi")


def test_moderator_may_delete_others_post(moderator: User, member: User, workspace: Workspace) -> None:
    _thread, post = make_thread(member, workspace)
    assert threads.do_delete_post(moderator, post.id).deleted_at is not None


def test_suspended_author_cannot_post(member: User, workspace: Workspace) -> None:
    from app.actions.unit import transactional
    from app.models import utcnow

    thread, _ = make_thread(member, workspace)

    @transactional
    def suspend() -> None:
        member.suspended_at = utcnow()

    suspend()
    with pytest.raises((Forbidden, NotFound)):
        threads.do_post_reply(member, thread.id, "Vielä")


def test_unknown_thread_is_not_found(member: User) -> None:
    with pytest.raises(NotFound):
        threads.do_post_reply(member, 999_999, "Hei")


def test_handles_are_unique(ctx) -> None:
    first, second = make_user("Anna Virtanen"), make_user("Anna Virtanen")
    assert first.handle == "anna.virtanen"
    assert second.handle != first.handle


def test_a_retried_reply_with_the_same_client_id_is_stored_once(member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    first = threads.do_post_reply(member, thread.id, "Yhteys katkesi", client_id="abc-123")
    again = threads.do_post_reply(member, thread.id, "Yhteys katkesi", client_id="abc-123")
    assert again.id == first.id
    assert db.session.scalar(select(func.count()).select_from(Post)) == 2


def test_a_reply_is_one_event_that_carries_the_threads_new_counters(member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    second = reply(member, thread)
    event = db.session.scalar(select(Event).where(Event.kind == "post.created").order_by(Event.seq.desc()))
    assert event is not None and event.payload["id"] == second.id
    assert event.payload["thread"]["id"] == thread.id
    assert event.payload["thread"]["post_count"] == 2
