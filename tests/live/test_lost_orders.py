"""When the order over the control channel never comes, the socket still does not outlive its right to
be open: every heartbeat closes sockets whose sign-in session, token or account is gone, and every
event a socket sends is checked against them afresh.

The order is "lost" by ending the session, token or account directly in the database, as no action
does: nothing is sent to the sockets, only the two safety nets can notice.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import create_engine, text

from config import normalise_database_url
from tests.live.conftest import redis_pair
from tests.live.helpers import Listener, Person, cookie_header
from tests.server import LiveServer

HEARTBEAT_SECONDS = 1
Ender = Callable[[LiveServer, Person], None]


@pytest.fixture(scope="module")
def beating_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two processes (one database, one Redis) whose heartbeat comes every second."""
    with redis_pair(tmp_path_factory.mktemp("lost_orders"), "lost_orders",
                    {"HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS)}) as servers:
        yield servers


def run_sql(server: LiveServer, statement: str, **params: object) -> None:
    """Change the server's database behind its back: no action, so no order to any socket."""
    engine = create_engine(normalise_database_url(server.database_url))
    try:
        with engine.begin() as connection:
            connection.execute(text(statement), params)
    finally:
        engine.dispose()


def end_sessions(server: LiveServer, person: Person) -> None:
    run_sql(server, "DELETE FROM user_sessions WHERE user_id = :id", id=person.id)


def end_tokens(server: LiveServer, person: Person) -> None:
    run_sql(server, "DELETE FROM api_tokens WHERE user_id = :id", id=person.id)


def suspend_account(server: LiveServer, person: Person) -> None:
    run_sql(server, "UPDATE users SET suspended_at = CURRENT_TIMESTAMP WHERE id = :id", id=person.id)


ENDINGS: dict[str, tuple[Ender, bool]] = {  # what ends, and whether the socket signed in with a cookie
    "session": (end_sessions, True),
    "token": (end_tokens, False),
    "account": (suspend_account, False),
}


def open_socket(server: LiveServer, person: Person, by_cookie: bool, slug: str) -> Listener:
    """A socket of `person` following `slug`: the page's (session cookie) or an API client's (token)."""
    if by_cookie:
        listener = Listener(server.url, cookies=cookie_header(person.sign_in_browser()))
    else:
        listener = Listener(server.url, person.token)
    listener.connect()
    assert listener.subscribe(slug)["ok"] is True
    return listener


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_heartbeat_closes_a_socket_whose_right_ended_without_an_order(
        beating_pair: tuple[LiveServer, LiveServer], ending: str) -> None:
    a, b = beating_pair
    end, by_cookie = ENDINGS[ending]
    owner, person = Person(a.url, "Olli Omistaja"), Person(a.url, f"Kaisa Katoava ({ending})")
    slug = owner.create_workspace(f"Sydämenlyönti {ending}")
    person.join(slug)
    doomed = open_socket(b, person, by_cookie, slug)
    bystander = open_socket(b, owner, by_cookie, slug)
    try:
        end(a, person)
        assert doomed.disconnected.wait(HEARTBEAT_SECONDS * 3 + 1), f"the socket stayed open after its {ending} ended"
        # Only the socket that lost its right: the other one, through the same beats, stays.
        assert bystander.client.connected and not bystander.disconnected.is_set()
        assert bystander.call("sync", {})["ok"] is True
    finally:
        doomed.close()
        bystander.close()


@pytest.fixture(params=["eventlet", "threading"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    """A server whose heartbeat is far off (20 s), in either async mode."""
    return request.getfixturevalue("live_server" if request.param == "eventlet" else "threading_server")


@pytest.mark.parametrize("ending", list(ENDINGS))
def test_the_next_event_of_a_socket_whose_right_ended_is_refused(server: LiveServer, ending: str) -> None:
    """Only the per-event check can refuse it before the heartbeat: the refusal is an error ack, then
    the socket closes."""
    end, by_cookie = ENDINGS[ending]
    owner, person = Person(server.url, "Olli Omistaja"), Person(server.url, f"Eero Erotettu ({ending})")
    slug = owner.create_workspace(f"Tapahtumittain {ending}")
    person.join(slug)
    doomed = open_socket(server, person, by_cookie, slug)
    other = owner.create_workspace(f"Toinen {ending}")
    try:
        end(server, person)
        ack = doomed.call("subscribe", {"workspace": other, "since": None})
        assert ack["ok"] is False and ack["error"] == "unauthenticated", ack
        assert doomed.disconnected.wait(5), "a refused socket is closed as well"
    finally:
        doomed.close()
