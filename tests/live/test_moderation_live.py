"""Moderation as open sockets see it: bans and suspensions cut them off at once, hidden and moved content
changes live, and moderators' business reaches moderators only (issue 4, "Live").

Real python-socketio clients against `python wsgi.py`; the two-process tests share Redis
(VK_TEST_REDIS_URL, else database 12 of the Redis on 127.0.0.1:6379), skipped locally without it and failed
in CI (CI=true).
"""

from __future__ import annotations

import itertools
import json
import time
from typing import Any

import pytest
import socketio

from tests.live.helpers import Listener, Marker, Person, cookie_header
from tests.server import LiveServer

AT_ONCE = 1.0  # "at once": a lost access reaches the open socket within this
_serial = itertools.count(1)


# --- fixtures and small helpers ------------------------------------------------------------------


@pytest.fixture(scope="module")
def admin(live_server: LiveServer) -> Person:
    """A site admin on the live server, made as an operator does: `flask create-admin EMAIL`."""
    person = Person(live_server.url, "Aila Ylläpitäjä")
    live_server.run_flask("create-admin", person.email)
    assert person.api("GET", "/me", expect=200)["is_admin"] is True
    return person


def messages(listener: Listener, name: str) -> list[Any]:
    with listener.lock:
        return [data for event, data in listener.messages if event == name]


def kinds(listener: Listener) -> list[str]:
    return [e["kind"] for e in listener.events()]


def from_workspace(listener: Listener, slug: str, kind: str | None = None) -> list[dict[str, Any]]:
    return [e for e in listener.events(kind) if e["workspace"] == slug]


def typing_count(listener: Listener) -> int:
    return len(messages(listener, "typing"))


def unique(name: str) -> str:
    """A workspace name no other test of the session's server has used (its slug is made from it)."""
    return f"{name} {next(_serial)}"


def member_in(owner: Person, base_url: str, name: str, slug: str) -> Person:
    person = Person(base_url, name)
    person.join(slug)
    return person


def ban(moderator: Person, slug: str, user: Person, reason: str = "Häiriköinti") -> None:
    moderator.api("POST", f"/workspaces/{slug}/bans", {"user_id": user.id, "reason": reason}, expect=201)


def wait_unsubscribed(listener: Listener, slug: str) -> float:
    """Seconds until the socket was told it no longer follows `slug` (fails past AT_ONCE)."""
    started = time.monotonic()
    assert listener.wait_for(lambda: {"workspace": slug} in messages(listener, "unsubscribed"), timeout=AT_ONCE), \
        listener.messages
    return time.monotonic() - started


# --- bans --------------------------------------------------------------------------------------


@pytest.mark.parametrize("visibility", ["network", "public"])
def test_banned_members_open_socket_stops_receiving_at_once(live_server: LiveServer, visibility: str) -> None:
    """Banned people lose every access, even to a public workspace: the room, the thread they watch, and
    a new subscription are all gone at once."""
    owner = Person(live_server.url, "Olli Omistaja")
    slug = owner.create_workspace(unique(f"Bannit {visibility}"), visibility=visibility)
    troll = member_in(owner, live_server.url, "Tuomas Trolli", slug)
    other = member_in(owner, live_server.url, "Minna Jäsen", slug)
    thread = owner.start_thread(slug, "Pyöräkaistat", "Mitä mieltä?")
    banned = Listener(live_server.url, troll.token).connect()
    typist = Listener(live_server.url, other.token).connect()
    try:
        assert banned.subscribe(slug)["ok"] is True
        assert banned.call("watch_thread", {"thread": thread["id"]})["ok"] is True
        assert typist.call("watch_thread", {"thread": thread["id"]})["ok"] is True
        other.post(thread["id"], "Ennen bannia")
        assert banned.wait_for(lambda: len(banned.events("post.created")) == 1)
        assert typist.call("typing", {"thread": thread["id"]})["ok"] is True
        assert banned.wait_for(lambda: typing_count(banned) == 1)
        marker = Marker(troll, banned)  # a public workspace of the troll's own, where bans elsewhere do not reach

        ban(owner, slug, troll)
        wait_unsubscribed(banned, slug)
        other.post(thread["id"], "Bannin jälkeen: ei trollille")
        typist.call("typing", {"thread": thread["id"]})
        sent = marker.send()
        assert not banned.came_before(
            lambda: sent(banned),
            lambda: len(from_workspace(banned, slug, "post.created")) > 1 or typing_count(banned) > 1), banned.messages
        assert "member.banned" not in kinds(banned)  # moderators' business
        assert banned.subscribe(slug)["error"] == "not_found"
        assert banned.call("watch_thread", {"thread": thread["id"]})["ok"] is False
        assert banned.client.connected  # the socket itself stays: only this workspace is gone
    finally:
        banned.close()
        typist.close()


