"""Invitations through the pages: inviting, the link shown once, withdrawing, and opening a link."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.access import get_membership
from app.actions import invitations, membership
from app.actions.unit import transactional
from app.extensions import db
from app.models import Invitation, User, Workspace, utcnow
from tests.factories import PASSWORD


def follow(web, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return web.get(response.headers["Location"]).get_data(as_text=True)


def link_path(page: str) -> str:
    found = re.search(r'value="https?://[^/"]+(/invitations/[^"]+)"', page)
    assert found, "no invitation link on the page"
    return found.group(1)


def invite(actor: User, ws: Workspace, email: str) -> str:
    """Invite through the action; answers the link's path."""
    _invitation, token = invitations.do_invite(actor, ws.slug, email=email)
    return f"/invitations/{token}"


def test_moderator_invites_by_email_and_sees_the_link_once(web_as, moderator, workspace) -> None:
    web = web_as(moderator)
    response = web.post(f"/w/{workspace.slug}/invitations", {"email": "uusi@kunta.fi", "role": "member"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Kutsu lähetetty: uusi@kunta.fi" in page
    assert link_path(page).startswith("/invitations/")
    assert "vanhenee" in page
    again = web.get(f"/w/{workspace.slug}/invitations").get_data(as_text=True)
    assert "/invitations/" not in re.sub(r'/w/[^/]+/invitations', "", again)
    assert "uusi@kunta.fi" in again  # still pending


def test_the_new_link_is_kept_nowhere_in_the_session_cookie(web_as, moderator, workspace) -> None:
    web = web_as(moderator)
    page = web.post(f"/w/{workspace.slug}/invitations", {"email": "uusi@kunta.fi", "role": "member"})
    token = link_path(page.get_data(as_text=True)).removeprefix("/invitations/")
    web.get(f"/w/{workspace.slug}/invitations")
    cookie = web.session_cookie()
    assert "_user_id" in cookie  # the decoding works: the cookie is the signed-in session
    assert token not in cookie and "invitation" not in cookie


def test_the_shown_link_is_on_the_public_address_whatever_the_host(app, web_as, moderator, workspace,
                                                                   mailbox) -> None:
    web = web_as(None)
    web.client.environ_base["HTTP_HOST"] = "evil.example"  # every request of this browser says so
    web.sign_in(moderator)
    page = web.post(f"/w/{workspace.slug}/invitations",
                    {"email": "uusi@kunta.fi", "role": "member"}).get_data(as_text=True)
    shown = re.search(r'value="([^"]+/invitations/[^"]+)"', page).group(1)
    assert shown.startswith(app.config["PUBLIC_URL"] + "/invitations/")
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == "uusi@kunta.fi"
    assert shown in mail.get_content() and "evil.example" not in mail.get_content()


def test_invitation_form_offers_only_roles_the_moderator_may_give(web_as, moderator, workspace) -> None:
    page = web_as(moderator).get(f"/w/{workspace.slug}/invitations").get_data(as_text=True)
    assert 'value="moderator"' in page
    assert 'value="owner"' not in page


def test_bad_email_shows_the_error(web_as, moderator, workspace) -> None:
    response = web_as(moderator).post(f"/w/{workspace.slug}/invitations", {"email": "ei-osoite", "role": "member"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_inviting_a_member_says_they_are_one(web_as, moderator, member, workspace) -> None:
    response = web_as(moderator).post(f"/w/{workspace.slug}/invitations", {"email": member.email, "role": "member"})
    assert "Minna Jäsen on jo jäsen." in response.get_data(as_text=True)


def test_moderator_withdraws_an_invitation(web_as, moderator, workspace) -> None:
    path = invite(moderator, workspace, "uusi@kunta.fi")
    invitation = db.session.scalar(db.select(Invitation))
    web = web_as(moderator)
    page = follow(web, web.post(f"/w/{workspace.slug}/invitations/{invitation.id}/withdraw"))
    assert "Ei avoimia kutsuja." in page
    response = web_as(None).get(path)
    assert response.status_code == 409
    assert "Tämä kutsu on peruttu." in response.get_data(as_text=True)


def test_invitations_are_rate_limited(app, web_as, moderator, workspace, rate_limits) -> None:
    app.config["RATELIMIT_INVITATIONS"] = "1 per minute"
    web = web_as(moderator)
    assert web.post(f"/w/{workspace.slug}/invitations", {"email": "a@kunta.fi", "role": "member"}).status_code == 200
    assert web.post(f"/w/{workspace.slug}/invitations", {"email": "b@kunta.fi", "role": "member"}).status_code == 429


# --- opening a link --------------------------------------------------------------------------------------


def test_existing_user_accepts_with_a_button(web_as, moderator, outsider, workspace) -> None:
    path = invite(moderator, workspace, outsider.email)
    web = web_as(outsider)
    page = web.get(path).get_data(as_text=True)
    assert workspace.name in page and moderator.display_name in page
    page = follow(web, web.post(path))
    assert f"Tervetuloa työtilaan {workspace.name}!" in page
    assert f"/w/{workspace.slug}/new-thread" in page


def test_signed_out_existing_user_is_asked_to_sign_in(web_as, moderator, outsider, workspace) -> None:
    path = invite(moderator, workspace, outsider.email)
    page = web_as(None).get(path).get_data(as_text=True)
    assert "/sign-in?next=" in page
    assert 'name="password"' not in page


def test_new_person_registers_through_the_link_and_is_signed_in(web_as, moderator, workspace) -> None:
    path = invite(moderator, workspace, "uusi@kunta.fi")
    web = web_as(None)
    page = web.get(path).get_data(as_text=True)
    assert 'value="uusi@kunta.fi" readonly' in page
    form = {"display_name": "Uuno Uusi", "organisation": "Kuopion kaupunki", "password": PASSWORD}
    page = follow(web, web.post(path, form))
    assert "Uuno Uusi" in page  # signed in: the header shows the name
    assert f"/w/{workspace.slug}/new-thread" in page


def test_short_password_shows_the_error(web_as, moderator, workspace) -> None:
    path = invite(moderator, workspace, "uusi@kunta.fi")
    response = web_as(None).post(path, {"display_name": "Uuno Uusi", "organisation": "", "password": "lyhyt"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_used_link_is_refused(web_as, moderator, outsider, workspace) -> None:
    path = invite(moderator, workspace, outsider.email)
    web = web_as(outsider)
    web.post(path)
    response = web.get(path)
    assert response.status_code == 409
    assert "Tämä kutsu on jo käytetty." in response.get_data(as_text=True)


def test_tampered_link_is_not_found(web_as, moderator, outsider, workspace) -> None:
    path = invite(moderator, workspace, outsider.email)
    response = web_as(outsider).get(path[:-3] + "xyz")
    assert response.status_code == 404
    assert "Tämä kutsulinkki ei ole kelvollinen." in response.get_data(as_text=True)


@transactional
def _expire_all() -> None:
    for invitation in db.session.scalars(db.select(Invitation)):
        invitation.expires_at = utcnow() - timedelta(minutes=1)


def test_expired_link_is_refused(web_as, moderator, outsider, workspace) -> None:
    path = invite(moderator, workspace, outsider.email)
    _expire_all()
    response = web_as(outsider).get(path)
    assert response.status_code == 409
    assert "vanhentunut" in response.get_data(as_text=True)


def test_link_for_another_account_is_refused(web_as, moderator, outsider, other_member, workspace) -> None:
    path = invite(moderator, workspace, outsider.email)
    web = web_as(other_member)
    response = web.get(path)
    assert response.status_code == 403
    assert "Tämä kutsu on toiselle tilille." in response.get_data(as_text=True)
    assert web.post(path).status_code == 403


def test_member_cannot_invite(web_as, member, workspace) -> None:
    web = web_as(member)
    assert web.get(f"/w/{workspace.slug}/invitations").status_code == 403
    assert web.post(f"/w/{workspace.slug}/invitations", {"email": "x@kunta.fi", "role": "member"}).status_code == 403


def test_link_of_a_demoted_inviter_is_refused_on_the_page(web_as, owner, moderator, outsider, workspace) -> None:
    path = invite(moderator, workspace, outsider.email)
    membership.do_change_role(owner, workspace.slug, moderator.id, "member")
    web = web_as(outsider)
    for response in (web.get(path), web.post(path)):
        assert response.status_code == 409
        assert "Tämä kutsu ei ole enää voimassa." in response.get_data(as_text=True)
    assert get_membership(outsider, workspace.id) is None


def test_newcomer_gets_no_account_through_the_link_of_a_removed_inviter(web_as, owner, moderator, workspace) -> None:
    path = invite(moderator, workspace, "uusi@kunta.fi")
    membership.do_remove_member(owner, workspace.slug, moderator.id)
    form = {"display_name": "Uuno Uusi", "organisation": "Kuopion kaupunki", "password": PASSWORD}
    response = web_as(None).post(path, form)
    assert response.status_code == 409
    assert "Tämä kutsu ei ole enää voimassa." in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.scalar(select(User).where(User.email == "uusi@kunta.fi")) is None

