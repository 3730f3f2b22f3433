"""The production server (eventlet, mail delivered in a green background task) sends a password-reset mail
over real SMTP, and the link in it is on PUBLIC_URL whatever Host the request named."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from tests.live.helpers import Person
from tests.mailbox import HOST, Mailbox
from tests.server import LiveServer

PUBLIC_URL = "https://kortteli.example/palvelu"


@pytest.fixture(scope="module")
def mailbox_server() -> Iterator[Mailbox]:
    with Mailbox() as server:
        yield server


@pytest.fixture(scope="module")
def mailing_server(tmp_path_factory: pytest.TempPathFactory, mailbox_server: Mailbox) -> Iterator[LiveServer]:
    env = {"MAIL_SERVER": HOST, "MAIL_PORT": str(mailbox_server.port), "MAIL_USE_TLS": "0", "PUBLIC_URL": PUBLIC_URL}
    with LiveServer(tmp_path_factory.mktemp("mailing"), database_name="mailing", env=env) as server:
        yield server


def test_the_real_server_mails_a_reset_link_on_the_public_url(mailing_server: LiveServer,
                                                              mailbox_server: Mailbox, tmp_path: Path) -> None:
    person = Person(mailing_server.url, "Postin Odottaja")
    mailbox_server.clear()
    response = requests.post(f"{mailing_server.url}/api/v1/auth/password-reset", json={"email": person.email},
                             headers={"Host": "evil.example", "X-Forwarded-Host": "evil.example"}, timeout=30)
    assert response.status_code == 202, response.text
    (mail,) = mailbox_server.wait_for(1, timeout=20)
    assert mail["To"] == person.email
    link = re.search(r"https?://\S+/reset-password/\S+", mail.get_content())
    assert link, mail.get_content()
    assert link.group(0).startswith(PUBLIC_URL + "/reset-password/")
    # The token in it works on the server (the path after PUBLIC_URL is the page's own).
    page = requests.get(mailing_server.url + link.group(0).removeprefix(PUBLIC_URL), timeout=30)
    assert page.status_code == 200
