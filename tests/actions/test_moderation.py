"""Moderating content: flags and dismissals, hiding and restoring posts, locking, pinning,
renaming and moving threads, and the admins' deleting for good."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import policy
from app.access import access_post, get_membership
from app.actions import moderation, threads
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Flag, FlagState, Post, Role, Thread, User, Workspace
from app.queries.moderation import count_review_items, list_open_flags
from app.queries.threads import list_threads
from tests.actions.helpers import audit_entries, events, last_audit, last_event, last_notice, notices
from tests.factories import add_member, make_thread, make_user, make_workspace, reply


@pytest.fixture
def post(other_member: User, workspace: Workspace) -> Post:
    """Someone else's post, for the member to report."""
    _thread, first = make_thread(other_member, workspace, body="Osta halpoja lämpöpumppuja!")
    return first


def body_visible_to(user: User, post: Post) -> bool:
    db.session.refresh(post)
    return policy.can_see_post_body(user, post, get_membership(user, post.thread.workspace_id))


# --- flags ---------------------------------------------------------------------------------------


def test_member_reports_a_post_to_the_moderators(member: User, post: Post, workspace: Workspace) -> None:
    flag = moderation.do_flag_post(member, post.id, "spam")
    assert flag.state == FlagState.OPEN and flag.reporter_id == member.id and flag.workspace_id == workspace.id
    event = last_event(workspace, "flag.created")
    assert event.audience == "moderators"
    assert event.payload == {"id": flag.id, "post_id": post.id, "thread_id": post.thread_id, "reason": "spam"}
    assert [f.id for f in list_open_flags([workspace.id])] == [flag.id]
    assert count_review_items(workspace) == 1


def test_reason_other_needs_words(member: User, post: Post) -> None:
    with pytest.raises(Invalid) as error:
        moderation.do_flag_post(member, post.id, "other", "  ")
    assert set(error.value.fields) == {"text"}
    flag = moderation.do_flag_post(member, post.id, "other", "Väärää tietoa hinnoista")
    assert flag.text == "Väärää tietoa hinnoista"


@pytest.mark.parametrize("reason", ["nasty", "", None, 1, "SPAM"])
def test_reason_must_be_one_of_the_list(member: User, post: Post, reason: object) -> None:
    with pytest.raises(Invalid) as error:
        moderation.do_flag_post(member, post.id, reason)
    assert "reason" in error.value.fields
    assert db.session.scalar(select(func.count()).select_from(Flag)) == 0


def test_report_text_has_a_length_limit(member: User, post: Post) -> None:
    with pytest.raises(Invalid) as error:
        moderation.do_flag_post(member, post.id, "other", "x" * 1001)
    assert set(error.value.fields) == {"text"}


def test_reporting_twice_is_a_conflict(member: User, post: Post, workspace: Workspace) -> None:
    moderation.do_flag_post(member, post.id, "spam")
    with pytest.raises(Conflict):
        moderation.do_flag_post(member, post.id, "inappropriate")
    assert len(list_open_flags([workspace.id])) == 1
    assert len(events(workspace, "flag.created")) == 1


def test_two_members_may_report_the_same_post(member: User, moderator: User, post: Post,
                                              workspace: Workspace) -> None:
    moderation.do_flag_post(member, post.id, "spam")
    moderation.do_flag_post(moderator, post.id, "off_topic")
    assert len(list_open_flags([workspace.id])) == 2


def test_own_post_cannot_be_reported(other_member: User, post: Post) -> None:
    with pytest.raises(Forbidden):
        moderation.do_flag_post(other_member, post.id, "spam")


def test_deleted_post_cannot_be_reported(member: User, other_member: User, post: Post) -> None:
    threads.do_delete_post(other_member, post.id)
    with pytest.raises(Forbidden):
        moderation.do_flag_post(member, post.id, "spam")


