"""The production server with no proxy in front (PROXY_COUNT=0) and an extra origin in ALLOWED_ORIGINS:
X-Forwarded-For is the client's own text and changes no count, and only the listed origins open sockets."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests
import socketio

from tests.live.helpers import Person
from tests.server import LiveServer, free_port

EXTRA_ORIGIN = "https://app.kortteli.example"


@pytest.fixture(scope="module")
def direct_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    port = free_port()
    env = {"PORT": str(port), "PROXY_COUNT": "0", "RATELIMIT_ENABLED": "1", "RATELIMIT_SIGNIN": "5 per minute",
           "ALLOWED_ORIGINS": f"http://127.0.0.1:{port},{EXTRA_ORIGIN}"}
    with LiveServer(tmp_path_factory.mktemp("direct"), database_name="direct", env=env) as server:
        yield server


def _connect(server: LiveServer, person: Person, origin: str, transport: str) -> socketio.Client:
    # websocket-client adds an Origin of its own unless told not to: two Origin headers would be refused
    # whatever they say, and prove nothing.
    client = socketio.Client(reconnection=False, websocket_extra_options={"suppress_origin": True})
    client.connect(server.url, auth={"token": person.token}, transports=[transport], wait_timeout=5,
                   headers={"Origin": origin})
    return client


@pytest.fixture(scope="module")
def person(direct_server: LiveServer) -> Person:
    return Person(direct_server.url, "Origo Sallittu")


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_an_extra_allowed_origin_opens_a_socket_and_another_does_not(direct_server: LiveServer, person: Person,
                                                                     transport: str) -> None:
    for allowed in (EXTRA_ORIGIN, direct_server.url):
        client = _connect(direct_server, person, allowed, transport)
        try:
            assert client.connected and client.call("subscribe", {"workspace": "ei-ole"}, timeout=10) is not None
        finally:
            client.disconnect()
    for foreign in ("https://kortteli.example.evil.example", "https://other.example", "null"):
        with pytest.raises(socketio.exceptions.ConnectionError):
            _connect(direct_server, person, foreign, transport)


# Last: it spends the address's allowance, which registering the person above also draws from.
def test_without_a_proxy_a_forwarded_address_does_not_dodge_the_limit(direct_server: LiveServer) -> None:
    def sign_in(n: int) -> int:
        return requests.post(f"{direct_server.url}/api/v1/auth/tokens", timeout=30,
                             headers={"X-Forwarded-For": f"198.51.100.{n}"},  # a new "address" each time
                             json={"email": f"ohitus{n}-{time.monotonic_ns()}@example.fi", "password": "väärä-1"},
                             ).status_code

    tried = [sign_in(n) for n in range(8)]  # RATELIMIT_SIGNIN: 5 per minute, some spent above
    stopped = tried.index(429) if 429 in tried else len(tried)
    assert stopped <= 5 and set(tried[stopped:]) == {429}, tried
