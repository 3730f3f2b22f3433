"""Rate limits with REDIS_URL set are one count for every server process: a person (or a guesser) who
spreads requests over two workers behind the proxy gets the allowance of one, not of two.

Two real `python wsgi.py` processes on one database and one Redis, with the limits switched on.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from tests.live.conftest import redis_pair
from tests.live.helpers import Person
from tests.server import LiveServer

POSTS_PER_MINUTE = 5
RESETS = 3
LIMITS = {
    "RATELIMIT_ENABLED": "1",
    "RATELIMIT_POSTING": f"{POSTS_PER_MINUTE} per minute",
    "RATELIMIT_RESET": f"{RESETS} per 15 minutes",
    # Making the people of the test must not run into the limits under test.
    "RATELIMIT_REGISTER": "1000 per hour",
    "RATELIMIT_SIGNIN": "1000 per minute",
}


@pytest.fixture(scope="module")
def limited_pair(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    with redis_pair(tmp_path_factory.mktemp("shared_limits"), "shared_limits", LIMITS) as servers:
        yield servers


def reply(person: Person, server: LiveServer, thread_id: int, body: str) -> requests.Response:
    return person.http.post(f"{server.url}/api/v1/threads/{thread_id}/posts", json={"body": body}, timeout=30)


def test_posting_on_two_processes_draws_from_one_count(limited_pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = limited_pair
    owner, poster = Person(a.url, "Olli Omistaja"), Person(a.url, "Paula Postaaja")
    slug = owner.create_workspace("Yhteinen raja")
    poster.join(slug)
    thread_id = owner.start_thread(slug)["id"]
    on_a = [reply(poster, a, thread_id, f"A {n}").status_code for n in range(3)]
    on_b = [reply(poster, b, thread_id, f"B {n}").status_code for n in range(POSTS_PER_MINUTE - 3)]
    assert on_a + on_b == [201] * POSTS_PER_MINUTE

    for server in (b, a):
        refused = reply(poster, server, thread_id, "Yksi liikaa")
        assert refused.status_code == 429, refused.text
        assert refused.json()["error"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) > 0
    posts = owner.api("GET", f"/threads/{thread_id}/posts?limit=50", expect=200)["items"]
    assert len(posts) == 1 + POSTS_PER_MINUTE
    # Counted per person: the owner, on either process, still posts.
    assert reply(owner, b, thread_id, "Omistaja vielä").status_code == 201


def test_reset_requests_on_two_processes_draw_from_one_count(limited_pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = limited_pair
    person = Person(a.url, "Riikka Unohtaja")

    def ask(server: LiveServer) -> requests.Response:
        return requests.post(f"{server.url}/api/v1/auth/password-reset", json={"email": person.email}, timeout=30)

    assert [ask(a).status_code, ask(b).status_code, ask(a).status_code] == [202] * RESETS
    refused = ask(b)
    assert refused.status_code == 429, refused.text
    assert int(refused.headers["Retry-After"]) > 0
