"""Membership and moderation over /api/v1: roles, removal, bans, invitations, join requests, flags,
hiding, pre-moderation, thread moderation, the audit log, suspension and notices.

Each refused write is followed by a check that nothing was written.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from app.actions import documents, workspaces
from app.actions.unit import transactional
from app.extensions import db
from app.models import (
    AuditEntry,
    Flag,
    Invitation,
    Membership,
    MembershipState,
    Notification,
    Post,
    Role,
    Thread,
    User,
    Workspace,
    utcnow,
)
from tests.api.expect import assert_error, assert_invalid, assert_utc_timestamp
from tests.factories import add_member, make_thread, make_user, make_workspace, reply, token_for

MEMBERSHIP_FIELDS = {"id", "user", "role", "state", "workspace", "created_at"}
FLAG_FIELDS = {"id", "post_id", "thread_id", "workspace", "reporter", "reason", "text", "state", "created_at"}
AUDIT_FIELDS = {"id", "workspace", "actor", "action", "target_type", "target_id", "target_label", "reason",
                "details", "created_at"}
OVERLONG_REASON = "x" * 501


@pytest.fixture
def facilitator(ctx, workspace: Workspace) -> User:
    user = make_user("Fiia Fasilitaattori", email="facilitator@example.fi")
    add_member(workspace, user, Role.FACILITATOR)
    return user


@pytest.fixture
def request_workspace(owner: User, moderator: User) -> Workspace:
    """A network workspace that takes members by request, moderated by `moderator`."""
    ws = make_workspace(owner, join_policy="request", name="Pyynnöllä")
    add_member(ws, moderator, Role.MODERATOR)
    return ws


@pytest.fixture
def others_post(other_member: User, thread: Thread) -> Post:
    """A reply by someone else than the member, in the member's thread."""
    return reply(other_member, thread, "Toisen jäsenen vastaus")


def fresh(model: type, ident: int) -> Any:
    """The row as the database holds it now (or None)."""
    db.session.rollback()
    return db.session.scalar(select(model).where(model.id == ident))


def membership_of(user: User, ws: Workspace) -> Membership | None:
    db.session.rollback()
    return db.session.scalar(
        select(Membership).where(Membership.workspace_id == ws.id, Membership.user_id == user.id)
    )


def count(model: type) -> int:
    db.session.rollback()
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def token_of(url: str) -> str:
    """The single-use token an invitation link carries: its last path segment."""
    return url.rstrip("/").rsplit("/", 1)[1]


@transactional
def set_attributes(obj: object, **values: Any) -> None:
    for name, value in values.items():
        setattr(obj, name, value)


def invite(api, ws: Workspace, **body: Any) -> dict[str, Any]:
    response = api.post(f"/workspaces/{ws.slug}/invitations", json=body)
    assert response.status_code == 201, response.get_data(as_text=True)
    return response.get_json()


# --- roles --------------------------------------------------------------------------------------


