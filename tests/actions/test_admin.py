"""Site admins suspend and reinstate accounts network-wide."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from app.actions import accounts, threads
from app.actions import admin as admin_actions
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Post, User, UserSession, Workspace
from tests.actions.helpers import audit_entries, last_audit, membership_of
from tests.factories import PASSWORD, make_thread, make_user, token_for


def test_suspension_ends_sessions_tokens_and_sockets(
    admin: User, member: User, workspace: Workspace, socket_orders: list[dict[str, Any]],
) -> None:
    key = accounts.do_start_session(member, "Firefox")
    token = token_for(member)
    assert accounts.load_session_user(key) is not None and accounts.load_token_user(token) is not None
    admin_actions.do_suspend(admin, member.id, "Roskapostia kaikkialla")
    assert not member.is_active and member.suspended_reason == "Roskapostia kaikkialla"
    assert accounts.load_session_user(key) is None
    assert accounts.load_token_user(token) is None
    assert db.session.scalar(select(func.count()).select_from(UserSession).where(UserSession.user_id == member.id)) == 0
    with pytest.raises(Forbidden) as refused:  # told why, since they know the password
        accounts.check_credentials(member.email, PASSWORD)
    assert "Roskapostia kaikkialla" in refused.value.message
    assert accounts.check_credentials(member.email, "väärä salasana") is None
    assert {"op": "disconnect", "room": f"user:{member.id}"} in socket_orders
    entry = last_audit("user.suspended")
    assert entry.workspace_id is None and entry.actor_id == admin.id and entry.target_id == member.id
    assert entry.reason == "Roskapostia kaikkialla"


def test_suspended_user_keeps_membership_and_posts_but_cannot_act(
    admin: User, member: User, workspace: Workspace,
) -> None:
    thread, first = make_thread(member, workspace)
    admin_actions.do_suspend(admin, member.id, "Häiriköinti")
    assert membership_of(member, workspace) is not None
    assert db.session.get(Post, first.id) is not None
    with pytest.raises((Forbidden, NotFound)):
        threads.do_post_reply(member, thread.id, "Vielä")


def test_sessions_of_others_are_untouched(admin: User, member: User, other_member: User) -> None:
    key = accounts.do_start_session(other_member)
    admin_actions.do_suspend(admin, member.id, "Häiriköinti")
    assert accounts.load_session_user(key) is not None


def test_reinstated_user_signs_in_again(admin: User, member: User) -> None:
    admin_actions.do_suspend(admin, member.id, "Häiriköinti")
    admin_actions.do_reinstate(admin, member.id)
    assert member.is_active and member.suspended_reason == ""
    assert accounts.check_credentials(member.email, PASSWORD) is not None
    key = accounts.do_start_session(member)
    assert accounts.load_session_user(key) is not None
    entry = last_audit("user.reinstated")
    assert entry.workspace_id is None and entry.target_id == member.id


def test_admin_cannot_suspend_self(admin: User) -> None:
    with pytest.raises(Conflict):
        admin_actions.do_suspend(admin, admin.id, "Lomalle")
    assert admin.is_active and audit_entries() == []


@pytest.mark.parametrize("actor_name", ["owner", "moderator", "member"])
def test_only_admins_suspend(actor_name: str, owner: User, moderator: User, member: User, other_member: User,
                             workspace: Workspace) -> None:
    actor = {"owner": owner, "moderator": moderator, "member": member}[actor_name]
    with pytest.raises(Forbidden):
        admin_actions.do_suspend(actor, other_member.id, "Häiriköinti")
    assert other_member.is_active


def test_only_admins_reinstate(admin: User, owner: User, member: User) -> None:
    admin_actions.do_suspend(admin, member.id, "Häiriköinti")
    with pytest.raises(Forbidden):
        admin_actions.do_reinstate(owner, member.id)
    db.session.refresh(member)
    assert not member.is_active


def test_suspension_needs_a_reason(admin: User, member: User) -> None:
    with pytest.raises(Invalid) as error:
        admin_actions.do_suspend(admin, member.id, "")
    assert set(error.value.fields) == {"reason"}
    assert member.is_active


def test_suspending_twice_is_a_conflict(admin: User, member: User) -> None:
    admin_actions.do_suspend(admin, member.id, "Häiriköinti")
    with pytest.raises(Conflict):
        admin_actions.do_suspend(admin, member.id, "Taas")
    assert len(audit_entries("user.suspended")) == 1


def test_reinstating_an_active_account_is_a_conflict(admin: User, member: User) -> None:
    with pytest.raises(Conflict):
        admin_actions.do_reinstate(admin, member.id)


def test_unknown_account_is_not_found(admin: User) -> None:
    with pytest.raises(NotFound):
        admin_actions.do_suspend(admin, 999_999, "Kuka?")
    with pytest.raises(NotFound):
        admin_actions.do_reinstate(admin, 999_999)


def test_suspended_admin_is_no_admin(admin: User, member: User) -> None:
    other_admin = admin
    second = make_user("Toinen Admin", admin=True)
    admin_actions.do_suspend(second, other_admin.id, "Tili vuoti")
    db.session.refresh(other_admin)
    with pytest.raises(Forbidden):
        admin_actions.do_suspend(other_admin, member.id, "Kosto")


def test_admins_find_people_by_name_email_or_organisation(admin: User, member: User, other_member: User) -> None:
    from app.queries.moderation import list_users

    make_user("Pekka Prosentti", email="pekka_p@example.fi", organisation="100% Energia Oy")
    assert [u.display_name for u in list_users("minna").items] == ["Minna Jäsen"]
    assert [u.email for u in list_users("OTHER@").items] == [other_member.email]
    assert [u.display_name for u in list_users("100%").items] == ["Pekka Prosentti"]
    assert [u.display_name for u in list_users("a_p").items] == ["Pekka Prosentti"]
    for wildcard in ("%", "_"):  # taken literally, not as LIKE patterns
        assert [u.display_name for u in list_users(wildcard).items] == ["Pekka Prosentti"]
    everyone = list_users(limit=2)
    assert len(everyone.items) == 2 and everyone.next is not None
    rest = list_users(cursor=everyone.next, limit=100).items
    assert {u.id for u in everyone.items}.isdisjoint({u.id for u in rest})
    assert len(everyone.items) + len(rest) == 4