def test_hidden_post_cannot_be_reported(member: User, moderator: User, post: Post) -> None:
    moderation.do_hide_post(moderator, post.id, "Mainos")
    with pytest.raises(Forbidden):
        moderation.do_flag_post(member, post.id, "spam")


def test_non_member_cannot_report(outsider: User, post: Post) -> None:
    with pytest.raises(Forbidden):
        moderation.do_flag_post(outsider, post.id, "spam")


def test_outsider_reporting_in_a_private_workspace_is_not_told_it_exists(
    outsider: User, other_member: User, private_workspace: Workspace,
) -> None:
    _thread, first = make_thread(other_member, private_workspace)
    with pytest.raises(NotFound):
        moderation.do_flag_post(outsider, first.id, "spam")


def test_moderator_dismisses_a_report(member: User, moderator: User, post: Post, workspace: Workspace) -> None:
    flag = moderation.do_flag_post(member, post.id, "spam")
    moderation.do_dismiss_flag(moderator, flag.id)
    db.session.refresh(flag)
    assert flag.state == FlagState.DISMISSED and flag.resolved_by_id == moderator.id
    entry = last_audit("flag.dismissed")
    assert entry.target_id == post.id and entry.workspace_id == workspace.id
    assert entry.details == {"flag_reason": "spam"} and entry.reason == ""
    resolved = last_event(workspace, "flag.resolved")
    assert resolved.audience == "moderators" and resolved.payload["ids"] == [flag.id]
    assert list_open_flags([workspace.id]) == []
    db.session.refresh(post)
    assert post.hidden_at is None


def test_dismissing_twice_is_a_conflict(member: User, moderator: User, post: Post) -> None:
    flag = moderation.do_flag_post(member, post.id, "spam")
    moderation.do_dismiss_flag(moderator, flag.id)
    with pytest.raises(Conflict):
        moderation.do_dismiss_flag(moderator, flag.id)
    assert len(audit_entries("flag.dismissed")) == 1


def test_non_moderator_dismissing_is_not_told_the_report_exists(
    member: User, other_member: User, facilitator: User, outsider: User, post: Post,
) -> None:
    flag = moderation.do_flag_post(member, post.id, "spam")
    for actor in (member, other_member, facilitator, outsider):
        with pytest.raises(NotFound):
            moderation.do_dismiss_flag(actor, flag.id)
    db.session.refresh(flag)
    assert flag.state == FlagState.OPEN


def test_network_queue_is_for_everything(member: User, owner: User, post: Post, workspace: Workspace) -> None:
    elsewhere = make_workspace(owner, name="Vesi")
    add_member(elsewhere, member)
    _thread, there = make_thread(owner, elsewhere)
    moderation.do_flag_post(member, post.id, "spam")
    moderation.do_flag_post(member, there.id, "off_topic")
    assert len(list_open_flags(None)) == 2
    assert [f.post_id for f in list_open_flags([elsewhere.id])] == [there.id]


# --- hiding and restoring ------------------------------------------------------------------------


def test_hiding_needs_a_reason(moderator: User, post: Post) -> None:
    with pytest.raises(Invalid) as error:
        moderation.do_hide_post(moderator, post.id, "   ")
    assert set(error.value.fields) == {"reason"}
    db.session.refresh(post)
    assert post.hidden_at is None


def test_hidden_post_is_seen_only_by_its_author_and_the_moderators(
    moderator: User, member: User, other_member: User, owner: User, post: Post, workspace: Workspace,
) -> None:
    moderation.do_hide_post(moderator, post.id, "Mainontaa")
    assert not body_visible_to(member, post)
    assert body_visible_to(other_member, post)  # the author, who also sees why
    assert post.hidden_reason == "Mainontaa"
    assert body_visible_to(owner, post) and body_visible_to(moderator, post)
    event = last_event(workspace, "post.hidden")
    assert event.audience == "all"
    assert event.payload == {"id": post.id, "thread_id": post.thread_id}  # no text in it
    assert last_notice(other_member, "post.hidden")["reason"] == "Mainontaa"
    entry = last_audit("post.hidden")
    assert entry.reason == "Mainontaa" and entry.target_id == post.id and "lämpöpumppuja" in entry.target_label


