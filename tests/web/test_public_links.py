"""Links that leave the server by mail are built from PUBLIC_URL, never from the request's Host.

Someone who asks for a reset of another person's password with `Host: evil.example` must not get a
mail sent to that person, under our name, whose link leads to evil.example (and hands its owner the
reset token). The same for invitations. With a proxy in front (PROXY_COUNT=1) a client's
X-Forwarded-Host must not do it either: that runs against the real server in tests/live.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys

import pytest
from flask import Flask

from app import create_app
from app.links import ConfigurationError, check_public_url, public_url_for
from app.models import User
from config import Config
from tests.conftest import WebClient
from tests.mailbox import Mailbox
from tests.server import ROOT

EVIL = "evil.example"


def mailed_link(mailbox: Mailbox, path: str) -> str:
    (mail,) = mailbox.wait_for(1)
    found = re.search(r"https?://\S*" + re.escape(path) + r"\S+", mail.get_content())
    assert found, mail.get_content()
    return found.group(0)


def browser_at(app: Flask, host: str) -> WebClient:
    """A browser whose every request names `host` (as one pointed at our address by a forged DNS
    name, or a script, would)."""
    web = WebClient(app.test_client())
    web.client.environ_base["HTTP_HOST"] = host
    return web


def test_reset_form_mails_a_link_on_the_public_address_whatever_the_host(app: Flask, ctx: Flask,
                                                                         member: User, mailbox: Mailbox) -> None:
    web = browser_at(app, EVIL)
    assert web.post("/forgot-password", {"email": member.email}).status_code == 302
    link = mailed_link(mailbox, "/reset-password/")
    assert link.startswith(app.config["PUBLIC_URL"] + "/reset-password/")
    assert EVIL not in link


def test_reset_api_mails_a_link_on_the_public_address_whatever_the_host(app: Flask, api_as, member: User,
                                                                        mailbox: Mailbox) -> None:
    response = api_as(None).post("/auth/password-reset", json={"email": member.email},
                                 headers={"Host": EVIL, "X-Forwarded-Host": EVIL})
    assert response.status_code == 202
    link = mailed_link(mailbox, "/reset-password/")
    assert link.startswith(app.config["PUBLIC_URL"] + "/reset-password/")
    # ... and the link works there (the path is the page's own).
    page = WebClient(app.test_client()).get(link.removeprefix(app.config["PUBLIC_URL"]))
    assert page.status_code == 200


def test_invitation_api_answers_and_mails_the_public_link(app: Flask, api_as, moderator: User, workspace,
                                                          mailbox: Mailbox) -> None:
    response = api_as(moderator).post(f"/workspaces/{workspace.slug}/invitations", json={"email": "uusi@kunta.fi"},
                                      headers={"Host": EVIL, "X-Forwarded-Host": EVIL})
    assert response.status_code == 201
    url = response.get_json()["url"]
    assert url.startswith(app.config["PUBLIC_URL"] + "/invitations/")
    assert mailed_link(mailbox, "/invitations/") == url


def test_public_url_for_keeps_a_path_prefix(app: Flask, ctx: Flask) -> None:
    saved = app.config["PUBLIC_URL"]
    try:
        app.config["PUBLIC_URL"] = "https://kunnat.example.fi/kortteli"
        assert public_url_for("auth.reset_password", token="abc") == \
            "https://kunnat.example.fi/kortteli/reset-password/abc"
    finally:
        app.config["PUBLIC_URL"] = saved


@pytest.mark.parametrize("value", ["", "   ", "kortteli.example.fi", "ftp://kortteli.example.fi",
                                   "https://", "https://kortteli.example.fi/?x=1", "https://u:p@kortteli.example.fi"])
def test_a_missing_or_malformed_public_url_is_refused(value: str) -> None:
    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        check_public_url(value)


def test_public_url_is_normalised() -> None:
    assert check_public_url(" https://kortteli.example.fi/ ") == "https://kortteli.example.fi"


def test_the_production_config_refuses_to_build_an_app_without_public_url() -> None:
    with pytest.raises(ConfigurationError, match="PUBLIC_URL is not set"):
        create_app(Config, PUBLIC_URL="")


def test_the_server_says_what_is_missing_and_stops(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """`python wsgi.py` in production without PUBLIC_URL: one clear line, no traceback, exit status 1."""
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "FLASK_CONFIG")}
    env.update({"ASYNC_MODE": "threading", "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"})
    done = subprocess.run([sys.executable, "wsgi.py"], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 1
    assert "Virtuaalikortteli cannot start: PUBLIC_URL is not set" in done.stderr
    assert "Traceback" not in done.stderr


def test_development_serves_its_own_address_by_default() -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("PUBLIC_URL", "HOST", "PORT")}
    code = "from config import DevelopmentConfig as C; print(C.PUBLIC_URL)"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=30, check=True)
    assert done.stdout.strip() == "http://127.0.0.1:5000"
