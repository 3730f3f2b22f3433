"""A new role reaches pages that are already open: a member promoted to moderator starts receiving the
moderators' events on the socket they have, without subscribing again, even when that socket lives on
another server process than the one that changed the role (the order travels through Redis).
"""

from __future__ import annotations

from tests.live.helpers import Listener, Person
from tests.server import LiveServer


def flags_seen(listener: Listener) -> list[int]:
    return [event["data"]["post_id"] for event in listener.events("flag.created")]


def posts_seen(listener: Listener) -> list[int]:
    return [event["data"]["id"] for event in listener.events("post.created")]


def test_a_promoted_members_open_socket_on_another_process_joins_the_moderators_room(
        pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    owner, member, reporter = (Person(a.url, "Olli Omistaja"), Person(b.url, "Mirja Ylennettävä"),
                               Person(a.url, "Rauni Raportoija"))
    slug = owner.create_workspace("Ylennys")
    member.join(slug)
    reporter.join(slug)
    thread = owner.start_thread(slug)
    posts = [owner.post(thread["id"], f"Viesti {n}")["id"] for n in range(4)]
    socket = Listener(b.url, member.token).connect()
    try:
        assert socket.subscribe(slug)["ok"] is True
        # As a member: a report is for moderators only; the reply after it is the marker that events flow.
        reporter.api("POST", f"/posts/{posts[0]}/flags", {"reason": "spam"}, expect=201)
        marker = reporter.post(thread["id"], "Merkki")["id"]
        assert socket.wait_for(lambda: marker in posts_seen(socket))
        assert flags_seen(socket) == []

        owner.api("PATCH", f"/workspaces/{slug}/members/{member.id}", {"role": "moderator"}, expect=200)
        # The order to join crosses processes on its own channel; a report or two later it has arrived.
        for post_id in posts[1:]:
            reporter.api("POST", f"/posts/{post_id}/flags", {"reason": "spam"}, expect=201)
            if socket.wait_for(lambda post_id=post_id: post_id in flags_seen(socket), timeout=3):
                break
        assert flags_seen(socket), "the promoted member's open socket never received a moderators' event"
        assert posts[0] not in flags_seen(socket)
    finally:
        socket.close()


def test_a_demoted_moderators_open_socket_on_another_process_leaves_the_moderators_room(
        pair: tuple[LiveServer, LiveServer]) -> None:
    a, b = pair
    owner, moderator, reporter = (Person(a.url, "Olli Omistaja"), Person(b.url, "Maija Alennettava"),
                                  Person(a.url, "Rauni Raportoija"))
    slug = owner.create_workspace("Alennus")
    moderator.join(slug)
    reporter.join(slug)
    owner.api("PATCH", f"/workspaces/{slug}/members/{moderator.id}", {"role": "moderator"}, expect=200)
    thread = owner.start_thread(slug)
    posts = [owner.post(thread["id"], f"Viesti {n}")["id"] for n in range(4)]
    socket = Listener(b.url, moderator.token).connect()
    try:
        assert socket.subscribe(slug)["ok"] is True
        reporter.api("POST", f"/posts/{posts[0]}/flags", {"reason": "spam"}, expect=201)
        assert socket.wait_for(lambda: posts[0] in flags_seen(socket))

        owner.api("PATCH", f"/workspaces/{slug}/members/{moderator.id}", {"role": "member"}, expect=200)
        # A report followed by a reply: once the order to leave has arrived, the reply comes alone.
        left = False
        for n, post_id in enumerate(posts[1:]):
            reporter.api("POST", f"/posts/{post_id}/flags", {"reason": "spam"}, expect=201)
            marker = reporter.post(thread["id"], f"Merkki {n}")["id"]
            assert socket.wait_for(lambda marker=marker: marker in posts_seen(socket))
            if post_id not in flags_seen(socket):
                left = True
                break
        assert left, "the demoted moderator's open socket kept receiving moderators' events"
    finally:
        socket.close()