def test_hiding_closes_the_open_reports_as_acted_on(
    moderator: User, member: User, owner: User, post: Post, workspace: Workspace,
) -> None:
    first = moderation.do_flag_post(member, post.id, "spam")
    second = moderation.do_flag_post(owner, post.id, "inappropriate")
    moderation.do_hide_post(moderator, post.id, "Mainontaa")
    for flag in (first, second):
        db.session.refresh(flag)
        assert flag.state == FlagState.ACTIONED and flag.resolved_by_id == moderator.id
    assert sorted(last_event(workspace, "flag.resolved").payload["ids"]) == sorted([first.id, second.id])
    assert list_open_flags([workspace.id]) == []


def test_author_cannot_edit_a_hidden_post(moderator: User, other_member: User, post: Post) -> None:
    moderation.do_hide_post(moderator, post.id, "Mainontaa")
    with pytest.raises(Forbidden):
        threads.do_edit_post(other_member, post.id, "Korjattu versio")


def test_hiding_twice_is_a_conflict(moderator: User, post: Post) -> None:
    moderation.do_hide_post(moderator, post.id, "Mainontaa")
    with pytest.raises(Conflict):
        moderation.do_hide_post(moderator, post.id, "Taas")


@pytest.mark.parametrize("actor_name", ["member", "facilitator"])
def test_only_moderators_hide(actor_name: str, member: User, facilitator: User, post: Post) -> None:
    with pytest.raises(Forbidden):
        moderation.do_hide_post(member if actor_name == "member" else facilitator, post.id, "En pidä")


def test_admin_hides_anywhere(admin: User, post: Post) -> None:
    moderation.do_hide_post(admin, post.id, "Lainvastainen")
    db.session.refresh(post)
    assert post.hidden_at is not None


def test_restore_shows_the_text_again(moderator: User, member: User, other_member: User, post: Post,
                                      workspace: Workspace) -> None:
    moderation.do_hide_post(moderator, post.id, "Mainontaa")
    moderation.do_restore_post(moderator, post.id)
    assert body_visible_to(member, post) and post.hidden_reason == ""
    event = last_event(workspace, "post.updated")
    assert event.payload["id"] == post.id and event.payload["body"] == post.body and event.payload["html"]
    assert last_audit("post.restored").target_id == post.id
    assert notices(other_member, "post.restored")


def test_restoring_a_visible_post_is_a_conflict(moderator: User, post: Post) -> None:
    with pytest.raises(Conflict):
        moderation.do_restore_post(moderator, post.id)


def test_moderator_hiding_own_post_is_not_notified(moderator: User, workspace: Workspace) -> None:
    _thread, own = make_thread(moderator, workspace)
    moderation.do_hide_post(moderator, own.id, "Väärä ketju")
    assert notices(moderator) == []


# --- locking, pinning, renaming ------------------------------------------------------------------


def test_locked_thread_takes_replies_only_from_moderators(
    moderator: User, member: User, other_member: User, workspace: Workspace,
) -> None:
    thread, _ = make_thread(other_member, workspace)
    moderation.do_update_thread(moderator, thread.id, locked=True)
    with pytest.raises(Forbidden):
        reply(member, thread)
    with pytest.raises(Forbidden):
        reply(other_member, thread)
    assert reply(moderator, thread).number == 2
    assert last_audit("thread.locked").target_id == thread.id
    assert last_event(workspace, "thread.updated").payload["locked"] is True
    moderation.do_update_thread(moderator, thread.id, locked=False)
    assert reply(member, thread).number == 3
    assert last_audit("thread.unlocked").target_id == thread.id


