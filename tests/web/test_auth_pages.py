"""Registering, signing in and out, resetting a password, and what each does to sessions."""

from __future__ import annotations

import re
import socket
import statistics
import time
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from app.passwords import configure_hashing
from tests.conftest import WebClient
from tests.factories import PASSWORD, make_user
from tests.mailbox import Mailbox


def _register(web: WebClient, email: str = "sanna@example.fi", password: str = PASSWORD, **extra: str):
    form = {"display_name": "Sanna Saarinen", "email": email, "organisation": "Lahden kaupunki",
            "password": password, **extra}
    return web.post("/register", form)


def _user_count() -> int:
    return db.session.scalar(select(func.count()).select_from(User))


def test_registering_signs_the_person_in(web: WebClient) -> None:
    response = _register(web)
    assert response.status_code == 302
    page = web.get("/").get_data(as_text=True)
    assert "Sanna Saarinen" in page


def test_register_rejects_weak_password_and_writes_nothing(web: WebClient) -> None:
    response = _register(web, password="lyhyt")
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert _user_count() == 0


def test_register_rejects_duplicate_email(web: WebClient, member: User) -> None:
    response = _register(web, email=member.email.upper())
    assert response.status_code == 200
    assert _user_count() == 1


def test_register_refuses_control_characters_in_name(web: WebClient) -> None:
    response = _register(web, display_name="Sanna\x00Saarinen")
    assert response.status_code == 200
    assert _user_count() == 0


def test_form_without_csrf_token_is_refused(web: WebClient) -> None:
    response = web.post("/register", {"display_name": "X Y", "email": "x@example.fi", "password": PASSWORD},
                        csrf=False)
    assert response.status_code == 400
    assert _user_count() == 0


def test_sign_in_with_wrong_password_says_the_same_as_unknown_email(web: WebClient, member: User) -> None:
    wrong = web.post("/sign-in", {"email": member.email, "password": "väärä-salasana-123"})
    unknown = web.post("/sign-in", {"email": "nobody@example.fi", "password": "väärä-salasana-123"})
    assert wrong.status_code == unknown.status_code == 200

    def message(response) -> str:  # type: ignore[no-untyped-def]
        return re.search(r'role="alert">(.*?)</div>', response.get_data(as_text=True), re.S).group(1)

    assert message(wrong) == message(unknown)


def test_sign_out_ends_the_session_even_if_the_cookie_is_replayed(app: Flask, web: WebClient, member: User) -> None:
    web.sign_in(member)
    cookie = web.client.get_cookie("session")
    assert cookie is not None
    saved = cookie.value
    web.post("/sign-out")
    replay = app.test_client()
    replay.set_cookie("session", saved)
    assert replay.get("/settings").status_code == 302  # sent to sign in


def test_changing_password_signs_out_other_browsers(app: Flask, web_as, member: User) -> None:
    phone, laptop = web_as(member), web_as(member)
    laptop.post("/settings/password", {"current_password": PASSWORD, "new_password": "uusi-pitkä-salasana-77"})
    assert laptop.get("/settings").status_code == 200
    assert phone.get("/settings").status_code == 302


def test_password_reset_link_works_once(app: Flask, web: WebClient, member: User, mailbox: Mailbox) -> None:
    web.post("/forgot-password", {"email": member.email})
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == member.email
    link = re.search(r"http://kortteli\.test(/reset-password/\S+)", mail.get_content()).group(1)
    first = web.post(link, {"password": "uusi-salasana-kevät-2027"})
    assert first.status_code == 302
    again = web.post(link, {"password": "toinen-salasana-syksy-2027"})
    assert again.status_code == 404
    fresh = WebClient(app.test_client())
    assert fresh.post("/sign-in", {"email": member.email, "password": "uusi-salasana-kevät-2027"}).status_code == 302


def test_reset_request_answers_alike_for_known_and_unknown_email(app: Flask, web: WebClient, member: User,
                                                                 mailbox: Mailbox) -> None:
    known = web.post("/forgot-password", {"email": member.email})
    unknown = web.post("/forgot-password", {"email": "nobody@example.fi"})
    assert known.status_code == unknown.status_code == 302
    assert known.headers["Location"] == unknown.headers["Location"]
    (mail,) = mailbox.wait_for(1)
    assert mail["To"] == member.email


def test_tampered_reset_link_is_refused(web: WebClient, member: User) -> None:
    assert web.get("/reset-password/not-a-real-token").status_code == 404


def test_old_werkzeug_hash_is_upgraded_to_argon2id_at_sign_in(web: WebClient, ctx: Flask) -> None:
    from werkzeug.security import generate_password_hash

    from app.actions.unit import transactional

    user = make_user("Vanha Tili", email="old@example.fi")

    @transactional
    def downgrade() -> None:
        user.password_hash = generate_password_hash(PASSWORD)

    downgrade()
    web.sign_in(user)
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash.startswith("$argon2id$")


def test_sign_in_is_rate_limited(app: Flask, web: WebClient, rate_limits) -> None:
    app.config["RATELIMIT_SIGNIN"] = "3 per minute"
    statuses = [web.post("/sign-in", {"email": "x@example.fi", "password": "x"}).status_code for _ in range(4)]
    assert statuses[:3] == [200, 200, 200]
    assert statuses[3] == 429