def test_moderator_makes_member_facilitator(api_as, moderator, member, workspace):
    response = api_as(moderator).patch(f"/workspaces/{workspace.slug}/members/{member.id}",
                                       json={"role": "facilitator"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= MEMBERSHIP_FIELDS
    assert body["user"]["id"] == member.id
    assert body["role"] == "facilitator"
    assert body["state"] == "active"
    assert body["workspace"] == workspace.slug
    assert_utc_timestamp(body["created_at"])
    assert membership_of(member, workspace).role == Role.FACILITATOR


def test_owner_makes_member_moderator(api_as, owner, member, workspace):
    response = api_as(owner).patch(f"/workspaces/{workspace.slug}/members/{member.id}", json={"role": "moderator"})
    assert response.status_code == 200
    assert membership_of(member, workspace).role == Role.MODERATOR


def test_moderator_cannot_raise_anyone_above_own_role(api_as, moderator, member, workspace):
    response = api_as(moderator).patch(f"/workspaces/{workspace.slug}/members/{member.id}", json={"role": "owner"})
    assert_error(response, 403, "forbidden")
    assert membership_of(member, workspace).role == Role.MEMBER


def test_moderator_cannot_demote_owner(api_as, moderator, owner, workspace):
    response = api_as(moderator).patch(f"/workspaces/{workspace.slug}/members/{owner.id}", json={"role": "member"})
    assert_error(response, 403, "forbidden")
    assert membership_of(owner, workspace).role == Role.OWNER


def test_last_owner_stays_owner(api_as, owner, workspace):
    response = api_as(owner).patch(f"/workspaces/{workspace.slug}/members/{owner.id}", json={"role": "moderator"})
    assert_error(response, 403, "forbidden")
    assert membership_of(owner, workspace).role == Role.OWNER


def test_member_cannot_change_roles(api_as, member, other_member, workspace):
    response = api_as(member).patch(
        f"/workspaces/{workspace.slug}/members/{other_member.id}", json={"role": "facilitator"})
    assert_error(response, 403, "forbidden")
    assert membership_of(other_member, workspace).role == Role.MEMBER


@pytest.mark.parametrize("role", ["chief", "", "OWNER", "\x00owner"], ids=repr)
def test_unknown_role_is_invalid(api_as, owner, member, workspace, role):
    response = api_as(owner).patch(f"/workspaces/{workspace.slug}/members/{member.id}", json={"role": role})
    assert_invalid(response, "role")
    assert membership_of(member, workspace).role == Role.MEMBER


@pytest.mark.parametrize("body", [{}, {"role": 3}, {"role": None}], ids=["missing", "number", "null"])
def test_role_of_wrong_shape_is_invalid(api_as, owner, member, workspace, body):
    assert_invalid(api_as(owner).patch(f"/workspaces/{workspace.slug}/members/{member.id}", json=body), "role")
    assert membership_of(member, workspace).role == Role.MEMBER


def test_role_of_someone_not_a_member_is_not_found(api_as, owner, outsider, workspace, rows):
    response = api_as(owner).patch(f"/workspaces/{workspace.slug}/members/{outsider.id}", json={"role": "member"})
    assert_error(response, 404, "not_found")
    assert membership_of(outsider, workspace) is None


def test_non_integer_user_id_in_path_is_not_found(api_as, owner, workspace):
    response = api_as(owner).patch(f"/workspaces/{workspace.slug}/members/minna", json={"role": "member"})
    assert_error(response, 404, "not_found")


# --- removing members ----------------------------------------------------------------------------


def test_moderator_removes_member(api_as, moderator, member, workspace):
    api = api_as(moderator)
    response = api.delete(f"/workspaces/{workspace.slug}/members/{member.id}")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert membership_of(member, workspace) is None
    listed = api.get(f"/workspaces/{workspace.slug}/members").get_json()["items"]
    assert member.id not in [m["user"]["id"] for m in listed]
    assert fresh(Workspace, workspace.id).member_count == 3


def test_moderator_cannot_remove_owner(api_as, moderator, owner, workspace):
    assert_error(api_as(moderator).delete(f"/workspaces/{workspace.slug}/members/{owner.id}"), 403, "forbidden")
    assert membership_of(owner, workspace).is_active


def test_moderator_cannot_remove_another_moderator(api_as, moderator, member, workspace):
    add_member(workspace, member, Role.MODERATOR)
    assert_error(api_as(moderator).delete(f"/workspaces/{workspace.slug}/members/{member.id}"), 403, "forbidden")
    assert membership_of(member, workspace).is_active


def test_member_cannot_remove_anyone(api_as, member, other_member, workspace):
    response = api_as(member).delete(f"/workspaces/{workspace.slug}/members/{other_member.id}")
    assert_error(response, 403, "forbidden")
    assert membership_of(other_member, workspace).is_active


def test_removing_someone_not_a_member_is_not_found(api_as, owner, outsider, workspace):
    assert_error(api_as(owner).delete(f"/workspaces/{workspace.slug}/members/{outsider.id}"), 404, "not_found")


# --- bans ----------------------------------------------------------------------------------------


def test_moderator_bans_member(api_as, moderator, member, workspace):
    response = api_as(moderator).post(f"/workspaces/{workspace.slug}/bans",
                                      json={"user_id": member.id, "reason": "Toistuva häirintä"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["user"]["id"] == member.id
    assert body["reason"] == "Toistuva häirintä"
    assert_utc_timestamp(body["created_at"])
    assert membership_of(member, workspace).state == MembershipState.BANNED


def test_banned_member_loses_the_workspace(api_as, moderator, member, workspace, thread):
    api_as(moderator).post(f"/workspaces/{workspace.slug}/bans", json={"user_id": member.id})
    banned = api_as(member)
    assert_error(banned.get(f"/workspaces/{workspace.slug}"), 404, "not_found")
    assert_error(banned.get(f"/threads/{thread.id}/posts"), 404, "not_found")
    assert_error(banned.post(f"/workspaces/{workspace.slug}/join", json={}), 404, "not_found")


def test_moderator_bans_an_outsider_before_they_join(api_as, moderator, outsider, workspace):
    response = api_as(moderator).post(f"/workspaces/{workspace.slug}/bans", json={"user_id": outsider.id})
    assert response.status_code == 201
    assert_error(api_as(outsider).post(f"/workspaces/{workspace.slug}/join", json={}), 404, "not_found")
    assert membership_of(outsider, workspace).state == MembershipState.BANNED


def test_bans_are_listed_for_moderators(api_as, moderator, member, workspace):
    api = api_as(moderator)
    api.post(f"/workspaces/{workspace.slug}/bans", json={"user_id": member.id, "reason": "Roskaposti"})
    body = api.get(f"/workspaces/{workspace.slug}/bans").get_json()
    assert [(b["user"]["id"], b["reason"]) for b in body["items"]] == [(member.id, "Roskaposti")]
    assert body["next"] is None


def test_member_cannot_see_or_make_bans(api_as, member, other_member, workspace):
    api = api_as(member)
    assert_error(api.get(f"/workspaces/{workspace.slug}/bans"), 403, "forbidden")
    assert_error(api.post(f"/workspaces/{workspace.slug}/bans", json={"user_id": other_member.id}), 403, "forbidden")
    assert membership_of(other_member, workspace).is_active


def test_banning_twice_is_a_conflict(api_as, moderator, member, workspace):
    api = api_as(moderator)
    api.post(f"/workspaces/{workspace.slug}/bans", json={"user_id": member.id})
    assert_error(api.post(f"/workspaces/{workspace.slug}/bans", json={"user_id": member.id}), 409, "conflict")


def test_nobody_bans_an_admin(api_as, owner, admin, workspace):
    response = api_as(owner).post(f"/workspaces/{workspace.slug}/bans", json={"user_id": admin.id})
    assert_error(response, 403, "forbidden")
    assert membership_of(admin, workspace) is None


def test_moderator_cannot_ban_owner(api_as, moderator, owner, workspace):
    assert_error(api_as(moderator).post(f"/workspaces/{workspace.slug}/bans", json={"user_id": owner.id}),
                 403, "forbidden")
    assert membership_of(owner, workspace).is_active


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({"user_id": "minna"}, "user_id"),
        ({"user_id": 1.5}, "user_id"),
        ({}, "user_id"),
        ({"user_id": "{member}", "reason": OVERLONG_REASON}, "reason"),
        ({"user_id": "{member}", "reason": "Häiriköinti\x00"}, "reason"),
        ({"user_id": "{member}", "reason": "Häiriköinti\x1b[31m"}, "reason"),
    ],
    ids=["user_id text", "user_id fraction", "user_id missing", "reason 501", "reason NUL", "reason escape"],
)
def test_ban_with_bad_fields_is_invalid(api_as, moderator, member, workspace, body, bad):
    body = {k: member.id if v == "{member}" else v for k, v in body.items()}
    assert_invalid(api_as(moderator).post(f"/workspaces/{workspace.slug}/bans", json=body), bad)
    assert membership_of(member, workspace).state == MembershipState.ACTIVE


def test_ban_reason_of_500_characters_is_accepted(api_as, moderator, member, workspace):
    response = api_as(moderator).post(f"/workspaces/{workspace.slug}/bans",
                                      json={"user_id": member.id, "reason": "x" * 500})
    assert response.status_code == 201


def test_lifting_a_ban_lets_the_person_back(api_as, moderator, member, workspace):
    api = api_as(moderator)
    api.post(f"/workspaces/{workspace.slug}/bans", json={"user_id": member.id})
    response = api.delete(f"/workspaces/{workspace.slug}/bans/{member.id}")
    assert response.status_code == 204
    assert membership_of(member, workspace) is None
    assert api_as(member).get(f"/workspaces/{workspace.slug}").status_code == 200
    assert api_as(member).post(f"/workspaces/{workspace.slug}/join", json={}).status_code == 200


def test_lifting_a_ban_that_is_not_there_is_not_found(api_as, moderator, member, workspace):
    assert_error(api_as(moderator).delete(f"/workspaces/{workspace.slug}/bans/{member.id}"), 404, "not_found")
    assert membership_of(member, workspace).is_active


# --- invitations ---------------------------------------------------------------------------------


def test_invitation_by_email_answers_id_url_and_expiry(api_as, moderator, workspace):
    response = api_as(moderator).post(f"/workspaces/{workspace.slug}/invitations", json={"email": "uusi@example.fi"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"id", "url", "expires_at"}
    assert isinstance(body["id"], int)
    assert "/invitations/" in body["url"]
    assert len(token_of(body["url"])) >= 40  # 32 random bytes, URL-safe: not guessable
    assert_utc_timestamp(body["expires_at"])
    assert fresh(Invitation, body["id"]).token_hash != token_of(body["url"])  # only a hash is kept


def test_pending_invitations_are_listed(api_as, moderator, outsider, workspace):
    api = api_as(moderator)
    by_mail = invite(api, workspace, email="uusi@example.fi")
    by_user = invite(api, workspace, user_id=outsider.id, role="facilitator")
    body = api.get(f"/workspaces/{workspace.slug}/invitations").get_json()
    listed = {i["id"]: i for i in body["items"]}
    assert set(listed) == {by_mail["id"], by_user["id"]}
    assert listed[by_mail["id"]]["email"] == "uusi@example.fi"
    assert listed[by_user["id"]]["user"]["id"] == outsider.id
    assert listed[by_user["id"]]["role"] == "facilitator"
    assert listed[by_user["id"]]["inviter"]["id"] == moderator.id
    assert all("url" not in i and "token" not in i for i in body["items"])


def test_invited_user_accepts_with_the_link_token(api_as, moderator, outsider, workspace):
    created = invite(api_as(moderator), workspace, user_id=outsider.id, role="facilitator")
    response = api_as(outsider).post("/invitations/accept", json={"token": token_of(created["url"])})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= MEMBERSHIP_FIELDS
    assert (body["user"]["id"], body["role"], body["state"]) == (outsider.id, "facilitator", "active")
    assert body["workspace"] == workspace.slug


def test_invitation_stops_working_when_its_inviter_is_removed(api_as, owner, moderator, outsider, workspace):
    created = invite(api_as(moderator), workspace, user_id=outsider.id)
    assert api_as(owner).delete(f"/workspaces/{workspace.slug}/members/{moderator.id}").status_code == 204
    response = api_as(outsider).post("/invitations/accept", json={"token": token_of(created["url"])})
    body = assert_error(response, 409, "conflict")
    assert "no longer valid" in body["message"] or "ei ole enää voimassa" in body["message"]
    assert membership_of(outsider, workspace) is None
    assert fresh(Invitation, created["id"]).accepted_at is None


def test_invitation_into_a_role_its_inviter_may_no_longer_give_is_refused(api_as, owner, outsider, workspace):
    second_owner = make_user("Oona Omistaja", email="owner2@example.fi")
    add_member(workspace, second_owner, Role.OWNER)
    created = invite(api_as(second_owner), workspace, user_id=outsider.id, role="owner")
    demote = api_as(owner).patch(f"/workspaces/{workspace.slug}/members/{second_owner.id}", json={"role": "moderator"})
    assert demote.status_code == 200
    assert_error(api_as(outsider).post("/invitations/accept", json={"token": token_of(created["url"])}), 409)
    assert membership_of(outsider, workspace) is None


def test_invitation_of_a_suspended_inviter_is_refused(api_as, admin, moderator, outsider, workspace):
    created = invite(api_as(moderator), workspace, user_id=outsider.id)
    assert api_as(admin).post(f"/admin/users/{moderator.id}/suspend", json={"reason": "Roskaa"}).status_code == 200
    assert_error(api_as(outsider).post("/invitations/accept", json={"token": token_of(created["url"])}), 409)
    assert membership_of(outsider, workspace) is None


def test_invitation_by_email_of_an_account_is_for_that_account(api_as, moderator, outsider, workspace):
    created = invite(api_as(moderator), workspace, email=outsider.email.upper())
    response = api_as(outsider).post("/invitations/accept", json={"token": token_of(created["url"])})
    assert response.status_code == 200
    assert membership_of(outsider, workspace).is_active


def test_used_invitation_cannot_be_used_again(api_as, moderator, outsider, workspace):
    token = token_of(invite(api_as(moderator), workspace, user_id=outsider.id)["url"])
    api = api_as(outsider)
    assert api.post("/invitations/accept", json={"token": token}).status_code == 200
    api.post(f"/workspaces/{workspace.slug}/leave")
    assert_error(api.post("/invitations/accept", json={"token": token}), 409, "conflict")
    assert membership_of(outsider, workspace) is None


def test_tampered_invitation_token_is_not_found(api_as, moderator, outsider, workspace):
    token = token_of(invite(api_as(moderator), workspace, user_id=outsider.id)["url"])
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    api = api_as(outsider)
    for bad in (tampered, token[:-1], token + "x", "", "a\x00b"):
        assert_error(api.post("/invitations/accept", json={"token": bad}), 404, "not_found")
    assert membership_of(outsider, workspace) is None
    assert api.post("/invitations/accept", json={"token": token}).status_code == 200


def test_invitation_for_another_account_is_refused(api_as, moderator, outsider, other_member, workspace):
    stranger = make_user("Sanna Sivullinen", email="stranger@example.fi")
    token = token_of(invite(api_as(moderator), workspace, user_id=outsider.id)["url"])
    assert_error(api_as(stranger).post("/invitations/accept", json={"token": token}), 403, "forbidden")
    assert membership_of(stranger, workspace) is None
    assert api_as(outsider).post("/invitations/accept", json={"token": token}).status_code == 200


def test_expired_invitation_is_refused(api_as, moderator, outsider, workspace):
    created = invite(api_as(moderator), workspace, user_id=outsider.id)
    set_attributes(fresh(Invitation, created["id"]), expires_at=utcnow() - timedelta(minutes=1))
    response = api_as(outsider).post("/invitations/accept", json={"token": token_of(created["url"])})
    assert_error(response, 409, "conflict")
    assert membership_of(outsider, workspace) is None
    assert api_as(moderator).get(f"/workspaces/{workspace.slug}/invitations").get_json()["items"] == []


def test_withdrawn_invitation_stops_working(api_as, moderator, outsider, workspace):
    api = api_as(moderator)
    created = invite(api, workspace, user_id=outsider.id)
    response = api.delete(f"/invitations/{created['id']}")
    assert response.status_code == 204
    assert api.get(f"/workspaces/{workspace.slug}/invitations").get_json()["items"] == []
    assert_error(api_as(outsider).post("/invitations/accept", json={"token": token_of(created["url"])}),
                 409, "conflict")
    assert membership_of(outsider, workspace) is None
    assert_error(api.delete(f"/invitations/{created['id']}"), 404, "not_found")


def test_a_new_invitation_replaces_the_earlier_link(api_as, moderator, outsider, workspace):
    api = api_as(moderator)
    first = invite(api, workspace, user_id=outsider.id)
    second = invite(api, workspace, user_id=outsider.id)
    assert_error(api_as(outsider).post("/invitations/accept", json={"token": token_of(first["url"])}), 409)
    assert api_as(outsider).post("/invitations/accept", json={"token": token_of(second["url"])}).status_code == 200


def test_member_cannot_invite_or_withdraw(api_as, moderator, member, workspace):
    created = invite(api_as(moderator), workspace, email="uusi@example.fi")
    api = api_as(member)
    before = count(Invitation)
    assert_error(api.post(f"/workspaces/{workspace.slug}/invitations", json={"email": "toinen@example.fi"}),
                 403, "forbidden")
    assert_error(api.get(f"/workspaces/{workspace.slug}/invitations"), 403, "forbidden")
    assert_error(api.delete(f"/invitations/{created['id']}"), 404, "not_found")
    assert count(Invitation) == before
    assert fresh(Invitation, created["id"]).withdrawn_at is None


def test_moderator_cannot_invite_an_owner(api_as, moderator, workspace):
    response = api_as(moderator).post(f"/workspaces/{workspace.slug}/invitations",
                                      json={"email": "uusi@example.fi", "role": "owner"})
    assert_error(response, 403, "forbidden")
    assert count(Invitation) == 0


def test_inviting_a_member_is_a_conflict(api_as, moderator, member, workspace):
    response = api_as(moderator).post(f"/workspaces/{workspace.slug}/invitations", json={"user_id": member.id})
    assert_error(response, 409, "conflict")
    assert count(Invitation) == 0


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({}, "email"),
        ({"email": "uusi@example.fi", "user_id": 1}, "email"),
        ({"email": "ei-osoite"}, "email"),
        ({"email": "uusi\x00@example.fi"}, "email"),
        ({"email": "uusi@example.fi\n"}, "email"),
        ({"email": "x" * 250 + "@example.fi"}, "email"),
        ({"user_id": "minna"}, "user_id"),
        ({"user_id": 999_999}, "user_id"),
        ({"email": "uusi@example.fi", "role": "chief"}, "role"),
    ],
    ids=["neither", "both", "no at sign", "NUL", "newline", "overlong", "user_id text", "unknown user",
         "unknown role"],
)
def test_invitation_with_bad_fields_is_invalid(api_as, moderator, workspace, body, bad):
    assert_invalid(api_as(moderator).post(f"/workspaces/{workspace.slug}/invitations", json=body), bad)
    assert count(Invitation) == 0


def test_accept_without_a_token_is_invalid(api_as, outsider):
    assert_invalid(api_as(outsider).post("/invitations/accept", json={}), "token")


def test_accepting_needs_sign_in(api_as, moderator, outsider, workspace):
    created = invite(api_as(moderator), workspace, user_id=outsider.id)
    response = api_as(None).post("/invitations/accept", json={"token": token_of(created["url"])})
    assert_error(response, 401, "unauthenticated")
    assert fresh(Invitation, created["id"]).accepted_at is None


# --- join requests ---------------------------------------------------------------------------------


def ask_to_join(api, ws: Workspace, message: str = "Haluaisin mukaan") -> int:
    response = api.post(f"/workspaces/{ws.slug}/join", json={"message": message})
    assert response.status_code == 202, response.get_data(as_text=True)
    return int(response.get_json()["id"])


def test_moderator_sees_pending_requests(api_as, moderator, outsider, request_workspace):
    request_id = ask_to_join(api_as(outsider), request_workspace)
    body = api_as(moderator).get(f"/workspaces/{request_workspace.slug}/join-requests").get_json()
    assert [(r["id"], r["user"]["id"], r["message"]) for r in body["items"]] == \
        [(request_id, outsider.id, "Haluaisin mukaan")]
    assert body["items"][0]["workspace"] == request_workspace.slug
    assert body["next"] is None


def test_approving_a_request_answers_the_membership(api_as, moderator, outsider, request_workspace):
    request_id = ask_to_join(api_as(outsider), request_workspace)
    response = api_as(moderator).post(f"/join-requests/{request_id}/approve")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= MEMBERSHIP_FIELDS
    assert (body["user"]["id"], body["role"], body["state"]) == (outsider.id, "member", "active")
    assert api_as(moderator).get(f"/workspaces/{request_workspace.slug}/join-requests").get_json()["items"] == []
    assert api_as(outsider).get(f"/workspaces/{request_workspace.slug}").get_json()["my_role"] == "member"


def test_declining_a_request_tells_the_person(api_as, moderator, outsider, request_workspace):
    request_id = ask_to_join(api_as(outsider), request_workspace)
    response = api_as(moderator).post(f"/join-requests/{request_id}/decline", json={"reason": "Vain kuntien väelle"})
    assert response.status_code == 200
    assert response.get_json() == {"id": request_id, "declined": True}
    assert membership_of(outsider, request_workspace) is None
    notices = api_as(outsider).get("/notifications").get_json()["items"]
    assert notices[0]["kind"] == "join_request.declined"
    assert notices[0]["data"]["reason"] == "Vain kuntien väelle"


def test_decline_without_a_body_is_accepted(api_as, moderator, outsider, request_workspace):
    request_id = ask_to_join(api_as(outsider), request_workspace)
    assert api_as(moderator).post(f"/join-requests/{request_id}/decline").status_code == 200


@pytest.mark.parametrize("reason", [OVERLONG_REASON, "Ei\x07", 42], ids=["501", "bell", "number"])
def test_decline_with_bad_reason_is_invalid(api_as, moderator, outsider, request_workspace, reason):
    request_id = ask_to_join(api_as(outsider), request_workspace)
    assert_invalid(api_as(moderator).post(f"/join-requests/{request_id}/decline", json={"reason": reason}), "reason")
    assert membership_of(outsider, request_workspace).state == MembershipState.REQUESTED


def test_member_cannot_decide_requests(api_as, owner, outsider, request_workspace):
    plain = make_user("Pekka Perusjäsen")
    add_member(request_workspace, plain)
    request_id = ask_to_join(api_as(outsider), request_workspace)
    api = api_as(plain)
    assert_error(api.get(f"/workspaces/{request_workspace.slug}/join-requests"), 403, "forbidden")
    assert_error(api.post(f"/join-requests/{request_id}/approve"), 404, "not_found")
    assert_error(api.post(f"/join-requests/{request_id}/decline", json={}), 404, "not_found")
    assert membership_of(outsider, request_workspace).state == MembershipState.REQUESTED


def test_deciding_a_request_twice_is_not_found(api_as, moderator, outsider, request_workspace):
    request_id = ask_to_join(api_as(outsider), request_workspace)
    api = api_as(moderator)
    api.post(f"/join-requests/{request_id}/approve")
    assert_error(api.post(f"/join-requests/{request_id}/approve"), 404, "not_found")
    assert_error(api.post(f"/join-requests/{request_id}/decline", json={}), 404, "not_found")


# --- flags and the review queue --------------------------------------------------------------------


def test_member_flags_a_post(api_as, member, others_post, workspace):
    response = api_as(member).post(f"/posts/{others_post.id}/flags", json={"reason": "spam", "text": "Mainos"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) >= FLAG_FIELDS
    assert (body["post_id"], body["reason"], body["text"], body["state"]) == (others_post.id, "spam", "Mainos", "open")
    assert body["thread_id"] == others_post.thread_id
    assert body["workspace"] == workspace.slug
    assert body["reporter"]["id"] == member.id
    assert_utc_timestamp(body["created_at"])


def test_flagging_twice_is_a_conflict(api_as, member, others_post):
    api = api_as(member)
    api.post(f"/posts/{others_post.id}/flags", json={"reason": "spam"})
    assert_error(api.post(f"/posts/{others_post.id}/flags", json={"reason": "off_topic"}), 409, "conflict")
    assert count(Flag) == 1


def test_nobody_flags_their_own_post(api_as, member, post):
    assert_error(api_as(member).post(f"/posts/{post.id}/flags", json={"reason": "spam"}), 403, "forbidden")
    assert count(Flag) == 0


def test_outsider_cannot_flag_in_network_workspace(api_as, outsider, post):
    assert_error(api_as(outsider).post(f"/posts/{post.id}/flags", json={"reason": "spam"}), 403, "forbidden")
    assert count(Flag) == 0


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({}, "reason"),
        ({"reason": "boring"}, "reason"),
        ({"reason": "other"}, "text"),
        ({"reason": "other", "text": "   "}, "text"),
        ({"reason": "spam", "text": "y" * 1001}, "text"),
        ({"reason": "spam", "text": "Mainos\x00"}, "text"),
    ],
    ids=["no reason", "unknown reason", "other without text", "other with blank text", "text 1001", "text NUL"],
)
def test_flag_with_bad_fields_is_invalid(api_as, member, others_post, body, bad):
    assert_invalid(api_as(member).post(f"/posts/{others_post.id}/flags", json=body), bad)
    assert count(Flag) == 0


