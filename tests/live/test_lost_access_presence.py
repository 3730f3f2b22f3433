"""Presence and typing follow today's rights: a socket that may no longer see a thread (it moved to a
workspace the socket may not see, its workspace narrowed who may see it, its user was removed) stops
receiving the thread's typing and viewer lists at once, and no longer counts among its viewers.

Real python-socketio clients against `python wsgi.py`.
"""

from __future__ import annotations

import itertools
from typing import Any

from tests.live.helpers import Listener, Person
from tests.server import LiveServer

QUIET = 1.5  # presence is announced once a second: wait longer than that for what must not arrive
_serial = itertools.count(1)


def unique(name: str) -> str:
    return f"{name} {next(_serial)}"


def received(listener: Listener, name: str) -> list[Any]:
    with listener.lock:
        return [data for event, data in listener.messages if event == name]


def about_thread(listener: Listener, thread_id: int) -> list[tuple[str, Any]]:
    """The typing and viewer messages of one thread that the socket got."""
    found = [("typing", m) for m in received(listener, "typing") if m["thread"] == thread_id]
    found += [("presence", m) for m in received(listener, "presence")
              if m["scope"] == "thread" and m["id"] == str(thread_id)]
    return found


def watched(listener: Listener, thread_id: int) -> dict[str, Any]:
    ack = listener.call("watch_thread", {"thread": thread_id})
    assert ack["ok"] is True, ack
    return dict(ack["presence"])


def thread_to_move(base_url: str) -> tuple[Person, str, str, dict[str, Any]]:
    """An owner of a public and a private workspace, and a thread in the public one."""
    owner = Person(base_url, "Olli Omistaja")
    public = owner.create_workspace(unique("Avoin tori"), visibility="public")
    private = owner.create_workspace(unique("Hallitus"), visibility="private")
    return owner, public, private, owner.start_thread(public, "Torin kunnostus", "Alkuun")


def test_thread_moved_into_a_private_workspace_stops_typing_and_viewers_for_anonymous(
        live_server: LiveServer) -> None:
    owner, public, private, thread = thread_to_move(live_server.url)
    anonymous, insider = Listener(live_server.url).connect(), Listener(live_server.url, owner.token).connect()
    typist = Listener(live_server.url, owner.token).connect()
    try:
        assert anonymous.subscribe(public)["ok"] is True
        assert watched(anonymous, thread["id"])["count"] == 1
        assert watched(insider, thread["id"])["count"] == 2
        assert typist.call("typing", {"thread": thread["id"]})["ok"] is True
        assert anonymous.wait_for(lambda: bool(received(anonymous, "typing")))  # it did get typing before

        owner.api("PATCH", f"/threads/{thread['id']}", {"workspace": private}, expect=200)
        assert anonymous.wait_for(lambda: bool(anonymous.events("thread.moved")))
        anonymous.wait_for(lambda: False, timeout=QUIET)  # let announcements of the move itself pass
        before = len(about_thread(anonymous, thread["id"]))

        # The typist joins as a viewer and types: the anonymous socket is not told, nor counted.
        presence = watched(typist, thread["id"])
        assert presence == {"count": 1, "users": [{"id": owner.id, "display_name": "Olli Omistaja"}]}
        assert typist.call("typing", {"thread": thread["id"]})["ok"] is True
        assert insider.wait_for(lambda: len(received(insider, "typing")) == 2)  # members still see it as usual
        assert not anonymous.wait_for(lambda: len(about_thread(anonymous, thread["id"])) > before, timeout=QUIET), \
            about_thread(anonymous, thread["id"])
        assert anonymous.call("watch_thread", {"thread": thread["id"]})["ok"] is False
    finally:
        for listener in (anonymous, insider, typist):
            listener.close()


