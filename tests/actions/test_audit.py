"""The audit log: written with each moderator's and admin's action, never changed, read by filter."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, select

from app.actions import admin as admin_actions
from app.actions import membership, moderation
from app.actions.audit import audit
from app.actions.unit import transactional
from app.extensions import db
from app.models import AuditEntry, AuditLogIsAppendOnly, User, Workspace
from app.queries.moderation import AuditView, audit_actions, list_audit
from tests.actions.helpers import audit_entries, last_audit, set_attributes
from tests.factories import make_thread, make_workspace


@pytest.fixture
def entry(moderator: User, member: User, workspace: Workspace) -> AuditEntry:
    membership.do_ban(moderator, workspace.slug, member.id, "Häiriköinti")
    return last_audit("member.banned")


def test_an_entry_cannot_be_changed(entry: AuditEntry) -> None:
    with pytest.raises(AuditLogIsAppendOnly):
        set_attributes(entry, reason="Ei mitään")
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id).reason == "Häiriköinti"


def test_an_entry_cannot_be_deleted(entry: AuditEntry) -> None:
    @transactional
    def remove() -> None:
        db.session.delete(entry)

    with pytest.raises(AuditLogIsAppendOnly):
        remove()
    db.session.expire_all()
    assert db.session.get(AuditEntry, entry.id) is not None


def test_entry_outlives_the_workspace_and_the_actor(entry: AuditEntry, workspace: Workspace,
                                                    moderator: User) -> None:
    entry_id = entry.id

    @transactional
    def remove_both() -> None:
        db.session.execute(delete(Workspace).where(Workspace.id == workspace.id))
        db.session.execute(delete(User).where(User.id == moderator.id))

    remove_both()
    db.session.expire_all()
    kept = db.session.get(AuditEntry, entry_id)
    assert kept is not None and kept.workspace_id is None and kept.actor_id is None
    assert kept.target_label and kept.reason == "Häiriköinti"


def _actions(page: list[AuditView]) -> list[str]:
    return [e.action for e in page]


def test_filtered_by_kind_of_action(moderator: User, member: User, other_member: User,
                                    workspace: Workspace) -> None:
    membership.do_ban(moderator, workspace.slug, member.id)
    membership.do_unban(moderator, workspace.slug, member.id)
    membership.do_remove_member(moderator, workspace.slug, other_member.id)
    thread, _ = make_thread(moderator, workspace)
    moderation.do_update_thread(moderator, thread.id, locked=True)
    assert _actions(list_audit(workspace.id, viewer=moderator).items) == [
        "thread.locked", "member.removed", "member.unbanned", "member.banned"]
    assert _actions(list_audit(workspace.id, viewer=moderator, action="member").items) == [
        "member.removed", "member.unbanned", "member.banned"]
    assert _actions(list_audit(workspace.id, viewer=moderator, action="member.banned").items) == ["member.banned"]
    assert list_audit(workspace.id, viewer=moderator, action="mem").items == []  # whole words, not any prefix
    assert audit_actions(workspace.id) == ["member.banned", "member.removed", "member.unbanned", "thread.locked"]


def test_prefix_is_taken_literally(moderator: User, workspace: Workspace) -> None:
    @transactional
    def write() -> None:
        audit(moderator, "joinXrequest.approved", "user", 1, "x", workspace)
        audit(moderator, "join_request.approved", "user", 1, "x", workspace)

    write()
    found = list_audit(workspace.id, viewer=moderator, action="join_request").items
    assert _actions(found) == ["join_request.approved"]


def test_filtered_by_actor(owner: User, moderator: User, member: User, other_member: User,
                           workspace: Workspace) -> None:
    membership.do_remove_member(moderator, workspace.slug, member.id)
    membership.do_remove_member(owner, workspace.slug, other_member.id)
    by_moderator = list_audit(workspace.id, viewer=moderator, actor_id=moderator.id).items
    by_owner = list_audit(workspace.id, viewer=moderator, actor_id=owner.id).items
    assert [e.target_id for e in by_moderator] == [member.id]
    assert [e.target_id for e in by_owner] == [other_member.id]


def test_pages_follow_the_cursor(moderator: User, member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    for _ in range(3):
        moderation.do_update_thread(moderator, thread.id, pinned=True)
        moderation.do_update_thread(moderator, thread.id, pinned=False)
    everything = [e.id for e in list_audit(workspace.id, viewer=moderator, limit=100).items]
    assert len(everything) == 6 and everything == sorted(everything, reverse=True)
    seen: list[int] = []
    cursor = None
    while True:
        page = list_audit(workspace.id, cursor, limit=4, viewer=moderator)
        seen += [e.id for e in page.items]
        if page.next is None:
            break
        cursor = page.next
    assert seen == everything


def test_each_workspace_sees_its_own_and_admins_see_all(
    admin: User, owner: User, moderator: User, member: User, other_member: User, workspace: Workspace,
) -> None:
    elsewhere = make_workspace(owner, name="Muualla")
    membership.do_ban(owner, elsewhere.slug, other_member.id)
    membership.do_ban(moderator, workspace.slug, member.id)
    admin_actions.do_suspend(admin, other_member.id, "Roskapostia")
    assert _actions(list_audit(workspace.id, viewer=moderator).items) == ["member.banned"]
    assert [e.workspace.id for e in list_audit(elsewhere.id, viewer=owner).items] == [elsewhere.id]
    network = list_audit(None, network=True, viewer=admin).items
    assert _actions(network) == ["user.suspended", "member.banned", "member.banned"]
    assert len(audit_entries()) == 3


def test_a_refused_action_leaves_no_entry(member: User, owner: User, workspace: Workspace) -> None:
    with pytest.raises(Exception):  # noqa: B017 - refused one way or another
        membership.do_ban(member, workspace.slug, owner.id)
    assert db.session.scalars(select(AuditEntry)).all() == []