def test_pinned_threads_come_first(moderator: User, member: User, workspace: Workspace) -> None:
    older, _ = make_thread(member, workspace, title="Vanha ketju")
    newer, _ = make_thread(member, workspace, title="Uusi ketju")
    assert [t.id for t in list_threads(workspace).items] == [newer.id, older.id]
    moderation.do_update_thread(moderator, older.id, pinned=True)
    assert [t.id for t in list_threads(workspace).items] == [older.id, newer.id]
    assert last_audit("thread.pinned").target_id == older.id


@pytest.mark.parametrize("change", [{"locked": True}, {"pinned": True}])
def test_members_neither_lock_nor_pin(member: User, workspace: Workspace, change: dict[str, object]) -> None:
    thread, _ = make_thread(member, workspace)
    with pytest.raises(Forbidden):
        moderation.do_update_thread(member, thread.id, **change)


def test_author_renames_own_thread_without_an_audit_entry(member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace, title="Lämpöpumput")
    moderation.do_update_thread(member, thread.id, title="Lämpöpumput kouluihin")
    assert thread.title == "Lämpöpumput kouluihin"
    assert last_event(workspace, "thread.updated").payload["title"] == "Lämpöpumput kouluihin"
    assert audit_entries("thread.renamed") == []


def test_moderator_renaming_someone_elses_thread_is_audited(
    moderator: User, member: User, workspace: Workspace,
) -> None:
    thread, _ = make_thread(member, workspace, title="OSTA NYT!!!")
    moderation.do_update_thread(moderator, thread.id, title="Lämpöpumppujen hinnat")
    entry = last_audit("thread.renamed")
    assert entry.details == {"old": "OSTA NYT!!!", "new": "Lämpöpumppujen hinnat"} and entry.actor_id == moderator.id


def test_moderator_renaming_own_thread_is_not_audited(moderator: User, workspace: Workspace) -> None:
    thread, _ = make_thread(moderator, workspace, title="Ohjeet")
    moderation.do_update_thread(moderator, thread.id, title="Ohjeet uusille")
    assert audit_entries("thread.renamed") == []


def test_member_cannot_rename_someone_elses_thread(member: User, other_member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(other_member, workspace, title="Alkuperäinen")
    with pytest.raises(Forbidden):
        moderation.do_update_thread(member, thread.id, title="Minun otsikkoni")
    db.session.refresh(thread)
    assert thread.title == "Alkuperäinen"


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": "x"}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"locked": "yes"}, "locked"),
    ({"pinned": 1}, "pinned"),
    ({"author_id": 1}, "author_id"),
])
def test_thread_changes_are_checked(moderator: User, member: User, workspace: Workspace,
                                    changes: dict[str, object], field: str) -> None:
    thread, _ = make_thread(member, workspace)
    with pytest.raises(Invalid) as error:
        moderation.do_update_thread(moderator, thread.id, **changes)
    assert field in error.value.fields