def test_moderators_see_open_flags(api_as, moderator, member, others_post):
    flagged = api_as(member).post(f"/posts/{others_post.id}/flags", json={"reason": "inappropriate"}).get_json()
    body = api_as(moderator).get(f"/workspaces/{others_post.thread.workspace.slug}/flags").get_json()
    assert [f["id"] for f in body["items"]] == [flagged["id"]]
    assert body["next"] is None


def test_members_do_not_see_flags(api_as, other_member, workspace):
    assert_error(api_as(other_member).get(f"/workspaces/{workspace.slug}/flags"), 403, "forbidden")


def test_moderator_dismisses_a_flag(api_as, moderator, member, others_post, workspace):
    flagged = api_as(member).post(f"/posts/{others_post.id}/flags", json={"reason": "spam"}).get_json()
    api = api_as(moderator)
    response = api.post(f"/flags/{flagged['id']}/dismiss")
    assert response.status_code == 200
    assert response.get_json()["state"] == "dismissed"
    assert api.get(f"/workspaces/{workspace.slug}/flags").get_json()["items"] == []
    assert fresh(Post, others_post.id).hidden_at is None
    assert_error(api.post(f"/flags/{flagged['id']}/dismiss"), 409, "conflict")


def test_member_cannot_dismiss_a_flag(api_as, member, other_member, others_post):
    flagged = api_as(member).post(f"/posts/{others_post.id}/flags", json={"reason": "spam"}).get_json()
    assert_error(api_as(other_member).post(f"/flags/{flagged['id']}/dismiss"), 404, "not_found")
    assert fresh(Flag, flagged["id"]).state == "open"