def test_session_cookie_is_httponly_and_lax(web: WebClient, member: User) -> None:
    response = web.sign_in(member)
    header = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header


def test_suspended_account_is_told_why_only_with_the_right_password(web: WebClient, admin: User, member: User) -> None:
    from app.actions.admin import do_suspend

    do_suspend(admin, member.id, "Toistuvaa häirintää.")
    told = web.post("/sign-in", {"email": member.email, "password": PASSWORD})
    assert told.status_code == 403
    assert "Toistuvaa häirintää." in told.get_data(as_text=True)
    guessed = web.post("/sign-in", {"email": member.email, "password": "väärä-salasana-123"})
    assert "Toistuvaa häirintää." not in guessed.get_data(as_text=True)
    assert "/sign-in" in web.get("/settings").headers["Location"]  # not signed in either way


# --- a new API token is shown once, and kept nowhere but as its hash -------------------------------


def test_new_token_is_shown_once_and_never_put_in_the_session_cookie(web_as, member: User) -> None:
    web = web_as(member)
    response = web.post("/settings/tokens", {"name": "raportit"})
    assert response.status_code == 200
    secret = re.search(r'<code class="token">(vk_[^<]+)</code>', response.get_data(as_text=True)).group(1)
    cookie = web.session_cookie()
    assert "_user_id" in cookie  # the cookie was decoded: it is the signed-in session
    assert secret not in cookie and "new_token" not in cookie
    assert secret not in web.get("/settings").get_data(as_text=True)  # once
    me = web.client.get("/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["id"] == member.id


# --- a reset request takes as long for a known address as for an unknown one -------------------------


def _median_ms(call, times: int) -> float:  # type: ignore[no-untyped-def]
    durations = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        durations.append((time.perf_counter() - started) * 1000)
    return statistics.median(durations)


@pytest.fixture
def production_hashing(app: Flask) -> Iterator[None]:
    """argon2id at its production costs (argon2-cffi's RFC 9106 defaults: t=3, 64 MiB), where a hash
    takes ~100 ms, for this test."""
    configure_hashing(3, 64 * 1024)
    yield
    configure_hashing(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])


def assert_alike(known: float, unknown: float) -> None:
    """Medians within 3x of each other, with 5 ms of slack for a noisy shared machine."""
    assert known <= 3 * unknown + 5 and unknown <= 3 * known + 5, f"known {known:.1f} ms, unknown {unknown:.1f} ms"


@pytest.mark.parametrize("door", ["page", "api"])
def test_a_reset_request_takes_as_long_for_a_known_address(app: Flask, web: WebClient, member: User,
                                                            production_hashing: None, door: str,
                                                            mailbox: Mailbox) -> None:
    def ask(email: str):  # type: ignore[no-untyped-def]
        if door == "page":
            return lambda: web.post("/forgot-password", {"email": email}, csrf=False)
        return lambda: web.client.post("/api/v1/auth/password-reset", json={"email": email})

    app.config["WTF_CSRF_ENABLED"] = False  # the page's CSRF token is not what is timed
    try:
        ask(member.email)()  # warm up both paths
        ask("nobody@example.fi")()
        known, unknown = _median_ms(ask(member.email), 15), _median_ms(ask("nobody@example.fi"), 15)
    finally:
        app.config["WTF_CSRF_ENABLED"] = True
    assert {m["To"] for m in mailbox.wait_for(16)} == {member.email}  # the known path mailed its link each time
    assert_alike(known, unknown)


def test_a_wrong_password_takes_as_long_as_an_unknown_address(web: WebClient, production_hashing: None) -> None:
    member = make_user("Aito Käyttäjä", email="aito@example.fi")  # hashed at the production costs

    def sign_in(email: str):  # type: ignore[no-untyped-def]
        return lambda: web.client.post("/api/v1/auth/tokens", json={"email": email, "password": "väärä-salasana-1"})

    known, unknown = _median_ms(sign_in(member.email), 5), _median_ms(sign_in("nobody@example.fi"), 5)
    assert_alike(known, unknown)


def test_a_reset_request_does_not_wait_for_the_mail_server(app: Flask, web: WebClient, member: User) -> None:
    """A mail server that accepts the connection and then says nothing: the request answers at once
    (delivery is the background's business), so a known address is not told apart by a slow SMTP."""
    silent = socket.create_server(("127.0.0.1", 0))  # listens, never greets
    saved = app.config["MAIL_SERVER"], app.config["MAIL_PORT"]
    app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = "127.0.0.1", silent.getsockname()[1]
    try:
        started = time.perf_counter()
        response = web.client.post("/api/v1/auth/password-reset", json={"email": member.email})
        elapsed = time.perf_counter() - started
        silent.settimeout(5)
        delivery_tried = silent.accept()[0] is not None  # the background task did connect
    finally:
        app.config["MAIL_SERVER"], app.config["MAIL_PORT"] = saved
        silent.close()
    assert response.status_code == 202
    assert elapsed < 2.0, f"the request waited {elapsed:.1f} s for the mail server"
    assert delivery_tried, "the mail was never handed to the mail server"