def test_nothing_changed_records_nothing(moderator: User, member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    before = len(events(workspace))
    moderation.do_update_thread(moderator, thread.id, locked=False, pinned=False, title=thread.title)
    assert len(events(workspace)) == before and audit_entries() == []


# --- moving ------------------------------------------------------------------------------------


def thread_count(ws: Workspace) -> int:
    db.session.refresh(ws)
    return ws.thread_count


@pytest.fixture
def target(owner: User, moderator: User) -> Workspace:
    """Another workspace the moderator moderates."""
    ws = make_workspace(owner, name="Rakennukset")
    add_member(ws, moderator, Role.MODERATOR)
    return ws


def test_moving_a_thread_to_another_workspace_one_moderates(
    moderator: User, member: User, other_member: User, workspace: Workspace, target: Workspace,
) -> None:
    thread, first = make_thread(other_member, workspace)
    flag = moderation.do_flag_post(member, first.id, "off_topic")
    before_source, before_target = thread_count(workspace), thread_count(target)
    moderation.do_update_thread(moderator, thread.id, workspace=target.slug)
    db.session.refresh(thread)
    assert thread.workspace_id == target.id
    assert thread_count(workspace) == before_source - 1 and thread_count(target) == before_target + 1
    moved = last_event(workspace, "thread.moved")
    assert moved.payload == {"id": thread.id, "to": {"slug": target.slug, "name": target.name}}
    assert last_event(target, "thread.created").payload["id"] == thread.id
    db.session.refresh(flag)
    assert flag.workspace_id == target.id
    assert [f.id for f in list_open_flags([target.id])] == [flag.id]
    assert list_open_flags([workspace.id]) == []
    assert [e.workspace_id for e in audit_entries("thread.moved")] == [workspace.id, target.id]
    assert [t.id for t in list_threads(target).items] == [thread.id]
    assert list_threads(workspace).items == []


@pytest.mark.parametrize(("source_visibility", "target_visibility"),
                         [("network", "private"), ("public", "network"), ("private", "private")])
def test_moving_where_some_readers_may_not_follow_does_not_name_the_place(
    owner: User, moderator: User, member: User, workspace: Workspace, public_workspace: Workspace,
    private_workspace: Workspace, source_visibility: str, target_visibility: str,
) -> None:
    """A private place is named to no one (not even to a private source's members, who need not be
    its members); a network one not to a public workspace's anonymous readers."""
    source = {"public": public_workspace, "network": workspace, "private": private_workspace}[source_visibility]
    hidden = make_workspace(owner, visibility=target_visibility, name="Johtoryhmä")
    add_member(hidden, moderator, Role.MODERATOR)
    thread, _ = make_thread(member, source)
    moderation.do_update_thread(moderator, thread.id, workspace=hidden.slug)
    assert last_event(source, "thread.moved").payload == {"id": thread.id, "to": None}
    if target_visibility == "private":
        with pytest.raises(NotFound):
            access_post(member, thread.last_post_id or 0)


def test_moving_into_a_workspace_one_does_not_moderate_is_refused(
    owner: User, moderator: User, member: User, workspace: Workspace,
) -> None:
    elsewhere = make_workspace(owner, name="Muu")
    add_member(elsewhere, moderator)  # a plain member there
    thread, _ = make_thread(member, workspace)
    with pytest.raises(Forbidden):
        moderation.do_update_thread(moderator, thread.id, workspace=elsewhere.slug)
    db.session.refresh(thread)
    assert thread.workspace_id == workspace.id
    assert audit_entries() == []


def test_moving_into_an_invisible_workspace_is_not_found(
    owner: User, moderator: User, member: User, workspace: Workspace,
) -> None:
    secret = make_workspace(owner, visibility="private", name="Salainen")
    thread, _ = make_thread(member, workspace)
    for slug in (secret.slug, "ei-ole-olemassa", "Ei kelpaa!", 42):
        with pytest.raises(NotFound):
            moderation.do_update_thread(moderator, thread.id, workspace=slug)


def test_moving_into_an_archived_workspace_is_refused(
    owner: User, moderator: User, member: User, workspace: Workspace, target: Workspace,
) -> None:
    from app.actions.workspaces import do_update_workspace

    do_update_workspace(owner, target.slug, archived=True)
    thread, _ = make_thread(member, workspace)
    with pytest.raises(Forbidden):
        moderation.do_update_thread(moderator, thread.id, workspace=target.slug)


def test_moving_to_where_it_already_is_changes_nothing(moderator: User, member: User,
                                                       workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    before = thread_count(workspace)
    moderation.do_update_thread(moderator, thread.id, workspace=workspace.slug)
    assert thread_count(workspace) == before and events(workspace, "thread.moved") == []


def test_member_cannot_move(member: User, workspace: Workspace, target: Workspace) -> None:
    add_member(target, member)
    thread, _ = make_thread(member, workspace)
    with pytest.raises(Forbidden):
        moderation.do_update_thread(member, thread.id, workspace=target.slug)


# --- deleting for good -------------------------------------------------------------------------


@pytest.mark.parametrize("actor_name", ["member", "moderator", "owner"])
def test_only_admins_delete_for_good(actor_name: str, member: User, moderator: User, owner: User,
                                     workspace: Workspace) -> None:
    actor = {"member": member, "moderator": moderator, "owner": owner}[actor_name]
    thread, first = make_thread(member, workspace)
    with pytest.raises(Forbidden):
        moderation.do_purge_thread(actor, thread.id)
    with pytest.raises(Forbidden):
        moderation.do_purge_post(actor, first.id)
    assert db.session.get(Thread, thread.id) is not None


def test_purged_thread_is_gone_but_its_audit_entry_stays(
    admin: User, member: User, other_member: User, workspace: Workspace,
) -> None:
    thread, first = make_thread(member, workspace, title="Laiton sisältö")
    second = reply(other_member, thread)
    moderation.do_flag_post(other_member, first.id, "inappropriate")
    before = thread_count(workspace)
    thread_id, post_ids = thread.id, [first.id, second.id]
    moderation.do_purge_thread(admin, thread_id, "Tekijänoikeusloukkaus")
    db.session.expire_all()
    assert db.session.get(Thread, thread_id) is None
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.id.in_(post_ids))) == 0
    assert db.session.scalar(select(func.count()).select_from(Flag)) == 0
    assert thread_count(workspace) == before - 1
    entry = last_audit("thread.purged")
    assert (entry.target_id, entry.target_label, entry.reason) == (thread_id, "Laiton sisältö",
                                                                    "Tekijänoikeusloukkaus")
    assert last_event(workspace, "thread.deleted").payload == {"id": thread_id}


