"""What the README promises about a reset link, a sign-in session and a stored hash, each seen the way
the person (or whoever holds an old link or cookie) would see it."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from argon2 import PasswordHasher
from flask import Flask
from itsdangerous import TimestampSigner
from sqlalchemy import update

from app.actions.accounts import make_reset_token
from app.actions.unit import transactional
from app.extensions import db
from app.models import User, UserSession
from app.models.base import utcnow
from tests.conftest import WebClient
from tests.factories import PASSWORD

NEW_PASSWORD = "uusi-salasana-kevät-2027"


@contextmanager
def _clock_moved_back(seconds: int) -> Iterator[None]:
    """Tokens signed inside this block carry a timestamp `seconds` in the past (itsdangerous's own
    clock is turned back; nothing of ours is replaced)."""
    real = TimestampSigner.get_timestamp
    TimestampSigner.get_timestamp = lambda self: real(self) - seconds  # type: ignore[method-assign]
    try:
        yield
    finally:
        TimestampSigner.get_timestamp = real  # type: ignore[method-assign]


def _reset_link(user: User, age_seconds: int) -> str:
    with _clock_moved_back(age_seconds):
        return f"/reset-password/{make_reset_token(user)}"


def _can_sign_in(app: Flask, user: User, password: str) -> bool:
    return WebClient(app.test_client()).post("/sign-in", {"email": user.email, "password": password}).status_code == 302


# --- a reset ends every session; its link expires ---------------------------------------------------


def test_a_password_reset_signs_out_every_browser(app: Flask, web_as, member: User) -> None:
    phone, laptop = web_as(member), web_as(member)
    assert phone.get("/settings").status_code == laptop.get("/settings").status_code == 200
    reset = WebClient(app.test_client()).post(_reset_link(member, 0), {"password": NEW_PASSWORD})
    assert reset.status_code == 302
    assert "/sign-in" in phone.get("/settings").headers["Location"]
    assert "/sign-in" in laptop.get("/settings").headers["Location"]


def test_a_reset_link_older_than_its_max_age_is_refused(app: Flask, web: WebClient, member: User) -> None:
    max_age = app.config["PASSWORD_RESET_MAX_AGE"]
    stale = _reset_link(member, max_age + 60)
    assert web.get(stale).status_code == 404
    assert web.post(stale, {"password": NEW_PASSWORD}).status_code == 404
    assert not _can_sign_in(app, member, NEW_PASSWORD)
    assert _can_sign_in(app, member, PASSWORD)


def test_a_reset_link_just_younger_than_its_max_age_works(app: Flask, web: WebClient, member: User) -> None:
    fresh = _reset_link(member, app.config["PASSWORD_RESET_MAX_AGE"] - 60)
    assert web.post(fresh, {"password": NEW_PASSWORD}).status_code == 302
    assert _can_sign_in(app, member, NEW_PASSWORD)


# --- an expired sign-in session is over, whatever the cookie says -----------------------------------


@transactional
def _expire_sessions_of(user: User) -> None:
    db.session.execute(update(UserSession).where(UserSession.user_id == user.id)
                       .values(expires_at=utcnow() - timedelta(minutes=1)))


def test_an_expired_session_is_signed_out(web_as, member: User) -> None:
    browser = web_as(member)
    assert browser.get("/settings").status_code == 200
    _expire_sessions_of(member)
    assert "/sign-in" in browser.get("/settings").headers["Location"]


# --- a hash made with weaker argon2id costs is replaced at sign-in ----------------------------------


def _argon2_parameters(stored_hash: str) -> str:
    return stored_hash.split("$")[3]  # $argon2id$v=19$m=...,t=...,p=...$salt$hash


@transactional
def _store_hash(user: User, stored_hash: str) -> None:
    user.password_hash = stored_hash


def test_a_weaker_argon2id_hash_is_rehashed_with_the_current_costs(app: Flask, web: WebClient,
                                                                  member: User) -> None:
    current = _argon2_parameters(member.password_hash)
    weaker = PasswordHasher(time_cost=1, memory_cost=512, parallelism=1).hash(PASSWORD)
    assert _argon2_parameters(weaker) != current
    _store_hash(member, weaker)
    web.sign_in(member)
    db.session.expire_all()
    stored = db.session.get(User, member.id).password_hash
    assert stored != weaker
    assert _argon2_parameters(stored) == current
    assert _can_sign_in(app, member, PASSWORD)

