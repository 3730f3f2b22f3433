"""Accounts as the running server treats them: a password reset or change shuts out every API token
and the sockets opened with them, and behind a proxy a client's X-Forwarded-Host never reaches a
mailed link.

Real python-socketio clients and HTTP against `python wsgi.py` (the production Config). Without
MAIL_SERVER the server writes each mail to its log; the tests read the links from there.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
import socketio

from tests.live.helpers import PASSWORD, Listener, Person, csrf_token
from tests.server import LiveServer

AT_ONCE = 1.0  # a lost access reaches the open socket within this (the heartbeat's net is 20 s)
EVIL = "evil.example"
NEW_PASSWORD = "uusi-vahva-salasana-2031"


@pytest.fixture(scope="module")
def proxied_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The production server behind one proxy (PROXY_COUNT=1), as the README's nginx example runs it."""
    with LiveServer(tmp_path_factory.mktemp("proxied"), database_name="proxied",
                    env={"PROXY_COUNT": "1", "RATELIMIT_ENABLED": "1", "RATELIMIT_SIGNIN": "5 per minute"}) as server:
        yield server


def mailed_link(server: LiveServer, email: str, path: str, timeout: float = 5.0) -> str:
    """The link of the latest mail to `email` in the server's log (mail is delivered in the background)."""
    pattern = re.compile(r"mail to " + re.escape(email) + r" .*?\n\n.*?(https?://\S*?" + re.escape(path) + r"\S+)",
                         re.S)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = pattern.findall(Path(server.log_path).read_text(errors="replace"))
        if found:
            return str(found[-1])
        time.sleep(0.05)
    raise AssertionError(f"no mail to {email} in the log:\n{server.log_tail()}")


def test_forwarded_host_of_a_client_never_reaches_the_reset_mail(proxied_server: LiveServer) -> None:
    person = Person(proxied_server.url, "Pekka Proxy")
    answer = requests.post(f"{proxied_server.url}/api/v1/auth/password-reset", json={"email": person.email},
                           headers={"X-Forwarded-Host": EVIL, "Host": EVIL}, timeout=30)
    assert answer.status_code == 202
    link = mailed_link(proxied_server, person.email, "/reset-password/")
    assert link.startswith(f"{proxied_server.url}/reset-password/"), link
    assert EVIL not in link


def test_forwarded_host_of_a_client_never_reaches_an_invitation_link(proxied_server: LiveServer) -> None:
    owner = Person(proxied_server.url, "Olli Omistaja")
    slug = owner.create_workspace("Kutsut välityspalvelimen takana")
    answer = owner.http.post(f"{proxied_server.url}/api/v1/workspaces/{slug}/invitations",
                             json={"email": f"kutsuttu-{time.monotonic_ns()}@example.fi"},
                             headers={"X-Forwarded-Host": EVIL}, timeout=30)
    assert answer.status_code == 201, answer.text
    assert answer.json()["url"].startswith(f"{proxied_server.url}/invitations/")


def test_guesses_at_one_account_from_many_forwarded_addresses_are_counted_together(
        proxied_server: LiveServer) -> None:
    """Behind the proxy each guess may come from another client address (X-Forwarded-For): the
    account's own count still stops them, on the page and the API alike, and leaves others alone."""
    person = Person(proxied_server.url, "Arvattava Tili")  # its token request is the account's first

    def guess(n: int, email: str, door: str) -> int:
        headers = {"X-Forwarded-For": f"198.51.100.{n}"}
        if door == "api":
            return requests.post(f"{proxied_server.url}/api/v1/auth/tokens", headers=headers, timeout=30,
                                 json={"email": email, "password": "väärä-salasana-1"}).status_code
        browser = requests.Session()
        data = {"csrf_token": csrf_token(browser, proxied_server.url, "/sign-in"), "email": email,
                "password": "väärä-salasana-1"}
        return browser.post(f"{proxied_server.url}/sign-in", data=data, headers=headers, timeout=30).status_code

    tried = [guess(n, person.email, door) for n, door in enumerate(["api", "page", "api", "page"], 1)]
    assert tried == [401, 200, 401, 200]
    assert guess(5, person.email, "page") == 429
    assert guess(6, person.email, "api") == 429
    assert guess(7, "joku.muu@example.fi", "api") == 401


