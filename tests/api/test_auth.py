"""Accounts and API tokens over /api/v1: registering, tokens, /me, profiles, cookie sessions."""

from __future__ import annotations

import re

from app.models import ApiToken, Membership, Thread, User
from tests.api.expect import assert_error, assert_invalid, assert_utc_timestamp
from tests.factories import PASSWORD

NEW_ACCOUNT = {
    "email": "Uusi.Kayttaja@Example.fi",
    "password": "vihreä-siirtymä-2035",
    "display_name": "Uusi Käyttäjä",
    "organisation": "Oulun kaupunki",
}


# --- registering -------------------------------------------------------------------------------


def test_register_creates_account(api_as, rows):
    response = api_as(None).post("/auth/register", json=NEW_ACCOUNT)
    assert response.status_code == 201
    user = response.get_json()
    assert isinstance(user["id"], int)
    assert user["email"] == "uusi.kayttaja@example.fi"
    assert user["display_name"] == "Uusi Käyttäjä"
    assert user["organisation"] == "Oulun kaupunki"
    assert_utc_timestamp(user["created_at"])
    assert not {"password", "password_hash"} & set(user)
    assert rows(User) == 1


def test_registered_account_can_get_a_token(api_as):
    api_as(None).post("/auth/register", json=NEW_ACCOUNT)
    response = api_as(None).post(
        "/auth/tokens", json={"email": NEW_ACCOUNT["email"], "password": NEW_ACCOUNT["password"]}
    )
    assert response.status_code == 201


def test_register_refuses_taken_email(api_as, member, rows):
    response = api_as(None).post("/auth/register", json={**NEW_ACCOUNT, "email": member.email})
    assert_invalid(response, "email")
    assert rows(User) == 1


def test_register_refuses_taken_email_in_other_case(api_as, member, rows):
    response = api_as(None).post("/auth/register", json={**NEW_ACCOUNT, "email": member.email.upper()})
    assert_invalid(response, "email")
    assert rows(User) == 1


def test_register_refuses_weak_password(api_as, rows):
    response = api_as(None).post("/auth/register", json={**NEW_ACCOUNT, "password": "lyhyt"})
    assert_invalid(response, "password")
    assert rows(User) == 0


def test_register_refuses_invalid_email(api_as, rows):
    response = api_as(None).post("/auth/register", json={**NEW_ACCOUNT, "email": "ei-osoite"})
    assert_invalid(response, "email")
    assert rows(User) == 0


def test_register_names_every_bad_field_at_once(api_as, rows):
    response = api_as(None).post(
        "/auth/register", json={"email": "ei-osoite", "password": "lyhyt", "display_name": "X"}
    )
    assert_invalid(response, "email", "password", "display_name")
    assert rows(User) == 0


def test_register_refuses_control_characters_in_name(api_as, rows):
    response = api_as(None).post("/auth/register", json={**NEW_ACCOUNT, "display_name": "Uusi\x00Käyttäjä"})
    assert_invalid(response, "display_name")
    assert rows(User) == 0


# --- API tokens --------------------------------------------------------------------------------