def test_workspace_turning_network_only_takes_anonymous_readers_out(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Pia Puheenjohtaja")
    slug = owner.create_workspace(unique("Kylätoimikunta"), visibility="public")
    thread = owner.start_thread(slug, "Kesäjuhlat", "Alkuun")
    anonymous = Listener(live_server.url).connect()
    typist = Listener(live_server.url, owner.token).connect()
    try:
        assert anonymous.subscribe(slug)["ok"] is True
        watched(anonymous, thread["id"])
        owner.api("PATCH", f"/workspaces/{slug}", {"visibility": "network"}, expect=200)
        assert anonymous.wait_for(lambda: {"workspace": slug} in received(anonymous, "unsubscribed")), \
            anonymous.messages
        anonymous.wait_for(lambda: False, timeout=QUIET)
        before = len(about_thread(anonymous, thread["id"]))
        presence = watched(typist, thread["id"])
        assert presence["count"] == 1  # the anonymous reader no longer counts
        typist.call("typing", {"thread": thread["id"]})
        owner.post(thread["id"], "Vain verkoston jäsenille")
        assert not anonymous.wait_for(
            lambda: len(about_thread(anonymous, thread["id"])) > before or bool(anonymous.events("post.created")),
            timeout=QUIET), anonymous.messages
        assert anonymous.subscribe(slug)["error"] == "not_found"
    finally:
        anonymous.close()
        typist.close()


def test_removed_member_no_longer_counts_among_a_private_threads_viewers(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olga Omistaja")
    slug = owner.create_workspace(unique("Työryhmä"))
    member = Person(live_server.url, "Risto Poistettava")
    member.join(slug)
    owner.api("PATCH", f"/workspaces/{slug}", {"visibility": "private"}, expect=200)
    thread = owner.start_thread(slug, "Budjetti", "Alkuun")
    leaving = Listener(live_server.url, member.token).connect()
    staying = Listener(live_server.url, owner.token).connect()
    try:
        assert leaving.subscribe(slug)["ok"] is True
        watched(leaving, thread["id"])
        assert [u["display_name"] for u in watched(staying, thread["id"])["users"]] == [
            "Olga Omistaja", "Risto Poistettava"]
        owner.api("DELETE", f"/workspaces/{slug}/members/{member.id}", expect=204)
        assert leaving.wait_for(lambda: {"workspace": slug} in received(leaving, "unsubscribed"))
        again = Listener(live_server.url, owner.token).connect()
        try:
            presence = watched(again, thread["id"])
            assert [u["display_name"] for u in presence["users"]] == ["Olga Omistaja"], presence
        finally:
            again.close()
    finally:
        leaving.close()
        staying.close()


def test_thread_moved_through_one_process_stops_typing_on_the_other(pair: tuple[LiveServer, LiveServer]) -> None:
    """The order goes through Redis: the anonymous watcher on process B stops watching when A moves it."""
    a, b = pair
    owner, public, private, thread = thread_to_move(a.url)
    anonymous, insider = Listener(b.url).connect(), Listener(b.url, owner.token).connect()
    typist = Listener(a.url, owner.token).connect()
    try:
        assert anonymous.subscribe(public)["ok"] is True
        watched(anonymous, thread["id"])
        watched(insider, thread["id"])
        owner.api("PATCH", f"/threads/{thread['id']}", {"workspace": private}, expect=200)  # through A
        assert anonymous.wait_for(lambda: bool(anonymous.events("thread.moved")))
        anonymous.wait_for(lambda: False, timeout=QUIET)
        before = len(about_thread(anonymous, thread["id"]))
        assert watched(typist, thread["id"])["count"] == 1  # B's anonymous watcher no longer counts
        assert typist.call("typing", {"thread": thread["id"]})["ok"] is True
        assert insider.wait_for(lambda: bool(received(insider, "typing")))  # a member on B still sees it
        assert not anonymous.wait_for(lambda: len(about_thread(anonymous, thread["id"])) > before, timeout=QUIET), \
            about_thread(anonymous, thread["id"])
    finally:
        for listener in (anonymous, insider, typist):
            listener.close()