def test_purged_post_keeps_the_numbering(admin: User, member: User, other_member: User,
                                         workspace: Workspace) -> None:
    thread, _first = make_thread(member, workspace)
    second = reply(other_member, thread, "Poistettava")
    quoting = threads.do_post_reply(member, thread.id, "Lainaan", reply_to=second.id)
    second_id = second.id
    moderation.do_purge_post(admin, second_id, "Henkilötietoja")
    db.session.expire_all()
    assert db.session.get(Post, second_id) is None
    assert db.session.get(Post, quoting.id).reply_to_id is None
    assert reply(member, thread).number == 4
    numbers = db.session.scalars(select(Post.number).where(Post.thread_id == thread.id).order_by(Post.number))
    assert list(numbers) == [1, 3, 4]
    assert last_audit("post.purged").target_label == "Poistettava"
    payload = last_event(workspace, "post.deleted").payload
    assert payload == {"id": second_id, "thread_id": thread.id, "purged": True}


def test_outsider_cannot_hide_in_a_private_workspace(outsider: User, other_member: User,
                                                     private_workspace: Workspace) -> None:
    _thread, first = make_thread(other_member, private_workspace)
    stranger = make_user("Vieras")
    for actor in (outsider, stranger):
        with pytest.raises(NotFound):
            moderation.do_hide_post(actor, first.id, "Ei")


def test_threads_move_only_between_workspaces_one_moderates(
    owner: User, moderator: User, admin: User, workspace: Workspace, target: Workspace,
) -> None:
    from app.actions.workspaces import do_update_workspace
    from app.queries.moderation import moderated_workspaces

    plain = make_workspace(owner, name="Tavallinen")
    add_member(plain, moderator)
    assert {w.id for w in moderated_workspaces(moderator)} == {workspace.id, target.id}
    assert {w.id for w in moderated_workspaces(admin)} == {workspace.id, target.id, plain.id}
    do_update_workspace(owner, target.slug, archived=True)
    assert {w.id for w in moderated_workspaces(moderator)} == {workspace.id}


def test_a_report_on_a_post_deleted_meanwhile_leaves_the_queue(
    member: User, moderator: User, post: Post, workspace: Workspace,
) -> None:
    moderation.do_flag_post(member, post.id, "spam")
    assert count_review_items(workspace) == 1
    threads.do_delete_post(moderator, post.id)
    assert list_open_flags([workspace.id]) == []
    assert count_review_items(workspace) == 0
