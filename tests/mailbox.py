"""A real SMTP server for the tests: aiosmtpd on a free 127.0.0.1 port, keeping what it receives.

The app delivers mail in a background task, so a test waits for its messages (`wait_for`), and a test
that expects none waits a quiet moment (`assert_none`). A `Mailbox` may offer STARTTLS (a self-signed
certificate made with openssl) and demand a login, as a provider's submission port does.
"""

from __future__ import annotations

import email
import email.policy
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.server import free_port

HOST = "127.0.0.1"
WAIT = 10.0  # a background delivery on a busy machine
QUIET = 0.5  # how long to wait for mail that must not come


@dataclass(frozen=True)
class Received:
    """One delivered message, and how it came: the envelope, over TLS or not, logged in as whom."""

    message: EmailMessage
    mail_from: str
    rcpt_tos: tuple[str, ...]
    tls: bool
    login: str | None


def finish_deliveries(timeout: float = WAIT) -> None:
    """Wait for the app's background mail deliveries (threads running app.mail.deliver) to end."""
    for thread in threading.enumerate():
        if thread.name.endswith("(deliver)") and thread is not threading.current_thread():
            thread.join(timeout)


def self_signed_tls(folder: Path) -> ssl.SSLContext:
    """A server TLS context with a throwaway certificate for 127.0.0.1."""
    cert, key = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True, timeout=60)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


class Mailbox:
    """An SMTP server that accepts every message (after STARTTLS and a login, if so set up)."""

    def __init__(self, tls: ssl.SSLContext | None = None, credentials: tuple[str, str] | None = None) -> None:
        self.port = free_port(HOST)
        self._received: list[Received] = []
        self._lock = threading.Lock()
        self.credentials = credentials
        options: dict[str, Any] = {}
        if tls is not None:
            options.update(tls_context=tls, require_starttls=True)
        if credentials is not None:
            options.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=tls is not None)
        self.controller = Controller(self, hostname=HOST, port=self.port, **options)

    def __enter__(self) -> Mailbox:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()

    # --- the SMTP side (aiosmtpd calls these) ---------------------------------------------------------

    def _authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        if not isinstance(data, LoginPassword) or self.credentials is None:
            return AuthResult(success=False, handled=False)
        given = (data.login.decode(), data.password.decode())
        return AuthResult(success=given == self.credentials, auth_data=given[0])

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        received = Received(message, envelope.mail_from, tuple(envelope.rcpt_tos), session.ssl is not None,
                            session.auth_data if session.authenticated else None)
        with self._lock:
            self._received.append(received)
        return "250 OK"

    # --- the test side ---------------------------------------------------------------------------------

    @property
    def received(self) -> list[Received]:
        with self._lock:
            return list(self._received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [r.message for r in self.received]

    def clear(self) -> None:
        """Forget every message, once the deliveries still under way have ended (so that none of an
        earlier test's mail lands in the next test's mailbox)."""
        finish_deliveries()
        with self._lock:
            self._received.clear()

    def wait_for(self, count: int = 1, timeout: float = WAIT) -> list[EmailMessage]:
        """The messages, once `count` have arrived (then a short moment more, so that an extra one shows)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.05)
        messages = self.messages
        assert len(messages) == count, f"expected {count} messages, got {len(messages)}"
        return messages

    def assert_none(self, quiet: float = QUIET) -> None:
        time.sleep(quiet)
        assert self.messages == [], [m["Subject"] for m in self.messages]