def test_ban_cuts_off_a_socket_on_the_other_process(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    owner = Person(a.url, "Olli Omistaja")
    slug = owner.create_workspace(unique("Bannit kahdessa prosessissa"))
    troll = member_in(owner, b.url, "Tuomas Trolli", slug)
    other = member_in(owner, a.url, "Minna Jäsen", slug)
    thread = owner.start_thread(slug)
    on_b = Listener(b.url, troll.token).connect()
    witness = Listener(b.url, other.token).connect()
    try:
        assert on_b.subscribe(slug)["ok"] is True
        assert on_b.call("watch_thread", {"thread": thread["id"]})["ok"] is True
        assert witness.subscribe(slug)["ok"] is True
        ban(owner, slug, troll)  # through process A
        wait_unsubscribed(on_b, slug)
        other.post(thread["id"], "Bannin jälkeen")  # through A, delivered on B by Redis
        assert witness.wait_for(lambda: len(witness.events("post.created")) == 1, timeout=5)
        assert on_b.events("post.created") == []
    finally:
        on_b.close()
        witness.close()


# --- suspension ------------------------------------------------------------------------------------


def test_suspended_users_sockets_close_within_a_second_and_stay_closed(live_server: LiveServer,
                                                                    admin: Person) -> None:
    owner = Person(live_server.url, "Olli Omistaja")
    slug = owner.create_workspace(unique("Jäädytykset"))
    user = member_in(owner, live_server.url, "Jaana Jäädytettävä", slug)
    browser = user.sign_in_browser()
    by_token = Listener(live_server.url, user.token).connect()
    by_cookie = Listener(live_server.url, cookies=cookie_header(browser)).connect()
    try:
        for socket in (by_token, by_cookie):
            assert socket.subscribe(slug)["ok"] is True
        started = time.monotonic()
        admin.api("POST", f"/admin/users/{user.id}/suspend", {"reason": "Roskapostia"}, expect=200)
        for socket in (by_token, by_cookie):
            assert socket.disconnected.wait(AT_ONCE), "the suspended user's socket is still open"
        print(f"\n[suspend] both sockets closed {time.monotonic() - started:.2f} s after the request was sent")

        with pytest.raises(socketio.exceptions.ConnectionError):
            Listener(live_server.url, user.token).connect()
        # The browser's cookie no longer names a session: a socket opens only as an anonymous reader.
        again = Listener(live_server.url, cookies=cookie_header(browser)).connect()
        try:
            assert again.subscribe(slug)["error"] == "not_found"  # a network workspace: signed-in users only
        finally:
            again.close()
        assert user.http.get(f"{live_server.url}/api/v1/me", timeout=10).status_code == 401
    finally:
        by_token.close()
        by_cookie.close()


def test_suspension_closes_sockets_on_the_other_process(pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    admin = Person(a.url, "Aila Ylläpitäjä")
    a.run_flask("create-admin", admin.email)
    user = Person(b.url, "Jaana Jäädytettävä")
    on_a, on_b = Listener(a.url, user.token).connect(), Listener(b.url, user.token).connect()
    try:
        admin.api("POST", f"/admin/users/{user.id}/suspend", {"reason": "Roskapostia"}, expect=200)
        assert on_a.disconnected.wait(AT_ONCE) and on_b.disconnected.wait(AT_ONCE)
        with pytest.raises(socketio.exceptions.ConnectionError):
            Listener(b.url, user.token).connect()
    finally:
        on_a.close()
        on_b.close()


# --- content: hide, restore, move ------------------------------------------------------------------


def test_hidden_post_reaches_members_without_its_text_and_restore_brings_it_back(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli Omistaja")
    slug = owner.create_workspace(unique("Piilotukset"))
    author = member_in(owner, live_server.url, "Kalle Kirjoittaja", slug)
    reader = member_in(owner, live_server.url, "Lea Lukija", slug)
    thread = owner.start_thread(slug)
    secret = "Tämä teksti piilotetaan pian"
    post = author.post(thread["id"], secret)
    listener = Listener(live_server.url, reader.token).connect()
    try:
        assert listener.subscribe(slug)["ok"] is True
        owner.api("POST", f"/posts/{post['id']}/hide", {"reason": "Asiaton"}, expect=200)
        assert listener.wait_for(lambda: bool(listener.events("post.hidden")))
        hidden = listener.events("post.hidden")[0]
        assert hidden["data"] == {"id": post["id"], "thread_id": thread["id"]}
        assert secret not in json.dumps(listener.messages) and "Asiaton" not in json.dumps(listener.messages)

        owner.api("POST", f"/posts/{post['id']}/restore", expect=200)
        assert listener.wait_for(lambda: bool(listener.events("post.updated")))
        restored = listener.events("post.updated")[0]
        assert restored["seq"] > hidden["seq"]
        assert restored["data"]["id"] == post["id"]
        assert restored["data"]["body"] == secret and secret in restored["data"]["html"]
        assert restored["data"]["hidden"] is False
    finally:
        listener.close()


@pytest.mark.parametrize("target_visibility", ["network", "private"])
def test_moved_thread_leaves_the_source_and_appears_in_the_target(live_server: LiveServer,
                                                                 target_visibility: str) -> None:
    """The source's readers learn where it went (not the name of a private place); the target's see it
    arrive; later posts go to the target's readers only."""
    owner = Person(live_server.url, "Olli Omistaja")
    source = owner.create_workspace(unique("Lähtötila"))
    target_name = unique("Kohdetila")
    target = owner.create_workspace(target_name, visibility=target_visibility, join_policy="invite")
    reader = member_in(owner, live_server.url, "Lea Lukija", source)
    thread = reader.start_thread(source, "Väärässä paikassa", "Siirretäänkö?")
    in_source = Listener(live_server.url, reader.token).connect()
    in_target = Listener(live_server.url, owner.token).connect()
    try:
        assert in_source.subscribe(source)["ok"] is True
        assert in_target.subscribe(target)["ok"] is True
        marker = Marker(reader, in_source)
        moved = owner.api("PATCH", f"/threads/{thread['id']}", {"workspace": target}, expect=200)
        assert moved["workspace"] == target
        assert in_source.wait_for(lambda: bool(in_source.events("thread.moved")))
        assert in_target.wait_for(lambda: bool(in_target.events("thread.created")))
        data = in_source.events("thread.moved")[0]["data"]
        expected_to = None if target_visibility == "private" else {"slug": target, "name": target_name}
        assert data == {"id": thread["id"], "to": expected_to}
        arrived = in_target.events("thread.created")[0]
        assert arrived["workspace"] == target and arrived["data"]["id"] == thread["id"]
        assert arrived["data"]["workspace"] == target

        moved_post = owner.post(thread["id"], "Nyt oikeassa paikassa")
        assert in_target.wait_for(lambda: bool(in_target.events("post.created")))
        sent = marker.send()
        assert not in_source.came_before(
            lambda: sent(in_source),
            lambda: any(e["data"]["id"] == moved_post["id"] for e in in_source.events("post.created")))
    finally:
        in_source.close()
        in_target.close()


# --- moderators' business ------------------------------------------------------------------------


MODERATOR_KINDS = {"join_request.created", "flag.created", "invitation.created", "flag.resolved"}


def test_moderator_only_events_reach_moderators_never_members_live_or_on_catch_up(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli Omistaja")
    slug = owner.create_workspace(unique("Moderointi"), join_policy="request")
    moderator, member = Person(live_server.url, "Mauri Moderaattori"), Person(live_server.url, "Minna Jäsen")
    for person in (moderator, member):
        request = person.api("POST", f"/workspaces/{slug}/join", {"message": "Saanko tulla?"}, expect=202)
        owner.api("POST", f"/join-requests/{request['id']}/approve", expect=200)
    owner.api("PATCH", f"/workspaces/{slug}/members/{moderator.id}", {"role": "moderator"}, expect=200)
    thread = owner.start_thread(slug, "Säännöt", "Olkaa kilttejä")
    before = member.api("GET", f"/workspaces/{slug}", expect=200)
    mod_socket = Listener(live_server.url, moderator.token).connect()
    member_socket = Listener(live_server.url, member.token).connect()
    try:
        start = mod_socket.subscribe(slug)["seq"]
        assert member_socket.subscribe(slug)["seq"] == start
        outsider = Person(live_server.url, "Ulla Ulkopuolinen")
        outsider.api("POST", f"/workspaces/{slug}/join", {"message": "Olen kiinnostunut"}, expect=202)
        member.api("POST", f"/posts/{thread['first_post']['id']}/flags", {"reason": "spam"}, expect=201)
        owner.api("POST", f"/workspaces/{slug}/invitations", {"email": "kutsuttu@example.fi"}, expect=201)
        owner.post(thread["id"], "Kaikille näkyvä")  # the marker: what was sent before it has arrived with it
        assert mod_socket.wait_for(lambda: "post.created" in kinds(mod_socket))
        assert member_socket.wait_for(lambda: "post.created" in kinds(member_socket))

        assert kinds(mod_socket) == ["join_request.created", "flag.created", "invitation.created", "post.created"]
        assert kinds(member_socket) == ["post.created"]
        joined = mod_socket.events("join_request.created")[0]["data"]
        assert joined["user"]["id"] == outsider.id and joined["message"] == "Olen kiinnostunut"

        late_moderator = Listener(live_server.url, moderator.token).connect()
        late_member = Listener(live_server.url, member.token).connect()
        try:
            mod_ack, member_ack = late_moderator.subscribe(slug, since=start), late_member.subscribe(slug, since=start)
            assert [e["kind"] for e in mod_ack["events"]] == kinds(mod_socket)
            assert [e["kind"] for e in member_ack["events"]] == ["post.created"]
            assert mod_ack["seq"] == member_ack["seq"]  # the member is told how far the log goes, not what is there
            assert not {e["kind"] for e in late_member.events()} & MODERATOR_KINDS
        finally:
            late_moderator.close()
            late_member.close()
        assert before["my_role"] == "member"
    finally:
        mod_socket.close()
        member_socket.close()


def test_pending_post_reaches_moderators_only_until_it_is_approved(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli Omistaja")
    slug = owner.create_workspace(unique("Esimoderointi"))
    owner.api("PATCH", f"/workspaces/{slug}", {"premoderation": True}, expect=200)
    thread = owner.start_thread(slug, "Esittäytykää", "Kuka olet?")
    newcomer = member_in(owner, live_server.url, "Uuno Uusi", slug)
    reader = member_in(owner, live_server.url, "Lea Lukija", slug)
    mod_socket = Listener(live_server.url, owner.token).connect()
    reader_socket = Listener(live_server.url, reader.token).connect()
    try:
        assert mod_socket.subscribe(slug)["ok"] and reader_socket.subscribe(slug)["ok"]
        waiting = newcomer.post(thread["id"], "Hei, olen uusi täällä")
        assert waiting["pending"] is True
        assert mod_socket.wait_for(lambda: bool(mod_socket.events("post.created")))
        assert mod_socket.events("post.created")[0]["data"]["pending"] is True

        # The approval is the reader's marker: the pending post, had it leaked, came before it.
        owner.api("POST", f"/posts/{waiting['id']}/approve", expect=200)
        assert reader_socket.wait_for(lambda: bool(reader_socket.events("post.created")))
        assert kinds(reader_socket) == ["post.created"], reader_socket.events()
        published = reader_socket.events("post.created")[0]["data"]
        assert published["id"] == waiting["id"] and published["pending"] is False
        assert published["body"] == "Hei, olen uusi täällä"
        assert mod_socket.wait_for(lambda: len(mod_socket.events("post.created")) == 2)
        assert mod_socket.events("post.created")[1]["data"]["pending"] is False
    finally:
        mod_socket.close()
        reader_socket.close()


# --- notices ---------------------------------------------------------------------------------------


def test_notification_arrives_on_own_socket_when_join_request_is_approved(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli Omistaja")
    name = unique("Pyynnöstä")
    slug = owner.create_workspace(name, join_policy="request")
    asker, bystander = Person(live_server.url, "Anni Anoja"), Person(live_server.url, "Sivullinen")
    own = Listener(live_server.url, asker.token).connect()
    other = Listener(live_server.url, bystander.token).connect()
    try:
        marker = Marker(bystander, other)
        request = asker.api("POST", f"/workspaces/{slug}/join", {"message": "Haluan mukaan"}, expect=202)
        owner.api("POST", f"/join-requests/{request['id']}/approve", expect=200)
        assert own.wait_for(lambda: bool(messages(own, "notification")))
        notice = messages(own, "notification")[0]
        assert notice["kind"] == "join_request.approved"
        assert notice["data"] == {"workspace": slug, "workspace_name": name}
        assert notice["read"] is False and isinstance(notice["id"], int) and notice["created_at"]
        assert own.subscribe(slug)["ok"] is True  # and now a member, live too
        sent = marker.send()
        assert not other.came_before(lambda: sent(other), lambda: bool(messages(other, "notification")))
    finally:
        own.close()
        other.close()
