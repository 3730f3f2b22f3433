"""Membership: roles within their limits, join requests, removal, bans and unbans."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.access import access_workspace
from app.actions import membership, threads, workspaces
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import MembershipState, Role, User, Workspace
from app.queries.moderation import list_banned, list_join_requests
from tests.actions.helpers import (
    at_once,
    audit_entries,
    events,
    last_audit,
    last_event,
    last_notice,
    member_count,
    membership_of,
    notices,
)
from tests.factories import add_member, make_thread, make_user, make_workspace

# --- roles ---------------------------------------------------------------------------------------


def test_owner_makes_a_member_moderator(owner: User, member: User, workspace: Workspace) -> None:
    membership.do_change_role(owner, workspace.slug, member.id, "moderator")
    assert membership_of(member, workspace).role == Role.MODERATOR
    event = last_event(workspace, "member.updated")
    assert event.payload["user"]["id"] == member.id and event.payload["role"] == "moderator"
    assert event.audience == "people"  # signed-in readers: anonymous ones do not see the members
    entry = last_audit("member.role_changed")
    assert (entry.actor_id, entry.target_id, entry.workspace_id) == (owner.id, member.id, workspace.id)
    assert entry.details == {"old": "member", "new": "moderator"}
    assert last_notice(member, "member.role_changed")["role"] == "moderator"


def _person_with_role(ws: Workspace, role: str) -> User:
    person = make_user(f"Kohde {role}")
    add_member(ws, person, role)
    return person


def _actor(name: str, owner: User, moderator: User, facilitator: User, member: User, admin: User) -> User:
    return {"owner": owner, "moderator": moderator, "facilitator": facilitator, "member": member,
            "admin": admin}[name]


# Who may give whom which role. The workspace always has a second owner besides the fixture's
# owner when the target is an owner, so the last-owner rule (tested on its own) stays out of it.
ROLE_CHANGES = [
    # actor, target's role, new role, allowed
    ("moderator", "member", "facilitator", True),
    ("moderator", "member", "moderator", True),  # up to one's own role
    ("moderator", "member", "owner", False),  # never above it
    ("moderator", "facilitator", "member", True),
    ("moderator", "moderator", "member", False),  # not one's peers
    ("moderator", "owner", "member", False),  # never the owner
    ("moderator", "owner", "moderator", False),
    ("owner", "member", "owner", True),
    ("owner", "moderator", "member", True),
    ("owner", "owner", "moderator", True),  # another owner, while one remains
    ("admin", "member", "owner", True),
    ("admin", "owner", "member", True),
    ("facilitator", "member", "facilitator", False),
    ("member", "member", "facilitator", False),
]


@pytest.mark.parametrize(("actor_name", "target_role", "new_role", "allowed"), ROLE_CHANGES)
def test_who_may_change_whose_role(
    actor_name: str, target_role: str, new_role: str, allowed: bool, owner: User, moderator: User,
    facilitator: User, member: User, admin: User, workspace: Workspace,
) -> None:
    actor = _actor(actor_name, owner, moderator, facilitator, member, admin)
    target = _person_with_role(workspace, target_role)
    if allowed:
        membership.do_change_role(actor, workspace.slug, target.id, new_role)
        assert membership_of(target, workspace).role == new_role
    else:
        with pytest.raises(Forbidden):
            membership.do_change_role(actor, workspace.slug, target.id, new_role)
        assert membership_of(target, workspace).role == target_role
        assert not audit_entries("member.role_changed")


def test_moderator_cannot_demote_the_owner(moderator: User, owner: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        membership.do_change_role(moderator, workspace.slug, owner.id, "member")
    assert membership_of(owner, workspace).role == Role.OWNER


def test_last_owner_cannot_step_down(owner: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        membership.do_change_role(owner, workspace.slug, owner.id, "moderator")
    assert membership_of(owner, workspace).role == Role.OWNER


def test_admin_cannot_demote_the_last_owner(admin: User, owner: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        membership.do_change_role(admin, workspace.slug, owner.id, "member")
    assert membership_of(owner, workspace).role == Role.OWNER


def test_owner_may_step_down_once_another_owner_exists(owner: User, member: User, workspace: Workspace) -> None:
    membership.do_change_role(owner, workspace.slug, member.id, "owner")
    membership.do_change_role(owner, workspace.slug, owner.id, "member")
    assert membership_of(owner, workspace).role == Role.MEMBER
    assert membership_of(member, workspace).role == Role.OWNER


def test_demoted_moderator_leaves_the_moderators_room(
    owner: User, moderator: User, workspace: Workspace, socket_orders: list[dict[str, Any]],
) -> None:
    membership.do_change_role(owner, workspace.slug, moderator.id, "member")
    assert [o for o in socket_orders if o["op"] == "leave" and o["user_id"] == moderator.id]
    assert not any(f"workspace:{workspace.id}" == room for o in socket_orders for room in o["rooms"])


@pytest.mark.parametrize("role", ["", None, "king", 3])
def test_role_must_be_a_known_one(owner: User, member: User, workspace: Workspace, role: object) -> None:
    with pytest.raises(Invalid) as error:
        membership.do_change_role(owner, workspace.slug, member.id, role)
    assert "role" in error.value.fields


def test_role_of_a_non_member_cannot_be_changed(owner: User, outsider: User, workspace: Workspace) -> None:
    with pytest.raises(NotFound):
        membership.do_change_role(owner, workspace.slug, outsider.id, "moderator")


def test_same_role_again_changes_nothing(owner: User, moderator: User, workspace: Workspace) -> None:
    before = len(events(workspace))
    membership.do_change_role(owner, workspace.slug, moderator.id, "moderator")
    assert len(events(workspace)) == before
    assert not audit_entries("member.role_changed")
    assert not notices(moderator, "member.role_changed")


def test_outsider_changing_roles_in_a_private_workspace_is_not_told_it_exists(
    outsider: User, member: User, private_workspace: Workspace,
) -> None:
    with pytest.raises(NotFound):
        membership.do_change_role(outsider, private_workspace.slug, member.id, "moderator")


# --- removing members ----------------------------------------------------------------------------


def test_moderator_removes_a_member(moderator: User, member: User, workspace: Workspace) -> None:
    before = member_count(workspace)
    membership.do_remove_member(moderator, workspace.slug, member.id, "Mainostaa")
    assert membership_of(member, workspace) is None
    assert member_count(workspace) == before - 1
    left = last_event(workspace, "member.left")
    assert left.payload["user"]["id"] == member.id and left.payload["member_count"] == before - 1
    entry = last_audit("member.removed")
    assert entry.reason == "Mainostaa" and entry.target_id == member.id and entry.details == {"role": "member"}
    assert last_notice(member, "member.removed")["reason"] == "Mainostaa"


def test_removed_member_may_join_again(moderator: User, member: User, workspace: Workspace) -> None:
    membership.do_remove_member(moderator, workspace.slug, member.id)
    assert workspaces.do_join_workspace(member, workspace.slug).state == MembershipState.ACTIVE


def test_moderator_cannot_remove_the_owner_or_another_moderator(
    moderator: User, owner: User, workspace: Workspace,
) -> None:
    peer = _person_with_role(workspace, Role.MODERATOR)
    for target in (owner, peer):
        with pytest.raises(Forbidden):
            membership.do_remove_member(moderator, workspace.slug, target.id)
        assert membership_of(target, workspace) is not None


def test_owner_removes_a_moderator(owner: User, moderator: User, workspace: Workspace) -> None:
    membership.do_remove_member(owner, workspace.slug, moderator.id)
    assert membership_of(moderator, workspace) is None


def test_admin_cannot_remove_the_last_owner(admin: User, owner: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        membership.do_remove_member(admin, workspace.slug, owner.id)
    assert membership_of(owner, workspace).role == Role.OWNER


def test_admin_removes_one_of_two_owners(admin: User, owner: User, member: User, workspace: Workspace) -> None:
    membership.do_change_role(owner, workspace.slug, member.id, "owner")
    membership.do_remove_member(admin, workspace.slug, owner.id)
    assert membership_of(owner, workspace) is None


def test_removing_oneself_is_not_removal(moderator: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        membership.do_remove_member(moderator, workspace.slug, moderator.id)


def test_last_owner_cannot_leave(owner: User, workspace: Workspace) -> None:
    with pytest.raises(Conflict):
        workspaces.do_leave_workspace(owner, workspace.slug)
    assert membership_of(owner, workspace).role == Role.OWNER


def test_removing_a_non_member_is_not_found(moderator: User, outsider: User, workspace: Workspace) -> None:
    with pytest.raises(NotFound):
        membership.do_remove_member(moderator, workspace.slug, outsider.id)


def test_member_cannot_remove_anyone(member: User, other_member: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        membership.do_remove_member(member, workspace.slug, other_member.id)


def test_member_removed_from_a_private_workspace_loses_its_live_rooms(
    moderator: User, member: User, private_workspace: Workspace, socket_orders: list[dict[str, Any]],
) -> None:
    membership.do_remove_member(moderator, private_workspace.slug, member.id)
    (order,) = [o for o in socket_orders if o["user_id"] == member.id]
    assert f"workspace:{private_workspace.id}" in order["rooms"]
    assert order["unsubscribed"] == private_workspace.slug


# --- join requests -------------------------------------------------------------------------------


@pytest.fixture
def request_workspace(owner: User, moderator: User) -> Workspace:
    ws = make_workspace(owner, join_policy="request", name="Liikenne")
    add_member(ws, moderator, Role.MODERATOR)
    return ws


def test_asking_to_join_queues_a_request_for_the_moderators(outsider: User, request_workspace: Workspace) -> None:
    before = member_count(request_workspace)
    asked = workspaces.do_join_workspace(outsider, request_workspace.slug, "Olen liikennesuunnittelija")
    assert asked.state == MembershipState.REQUESTED and asked.note == "Olen liikennesuunnittelija"
    assert member_count(request_workspace) == before
    event = last_event(request_workspace, "join_request.created")
    assert event.audience == "moderators"
    assert event.payload["message"] == "Olen liikennesuunnittelija"
    assert event.payload["user"]["id"] == outsider.id
    assert [r.user_id for r in list_join_requests(request_workspace)] == [outsider.id]
    with pytest.raises(Forbidden):
        threads.do_create_thread(outsider, request_workspace.slug, "Otsikko", "Vielä en ole jäsen")


def test_asking_twice_is_a_conflict(outsider: User, request_workspace: Workspace) -> None:
    workspaces.do_join_workspace(outsider, request_workspace.slug, "Hei")
    with pytest.raises(Conflict):
        workspaces.do_join_workspace(outsider, request_workspace.slug, "Hei taas")
    assert len(list_join_requests(request_workspace)) == 1


def test_approved_request_makes_an_active_member(
    moderator: User, outsider: User, request_workspace: Workspace,
) -> None:
    asked = workspaces.do_join_workspace(outsider, request_workspace.slug, "Hei")
    before = member_count(request_workspace)
    membership.do_approve_request(moderator, asked.id)
    now = membership_of(outsider, request_workspace)
    assert now.state == MembershipState.ACTIVE and now.role == Role.MEMBER
    assert member_count(request_workspace) == before + 1
    joined = last_event(request_workspace, "member.joined")
    assert joined.payload["user"]["id"] == outsider.id and joined.audience == "people"
    assert last_notice(outsider, "join_request.approved")["workspace"] == request_workspace.slug
    assert last_audit("join_request.approved").target_id == outsider.id
    assert list_join_requests(request_workspace) == []
    threads.do_create_thread(outsider, request_workspace.slug, "Otsikko", "Nyt olen jäsen")


def test_declined_request_is_gone_and_may_be_made_again(
    moderator: User, outsider: User, request_workspace: Workspace,
) -> None:
    asked = workspaces.do_join_workspace(outsider, request_workspace.slug, "Hei")
    membership.do_decline_request(moderator, asked.id, "Vain kuntien työntekijöille")
    assert membership_of(outsider, request_workspace) is None
    assert last_notice(outsider, "join_request.declined")["reason"] == "Vain kuntien työntekijöille"
    assert last_audit("join_request.declined").reason == "Vain kuntien työntekijöille"
    again = workspaces.do_join_workspace(outsider, request_workspace.slug, "Vaihdoin työpaikkaa")
    assert again.state == MembershipState.REQUESTED


def test_non_moderator_deciding_a_request_is_not_told_it_exists(
    owner: User, member: User, outsider: User, request_workspace: Workspace,
) -> None:
    add_member(request_workspace, member)
    asked = workspaces.do_join_workspace(outsider, request_workspace.slug, "Hei")
    for actor in (member, make_user("Joku Muu")):
        with pytest.raises(NotFound):
            membership.do_approve_request(actor, asked.id)
        with pytest.raises(NotFound):
            membership.do_decline_request(actor, asked.id)
    assert membership_of(outsider, request_workspace).state == MembershipState.REQUESTED


def test_a_decided_request_cannot_be_decided_again(
    moderator: User, outsider: User, request_workspace: Workspace,
) -> None:
    asked = workspaces.do_join_workspace(outsider, request_workspace.slug, "Hei")
    membership.do_approve_request(moderator, asked.id)
    with pytest.raises(NotFound):
        membership.do_approve_request(moderator, asked.id)
    with pytest.raises(NotFound):
        membership.do_decline_request(moderator, asked.id)


def test_an_active_membership_is_not_a_request(moderator: User, member: User, workspace: Workspace) -> None:
    with pytest.raises(NotFound):
        membership.do_decline_request(moderator, membership_of(member, workspace).id)
    assert membership_of(member, workspace) is not None


# --- bans ----------------------------------------------------------------------------------------


def test_ban_of_a_member(moderator: User, member: User, public_workspace: Workspace) -> None:
    before = member_count(public_workspace)
    membership.do_ban(moderator, public_workspace.slug, member.id, "Häiriköinti")
    banned = membership_of(member, public_workspace)
    assert banned.state == MembershipState.BANNED and banned.note == "Häiriköinti"
    assert member_count(public_workspace) == before - 1
    assert last_event(public_workspace, "member.left").payload["user"]["id"] == member.id
    assert last_event(public_workspace, "member.banned").audience == "moderators"
    entry = last_audit("member.banned")
    assert (entry.actor_id, entry.target_id, entry.reason) == (moderator.id, member.id, "Häiriköinti")
    assert last_notice(member, "member.banned")["reason"] == "Häiriköinti"
    assert [m.user_id for m in list_banned(public_workspace)] == [member.id]


def test_banned_member_loses_even_a_public_workspace(
    moderator: User, member: User, public_workspace: Workspace,
) -> None:
    thread, _ = make_thread(moderator, public_workspace)
    membership.do_ban(moderator, public_workspace.slug, member.id)
    with pytest.raises(NotFound):
        access_workspace(member, public_workspace.slug)
    with pytest.raises(NotFound):
        threads.do_post_reply(member, thread.id, "Vielä yksi")
    with pytest.raises(NotFound):
        workspaces.do_join_workspace(member, public_workspace.slug)


def test_banned_member_loses_live_rooms_after_commit(
    moderator: User, member: User, workspace: Workspace, socket_orders: list[dict[str, Any]],
) -> None:
    membership.do_ban(moderator, workspace.slug, member.id)
    (order,) = [o for o in socket_orders if o["user_id"] == member.id]
    assert order["op"] == "leave" and f"workspace:{workspace.id}" in order["rooms"]
    assert order["unsubscribed"] == workspace.slug


def test_ban_of_someone_who_is_not_a_member(
    moderator: User, outsider: User, workspace: Workspace,
) -> None:
    before = member_count(workspace)
    membership.do_ban(moderator, workspace.slug, outsider.id, "Roskapostia muualla")
    assert membership_of(outsider, workspace).state == MembershipState.BANNED
    assert member_count(workspace) == before
    assert not [e for e in events(workspace, "member.left") if e.payload["user"]["id"] == outsider.id]
    with pytest.raises(NotFound):
        workspaces.do_join_workspace(outsider, workspace.slug)


def test_banned_person_cannot_ask_to_join(owner: User, outsider: User) -> None:
    ws = make_workspace(owner, join_policy="request", visibility="public")
    membership.do_ban(owner, ws.slug, outsider.id)
    with pytest.raises(NotFound):
        workspaces.do_join_workspace(outsider, ws.slug, "Päästäkää sisään")
    assert list_join_requests(ws) == []


def test_ban_of_someone_asking_to_join_ends_the_request(owner: User, outsider: User) -> None:
    ws = make_workspace(owner, join_policy="request")
    workspaces.do_join_workspace(outsider, ws.slug, "Hei")
    membership.do_ban(owner, ws.slug, outsider.id)
    assert list_join_requests(ws) == []
    assert membership_of(outsider, ws).state == MembershipState.BANNED


def test_unban_lets_them_join_again(moderator: User, member: User, workspace: Workspace) -> None:
    membership.do_ban(moderator, workspace.slug, member.id)
    membership.do_unban(moderator, workspace.slug, member.id)
    assert membership_of(member, workspace) is None
    assert last_audit("member.unbanned").target_id == member.id
    assert last_event(workspace, "member.unbanned").audience == "moderators"
    assert notices(member, "member.unbanned")
    assert workspaces.do_join_workspace(member, workspace.slug).state == MembershipState.ACTIVE
    assert membership_of(member, workspace).role == Role.MEMBER


def test_unban_of_someone_not_banned_is_not_found(moderator: User, member: User, workspace: Workspace) -> None:
    with pytest.raises(NotFound):
        membership.do_unban(moderator, workspace.slug, member.id)
    assert membership_of(member, workspace).is_active


def test_ban_twice_is_a_conflict(moderator: User, member: User, workspace: Workspace) -> None:
    membership.do_ban(moderator, workspace.slug, member.id)
    with pytest.raises(Conflict):
        membership.do_ban(moderator, workspace.slug, member.id)
    assert len(audit_entries("member.banned")) == 1


@pytest.mark.parametrize("who", ["self", "admin", "last owner", "owner by moderator", "peer moderator"])
def test_bans_that_are_refused(
    who: str, moderator: User, owner: User, admin: User, workspace: Workspace, ctx: Flask,
) -> None:
    actor, target = {
        "self": (moderator, moderator),
        "admin": (owner, admin),
        "last owner": (admin, owner),
        "owner by moderator": (moderator, owner),
        "peer moderator": (moderator, _person_with_role(workspace, Role.MODERATOR)),
    }[who]
    before = membership_of(target, workspace)
    with pytest.raises(Forbidden):
        membership.do_ban(actor, workspace.slug, target.id, "Ei käy")
    after = membership_of(target, workspace)
    assert (after.state if after else None) == (before.state if before else None)
    assert not audit_entries("member.banned")


def test_member_cannot_ban(member: User, other_member: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        membership.do_ban(member, workspace.slug, other_member.id)


@pytest.mark.parametrize("user_id", [None, "1", 999_999, True])
def test_ban_of_no_one_is_not_found(moderator: User, workspace: Workspace, user_id: object) -> None:
    with pytest.raises(NotFound):
        membership.do_ban(moderator, workspace.slug, user_id)


def test_ban_reason_has_a_length_limit(moderator: User, member: User, workspace: Workspace) -> None:
    with pytest.raises(Invalid) as error:
        membership.do_ban(moderator, workspace.slug, member.id, "x" * 501)
    assert "reason" in error.value.fields
    assert membership_of(member, workspace).is_active


def _as(user_id: int) -> User:
    user = db.session.get(User, user_id)
    assert user is not None
    return user


def test_two_moderators_approving_at_once_let_the_person_in_once(
    app: Flask, owner: User, moderator: User, outsider: User, request_workspace: Workspace,
) -> None:
    request_id = workspaces.do_join_workspace(outsider, request_workspace.slug, "Hei").id
    before = member_count(request_workspace)
    outcomes = at_once(app, *[
        lambda uid=uid: membership.do_approve_request(_as(uid), request_id) for uid in (owner.id, moderator.id)
    ])
    assert sorted(outcomes) == ["NotFound", "ok"]
    assert member_count(request_workspace) == before + 1
    joined = [e for e in events(request_workspace, "member.joined") if e.payload["user"]["id"] == outsider.id]
    assert len(joined) == 1


def test_two_owners_stepping_down_at_once_leave_one_owner(
    app: Flask, owner: User, member: User, workspace: Workspace,
) -> None:
    membership.do_change_role(owner, workspace.slug, member.id, "owner")
    slug, ids = workspace.slug, (owner.id, member.id)
    outcomes = at_once(app, *[
        lambda uid=uid: membership.do_change_role(_as(uid), slug, uid, "member") for uid in ids
    ])
    assert sorted(outcomes) == ["Forbidden", "ok"]
    roles = sorted(membership_of(u, workspace).role for u in (owner, member))
    assert roles == ["member", "owner"]


def test_notices_are_listed_newest_first_and_marked_read(
    owner: User, moderator: User, member: User, workspace: Workspace,
) -> None:
    from app.actions.notifications import do_mark_notifications_read
    from app.queries.moderation import list_notifications, unread_count

    membership.do_change_role(owner, workspace.slug, member.id, "facilitator")
    membership.do_change_role(moderator, workspace.slug, member.id, "member")
    membership.do_change_role(owner, workspace.slug, member.id, "moderator")
    listed = list_notifications(member).items
    assert [n.data["role"] for n in listed] == ["moderator", "member", "facilitator"]
    assert unread_count(member) == 3
    assert do_mark_notifications_read(member, up_to_id=listed[1].id) == 2
    assert unread_count(member) == 1
    assert do_mark_notifications_read(member) == 1
    assert unread_count(member) == 0 and unread_count(owner) == 0
