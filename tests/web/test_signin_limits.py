"""Guessing passwords: sign-in through the page and through the API (POST /api/v1/auth/tokens) draw
from one count per client address and one per account tried; so do the two reset-request doors.

Neither a second door nor a second address gives a guesser a fresh allowance.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import User
from tests.conftest import WebClient

WRONG = "väärä-salasana-123"


def from_address(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


def page_sign_in(web: WebClient, email: str, address: str = "127.0.0.1") -> int:
    return int(web.post("/sign-in", {"email": email, "password": WRONG}, **from_address(address)).status_code)


def api_sign_in(web: WebClient, email: str, address: str = "127.0.0.1") -> int:
    response = web.client.post("/api/v1/auth/tokens", json={"email": email, "password": WRONG},
                               **from_address(address))
    return int(response.status_code)


def test_page_and_api_sign_in_share_one_count_per_address(app: Flask, web: WebClient, rate_limits) -> None:
    app.config["RATELIMIT_SIGNIN"] = "4 per minute"
    tried = [page_sign_in(web, "a@example.fi"), api_sign_in(web, "b@example.fi"),
             page_sign_in(web, "c@example.fi"), api_sign_in(web, "d@example.fi")]
    assert tried == [200, 401, 200, 401]
    assert page_sign_in(web, "e@example.fi") == 429
    assert api_sign_in(web, "f@example.fi") == 429
    assert api_sign_in(web, "g@example.fi", address="192.0.2.9") == 401  # another address has its own


def test_one_account_is_counted_whatever_the_address(app: Flask, web: WebClient, member: User,
                                                     rate_limits) -> None:
    app.config["RATELIMIT_SIGNIN"] = "3 per minute"
    tried = [page_sign_in(web, member.email, "192.0.2.1"), api_sign_in(web, member.email.upper(), "192.0.2.2"),
             page_sign_in(web, f"  {member.email}", "192.0.2.3")]
    assert tried == [200, 401, 200]
    assert api_sign_in(web, member.email, "192.0.2.4") == 429
    assert page_sign_in(web, member.email, "192.0.2.5") == 429
    assert page_sign_in(web, "someone.else@example.fi", "192.0.2.6") == 200  # other accounts are not locked


@pytest.mark.parametrize("first", ["page", "api"])
def test_page_and_api_reset_requests_share_one_count(app: Flask, web: WebClient, member: User, rate_limits,
                                                      first: str) -> None:
    app.config["RATELIMIT_RESET"] = "2 per minute"

    def page(email: str, address: str = "127.0.0.1") -> int:
        return int(web.post("/forgot-password", {"email": email}, **from_address(address)).status_code)

    def api(email: str, address: str = "127.0.0.1") -> int:
        return int(web.client.post("/api/v1/auth/password-reset", json={"email": email},
                                   **from_address(address)).status_code)

    doors = [page, api] if first == "page" else [api, page]
    assert [doors[0]("x@example.fi"), doors[1]("y@example.fi")] == ([302, 202] if first == "page" else [202, 302])
    assert doors[0]("z@example.fi") == 429
    refused = web.client.post("/api/v1/auth/password-reset", json={"email": "w@example.fi"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    # One account, from other addresses: the same count per account.
    assert [api(member.email, "192.0.2.1"), page(member.email, "192.0.2.2")] == [202, 302]
    assert api(member.email, "192.0.2.3") == 429


def test_page_and_api_registration_share_one_count(app: Flask, web: WebClient, rate_limits) -> None:
    app.config["RATELIMIT_REGISTER"] = "1 per minute"
    account = {"email": "uusi@example.fi", "password": "vihreä-siirtymä-2035", "display_name": "Uusi Ihminen"}
    assert web.client.post("/api/v1/auth/register", json=account).status_code == 201
    refused = web.post("/register", {**account, "email": "toinen@example.fi"})
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    again = web.client.post("/api/v1/auth/register", json={**account, "email": "kolmas@example.fi"})
    assert again.status_code == 429 and int(again.headers["Retry-After"]) > 0
    assert db.session.scalar(select(func.count()).select_from(User)) == 1
