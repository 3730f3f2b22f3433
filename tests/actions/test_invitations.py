"""Invitations: single-use, expiring, unguessable links for an existing user or an email address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask, current_app

from app.actions import invitations, membership
from app.actions.unit import transactional
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Invitation, MembershipState, Role, User, Workspace, utcnow
from app.queries.moderation import list_pending_invitations
from tests.actions.helpers import (
    last_audit,
    last_event,
    last_notice,
    member_count,
    membership_of,
    notices,
    set_attributes,
)
from tests.factories import PASSWORD, make_user
from tests.mailbox import Mailbox


def link_for(token: str) -> str:
    """The link an invitation mails: on the configured public address (TestConfig's PUBLIC_URL)."""
    return f"{current_app.config['PUBLIC_URL']}/invitations/{token}"


def invite(actor: User, ws: Workspace, **who: object) -> tuple[Invitation, str]:
    return invitations.do_invite(actor, ws.slug, **who)


# --- inviting --------------------------------------------------------------------------------------


def test_invitation_by_email_mails_the_link(moderator: User, workspace: Workspace, mailbox: Mailbox) -> None:
    invitation, token = invite(moderator, workspace, email="Uusi.Ihminen@Example.fi")
    assert invitation.email == "uusi.ihminen@example.fi" and invitation.user_id is None
    assert invitation.token_hash != token and token not in invitation.token_hash
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "uusi.ihminen@example.fi"
    assert workspace.name in mail["Subject"]
    assert link_for(token) in mail.get_content()
    assert last_audit("invitation.created").details == {"role": "member"}
    assert last_event(workspace, "invitation.created").audience == "moderators"
    assert [i.id for i in list_pending_invitations(workspace)] == [invitation.id]


def test_mail_goes_only_once_the_invitation_is_committed(moderator: User, workspace: Workspace,
                                                         mailbox: Mailbox) -> None:
    @transactional
    def invite_then_fail() -> None:
        invite(moderator, workspace, email="uusi@example.fi")
        mailbox.assert_none()  # not yet: the transaction may still fail
        raise RuntimeError("something later in the same transaction failed")

    with pytest.raises(RuntimeError):
        invite_then_fail()
    mailbox.assert_none()
    assert list_pending_invitations(workspace) == []


def test_new_person_registers_through_the_invitation(moderator: User, workspace: Workspace) -> None:
    _invitation, token = invite(moderator, workspace, email="uusi@example.fi", role="facilitator")
    before = member_count(workspace)
    user, joined = invitations.do_register_with_invitation(token, PASSWORD, "Uuno Uusi", "Oulun kaupunki")
    assert user.email == "uusi@example.fi" and user.organisation == "Oulun kaupunki"
    assert joined.state == MembershipState.ACTIVE and joined.role == Role.FACILITATOR
    assert member_count(workspace) == before + 1
    assert last_event(workspace, "member.joined").payload["user"]["id"] == user.id
    assert last_notice(moderator, "invitation.accepted")["name"] == "Uuno Uusi"
    assert list_pending_invitations(workspace) == []


def test_failed_registration_leaves_the_invitation_usable(moderator: User, workspace: Workspace) -> None:
    _invitation, token = invite(moderator, workspace, email="uusi@example.fi")
    with pytest.raises(Invalid):
        invitations.do_register_with_invitation(token, "lyhyt", "Uuno Uusi")
    user, _joined = invitations.do_register_with_invitation(token, PASSWORD, "Uuno Uusi")
    assert membership_of(user, workspace).is_active


def test_existing_user_is_invited_by_id(moderator: User, outsider: User, workspace: Workspace,
                                        mailbox: Mailbox) -> None:
    invitation, token = invite(moderator, workspace, user_id=outsider.id, role="moderator")
    assert invitation.user_id == outsider.id and invitation.email == ""
    notice = last_notice(outsider, "invitation.received")
    assert notice["url"] == link_for(token) and notice["workspace_name"] == workspace.name
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == outsider.email and link_for(token) in mail.get_content()
    joined = invitations.do_accept_invitation(outsider, token)
    assert joined.is_active and joined.role == Role.MODERATOR


def test_email_of_an_existing_account_invites_that_account(
    moderator: User, outsider: User, workspace: Workspace,
) -> None:
    invitation, token = invite(moderator, workspace, email=outsider.email.upper())
    assert invitation.user_id == outsider.id and invitation.email == ""
    assert notices(outsider, "invitation.received")
    with pytest.raises(Forbidden):
        invitations.do_register_with_invitation(token, PASSWORD, "Toinen Tili")
    assert invitations.do_accept_invitation(outsider, token).is_active


def test_invitation_into_a_private_workspace(owner: User, outsider: User, private_workspace: Workspace) -> None:
    _invitation, token = invite(owner, private_workspace, user_id=outsider.id)
    invitations.do_accept_invitation(outsider, token)
    assert membership_of(outsider, private_workspace).is_active


def test_invitation_turns_a_join_request_into_membership(owner: User, outsider: User) -> None:
    from app.actions.workspaces import do_join_workspace
    from tests.factories import make_workspace

    ws = make_workspace(owner, join_policy="request")
    do_join_workspace(outsider, ws.slug, "Hei")
    before = member_count(ws)
    _invitation, token = invite(owner, ws, user_id=outsider.id)
    invitations.do_accept_invitation(outsider, token)
    assert membership_of(outsider, ws).state == MembershipState.ACTIVE
    assert member_count(ws) == before + 1


@pytest.mark.parametrize(("inviter", "role", "allowed"), [
    ("moderator", "member", True),
    ("moderator", "moderator", True),
    ("moderator", "owner", False),
    ("owner", "owner", True),
    ("admin", "owner", True),
])
def test_no_one_invites_above_their_own_role(
    inviter: str, role: str, allowed: bool, owner: User, moderator: User, admin: User, workspace: Workspace,
    mailbox: Mailbox,
) -> None:
    actor = {"owner": owner, "moderator": moderator, "admin": admin}[inviter]
    if allowed:
        invitation, _token = invite(actor, workspace, email="uusi@example.fi", role=role)
        assert invitation.role == role
        (mail,) = mailbox.wait_for(1)
        assert mail["To"] == "uusi@example.fi"
    else:
        with pytest.raises(Forbidden):
            invite(actor, workspace, email="uusi@example.fi", role=role)
        assert list_pending_invitations(workspace) == []
        mailbox.assert_none()


@pytest.mark.parametrize("actor_name", ["member", "facilitator"])
def test_members_do_not_invite(actor_name: str, member: User, facilitator: User, workspace: Workspace) -> None:
    actor = member if actor_name == "member" else facilitator
    with pytest.raises(Forbidden):
        invite(actor, workspace, email="uusi@example.fi")


def test_outsider_inviting_into_a_private_workspace_is_not_told_it_exists(
    outsider: User, private_workspace: Workspace,
) -> None:
    with pytest.raises(NotFound):
        invite(outsider, private_workspace, email="uusi@example.fi")


def test_a_member_cannot_be_invited(moderator: User, member: User, workspace: Workspace) -> None:
    with pytest.raises(Conflict):
        invite(moderator, workspace, user_id=member.id)
    with pytest.raises(Conflict):
        invite(moderator, workspace, email=member.email)


def test_a_banned_person_cannot_be_invited(moderator: User, outsider: User, workspace: Workspace,
                                           mailbox: Mailbox) -> None:
    membership.do_ban(moderator, workspace.slug, outsider.id)
    with pytest.raises(Conflict):
        invite(moderator, workspace, user_id=outsider.id)
    mailbox.assert_none()


@pytest.mark.parametrize(("who", "field"), [
    ({}, "email"),
    ({"email": "a@example.fi", "user_id": 1}, "email"),
    ({"email": "ei-osoite"}, "email"),
    ({"email": "a\x00@example.fi"}, "email"),
    ({"email": "x" * 250 + "@example.fi"}, "email"),
    ({"user_id": 999_999}, "user_id"),
    ({"user_id": "1"}, "user_id"),
    ({"email": "a@example.fi", "role": "king"}, "role"),
])
def test_invitation_needs_one_real_invitee(moderator: User, workspace: Workspace, who: dict[str, object],
                                           field: str) -> None:
    with pytest.raises(Invalid) as error:
        invite(moderator, workspace, **who)
    assert field in error.value.fields
    assert list_pending_invitations(workspace) == []


def test_a_suspended_account_cannot_be_invited(admin: User, moderator: User, outsider: User,
                                               workspace: Workspace) -> None:
    from app.actions.admin import do_suspend

    do_suspend(admin, outsider.id, "Roskapostia")
    with pytest.raises(Invalid):
        invite(moderator, workspace, user_id=outsider.id)


# --- using the link --------------------------------------------------------------------------------


def test_link_works_once(moderator: User, outsider: User, workspace: Workspace) -> None:
    _invitation, token = invite(moderator, workspace, user_id=outsider.id)
    invitations.do_accept_invitation(outsider, token)
    with pytest.raises(Conflict):
        invitations.do_accept_invitation(outsider, token)


def test_link_works_once_for_a_new_person_too(moderator: User, workspace: Workspace) -> None:
    _invitation, token = invite(moderator, workspace, email="uusi@example.fi")
    invitations.do_register_with_invitation(token, PASSWORD, "Uuno Uusi")
    with pytest.raises(Conflict):
        invitations.do_register_with_invitation(token, PASSWORD, "Uuno Toinen")


def test_expired_link_is_refused(moderator: User, outsider: User, workspace: Workspace) -> None:
    invitation, token = invite(moderator, workspace, user_id=outsider.id)
    set_attributes(invitation, expires_at=utcnow() - timedelta(minutes=1))
    with pytest.raises(Conflict):
        invitations.do_accept_invitation(outsider, token)
    assert membership_of(outsider, workspace) is None
    assert list_pending_invitations(workspace) == []


def test_invitation_lasts_the_configured_days(moderator: User, workspace: Workspace, ctx: Flask) -> None:
    invitation, _token = invite(moderator, workspace, email="uusi@example.fi")
    lifetime = invitation.expires_at - invitation.created_at
    days = ctx.config["INVITATION_DAYS"]
    assert timedelta(days=days) - timedelta(minutes=1) < lifetime <= timedelta(days=days)


def _tampered(token: str) -> list[object]:
    flipped = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    return [flipped, token[:-1], token + "x", "kBv7" * 11, "", "x" * 300, token[:20] + "\x00" + token[21:],
            token[:20] + "\n" + token[21:], None, 12345, ["list"]]


def test_tampered_links_are_not_found(moderator: User, outsider: User, workspace: Workspace) -> None:
    _invitation, token = invite(moderator, workspace, user_id=outsider.id)
    for wrong in _tampered(token):
        with pytest.raises(NotFound):
            invitations.do_accept_invitation(outsider, wrong)
        with pytest.raises(NotFound):
            invitations.do_register_with_invitation(wrong, PASSWORD, "Uuno Uusi")
    assert invitations.do_accept_invitation(outsider, token).is_active


def test_link_for_another_account_is_refused(
    moderator: User, outsider: User, member: User, workspace: Workspace,
) -> None:
    stranger = make_user("Veera Vieras", email="stranger@example.fi")
    _invitation, token = invite(moderator, workspace, user_id=outsider.id)
    with pytest.raises(Forbidden):
        invitations.do_accept_invitation(stranger, token)
    with pytest.raises(Forbidden):
        invitations.do_register_with_invitation(token, PASSWORD, "Uuno Uusi")
    assert membership_of(stranger, workspace) is None
    assert invitations.do_accept_invitation(outsider, token).is_active


def test_email_link_for_another_account_is_refused(moderator: User, workspace: Workspace) -> None:
    stranger = make_user("Veera Vieras", email="stranger@example.fi")
    _invitation, token = invite(moderator, workspace, email="uusi@example.fi")
    with pytest.raises(Forbidden):
        invitations.do_accept_invitation(stranger, token)
    assert membership_of(stranger, workspace) is None


def test_withdrawn_link_is_refused(moderator: User, outsider: User, workspace: Workspace) -> None:
    invitation, token = invite(moderator, workspace, user_id=outsider.id)
    invitations.do_withdraw_invitation(moderator, invitation.id)
    with pytest.raises(Conflict):
        invitations.do_accept_invitation(outsider, token)
    assert last_audit("invitation.withdrawn").target_id == invitation.id
    assert last_event(workspace, "invitation.withdrawn").audience == "moderators"
    assert list_pending_invitations(workspace) == []


def test_withdrawing_twice_or_as_a_member_is_not_found(
    moderator: User, member: User, outsider: User, workspace: Workspace,
) -> None:
    invitation, _token = invite(moderator, workspace, user_id=outsider.id)
    with pytest.raises(NotFound):
        invitations.do_withdraw_invitation(member, invitation.id)
    with pytest.raises(NotFound):
        invitations.do_withdraw_invitation(outsider, invitation.id)
    invitations.do_withdraw_invitation(moderator, invitation.id)
    with pytest.raises(NotFound):
        invitations.do_withdraw_invitation(moderator, invitation.id)


def test_new_invitation_replaces_the_older_link(moderator: User, owner: User, outsider: User,
                                                 workspace: Workspace) -> None:
    _first, old = invite(moderator, workspace, user_id=outsider.id)
    _second, new = invite(owner, workspace, email=outsider.email, role="moderator")
    with pytest.raises(Conflict):
        invitations.do_accept_invitation(outsider, old)
    assert invitations.do_accept_invitation(outsider, new).role == Role.MODERATOR


def test_new_email_invitation_replaces_the_older_link(moderator: User, workspace: Workspace) -> None:
    _first, old = invite(moderator, workspace, email="uusi@example.fi")
    _second, new = invite(moderator, workspace, email="UUSI@example.fi")
    assert len(list_pending_invitations(workspace)) == 1
    with pytest.raises(Conflict):
        invitations.do_register_with_invitation(old, PASSWORD, "Uuno Uusi")
    invitations.do_register_with_invitation(new, PASSWORD, "Uuno Uusi")


def test_invitations_elsewhere_are_kept(moderator: User, owner: User, outsider: User,
                                        workspace: Workspace) -> None:
    from tests.factories import make_workspace

    other = make_workspace(owner, name="Vesihuolto")
    _first, here = invite(moderator, workspace, user_id=outsider.id)
    invite(owner, other, user_id=outsider.id)
    assert invitations.do_accept_invitation(outsider, here).is_active


def test_banned_after_the_invitation_cannot_use_it(moderator: User, outsider: User, workspace: Workspace) -> None:
    invitation, token = invite(moderator, workspace, user_id=outsider.id)
    membership.do_ban(moderator, workspace.slug, outsider.id)
    db.session.refresh(invitation)
    assert invitation.withdrawn_at is not None  # the ban withdrew it
    with pytest.raises(Conflict):
        invitations.do_accept_invitation(outsider, token)
    assert membership_of(outsider, workspace).state == MembershipState.BANNED


def test_only_the_token_hash_is_stored(moderator: User, workspace: Workspace) -> None:
    from sqlalchemy import select

    _invitation, token = invite(moderator, workspace, email="uusi@example.fi")
    stored = db.session.execute(select(Invitation.token_hash, Invitation.email)).all()
    assert all(token not in str(row) for row in stored)
    assert len(token) >= 40
