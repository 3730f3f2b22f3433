"""What a subscriber receives live, and what an outsider never does."""

from __future__ import annotations

import pytest
import socketio

from tests.live.helpers import Listener, Marker, Person
from tests.server import LiveServer


def from_workspace(listener: Listener, slug: str, kind: str | None = None) -> list[dict[str, object]]:
    return [e for e in listener.events(kind) if e["workspace"] == slug]


@pytest.fixture(params=["eventlet", "threading"])
def server(request: pytest.FixtureRequest) -> LiveServer:
    name = "live_server" if request.param == "eventlet" else "threading_server"
    return request.getfixturevalue(name)


def test_subscriber_receives_each_kind_of_event_live(server: LiveServer) -> None:
    owner, member = Person(server.url, "Olli Omistaja"), Person(server.url, "Minna Jäsen")
    slug = owner.create_workspace("Live-energia")
    watcher = Listener(server.url, owner.token).connect()
    try:
        ack = watcher.subscribe(slug)
        assert ack["ok"] is True and ack["reset"] is False and ack["events"] == []
        member.join(slug)
        thread = member.start_thread(slug, "Aurinkosähkö kouluille", "Kuka on kokeillut?")
        reply = owner.post(thread["id"], "Me kokeilimme **viime vuonna**.")
        owner.api("PATCH", f"/posts/{reply['id']}", {"body": "Me kokeilimme toissa vuonna."}, expect=200)
        owner.api("DELETE", f"/posts/{reply['id']}", expect=204)
        member.api("POST", f"/workspaces/{slug}/leave", expect=204)
        expected = ["member.joined", "thread.created", "post.created", "post.created",
                    "post.updated", "post.deleted", "member.left"]
        assert watcher.wait_for(lambda: len(watcher.events()) >= len(expected))
        events = watcher.events()
        assert [e["kind"] for e in events] == expected
        assert [e["seq"] for e in events] == list(range(events[0]["seq"], events[0]["seq"] + len(expected)))
        created = events[3]["data"]
        assert created["id"] == reply["id"]
        assert "<strong>viime vuonna</strong>" in created["html"]
        assert created["author"]["display_name"] == "Olli Omistaja"
        assert created["thread"]["post_count"] == 2
        assert events[4]["data"]["body"] == "Me kokeilimme toissa vuonna."
        assert all(e["workspace"] == slug and e["at"] for e in events)
    finally:
        watcher.close()


def test_outsider_cannot_subscribe_to_private_workspace(live_server: LiveServer) -> None:
    owner, outsider = Person(live_server.url, "Olli"), Person(live_server.url, "Ulla Ulkopuolinen")
    slug = owner.create_workspace("Salainen ohjausryhmä", visibility="private", join_policy="invite")
    owner.start_thread(slug, "Luottamuksellinen", "Vain jäsenille")
    spy = Listener(live_server.url, outsider.token).connect()
    try:
        refused = spy.subscribe(slug)
        unknown = spy.subscribe("ei-ole-olemassa")
        assert refused["ok"] is False and refused["error"] == "not_found"
        assert refused == unknown
        marker = Marker(outsider, spy)
        owner.start_thread(slug, "Toinen salaisuus", "Ei ulkopuolisille")
        sent = marker.send()
        assert not spy.came_before(lambda: sent(spy), lambda: bool(from_workspace(spy, slug))), spy.events()
    finally:
        spy.close()