def test_behind_one_proxy_each_forwarded_client_address_has_its_own_count(proxied_server: LiveServer) -> None:
    """PROXY_COUNT=1: the address a limit counts is the one the proxy put in X-Forwarded-For, so one
    client is stopped after its allowance while the next client behind the same proxy is not."""
    def sign_in(address: str, n: int) -> int:
        return requests.post(f"{proxied_server.url}/api/v1/auth/tokens", timeout=30,
                             headers={"X-Forwarded-For": address},
                             json={"email": f"osoite{n}-{time.monotonic_ns()}@example.fi", "password": "väärä-1"},
                             ).status_code

    assert [sign_in("203.0.113.7", n) for n in range(5)] == [401] * 5  # RATELIMIT_SIGNIN: 5 per minute
    assert sign_in("203.0.113.7", 5) == 429
    assert sign_in("203.0.113.8", 6) == 401  # another client behind the proxy


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_forwarded_host_does_not_make_a_foreign_origin_our_own(proxied_server: LiveServer, transport: str) -> None:
    """Socket.IO's origin check compares with PUBLIC_URL's origin, not with a Host the client names."""
    person = Person(proxied_server.url, "Origo Testaaja")
    # Only our Origin header: websocket-client would add its own (own-origin) one beside it otherwise.
    client = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(proxied_server.url, auth={"token": person.token}, transports=[transport], wait_timeout=5,
                       headers={"Origin": f"http://{EVIL}", "X-Forwarded-Host": EVIL})
    assert not client.connected


def assert_token_is_dead(server: LiveServer, person: Person, listener: Listener) -> None:
    assert listener.disconnected.wait(AT_ONCE), "the socket opened with the token is still open"
    me = requests.get(f"{server.url}/api/v1/me", headers={"Authorization": f"Bearer {person.token}"}, timeout=10)
    assert me.status_code == 401
    with pytest.raises(socketio.exceptions.ConnectionError):
        Listener(server.url, person.token).connect()


def test_password_reset_revokes_every_token_and_closes_its_sockets(live_server: LiveServer) -> None:
    person = Person(live_server.url, "Riitta Resetoija")
    slug = person.create_workspace(f"Resetointi {time.monotonic_ns()}")
    listener = Listener(live_server.url, person.token).connect()
    try:
        assert listener.subscribe(slug)["ok"] is True
        requests.post(f"{live_server.url}/api/v1/auth/password-reset", json={"email": person.email}, timeout=30)
        token = mailed_link(live_server, person.email, "/reset-password/").rsplit("/", 1)[1]
        confirmed = requests.post(f"{live_server.url}/api/v1/auth/password-reset/confirm",
                                  json={"token": token, "password": NEW_PASSWORD}, timeout=30)
        assert confirmed.status_code == 204, confirmed.text
        assert_token_is_dead(live_server, person, listener)
    finally:
        listener.close()


def test_password_change_on_the_settings_page_revokes_tokens_but_keeps_this_browser(live_server: LiveServer) -> None:
    person = Person(live_server.url, "Vesa Vaihtaja")
    browser = person.sign_in_browser()
    listener = Listener(live_server.url, person.token).connect()
    try:
        changed = browser.post(f"{live_server.url}/settings/password", allow_redirects=False, timeout=30, data={
            "csrf_token": csrf_token(browser, live_server.url, "/settings"),
            "current_password": PASSWORD, "new_password": NEW_PASSWORD})
        assert changed.status_code == 302
        assert_token_is_dead(live_server, person, listener)
        still = browser.get(f"{live_server.url}/settings", allow_redirects=False, timeout=30)
        assert still.status_code == 200  # the browser that changed it stays signed in
    finally:
        listener.close()
