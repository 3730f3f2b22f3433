"""Pre-moderation: a new member's posts wait for a moderator until one of them is approved."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.access import access_thread
from app.actions import moderation, threads, workspaces
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.models import Post, Role, Thread, User, Workspace
from app.queries.moderation import count_review_items, list_pending_posts
from app.queries.threads import list_posts_page, list_threads
from tests.actions.helpers import events, last_audit, last_event, last_notice, membership_of
from tests.factories import add_member, make_thread, make_user, reply


@pytest.fixture
def premoderated(owner: User, workspace: Workspace) -> Workspace:
    return workspaces.do_update_workspace(owner, workspace.slug, premoderation=True)


@pytest.fixture
def newcomer(premoderated: Workspace) -> User:
    user = make_user("Niko Uusi", email="newcomer@example.fi")
    workspaces.do_join_workspace(user, premoderated.slug)
    return user


def thread_ids(ws: Workspace, viewer: User, moderator: bool = False) -> list[int]:
    return [t.id for t in list_threads(ws, viewer=viewer, moderator=moderator).items]


def post_ids(thread: Thread, viewer: User, moderator: bool = False) -> list[int]:
    return [p.id for p in list_posts_page(thread, 1, 50, viewer=viewer, moderator=moderator)]


def thread_count(ws: Workspace) -> int:
    db.session.refresh(ws)
    return ws.thread_count


def test_off_by_default(owner: User, workspace: Workspace) -> None:
    newcomer = make_user("Niko Uusi")
    workspaces.do_join_workspace(newcomer, workspace.slug)
    thread, first = make_thread(newcomer, workspace)
    assert not thread.pending and not first.pending


def test_new_members_thread_waits_for_approval(
    newcomer: User, member: User, moderator: User, premoderated: Workspace,
) -> None:
    before = thread_count(premoderated)
    thread, first = make_thread(newcomer, premoderated)
    assert thread.pending and first.pending
    assert thread_count(premoderated) == before
    assert thread.id not in thread_ids(premoderated, member)
    assert thread.id in thread_ids(premoderated, newcomer)
    assert thread.id in thread_ids(premoderated, moderator, moderator=True)
    with pytest.raises(NotFound):
        access_thread(member, thread.id)
    with pytest.raises(NotFound):
        threads.do_post_reply(member, thread.id, "Näenkö tämän?")
    for kind in ("thread.created", "post.created"):
        assert last_event(premoderated, kind).audience == "moderators"
    assert [p.id for p in list_pending_posts([premoderated.id])] == [first.id]
    assert count_review_items(premoderated) == 1


def test_new_members_reply_waits_for_approval(
    newcomer: User, member: User, moderator: User, premoderated: Workspace,
) -> None:
    thread, first = make_thread(moderator, premoderated)
    waiting = reply(newcomer, thread)
    assert waiting.pending
    assert post_ids(thread, member) == [first.id]
    assert post_ids(thread, newcomer) == [first.id, waiting.id]
    assert post_ids(thread, moderator, moderator=True) == [first.id, waiting.id]
    assert last_event(premoderated, "post.created").audience == "moderators"
    with pytest.raises(NotFound):
        moderation.do_flag_post(member, waiting.id, "spam")


def test_editing_a_waiting_post_is_told_only_to_moderators(newcomer: User, moderator: User,
                                                           premoderated: Workspace) -> None:
    thread, _first = make_thread(moderator, premoderated)
    waiting = reply(newcomer, thread)
    threads.do_edit_post(newcomer, waiting.id, "Korjattu")
    assert last_event(premoderated, "post.updated").audience == "moderators"


def test_approving_the_first_post_publishes_the_thread(
    newcomer: User, member: User, moderator: User, premoderated: Workspace,
) -> None:
    before = thread_count(premoderated)
    thread, first = make_thread(newcomer, premoderated)
    moderation.do_approve_post(moderator, first.id)
    db.session.refresh(thread)
    db.session.refresh(first)
    assert not thread.pending and not first.pending
    assert thread_count(premoderated) == before + 1
    assert thread.id in thread_ids(premoderated, member)
    created = last_event(premoderated, "thread.created")
    assert created.audience == "all" and created.payload["id"] == thread.id
    posted = last_event(premoderated, "post.created")
    assert posted.audience == "all" and posted.payload["id"] == first.id and posted.payload["body"] == first.body
    assert membership_of(newcomer, premoderated).trusted
    assert last_notice(newcomer, "post.approved")["post_id"] == first.id
    assert last_audit("post.approved").target_id == first.id
    assert list_pending_posts([premoderated.id]) == []
    later = reply(newcomer, thread)
    assert not later.pending
    assert last_event(premoderated, "post.created").audience == "all"


def test_approving_a_reply_publishes_it(newcomer: User, member: User, moderator: User,
                                        premoderated: Workspace) -> None:
    thread, _first = make_thread(moderator, premoderated)
    waiting = reply(newcomer, thread)
    moderation.do_approve_post(moderator, waiting.id)
    assert waiting.id in post_ids(thread, member)
    assert last_event(premoderated, "post.created").audience == "all"
    assert [e.payload["id"] for e in events(premoderated, "thread.created")] == [thread.id]


def test_approving_twice_is_a_conflict(newcomer: User, moderator: User, premoderated: Workspace) -> None:
    _thread, first = make_thread(newcomer, premoderated)
    moderation.do_approve_post(moderator, first.id)
    with pytest.raises(Conflict):
        moderation.do_approve_post(moderator, first.id)
    with pytest.raises(Conflict):
        moderation.do_reject_post(moderator, first.id)


def test_only_moderators_approve(newcomer: User, member: User, facilitator: User, premoderated: Workspace) -> None:
    _thread, first = make_thread(newcomer, premoderated)
    for actor in (member, facilitator):
        with pytest.raises(NotFound):  # they cannot even see it
            moderation.do_approve_post(actor, first.id)
    with pytest.raises(Forbidden):  # the author sees it but may not approve it
        moderation.do_approve_post(newcomer, first.id)
    db.session.refresh(first)
    assert first.pending


def test_rejecting_the_first_post_removes_the_thread(
    newcomer: User, moderator: User, premoderated: Workspace,
) -> None:
    before = thread_count(premoderated)
    thread, first = make_thread(newcomer, premoderated, title="Ostakaa tuotteitamme")
    thread_id, post_id = thread.id, first.id
    moderation.do_reject_post(moderator, post_id, "Mainontaa")
    db.session.expire_all()
    assert db.session.get(Thread, thread_id) is None
    assert db.session.get(Post, post_id) is None
    assert thread_count(premoderated) == before
    notice = last_notice(newcomer, "post.rejected")
    assert notice["reason"] == "Mainontaa" and notice["thread_title"] == "Ostakaa tuotteitamme"
    assert last_event(premoderated, "thread.deleted").audience == "moderators"
    assert last_audit("post.rejected").reason == "Mainontaa"
    assert not membership_of(newcomer, premoderated).trusted


def test_rejecting_a_reply_deletes_it(newcomer: User, moderator: User, member: User,
                                      premoderated: Workspace) -> None:
    thread, _first = make_thread(moderator, premoderated)
    waiting = reply(newcomer, thread)
    moderation.do_reject_post(moderator, waiting.id, "Asiaton")
    db.session.refresh(waiting)
    assert waiting.deleted_at is not None
    assert last_notice(newcomer, "post.rejected")["reason"] == "Asiaton"
    assert last_event(premoderated, "post.deleted").audience == "moderators"
    assert list_pending_posts([premoderated.id]) == []
    assert reply(newcomer, thread).pending  # still not trusted


@pytest.mark.parametrize("role", [Role.FACILITATOR, Role.MODERATOR, Role.OWNER])
def test_facilitators_and_above_are_never_premoderated(role: str, premoderated: Workspace) -> None:
    person = make_user(f"Uusi {role}")
    add_member(premoderated, person, role)
    thread, first = make_thread(person, premoderated)
    assert not thread.pending and not first.pending
    assert not reply(person, thread).pending


def test_admins_are_never_premoderated(admin: User, premoderated: Workspace) -> None:
    thread, first = make_thread(admin, premoderated)
    assert not thread.pending and not first.pending


def test_moved_waiting_thread_is_announced_to_moderators_only(
    owner: User, newcomer: User, moderator: User, premoderated: Workspace,
) -> None:
    from tests.factories import make_workspace

    target = make_workspace(owner, name="Toinen")
    add_member(target, moderator, Role.MODERATOR)
    thread, _first = make_thread(newcomer, premoderated)
    before = thread_count(target)
    moderation.do_update_thread(moderator, thread.id, workspace=target.slug)
    assert last_event(premoderated, "thread.moved").audience == "moderators"
    assert last_event(target, "thread.created").audience == "moderators"
    assert thread_count(target) == before


def test_pending_posts_leave_the_queue_when_deleted(newcomer: User, premoderated: Workspace) -> None:
    thread, _first = make_thread(newcomer, premoderated)
    assert len(list_pending_posts([premoderated.id])) == 1
    second = reply(newcomer, thread)
    threads.do_delete_post(newcomer, second.id)
    assert [p.id for p in list_pending_posts(None)] == [_first.id]
    assert db.session.scalar(select(Post.pending).where(Post.id == second.id))


def test_a_reply_in_a_waiting_thread_waits_for_the_thread(
    newcomer: User, moderator: User, premoderated: Workspace,
) -> None:
    thread, first = make_thread(newcomer, premoderated)
    second = reply(newcomer, thread)
    with pytest.raises(Conflict):
        moderation.do_approve_post(moderator, second.id)
    assert [e.audience for e in events(premoderated, "post.created")] == ["moderators", "moderators"]
    moderation.do_approve_post(moderator, first.id)
    moderation.do_approve_post(moderator, second.id)
    db.session.refresh(second)
    assert not second.pending
    assert last_event(premoderated, "post.created").payload["id"] == second.id


def test_hiding_and_restoring_a_waiting_post_is_told_only_to_moderators(
    newcomer: User, moderator: User, premoderated: Workspace,
) -> None:
    thread, _first = make_thread(moderator, premoderated)
    waiting = reply(newcomer, thread, "Salaisuus")
    moderation.do_hide_post(moderator, waiting.id, "Ei")
    assert last_event(premoderated, "post.hidden").audience == "moderators"
    moderation.do_restore_post(moderator, waiting.id)
    restored = last_event(premoderated, "post.updated")
    assert restored.audience == "moderators" and restored.payload["body"] == "Salaisuus"


def test_purging_a_waiting_thread_is_told_only_to_moderators(
    admin: User, newcomer: User, premoderated: Workspace,
) -> None:
    before = thread_count(premoderated)
    thread, _first = make_thread(newcomer, premoderated)
    moderation.do_purge_thread(admin, thread.id)
    assert last_event(premoderated, "thread.deleted").audience == "moderators"
    assert thread_count(premoderated) == before


def test_moderators_reply_in_a_waiting_thread_is_told_only_to_moderators(
    newcomer: User, moderator: User, premoderated: Workspace,
) -> None:
    thread, _first = make_thread(newcomer, premoderated)
    reply(moderator, thread, "Tervetuloa! Hyväksyn pian.")
    posted = last_event(premoderated, "post.created")
    assert posted.audience == "moderators", "the event names a thread that readers may not see"


def test_members_already_in_keep_posting_at_once_when_pre_moderation_is_turned_on(
    owner: User, member: User, workspace: Workspace,
) -> None:
    workspaces.do_update_workspace(owner, workspace.slug, premoderation=True)
    thread, first = make_thread(member, workspace)
    assert not thread.pending and not first.pending
    later = make_user("Myöhäinen Tulija")
    workspaces.do_join_workspace(later, workspace.slug)
    assert make_thread(later, workspace)[1].pending  # only newcomers wait
