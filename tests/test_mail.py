"""Mail goes out over real SMTP: the test app delivers to an aiosmtpd server (tests/mailbox.py), with
STARTTLS and a login when MAIL_USE_TLS and MAIL_USERNAME say so, and never past a server that refuses."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from app.models import User
from tests.conftest import WebClient
from tests.mailbox import HOST, Mailbox, finish_deliveries, self_signed_tls

LOGIN = ("kortteli@posti.example", "smtp-salasana-123")


def ask_for_reset(web: WebClient, user: User) -> None:
    assert web.post("/forgot-password", {"email": user.email}).status_code == 302


@pytest.fixture(scope="module")
def submission_port(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Mailbox]:
    """A provider's submission port: STARTTLS first, then a login, or no mail is taken."""
    with Mailbox(tls=self_signed_tls(tmp_path_factory.mktemp("smtp-tls")), credentials=LOGIN) as server:
        yield server


@pytest.fixture
def via_submission_port(app: Flask, submission_port: Mailbox, monkeypatch: pytest.MonkeyPatch) -> Mailbox:
    submission_port.clear()
    for key, value in {"MAIL_SERVER": HOST, "MAIL_PORT": submission_port.port, "MAIL_USE_TLS": True,
                       "MAIL_USERNAME": LOGIN[0], "MAIL_PASSWORD": LOGIN[1]}.items():
        monkeypatch.setitem(app.config, key, value)
    return submission_port


def test_a_reset_mail_reaches_the_person_over_plain_smtp(app: Flask, web: WebClient, member: User,
                                                         mailbox: Mailbox) -> None:
    ask_for_reset(web, member)
    (mail,) = mailbox.wait_for(1)
    (received,) = mailbox.received
    assert mail["To"] == member.email and received.rcpt_tos == (member.email,)
    assert mail["From"] == app.config["MAIL_SENDER"]
    assert re.search(re.escape(app.config["PUBLIC_URL"]) + r"/reset-password/\S+", mail.get_content())
    assert (received.tls, received.login) == (False, None)  # MAIL_USE_TLS=0 and no MAIL_USERNAME


def test_with_tls_and_a_username_the_mail_goes_encrypted_and_logged_in(web: WebClient, member: User,
                                                                      via_submission_port: Mailbox) -> None:
    ask_for_reset(web, member)
    (mail,) = via_submission_port.wait_for(1)
    (received,) = via_submission_port.received
    assert (received.tls, received.login) == (True, LOGIN[0])
    assert mail["To"] == member.email and received.rcpt_tos == (member.email,)


@pytest.mark.parametrize("password", ["wrong-password", "väärä-ääkkösin"])
def test_a_wrong_smtp_password_delivers_nothing_and_is_logged(
        app: Flask, web: WebClient, member: User, via_submission_port: Mailbox,
        monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, password: str) -> None:
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", password)
    ask_for_reset(web, member)  # the person is told to look at their mail either way
    via_submission_port.assert_none(quiet=1.0)
    finish_deliveries()
    assert f"mail to {member.email} could not be delivered" in caplog.text


def test_the_mailbox_fixture_is_a_real_server(tmp_path: Path) -> None:
    """The plain mailbox refuses STARTTLS (it offers none): the app's MAIL_USE_TLS=0 path is what
    the other tests use, not a server that would take anything."""
    import smtplib

    with Mailbox() as plain, smtplib.SMTP(HOST, plain.port, timeout=5) as smtp:
        smtp.ehlo()
        assert not smtp.has_extn("starttls")
