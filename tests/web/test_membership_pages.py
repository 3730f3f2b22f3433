"""Who is in a workspace, through the pages: roles, removal, bans, join requests, pre-moderation setting."""

from __future__ import annotations

import re

import pytest

from app.actions import membership, workspaces
from app.models import Membership, Role, User, Workspace
from tests.factories import add_member, make_user, make_workspace


def follow(web, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return web.get(response.headers["Location"]).get_data(as_text=True)


# --- the member list ------------------------------------------------------------------------------


def test_moderator_sees_member_controls(web_as, moderator, member, workspace) -> None:
    page = web_as(moderator).get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    assert f"/w/{workspace.slug}/members/{member.id}/role" in page
    assert f"/w/{workspace.slug}/members/{member.id}/ban" in page
    assert "Estetyt" in page


def test_member_sees_the_list_without_controls(web_as, member, other_member, workspace) -> None:
    page = web_as(member).get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    assert other_member.display_name in page
    assert "/role" not in page and "/ban" not in page


def test_moderator_is_offered_no_role_above_their_own(web_as, moderator, member, owner, workspace) -> None:
    page = web_as(moderator).get(f"/w/{workspace.slug}/members").get_data(as_text=True)
    assert 'value="owner"' not in page
    assert f"/members/{owner.id}/role" not in page


def test_owner_makes_a_member_moderator(web_as, owner, member, workspace) -> None:
    web = web_as(owner)
    page = follow(web, web.post(f"/w/{workspace.slug}/members/{member.id}/role", {"role": "moderator"}))
    assert "Minna Jäsen on nyt: Moderaattori." in page


def test_moderator_cannot_make_anyone_owner(web_as, moderator, member, workspace) -> None:
    response = web_as(moderator).post(f"/w/{workspace.slug}/members/{member.id}/role", {"role": "owner"})
    assert response.status_code == 403


def test_unknown_role_is_shown_as_an_error(web_as, owner, member, workspace) -> None:
    web = web_as(owner)
    page = follow(web, web.post(f"/w/{workspace.slug}/members/{member.id}/role", {"role": "kuningas"}))
    assert "flash--error" in page


def test_member_cannot_change_roles(web_as, member, other_member, workspace) -> None:
    response = web_as(member).post(f"/w/{workspace.slug}/members/{other_member.id}/role", {"role": "moderator"})
    assert response.status_code == 403


def test_moderator_removes_a_member(web_as, moderator, member, workspace) -> None:
    web = web_as(moderator)
    page = follow(web, web.post(f"/w/{workspace.slug}/members/{member.id}/remove"))
    assert "Jäsen poistettiin työtilasta." in page
    assert f'id="member-{member.id}"' not in page


def test_moderator_bans_with_a_reason_and_lifts_the_ban(web_as, moderator, member, workspace) -> None:
    web = web_as(moderator)
    assert web.get(f"/w/{workspace.slug}/members/{member.id}/ban").status_code == 200
    page = follow(web, web.post(f"/w/{workspace.slug}/members/{member.id}/ban", {"reason": "Toistuvaa häirintää"}))
    assert "Toistuvaa häirintää" in page
    assert f"/w/{workspace.slug}/bans/{member.id}/lift" in page
    assert web_as(member).get(f"/w/{workspace.slug}").status_code == 404
    page = follow(web, web.post(f"/w/{workspace.slug}/bans/{member.id}/lift"))
    assert "Toistuvaa häirintää" not in page
    assert web_as(member).get(f"/w/{workspace.slug}").status_code == 200


def test_overlong_ban_reason_shows_the_error(web_as, moderator, member, workspace) -> None:
    response = web_as(moderator).post(f"/w/{workspace.slug}/members/{member.id}/ban", {"reason": "x" * 501})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_moderator_cannot_ban_the_owner(web_as, moderator, owner, workspace) -> None:
    web = web_as(moderator)
    assert web.get(f"/w/{workspace.slug}/members/{owner.id}/ban").status_code == 403
    assert web.post(f"/w/{workspace.slug}/members/{owner.id}/ban", {"reason": ""}).status_code == 403


# --- join requests ----------------------------------------------------------------------------------


@pytest.fixture
def asking(owner: User, moderator: User) -> Workspace:
    ws = make_workspace(owner, join_policy="request", name="Kiertotalous")
    add_member(ws, moderator, Role.MODERATOR)
    return ws


def test_request_policy_shows_a_form_with_a_message(web_as, outsider, asking) -> None:
    page = web_as(outsider).get(f"/w/{asking.slug}").get_data(as_text=True)
    assert 'name="message"' in page


def test_outsider_asks_to_join_and_sees_request_sent(web_as, outsider, moderator, asking) -> None:
    web = web_as(outsider)
    page = follow(web, web.post(f"/w/{asking.slug}/join", {"message": "Vastaan Oulun kiertotaloudesta."}))
    assert "Pyyntö lähetetty" in page
    assert f'action="/w/{asking.slug}/leave"' in page
    queue = web_as(moderator).get(f"/w/{asking.slug}/requests").get_data(as_text=True)
    assert "Vastaan Oulun kiertotaloudesta." in queue and outsider.display_name in queue


def test_overlong_request_message_shows_the_error(web_as, outsider, asking) -> None:
    response = web_as(outsider).post(f"/w/{asking.slug}/join", {"message": "x" * 1001})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_person_withdraws_a_request(web_as, outsider, moderator, asking) -> None:
    workspaces.do_join_workspace(outsider, asking.slug, "Hei")
    web = web_as(outsider)
    page = follow(web, web.post(f"/w/{asking.slug}/leave"))
    assert "Liittymispyyntösi peruttiin." in page
    assert 'name="message"' in page
    assert outsider.display_name not in web_as(moderator).get(f"/w/{asking.slug}/requests").get_data(as_text=True)


def _request(user: User, ws: Workspace) -> Membership:
    return workspaces.do_join_workspace(user, ws.slug, "Haluaisin mukaan")


def test_moderator_approves_a_request(web_as, moderator, outsider, asking) -> None:
    asked = _request(outsider, asking)
    web = web_as(moderator)
    page = follow(web, web.post(f"/w/{asking.slug}/requests/{asked.id}/approve"))
    assert "Ulla Ulkopuolinen on nyt jäsen." in page
    assert "Kukaan ei odota pääsyä." in page
    assert f"/w/{asking.slug}/new-thread" in web_as(outsider).get(f"/w/{asking.slug}").get_data(as_text=True)


def test_moderator_declines_with_a_reason_the_person_is_shown(web_as, moderator, outsider, asking) -> None:
    asked = _request(outsider, asking)
    web = web_as(moderator)
    assert web.get(f"/w/{asking.slug}/requests/{asked.id}/decline").status_code == 200
    follow(web, web.post(f"/w/{asking.slug}/requests/{asked.id}/decline", {"reason": "Vain kuntien edustajille"}))
    notices = web_as(outsider).get("/notifications").get_data(as_text=True)
    assert "Pyyntösi liittyä työtilaan Kiertotalous hylättiin." in notices
    assert "Vain kuntien edustajille" in notices


def test_declining_a_missing_request_is_not_found(web_as, moderator, asking) -> None:
    assert web_as(moderator).get(f"/w/{asking.slug}/requests/999999/decline").status_code == 404


def test_join_requests_are_rate_limited(app, web_as, outsider, owner, rate_limits) -> None:
    app.config["RATELIMIT_JOIN_REQUESTS"] = "1 per minute"
    first = make_workspace(owner, join_policy="request", name="Yksi")
    second = make_workspace(owner, join_policy="request", name="Kaksi")
    web = web_as(outsider)
    assert web.post(f"/w/{first.slug}/join", {"message": ""}).status_code == 302
    assert web.post(f"/w/{second.slug}/join", {"message": ""}).status_code == 429


def test_request_tab_counts_waiting_requests(web_as, moderator, asking) -> None:
    _request(make_user("Pekka Pyytäjä", email="p@example.fi"), asking)
    page = web_as(moderator).get(f"/w/{asking.slug}/review").get_data(as_text=True)
    assert 'Liittymispyynnöt <span class="count-badge">1</span>' in page


def test_decided_request_cannot_be_approved_again(web_as, moderator, outsider, asking) -> None:
    asked = _request(outsider, asking)
    membership.do_approve_request(moderator, asked.id)
    assert web_as(moderator).post(f"/w/{asking.slug}/requests/{asked.id}/approve").status_code == 404


# --- settings -----------------------------------------------------------------------------------------


def test_owner_turns_pre_moderation_on(web_as, owner, workspace) -> None:
    web = web_as(owner)
    form = {"name": workspace.name, "description": "Kuvaus", "themes": "ilmasto", "visibility": "network",
            "join_policy": "open", "premoderation": "y"}
    follow(web, web.post(f"/w/{workspace.slug}/settings", form))
    page = web.get(f"/w/{workspace.slug}/settings").get_data(as_text=True)
    checkbox = re.search(r'<input[^>]*name="premoderation"[^>]*>', page)
    assert checkbox and "checked" in checkbox.group(0)