def test_anonymous_reader_may_follow_a_public_workspace_only(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli")
    public = owner.create_workspace("Avoin hallinto", visibility="public")
    network = owner.create_workspace("Verkoston sisäinen", visibility="network")
    reader = Listener(live_server.url).connect()
    try:
        assert reader.subscribe(public)["ok"] is True
        assert reader.subscribe(network)["error"] == "not_found"
        owner.start_thread(public, "Julkinen keskustelu", "Tervetuloa")
        assert reader.wait_for(lambda: len(reader.events("thread.created")) == 1)
        assert reader.call("typing", {"thread": reader.events("thread.created")[0]["data"]["id"]})["ok"] is False
    finally:
        reader.close()


def test_member_who_leaves_a_private_workspace_stops_receiving(live_server: LiveServer) -> None:
    owner, member = Person(live_server.url, "Olli"), Person(live_server.url, "Minna")
    slug = owner.create_workspace("Yksityinen työryhmä", visibility="network", join_policy="open")
    member.join(slug)
    owner.api("PATCH", f"/workspaces/{slug}", {"visibility": "private"}, expect=200)
    listener = Listener(live_server.url, member.token).connect()
    try:
        assert listener.subscribe(slug)["ok"] is True
        thread = owner.start_thread(slug)
        assert listener.wait_for(lambda: len(listener.events("post.created")) == 1)
        marker = Marker(member, listener)
        member.api("POST", f"/workspaces/{slug}/leave", expect=204)
        assert listener.wait_for(lambda: any(m[0] == "unsubscribed" for m in listener.messages), timeout=1.0)
        owner.post(thread["id"], "Jäsenille vain")
        sent = marker.send()
        assert not listener.came_before(lambda: sent(listener),
                                        lambda: len(from_workspace(listener, slug, "post.created")) > 1)
    finally:
        listener.close()


def test_connecting_with_a_bad_token_is_refused(live_server: LiveServer) -> None:
    listener = Listener(live_server.url, token="vk_not-a-real-token")
    with pytest.raises(socketio.exceptions.ConnectionError, match="failed to connect"):
        listener.connect()
    assert not listener.client.connected


@pytest.mark.parametrize("payload", [None, "vahahiilisyys", 42, [], {"workspace": 5}, {"workspace": ""},
                                     {"workspace": "x" * 61}, {"workspace": "a\x00b"},
                                     {"workspace": "abc", "since": -1}, {"workspace": "abc", "since": "1"},
                                     {"workspace": "abc", "since": True}])
def test_malformed_subscribe_gets_an_error_ack(live_server: LiveServer, payload: object) -> None:
    person = Person(live_server.url, "Testaaja")
    listener = Listener(live_server.url, person.token).connect()
    try:
        ack = listener.call("subscribe", payload)
        assert ack["ok"] is False
        assert ack["error"] in {"invalid", "not_found"}
        assert listener.call("subscribe", {"workspace": "abc"})["error"] == "not_found"  # still connected
    finally:
        listener.close()


MESSAGE_LIMIT = 64 * 1024  # the README's promise: a socket message of more than 64 kB is not read
_SUBSCRIBE_OVERHEAD = len('421["subscribe",{"workspace":""}]')  # Engine.IO's "4", Socket.IO's event with ack id


def _subscribe_of_size(size: int) -> dict[str, str]:
    """A subscribe whose packet on the wire is `size` bytes (give or take the ack id's digits)."""
    return {"workspace": "x" * (size - _SUBSCRIBE_OVERHEAD)}


def test_a_message_just_under_the_limit_is_answered(server: LiveServer) -> None:
    person = Person(server.url, "Testaaja")
    listener = Listener(server.url, person.token).connect()
    try:
        ack = listener.call("subscribe", _subscribe_of_size(MESSAGE_LIMIT - 256))
        assert ack["ok"] is False and ack["error"] == "invalid"  # read, and answered as a bad slug
        assert not listener.disconnected.is_set()
        assert listener.call("subscribe", {"workspace": "abc"})["error"] == "not_found"  # still connected
    finally:
        listener.close()


@pytest.mark.parametrize("over", [256, 200_000])
def test_a_message_over_the_limit_closes_the_connection(server: LiveServer, over: int) -> None:
    person = Person(server.url, "Testaaja")
    listener = Listener(server.url, person.token).connect()
    try:
        listener.client.emit("subscribe", _subscribe_of_size(MESSAGE_LIMIT + over))
        assert listener.disconnected.wait(5), "a message over 64 kB was read"
    finally:
        listener.close()


def test_reader_stops_receiving_when_workspace_turns_private(live_server: LiveServer) -> None:
    owner, reader = Person(live_server.url, "Olli"), Person(live_server.url, "Lukija")
    slug = owner.create_workspace("Muuttuva työtila", visibility="network")
    thread = owner.start_thread(slug)
    listener = Listener(live_server.url, reader.token).connect()
    try:
        assert listener.subscribe(slug)["ok"] is True
        marker = Marker(reader, listener)
        owner.api("PATCH", f"/workspaces/{slug}", {"visibility": "private"}, expect=200)
        assert listener.wait_for(lambda: any(m[0] == "unsubscribed" for m in listener.messages), timeout=1.0)
        owner.post(thread["id"], "Nyt vain jäsenille")
        sent = marker.send()
        assert not listener.came_before(lambda: sent(listener),
                                        lambda: bool(from_workspace(listener, slug, "post.created")))
        assert listener.subscribe(slug)["error"] == "not_found"
    finally:
        listener.close()


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_a_foreign_origin_is_refused(live_server: LiveServer, transport: str) -> None:
    """Cross-site WebSocket hijacking: a page on another site cannot open a socket with our cookies."""
    person = Person(live_server.url, "Testaaja")
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(live_server.url, auth={"token": person.token}, transports=[transport],
                       headers={"Origin": "http://evil.example"}, wait_timeout=5)
    assert not client.connected
    same_site = socketio.Client(reconnection=False)
    # websocket-client sends the server's own origin by itself; polling needs it said
    headers = {} if transport == "websocket" else {"Origin": live_server.url}
    same_site.connect(live_server.url, auth={"token": person.token}, transports=[transport],
                      headers=headers, wait_timeout=5)
    assert same_site.connected
    same_site.disconnect()
