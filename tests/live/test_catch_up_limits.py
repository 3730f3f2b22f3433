"""Catch-up answers with today's visibility and in bounded pages; anonymous sockets share one
rate budget per address.

The event log keeps what was said then; a reader who asks for it later gets only what they may see
now: a thread moved into a private workspace or deleted for good is not replayed from the workspace it
left. A long absence is answered in pages of at most about 1 MB (`more: true`, ask again from `seq`).
Real python-socketio clients against `python wsgi.py`.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import socketio

from app.live.catchup import MAX_PAGE_BYTES
from tests.live.helpers import Listener, Person
from tests.server import LiveServer

_serial = itertools.count(1)


def unique(name: str) -> str:
    return f"{name} {next(_serial)}"


@pytest.fixture(scope="module")
def admin(live_server: LiveServer) -> Person:
    person = Person(live_server.url, "Aino Ylläpitäjä")
    live_server.run_flask("create-admin", person.email)
    return person


def public_and_private(owner: Person) -> tuple[str, str]:
    return (owner.create_workspace(unique("Avoin kylä"), visibility="public"),
            owner.create_workspace(unique("Suljettu neuvosto"), visibility="private"))


def anonymous(server: LiveServer) -> Listener:
    return Listener(server.url).connect()


def thread_of(event: dict[str, Any]) -> int | None:
    data = event["data"]
    return data.get("id") if event["kind"].startswith("thread.") else data.get("thread_id")


def follow_all_pages(listener: Listener, slug: str, since: int = 0) -> tuple[list[dict[str, Any]], list[dict]]:
    """Subscribe and follow `more` as the browser does; every event and every ack."""
    events: list[dict[str, Any]] = []
    acks: list[dict[str, Any]] = []
    for _ in range(100):
        ack = listener.subscribe(slug, since=since)
        assert ack["ok"] is True and ack["reset"] is False, ack
        acks.append(ack)
        events.extend(ack["events"])
        assert ack["seq"] >= since
        since = ack["seq"]
        if not ack["more"]:
            return events, acks
    raise AssertionError("catch-up never finished")


# --- today's visibility ------------------------------------------------------------------------------


def test_thread_moved_into_a_private_workspace_is_not_replayed_from_the_public_one(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli Omistaja")
    public, private = public_and_private(owner)
    stays = owner.start_thread(public, "Kirjaston aukioloajat", "Kirjasto on auki iltaisin.")
    secret = owner.start_thread(public, "Salainen budjettiesitys", "Luonnos: 4,2 miljoonaa koulukorjauksiin.")
    owner.post(secret["id"], "Toinen luonnos: kaupunginjohtajan ehdotus.")
    owner.api("POST", f"/posts/{secret['first_post']['id']}/reactions", {"emoji": "👍"}, expect=200)
    owner.api("PATCH", f"/threads/{secret['id']}", {"workspace": private}, expect=200)

    listener = anonymous(live_server)
    try:
        ack = listener.subscribe(public, since=0)
        replay = json.dumps(ack, ensure_ascii=False)
        assert ack["ok"] is True and ack["reset"] is False
        for leaked in ("Salainen budjettiesitys", "4,2 miljoonaa", "kaupunginjohtajan", "Suljettu neuvosto", private):
            assert leaked not in replay, leaked
        about_secret = [e for e in ack["events"] if thread_of(e) == secret["id"]]
        assert [(e["kind"], e["data"]) for e in about_secret] == [("thread.moved", {"id": secret["id"], "to": None})]
        assert "Kirjasto on auki iltaisin." in replay  # what stayed is replayed as before
        # The ack covers every seq, the left-out ones too: the client does not wait for them.
        assert ack["seq"] == ack["latest"] == listener.subscribe(public)["seq"] and ack["more"] is False
    finally:
        listener.close()

    # The private workspace's members see the thread there as usual.
    inside = Listener(live_server.url, owner.token).connect()
    try:
        ack = inside.subscribe(private, since=0)
        created = [e for e in ack["events"] if e["kind"] == "thread.created"]
        assert [e["data"]["title"] for e in created] == ["Salainen budjettiesitys"]
        assert stays["id"] not in [e["data"]["id"] for e in created]
    finally:
        inside.close()


def test_thread_deleted_for_good_is_not_replayed(live_server: LiveServer, admin: Person) -> None:
    owner = Person(live_server.url, "Pirjo Perustaja")
    public = owner.create_workspace(unique("Kaupunginosa"), visibility="public")
    thread = owner.start_thread(public, "Naapurin riita-asia nimeltä", "Henkilötietoja, joita ei kuulu julkaista.")
    owner.post(thread["id"], "Lisää henkilötietoja.")
    admin.api("DELETE", f"/threads/{thread['id']}", expect=204)

    listener = anonymous(live_server)
    try:
        ack = listener.subscribe(public, since=0)
        replay = json.dumps(ack, ensure_ascii=False)
        assert "riita-asia" not in replay and "henkilötietoja" not in replay.lower()
        assert [(e["kind"], e["data"]) for e in ack["events"]] == [("thread.deleted", {"id": thread["id"]})]
    finally:
        listener.close()


def test_anonymous_readers_are_not_told_who_joins_live_or_on_catch_up(live_server: LiveServer) -> None:
    """The member list is for signed-in people: member.* events reach signed-in readers only."""
    owner = Person(live_server.url, "Mirja Moderaattori")
    public = owner.create_workspace(unique("Avoin seura"), visibility="public")
    anonymous, signed_in = Listener(live_server.url).connect(), Listener(live_server.url, owner.token).connect()
    try:
        since = anonymous.subscribe(public)["seq"]
        assert signed_in.subscribe(public)["ok"] is True
        joiner = Person(live_server.url, "Jaana Liittyjä")
        joiner.join(public)
        owner.api("PATCH", f"/workspaces/{public}/members/{joiner.id}", {"role": "moderator"}, expect=200)
        owner.start_thread(public, "Tervetuloa", "Hei kaikille")
        assert signed_in.wait_for(lambda: len(signed_in.events()) == 4)
        assert [e["kind"] for e in signed_in.events()][:2] == ["member.joined", "member.updated"]
        assert anonymous.wait_for(lambda: len(anonymous.events()) == 2)
        replay = anonymous.subscribe(public, since=since)
        for seen in (anonymous.events(), replay["events"]):
            assert [e["kind"] for e in seen] == ["thread.created", "post.created"]
            assert "Jaana Liittyjä" not in json.dumps(seen, ensure_ascii=False)
    finally:
        anonymous.close()
        signed_in.close()


# --- bounded answers ------------------------------------------------------------------------------


def test_long_catch_up_comes_in_bounded_pages_each_visible_event_once(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Kalle Kirjoittaja")
    public, private = public_and_private(owner)
    shown = owner.start_thread(public, "Pitkä keskustelu", "Alku")
    moved = owner.start_thread(public, "Siirtyvä keskustelu", "Alku")
    big = "Pitkä kappale kestävästä kaupunkisuunnittelusta. " * 1000  # about 50 kB
    posts = []
    for n in range(30):
        posts.append(owner.post(shown["id"], f"{n}: {big}"))
        if n % 3 == 0:
            owner.post(moved["id"], f"siirretty {n}: {big}")
    owner.api("PATCH", f"/threads/{moved['id']}", {"workspace": private}, expect=200)

    listener = anonymous(live_server)
    try:
        events, acks = follow_all_pages(listener, public)
    finally:
        listener.close()
    assert len(acks) >= 3, [len(a["events"]) for a in acks]
    for ack in acks:
        assert len(json.dumps(ack)) < MAX_PAGE_BYTES + 10_000
    assert all(a["more"] for a in acks[:-1]) and not acks[-1]["more"]
    assert acks[-1]["seq"] == acks[-1]["latest"]
    seqs = [e["seq"] for e in events]
    assert seqs == sorted(set(seqs)), "each event once, in order"
    replies = [e["data"]["id"] for e in events if e["kind"] == "post.created" and e["data"]["number"] > 1]
    assert replies == [p["id"] for p in posts]
    assert [e["kind"] for e in events if thread_of(e) == moved["id"]] == ["thread.moved"]
    assert "siirretty" not in json.dumps(acks, ensure_ascii=False)


# --- anonymous rate limits per address ------------------------------------------------------------


def _client_from(server: LiveServer, address: str) -> socketio.Client:
    client = socketio.Client(reconnection=False)
    client.connect(server.url, headers={"X-Forwarded-For": address}, transports=["websocket"], wait_timeout=10)
    return client


def test_anonymous_sockets_from_one_address_share_one_rate_budget(tmp_path: Path) -> None:
    env = {"RATELIMIT_ENABLED": "1", "RATELIMIT_SOCKET": "4 per minute", "PROXY_COUNT": "1"}
    with LiveServer(tmp_path, database_name="catch_up_rates", env=env) as server:
        first, second = _client_from(server, "198.51.100.7"), _client_from(server, "198.51.100.7")
        elsewhere = _client_from(server, "203.0.113.9")
        try:
            answers = [c.call("sync", {}, timeout=10) for c in (first, second, first, second, first, second)]
            assert [a["ok"] for a in answers] == [True] * 4 + [False] * 2, answers
            assert answers[-1]["error"] == "rate_limited"
            assert elsewhere.call("sync", {}, timeout=10)["ok"] is True  # another address, its own budget
        finally:
            for client in (first, second, elsewhere):
                client.disconnect()