def test_right_password_gets_token_and_user(api_as, member):
    response = api_as(None).post("/auth/tokens", json={"email": member.email, "password": PASSWORD, "name": "skripti"})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"token", "user"}
    assert body["user"]["id"] == member.id
    me = api_as(None).get("/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200
    assert me.get_json()["id"] == member.id


def test_wrong_password_is_refused(api_as, member, rows):
    response = api_as(None).post("/auth/tokens", json={"email": member.email, "password": "väärä-salasana-123"})
    assert_error(response, 401, "unauthenticated")
    assert rows(ApiToken) == 0


def test_unknown_email_gets_same_answer_as_wrong_password(api_as, member):
    anonymous = api_as(None)
    wrong_password = anonymous.post("/auth/tokens", json={"email": member.email, "password": "väärä-salasana-123"})
    unknown_email = anonymous.post(
        "/auth/tokens", json={"email": "ei-ole@example.fi", "password": "väärä-salasana-123"}
    )
    assert wrong_password.status_code == unknown_email.status_code == 401
    assert wrong_password.get_data() == unknown_email.get_data()


def test_revoked_token_is_refused(api_as, member):
    api = api_as(member)
    assert api.get("/me").status_code == 200
    response = api.delete("/auth/tokens/current")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert_error(api.get("/me"), 401, "unauthenticated")


def test_revoking_one_token_keeps_the_others(api_as, member):
    kept, revoked = api_as(member), api_as(member)
    assert revoked.delete("/auth/tokens/current").status_code == 204
    assert kept.get("/me").status_code == 200


def test_made_up_token_is_refused(api_as):
    response = api_as(None).get("/me", headers={"Authorization": "Bearer vk_keksitty-tunniste"})
    assert_error(response, 401, "unauthenticated")


# --- who am I, who are they --------------------------------------------------------------------


def test_me_shows_own_account(api_as, member):
    response = api_as(member).get("/me")
    assert response.status_code == 200
    me = response.get_json()
    assert me["id"] == member.id
    assert me["email"] == member.email
    assert me["display_name"] == "Minna Jäsen"
    assert me["is_admin"] is False


def test_me_needs_sign_in(api_as):
    assert_error(api_as(None).get("/me"), 401, "unauthenticated")


def test_profile_shows_public_fields_without_email(api_as, member, outsider):
    response = api_as(outsider).get(f"/users/{member.id}")
    assert response.status_code == 200
    profile = response.get_json()
    assert profile["id"] == member.id
    assert profile["display_name"] == "Minna Jäsen"
    assert "email" not in profile
    assert "is_admin" not in profile


def test_profile_of_unknown_user_is_not_found(api_as, member):
    assert_error(api_as(member).get(f"/users/{member.id + 1000}"), 404, "not_found")


def test_profile_needs_sign_in(api_as, member):
    assert_error(api_as(None).get(f"/users/{member.id}"), 401, "unauthenticated")


# --- the browser's session cookie --------------------------------------------------------------


def test_cookie_session_reads_without_csrf_token(web_as, member, workspace):
    response = web_as(member).client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.get_json()["id"] == member.id


def test_cookie_session_write_without_csrf_token_is_refused(web_as, outsider, workspace, rows):
    before = rows(Membership)
    response = web_as(outsider).client.post(f"/api/v1/workspaces/{workspace.slug}/join", json={})
    assert_error(response, 400, "csrf_failed")
    assert rows(Membership) == before


def test_cookie_session_write_with_wrong_csrf_token_is_refused(web_as, outsider, workspace, rows):
    before = rows(Membership)
    response = web_as(outsider).client.post(
        f"/api/v1/workspaces/{workspace.slug}/join", json={}, headers={"X-CSRFToken": "keksitty"}
    )
    assert_error(response, 400, "csrf_failed")
    assert rows(Membership) == before


def test_cookie_session_write_with_csrf_token_is_accepted(web_as, outsider, workspace, rows):
    web = web_as(outsider)
    before = rows(Membership)
    response = web.client.post(
        f"/api/v1/workspaces/{workspace.slug}/join", json={}, headers={"X-CSRFToken": web.csrf_token()}
    )
    assert response.status_code == 200
    assert response.get_json()["user"]["id"] == outsider.id
    assert rows(Membership) == before + 1


def test_cookie_session_starts_thread_with_csrf_token(web_as, member, workspace, rows):
    web = web_as(member)
    response = web.client.post(
        f"/api/v1/workspaces/{workspace.slug}/threads",
        json={"title": "Selaimesta", "body": "Tunnisteen kanssa"},
        headers={"X-CSRFToken": web.csrf_token()},
    )
    assert response.status_code == 201
    assert rows(Thread) == 1


def test_csrf_token_of_another_browser_is_refused(web_as, outsider, other_member, workspace, rows):
    mine, theirs = web_as(outsider), web_as(other_member)
    before = rows(Membership)
    response = mine.client.post(
        f"/api/v1/workspaces/{workspace.slug}/join", json={}, headers={"X-CSRFToken": theirs.csrf_token()}
    )
    assert_error(response, 400, "csrf_failed")
    assert rows(Membership) == before


def test_cookie_session_cannot_revoke_a_token(web_as, member):
    web = web_as(member)
    response = web.client.delete("/api/v1/auth/tokens/current", headers={"X-CSRFToken": web.csrf_token()})
    assert_error(response, 401, "unauthenticated")


# --- a password reset or change, a suspension: every token goes ----------------------------------


def _reset_through_the_api(mailbox, api_as, user, password: str) -> None:
    assert api_as(None).post("/auth/password-reset", json={"email": user.email}).status_code == 202
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == user.email
    token = re.search(r"/reset-password/(\S+)", mail.get_content()).group(1)
    response = api_as(None).post("/auth/password-reset/confirm", json={"token": token, "password": password})
    assert response.status_code == 204


def test_a_password_reset_revokes_every_token(mailbox, api_as, member, rows):
    first, second = api_as(member), api_as(member)
    assert first.get("/me").status_code == second.get("/me").status_code == 200
    _reset_through_the_api(mailbox, api_as, member, "uusi-salasana-kevät-2027")
    assert_error(first.get("/me"), 401, "unauthenticated")
    assert_error(second.get("/me"), 401, "unauthenticated")
    assert rows(ApiToken) == 0


def test_a_password_change_revokes_every_token_but_keeps_the_browser(api_as, web_as, member, rows):
    api, web = api_as(member), web_as(member)
    response = web.post("/settings/password", {"current_password": PASSWORD,
                                               "new_password": "uusi-pitkä-salasana-77"})
    assert response.status_code == 302
    assert_error(api.get("/me"), 401, "unauthenticated")
    assert rows(ApiToken) == 0
    settings = web.get("/settings")
    assert settings.status_code == 200
    assert "API-tunnisteesi on mitätöity" in settings.get_data(as_text=True)  # the person is told


def test_tokens_of_a_suspended_account_do_not_come_back_with_reinstatement(api_as, admin, member, rows):
    from app.actions.admin import do_reinstate, do_suspend

    api = api_as(member)
    do_suspend(admin, member.id, "Vuotanut tunnus")
    do_reinstate(admin, member.id)
    assert_error(api.get("/me"), 401, "unauthenticated")
    assert rows(ApiToken) == 0


def test_tokens_of_other_people_stay(mailbox, api_as, member, other_member):
    theirs = api_as(other_member)
    _reset_through_the_api(mailbox, api_as, member, "uusi-salasana-kevät-2027")
    assert theirs.get("/me").status_code == 200


# --- a token is for the JSON API only ------------------------------------------------------------


def test_a_token_on_a_page_is_anonymous(api_as, member):
    api = api_as(member)
    for page in ("/settings", "/notifications"):
        response = api.client.get(page, headers=api.headers)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"], page
    assert api.get("/me").status_code == 200  # the same token on the API


def test_a_token_cannot_mint_a_token_through_the_pages(app, api_as, member, rows):
    """With a CSRF token of an anonymous page and the bearer token, the settings form still refuses."""
    api = api_as(member)
    before = rows(ApiToken)
    page = api.client.get("/sign-in", headers=api.headers).get_data(as_text=True)
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
    response = api.client.post("/settings/tokens", data={"csrf_token": csrf, "name": "varas"}, headers=api.headers)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert "vk_" not in response.get_data(as_text=True)
    assert rows(ApiToken) == before