# --- hiding and restoring --------------------------------------------------------------------------


def test_moderator_hides_a_post(api_as, moderator, post):
    response = api_as(moderator).post(f"/posts/{post.id}/hide", json={"reason": "Henkilötietoja"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["id"] == post.id
    assert body["hidden"] is True
    assert body["hidden_reason"] == "Henkilötietoja"
    assert fresh(Post, post.id).hidden_at is not None


def test_author_sees_why_others_see_only_that_it_was_hidden(api_as, moderator, member, other_member, thread, post):
    api_as(moderator).post(f"/posts/{post.id}/hide", json={"reason": "Henkilötietoja"})
    mine = api_as(member).get(f"/threads/{thread.id}/posts").get_json()["items"][0]
    assert (mine["hidden"], mine["body"], mine["hidden_reason"]) == (True, "Onko kokemuksia?", "Henkilötietoja")
    theirs = api_as(other_member).get(f"/threads/{thread.id}/posts").get_json()["items"][0]
    assert (theirs["id"], theirs["hidden"]) == (post.id, True)
    assert (theirs["body"], theirs["html"], theirs["hidden_reason"]) == ("", "", "")


def test_hiding_closes_the_posts_flags(api_as, moderator, member, others_post, workspace):
    api_as(member).post(f"/posts/{others_post.id}/flags", json={"reason": "spam"})
    api = api_as(moderator)
    api.post(f"/posts/{others_post.id}/hide", json={"reason": "Mainos"})
    assert api.get(f"/workspaces/{workspace.slug}/flags").get_json()["items"] == []


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": "   "}, {"reason": OVERLONG_REASON}, {"reason": "Syy\x00"}, {"reason": 5}],
    ids=["missing", "empty", "blank", "501", "NUL", "number"],
)
def test_hide_needs_a_proper_reason(api_as, moderator, post, body):
    assert_invalid(api_as(moderator).post(f"/posts/{post.id}/hide", json=body), "reason")
    assert fresh(Post, post.id).hidden_at is None


def test_member_cannot_hide(api_as, other_member, post):
    assert_error(api_as(other_member).post(f"/posts/{post.id}/hide", json={"reason": "Ei kiva"}), 403, "forbidden")
    assert fresh(Post, post.id).hidden_at is None


def test_facilitator_cannot_hide(api_as, facilitator, post):
    assert_error(api_as(facilitator).post(f"/posts/{post.id}/hide", json={"reason": "Ei kiva"}), 403, "forbidden")
    assert fresh(Post, post.id).hidden_at is None


def test_hiding_twice_is_a_conflict(api_as, moderator, post):
    api = api_as(moderator)
    api.post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"})
    assert_error(api.post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"}), 409, "conflict")


def test_moderator_restores_a_hidden_post(api_as, moderator, other_member, thread, post):
    api = api_as(moderator)
    api.post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"})
    response = api.post(f"/posts/{post.id}/restore")
    assert response.status_code == 200
    assert response.get_json()["hidden"] is False
    item = api_as(other_member).get(f"/threads/{thread.id}/posts").get_json()["items"][0]
    assert (item["hidden"], item["body"]) == (False, "Onko kokemuksia?")
    assert_error(api.post(f"/posts/{post.id}/restore"), 409, "conflict")


def test_member_cannot_restore(api_as, moderator, other_member, post):
    api_as(moderator).post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"})
    assert_error(api_as(other_member).post(f"/posts/{post.id}/restore"), 403, "forbidden")
    assert fresh(Post, post.id).hidden_at is not None


# --- pre-moderation --------------------------------------------------------------------------------


@pytest.fixture
def premoderated(owner: User, workspace: Workspace) -> Workspace:
    workspaces.do_update_workspace(owner, workspace.slug, premoderation=True)
    return workspace


@pytest.fixture
def waiting(premoderated: Workspace, outsider: User) -> Post:
    """A new member's first thread, waiting for approval."""
    add_member(premoderated, outsider)
    return make_thread(outsider, premoderated, "Uuden jäsenen ketju", "Ensimmäinen viestini")[1]


def test_moderators_see_waiting_posts(api_as, moderator, member, premoderated, waiting):
    body = api_as(moderator).get(f"/workspaces/{premoderated.slug}/pending-posts").get_json()
    assert [(p["id"], p["pending"]) for p in body["items"]] == [(waiting.id, True)]
    assert_error(api_as(member).get(f"/workspaces/{premoderated.slug}/pending-posts"), 403, "forbidden")
    assert_error(api_as(member).get(f"/threads/{waiting.thread_id}"), 404, "not_found")


def test_approving_publishes_the_post(api_as, moderator, member, waiting):
    response = api_as(moderator).post(f"/posts/{waiting.id}/approve")
    assert response.status_code == 200
    assert response.get_json()["pending"] is False
    assert api_as(member).get(f"/threads/{waiting.thread_id}").status_code == 200
    assert_error(api_as(moderator).post(f"/posts/{waiting.id}/approve"), 409, "conflict")


def test_rejecting_removes_the_waiting_thread(api_as, moderator, outsider, waiting):
    thread_id = waiting.thread_id
    response = api_as(moderator).post(f"/posts/{waiting.id}/reject", json={"reason": "Mainos"})
    assert response.status_code == 204
    assert fresh(Thread, thread_id) is None
    notices = api_as(outsider).get("/notifications").get_json()["items"]
    assert notices[0]["kind"] == "post.rejected"


def test_member_cannot_approve_or_reject(api_as, member, waiting):
    api = api_as(member)
    assert_error(api.post(f"/posts/{waiting.id}/approve"), 404, "not_found")  # the member cannot see it
    assert_error(api.post(f"/posts/{waiting.id}/reject", json={}), 404, "not_found")
    assert fresh(Post, waiting.id).pending is True


def test_reject_with_overlong_reason_is_invalid(api_as, moderator, waiting):
    assert_invalid(api_as(moderator).post(f"/posts/{waiting.id}/reject", json={"reason": OVERLONG_REASON}), "reason")
    assert fresh(Post, waiting.id).pending is True


# --- moderating threads ----------------------------------------------------------------------------


def test_moderator_pins_and_locks(api_as, moderator, thread):
    response = api_as(moderator).patch(f"/threads/{thread.id}", json={"pinned": True, "locked": True})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["pinned"], body["locked"]) == (thread.id, True, True)
    stored = fresh(Thread, thread.id)
    assert (stored.pinned, stored.locked) == (True, True)


def test_locked_thread_takes_replies_from_moderators_only(api_as, moderator, other_member, thread):
    api_as(moderator).patch(f"/threads/{thread.id}", json={"locked": True})
    assert_error(api_as(other_member).post(f"/threads/{thread.id}/posts", json={"body": "Hei"}), 403, "forbidden")
    assert api_as(moderator).post(f"/threads/{thread.id}/posts", json={"body": "Suljettu."}).status_code == 201


def test_author_renames_own_thread(api_as, member, thread):
    response = api_as(member).patch(f"/threads/{thread.id}", json={"title": "Maalämpö kouluihin"})
    assert response.status_code == 200
    assert response.get_json()["title"] == "Maalämpö kouluihin"


def test_moderator_renames_any_thread(api_as, moderator, thread):
    assert api_as(moderator).patch(f"/threads/{thread.id}", json={"title": "Uusi otsikko"}).status_code == 200
    assert fresh(Thread, thread.id).title == "Uusi otsikko"


def test_member_cannot_rename_others_thread(api_as, other_member, thread):
    assert_error(api_as(other_member).patch(f"/threads/{thread.id}", json={"title": "Kaapattu"}), 403, "forbidden")
    assert fresh(Thread, thread.id).title == "Lämpöpumput kouluihin"


@pytest.mark.parametrize("change", [{"pinned": True}, {"locked": True}, {"workspace": "muualle"}],
                         ids=["pin", "lock", "move"])
def test_author_cannot_moderate_own_thread(api_as, member, thread, change):
    assert_error(api_as(member).patch(f"/threads/{thread.id}", json=change), 403, "forbidden")
    stored = fresh(Thread, thread.id)
    assert (stored.pinned, stored.locked, stored.workspace_id) == (False, False, thread.workspace_id)


@pytest.mark.parametrize(
    ("body", "bad"),
    [({"title": "ab"}, "title"), ({"title": "x" * 201}, "title"), ({"title": "Otsikko\x00"}, "title"),
     ({"pinned": "kyllä"}, "pinned"), ({"color": "red"}, "color")],
    ids=["short title", "title 201", "title NUL", "pinned text", "unknown field"],
)
def test_thread_update_with_bad_fields_is_invalid(api_as, moderator, thread, body, bad):
    assert_invalid(api_as(moderator).patch(f"/threads/{thread.id}", json=body), bad)
    assert fresh(Thread, thread.id).title == "Lämpöpumput kouluihin"


def test_moderator_moves_thread_to_a_workspace_they_moderate(api_as, moderator, member, workspace, thread):
    target = make_workspace(moderator, name="Kohde")
    response = api_as(moderator).patch(f"/threads/{thread.id}", json={"workspace": target.slug})
    assert response.status_code == 200
    assert response.get_json()["workspace"] == target.slug
    assert fresh(Thread, thread.id).workspace_id == target.id
    assert fresh(Workspace, workspace.id).thread_count == 0
    assert fresh(Workspace, target.id).thread_count == 1


def test_moving_into_a_workspace_one_does_not_moderate_is_refused(api_as, moderator, outsider, thread):
    elsewhere = make_workspace(outsider, name="Vieras")
    add_member(elsewhere, moderator)
    response = api_as(moderator).patch(f"/threads/{thread.id}", json={"workspace": elsewhere.slug})
    assert_error(response, 403, "forbidden")
    assert fresh(Thread, thread.id).workspace_id == thread.workspace_id


def test_moving_into_a_hidden_workspace_is_not_found(api_as, moderator, outsider, thread):
    hidden = make_workspace(outsider, visibility="private", name="Salainen")
    response = api_as(moderator).patch(f"/threads/{thread.id}", json={"workspace": hidden.slug})
    missing = api_as(moderator).patch(f"/threads/{thread.id}", json={"workspace": "ei-ole-olemassa"})
    assert_error(response, 404, "not_found")
    assert response.get_data() == missing.get_data()
    assert fresh(Thread, thread.id).workspace_id == thread.workspace_id


def _document_discussion(author: User, ws: Workspace) -> Thread:
    """A document of `ws` with one comment in its discussion; answers the discussion thread."""
    document = documents.do_create_document(author, ws.slug, "Vuosikello", "Tammikuu: suunnittelu")
    discussion = db.session.scalar(select(Thread).where(Thread.document_id == document.id))
    reply(author, discussion, "Kommentti julkiseen dokumenttiin")
    return discussion


def test_a_documents_discussion_is_not_moved_apart_from_it(api_as, owner, moderator, member, public_workspace):
    private = make_workspace(moderator, visibility="private", name="Sisäpiiri")
    discussion = _document_discussion(member, public_workspace)
    response = api_as(moderator).patch(f"/threads/{discussion.id}", json={"workspace": private.slug, "pinned": True})
    body = assert_error(response, 409, "conflict")
    assert re.search(r"do[ck]ument", body["message"], re.I)  # says why, in the reader's language
    stored = fresh(Thread, discussion.id)
    assert (stored.workspace_id, stored.pinned) == (public_workspace.id, False)
    posts = api_as(None).get(f"/threads/{discussion.id}/posts").get_json()["items"]
    assert [p["body"] for p in posts] == ["Kommentti julkiseen dokumenttiin"]
    assert count(AuditEntry) == 0


# --- deleting for good (admins) --------------------------------------------------------------------


def test_admin_purges_a_thread(api_as, admin, member, thread):
    thread_id = thread.id
    response = api_as(admin).delete(f"/threads/{thread_id}")
    assert response.status_code == 204
    assert fresh(Thread, thread_id) is None
    assert_error(api_as(member).get(f"/threads/{thread_id}"), 404, "not_found")


def test_admin_purges_a_post(api_as, admin, others_post):
    post_id = others_post.id
    assert api_as(admin).post(f"/posts/{post_id}/purge").status_code == 204
    assert fresh(Post, post_id) is None


@pytest.mark.parametrize("who", ["owner", "moderator", "member"])
def test_only_admins_delete_for_good(api_as, request, thread, others_post, who):
    api = api_as(request.getfixturevalue(who))
    assert_error(api.delete(f"/threads/{thread.id}"), 403, "forbidden")
    assert_error(api.post(f"/posts/{others_post.id}/purge"), 403, "forbidden")
    assert fresh(Thread, thread.id) is not None
    assert fresh(Post, others_post.id) is not None


# --- the audit log ---------------------------------------------------------------------------------


def test_audit_log_is_newest_first_and_filterable(api_as, moderator, owner, member, workspace, thread, post):
    mod = api_as(moderator)
    mod.patch(f"/threads/{thread.id}", json={"pinned": True})
    mod.post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"})
    api_as(owner).patch(f"/threads/{thread.id}", json={"locked": True})
    api = api_as(owner)
    body = api.get(f"/workspaces/{workspace.slug}/audit").get_json()
    assert [e["action"] for e in body["items"]] == ["thread.locked", "post.hidden", "thread.pinned"]
    newest = body["items"][0]
    assert set(newest) >= AUDIT_FIELDS
    assert (newest["actor"]["id"], newest["target_type"], newest["target_id"]) == (owner.id, "thread", thread.id)
    assert newest["workspace"] == workspace.slug
    assert_utc_timestamp(newest["created_at"])
    assert body["items"][1]["reason"] == "Asiaton"
    by_action = api.get(f"/workspaces/{workspace.slug}/audit?action=thread").get_json()["items"]
    assert [e["action"] for e in by_action] == ["thread.locked", "thread.pinned"]
    by_actor = api.get(f"/workspaces/{workspace.slug}/audit?actor={moderator.id}").get_json()["items"]
    assert [e["action"] for e in by_actor] == ["post.hidden", "thread.pinned"]


def test_audit_log_pages_with_a_cursor(api_as, moderator, workspace, thread):
    api = api_as(moderator)
    for flag in (True, False, True, False, True):
        api.patch(f"/threads/{thread.id}", json={"pinned": flag})
    whole = [e["id"] for e in api.get(f"/workspaces/{workspace.slug}/audit").get_json()["items"]]
    assert len(whole) == 5 and whole == sorted(whole, reverse=True)
    seen, cursor = [], None
    for _ in range(10):
        query = "?limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = api.get(f"/workspaces/{workspace.slug}/audit{query}").get_json()
        seen += [e["id"] for e in page["items"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert seen == whole


def test_audit_log_is_for_moderators(api_as, member, facilitator, outsider, workspace, private_workspace):
    assert_error(api_as(member).get(f"/workspaces/{workspace.slug}/audit"), 403, "forbidden")
    assert_error(api_as(facilitator).get(f"/workspaces/{workspace.slug}/audit"), 403, "forbidden")
    assert_error(api_as(outsider).get(f"/workspaces/{private_workspace.slug}/audit"), 404, "not_found")


def test_audit_log_names_a_moves_private_target_only_to_those_who_see_it(api_as, owner, moderator, workspace,
                                                                         thread):
    mover = make_user("Sanni Siirtäjä", email="mover@example.fi")
    add_member(workspace, mover, Role.MODERATOR)
    target = make_workspace(mover, visibility="private", name="Salainen kohde")
    assert api_as(mover).patch(f"/threads/{thread.id}", json={"workspace": target.slug}).status_code == 200
    for reader in (moderator, owner):
        response = api_as(reader).get(f"/workspaces/{workspace.slug}/audit")
        assert "Salainen kohde" not in response.get_data(as_text=True)
        assert target.slug not in response.get_data(as_text=True)
        moved = response.get_json()["items"][0]
        assert (moved["action"], moved["details"]) == ("thread.moved", {"to": None, "to_name": None})
    seen = api_as(mover).get(f"/workspaces/{workspace.slug}/audit").get_json()["items"][0]
    assert seen["details"] == {"to": target.slug, "to_name": "Salainen kohde"}


def test_audit_log_names_a_moves_private_source_only_to_those_who_see_it(api_as, owner, moderator, outsider):
    source = make_workspace(owner, visibility="private", name="Salainen lähde")
    add_member(source, moderator, Role.MODERATOR)
    target = make_workspace(moderator, name="Avoin kohde")
    add_member(target, outsider, Role.MODERATOR)
    moved, _first = make_thread(owner, source, "Siirrettävä ketju")
    assert api_as(moderator).patch(f"/threads/{moved.id}", json={"workspace": target.slug}).status_code == 200
    response = api_as(outsider).get(f"/workspaces/{target.slug}/audit")
    assert "Salainen lähde" not in response.get_data(as_text=True)
    assert response.get_json()["items"][0]["details"] == {"source": None, "source_name": None}
    seen = api_as(moderator).get(f"/workspaces/{target.slug}/audit").get_json()["items"][0]
    assert seen["details"] == {"source": source.slug, "source_name": "Salainen lähde"}


def test_audit_filters_of_wrong_type_are_invalid(api_as, moderator, workspace):
    assert_invalid(api_as(moderator).get(f"/workspaces/{workspace.slug}/audit?actor=maija"), "actor")


# --- suspension (admins) ---------------------------------------------------------------------------


def test_admin_suspends_and_the_token_stops_working(api_as, admin, member):
    api = api_as(member)
    assert api.get("/me").status_code == 200
    response = api_as(admin).post(f"/admin/users/{member.id}/suspend", json={"reason": "Roskapostia"})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["id"], body["suspended"], body["suspended_reason"]) == (member.id, True, "Roskapostia")
    assert_error(api.get("/me"), 401, "unauthenticated")
    assert_error(api.post("/workspaces", json={"name": "Uusi tila"}), 401, "unauthenticated")
    assert count(Workspace) == 0


def test_admin_reinstates(api_as, admin, member):
    admin_api = api_as(admin)
    admin_api.post(f"/admin/users/{member.id}/suspend", json={"reason": "Roskapostia"})
    response = admin_api.post(f"/admin/users/{member.id}/reinstate")
    assert response.status_code == 200
    assert response.get_json()["suspended"] is False
    assert api_as(member).get("/me").status_code == 200
    assert_error(admin_api.post(f"/admin/users/{member.id}/reinstate"), 409, "conflict")


@pytest.mark.parametrize(
    "body", [{}, {"reason": ""}, {"reason": OVERLONG_REASON}, {"reason": "Syy\x1b"}],
    ids=["missing", "empty", "501", "escape"],
)
def test_suspension_needs_a_proper_reason(api_as, admin, member, body):
    assert_invalid(api_as(admin).post(f"/admin/users/{member.id}/suspend", json=body), "reason")
    assert fresh(User, member.id).is_active


def test_admin_cannot_suspend_self_and_unknown_is_not_found(api_as, admin):
    api = api_as(admin)
    assert_error(api.post(f"/admin/users/{admin.id}/suspend", json={"reason": "Testi"}), 409, "conflict")
    assert_error(api.post("/admin/users/999999/suspend", json={"reason": "Testi"}), 404, "not_found")
    assert fresh(User, admin.id).is_active


@pytest.mark.parametrize("who", ["owner", "moderator", "member"])
def test_admin_area_does_not_exist_for_others(api_as, request, other_member, who):
    api = api_as(request.getfixturevalue(who))
    missing = api.get("/admin/ei-ole")
    for path in ("/admin/users", "/admin/flags", "/admin/pending-posts", "/admin/audit"):
        response = api.get(path)
        assert_error(response, 404, "not_found")
    for path in (f"/admin/users/{other_member.id}/suspend", f"/admin/users/{other_member.id}/reinstate"):
        assert_error(api.post(path, json={"reason": "Testi"}), 404, "not_found")
    assert missing.status_code == 404
    assert fresh(User, other_member.id).is_active


def test_admin_area_needs_sign_in(api_as):
    assert_error(api_as(None).get("/admin/users"), 401, "unauthenticated")


def test_admin_sees_the_whole_network(api_as, admin, member, moderator, others_post, private_workspace):
    secret_post = make_thread(member, private_workspace, "Salainen", "Vain jäsenille")[1]
    api_as(member).post(f"/posts/{others_post.id}/flags", json={"reason": "spam"})
    api_as(moderator).post(f"/posts/{secret_post.id}/hide", json={"reason": "Asiaton"})
    api = api_as(admin)
    users = api.get("/admin/users").get_json()["items"]
    assert member.id in [u["id"] for u in users]
    assert api.get(f"/admin/users?q={member.email}").get_json()["items"][0]["id"] == member.id
    assert [f["post_id"] for f in api.get("/admin/flags").get_json()["items"]] == [others_post.id]
    assert api.get("/admin/pending-posts").get_json()["items"] == []
    audit = api.get("/admin/audit").get_json()["items"]
    assert [(e["action"], e["workspace"]) for e in audit] == [("post.hidden", private_workspace.slug)]


# --- notices ---------------------------------------------------------------------------------------


def unread(api) -> list[int]:
    return [n["id"] for n in api.get("/notifications").get_json()["items"] if not n["read"]]


def test_author_is_told_about_a_hidden_post_and_marks_it_read(api_as, moderator, member, post):
    api_as(moderator).post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"})
    api = api_as(member)
    body = api.get("/notifications").get_json()
    assert body["next"] is None
    notice = body["items"][0]
    assert (notice["kind"], notice["read"]) == ("post.hidden", False)
    assert notice["data"]["reason"] == "Asiaton"
    assert_utc_timestamp(notice["created_at"])
    assert api.post("/notifications/read", json={}).get_json() == {"marked": 1}
    assert unread(api) == []


def test_notices_say_how_many_are_unread(api_as, moderator, member, post):
    api_as(moderator).post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"})
    assert api_as(member).get("/notifications").get_json()["unread"] == 1


def test_marking_read_up_to_an_id(api_as, moderator, member, thread, post):
    second = reply(member, thread, "Toinen")
    mod = api_as(moderator)
    mod.post(f"/posts/{post.id}/hide", json={"reason": "Yksi"})
    mod.post(f"/posts/{second.id}/hide", json={"reason": "Kaksi"})
    api = api_as(member)
    newest, oldest = unread(api)
    assert api.post("/notifications/read", json={"up_to": oldest}).get_json() == {"marked": 1}
    assert unread(api) == [newest]


def test_notices_are_ones_own(api_as, moderator, member, other_member, post):
    api_as(moderator).post(f"/posts/{post.id}/hide", json={"reason": "Asiaton"})
    assert api_as(other_member).get("/notifications").get_json()["items"] == []
    assert api_as(other_member).post("/notifications/read", json={}).get_json() == {"marked": 0}
    assert unread(api_as(member)) != []
    assert count(Notification) == 1


def test_notices_need_sign_in(api_as):
    assert_error(api_as(None).get("/notifications"), 401, "unauthenticated")
    assert_error(api_as(None).post("/notifications/read", json={}), 401, "unauthenticated")


def test_mark_read_with_bad_id_is_invalid(api_as, member):
    assert_invalid(api_as(member).post("/notifications/read", json={"up_to": "kaikki"}), "up_to")


# --- rate limits -----------------------------------------------------------------------------------


def assert_rate_limited(response) -> None:
    assert_error(response, 429, "rate_limited")
    assert int(response.headers["Retry-After"]) > 0


def test_flagging_is_rate_limited_per_person(app, api_as, rate_limits, member, other_member, thread, post):
    app.config["RATELIMIT_FLAGGING"] = "2 per minute"
    posts = [reply(other_member, thread, f"Vastaus {n}") for n in range(3)]
    api = api_as(member)
    assert [api.post(f"/posts/{p.id}/flags", json={"reason": "spam"}).status_code for p in posts[:2]] == [201, 201]
    assert_rate_limited(api.post(f"/posts/{posts[2].id}/flags", json={"reason": "spam"}))
    assert count(Flag) == 2
    # Counted per person, not per address: someone else at the same address still may.
    assert api_as(other_member).post(f"/posts/{post.id}/flags", json={"reason": "spam"}).status_code == 201


def test_flagging_limit_is_shared_by_the_page_and_the_api(app, api_as, web_as, rate_limits, member, other_member,
                                                          thread):
    app.config["RATELIMIT_FLAGGING"] = "2 per minute"
    posts = [reply(other_member, thread, f"Vastaus {n}") for n in range(3)]
    page = web_as(member)
    assert page.post(f"/p/{posts[0].id}/flag", {"reason": "spam", "text": ""}).status_code == 302
    api = api_as(member)
    assert api.post(f"/posts/{posts[1].id}/flags", json={"reason": "spam"}).status_code == 201
    assert_rate_limited(api.post(f"/posts/{posts[2].id}/flags", json={"reason": "spam"}))
    assert page.post(f"/p/{posts[2].id}/flag", {"reason": "spam", "text": ""}).status_code == 429
    assert count(Flag) == 2


def test_join_requests_are_rate_limited(app, api_as, rate_limits, owner, outsider):
    app.config["RATELIMIT_JOIN_REQUESTS"] = "2 per minute"
    places = [make_workspace(owner, join_policy="request", name=f"Pyyntö {n}") for n in range(3)]
    api = api_as(outsider)
    assert [api.post(f"/workspaces/{ws.slug}/join", json={}).status_code for ws in places[:2]] == [202, 202]
    assert_rate_limited(api.post(f"/workspaces/{places[2].slug}/join", json={}))
    assert membership_of(outsider, places[2]) is None


def test_invitations_are_rate_limited(app, api_as, rate_limits, moderator, workspace):
    app.config["RATELIMIT_INVITATIONS"] = "2 per minute"
    api = api_as(moderator)
    statuses = [api.post(f"/workspaces/{workspace.slug}/invitations", json={"email": f"uusi{n}@example.fi"}).status_code
                for n in range(2)]
    assert statuses == [201, 201]
    assert_rate_limited(api.post(f"/workspaces/{workspace.slug}/invitations", json={"email": "uusi9@example.fi"}))
    assert count(Invitation) == 2


def test_reading_does_not_count_against_the_limit(app, api_as, rate_limits, moderator, workspace):
    app.config["RATELIMIT_INVITATIONS"] = "1 per minute"
    api = api_as(moderator)
    for _ in range(3):
        assert api.get(f"/workspaces/{workspace.slug}/invitations").status_code == 200
    assert api.post(f"/workspaces/{workspace.slug}/invitations", json={"email": "uusi@example.fi"}).status_code == 201


def test_suspended_persons_other_token_is_refused_too(api_as, admin, member):
    second = token_for(member)
    api_as(admin).post(f"/admin/users/{member.id}/suspend", json={"reason": "Roskapostia"})
    response = api_as(None).get("/me", headers={"Authorization": f"Bearer {second}"})
    assert_error(response, 401, "unauthenticated")
