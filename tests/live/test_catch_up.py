"""Catch-up after a reconnect, the log's horizon, sockets closed when their sign-in ends, the heartbeat.

ARCHITECTURE.md, "Live updates": `subscribe {workspace, since}` replays what the client missed, in order and
once; a `since` older than the log keeps answers `reset`; ending a session or a token must reach its open
sockets; a heartbeat tells each client the latest seq of its workspaces.
"""

from __future__ import annotations

import time
from pathlib import Path

from tests.live.helpers import PASSWORD, Listener, Person, cookie_header, csrf_token
from tests.server import LiveServer


def seqs_of(events: list[dict]) -> list[int]:
    return [e["seq"] for e in events]


def has_post(listener: Listener, post: dict) -> bool:
    return any(e["data"].get("id") == post["id"] for e in listener.events("post.created"))


def test_subscribe_since_returns_exactly_the_missed_events_once(live_server: LiveServer) -> None:
    owner, member = Person(live_server.url, "Olli Omistaja"), Person(live_server.url, "Minna Jäsen")
    slug = owner.create_workspace("Kiertotalous")
    member.join(slug)
    thread = owner.start_thread(slug, "Korjaamot", "Missä korjataan pyöriä?")
    first = Listener(live_server.url, member.token).connect()
    try:
        assert first.subscribe(slug)["ok"] is True
        owner.post(thread["id"], "Kirjastossa on korjauspaja.")
        assert first.wait_for(lambda: len(first.events()) == 1)
        last = max(seqs_of(first.events()))
    finally:
        first.close()
    assert first.disconnected.wait(5)

    sent = [owner.post(thread["id"], f"Vinkki {n}: lainaa työkalut.") for n in range(5)]

    again = Listener(live_server.url, member.token).connect()
    try:
        ack = again.subscribe(slug, since=last)
        assert ack["ok"] is True and ack["reset"] is False
        events = ack["events"]
        assert [e["kind"] for e in events] == ["post.created"] * 5
        assert seqs_of(events) == list(range(last + 1, last + 6))
        assert ack["seq"] == last + 5
        assert [e["data"]["id"] for e in events] == [p["id"] for p in sent]
        assert all(e["data"]["thread"]["id"] == thread["id"] for e in events)
        assert [e["data"]["thread"]["post_count"] for e in events] == [3, 4, 5, 6, 7]
        assert all(e["workspace"] == slug and e["at"] for e in events)
        # What comes next comes live, once, right after the replayed ones; and nothing that the ack
        # carried comes again live (it would have come before the next ones: a socket's messages keep order).
        owner.post(thread["id"], "Vielä yksi.")
        marker = owner.post(thread["id"], "Ja vielä yksi.")
        assert again.wait_for(lambda: has_post(again, marker))
        assert seqs_of(again.events()) == [last + 6, last + 7], again.events()
    finally:
        again.close()


def test_since_at_the_latest_seq_returns_nothing(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli")
    slug = owner.create_workspace("Ajantasainen")
    thread = owner.start_thread(slug)
    owner.post(thread["id"], "Kaikki nähty.")
    listener = Listener(live_server.url, owner.token).connect()
    try:
        latest = listener.subscribe(slug)["seq"]
        assert latest > 0
        ack = listener.subscribe(slug, since=latest)
        assert ack["ok"] is True
        assert (ack["seq"], ack["events"], ack["reset"]) == (latest, [], False)
        marker = owner.post(thread["id"], "Jotain uutta.")  # nothing but this comes live
        assert listener.wait_for(lambda: has_post(listener, marker))
        assert seqs_of(listener.events()) == [latest + 1], listener.events()
    finally:
        listener.close()


def _prune_all_events(server: LiveServer) -> None:
    result = server.run_flask("prune-events", "--days", "0", "--keep", "0", check=False)
    assert result.returncode == 0, f"prune-events failed:\n{result.stdout}\n{result.stderr}"


def test_since_older_than_the_log_answers_reset(live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Olli")
    slug = owner.create_workspace("Lyhytmuistinen")
    thread = owner.start_thread(slug)
    for n in range(3):
        owner.post(thread["id"], f"Vanha viesti {n}")
    listener = Listener(live_server.url, owner.token).connect()
    try:
        before = listener.subscribe(slug)["seq"]  # thread.created, post.created, 3 x post.created
        assert before == 5
        _prune_all_events(live_server)
        kept = owner.post(thread["id"], "Karsinnan jälkeen")

        for since in (0, 1, before - 1):  # the events after these are gone from the log
            ack = listener.subscribe(slug, since=since)
            assert ack["ok"] is True, ack
            assert (ack["reset"], ack["events"], ack["seq"]) == (True, [], before + 1), since
        # From the horizon on, the log still replays exactly what it keeps.
        ack = listener.subscribe(slug, since=before)
        assert ack["reset"] is False
        assert [(e["seq"], e["kind"]) for e in ack["events"]] == [(before + 1, "post.created")]
        assert ack["events"][0]["data"]["id"] == kept["id"]
        latest = listener.subscribe(slug, since=before + 1)
        assert (latest["seq"], latest["events"], latest["reset"]) == (before + 1, [], False)
    finally:
        listener.close()


# --- ending a sign-in closes its sockets --------------------------------------------------------------


def test_signing_out_closes_that_browsers_socket(live_server: LiveServer) -> None:
    person = Person(live_server.url, "Selma Selain")
    slug = person.create_workspace("Selaimen työtila")
    browser = person.sign_in_browser()
    listener = Listener(live_server.url, cookies=cookie_header(browser)).connect()
    try:
        assert listener.subscribe(slug)["ok"] is True  # a network workspace: the cookie signed the socket in
        token = csrf_token(browser, live_server.url)
        signed_out = browser.post(f"{live_server.url}/sign-out", data={"csrf_token": token},
                                  allow_redirects=False, timeout=30)
        assert signed_out.status_code == 302
        assert listener.disconnected.wait(1.0), "the socket stayed open after signing out"
    finally:
        listener.close()
    # The cookie it was opened with no longer signs a new socket in.
    again = Listener(live_server.url, cookies=cookie_header(browser)).connect()
    try:
        assert again.subscribe(slug)["error"] == "not_found"
    finally:
        again.close()


def test_revoking_the_token_closes_its_socket(live_server: LiveServer) -> None:
    person = Person(live_server.url, "Toni Token")
    slug = person.create_workspace("Tokenin työtila")
    listener = Listener(live_server.url, person.token).connect()
    try:
        assert listener.subscribe(slug)["ok"] is True
        person.api("DELETE", "/auth/tokens/current", expect=204)
        assert listener.disconnected.wait(1.0), "the socket stayed open after its token was revoked"
    finally:
        listener.close()


def test_changing_the_password_closes_the_other_browsers_socket(live_server: LiveServer) -> None:
    person = Person(live_server.url, "Saara Salasana")
    slug = person.create_workspace("Salasanan työtila")
    here, elsewhere = person.sign_in_browser(), person.sign_in_browser()
    kept = Listener(live_server.url, cookies=cookie_header(here)).connect()
    closed = Listener(live_server.url, cookies=cookie_header(elsewhere)).connect()
    try:
        assert kept.subscribe(slug)["ok"] is True
        assert closed.subscribe(slug)["ok"] is True
        changed = here.post(f"{live_server.url}/settings/password", allow_redirects=False, timeout=30, data={
            "csrf_token": csrf_token(here, live_server.url, "/settings"),
            "current_password": PASSWORD, "new_password": "Uusi pitkä tunnuslause 2031"})
        assert changed.status_code == 302, changed.text[:500]
        assert closed.disconnected.wait(1.0), "the other browser's socket stayed open after the password change"
        # The browser that changed the password stays signed in, socket and all (the subscribe is answered
        # after the change was carried out).
        assert kept.subscribe(slug)["ok"] is True
        assert not kept.disconnected.is_set()
    finally:
        kept.close()
        closed.close()


# --- the heartbeat -------------------------------------------------------------------------------------


def test_heartbeat_tells_subscribers_the_latest_seq(tmp_path: Path) -> None:
    with LiveServer(tmp_path, database_name="catch_up_heartbeat", env={"HEARTBEAT_SECONDS": "1"}) as server:
        owner = Person(server.url, "Olli")
        slug = owner.create_workspace("Sykkivä työtila")
        quiet = owner.create_workspace("Hiljainen työtila")
        thread = owner.start_thread(slug)
        listener = Listener(server.url, owner.token).connect()
        try:
            assert listener.subscribe(slug)["seq"] == 2
            started = time.monotonic()

            def beats() -> list[dict]:
                with listener.lock:
                    return [data for event, data in listener.messages if event == "heartbeat"]

            assert listener.wait_for(lambda: {"workspace": slug, "seq": 2} in beats(), timeout=3.0), beats()
            assert time.monotonic() - started < 3.0
            owner.post(thread["id"], "Sydän lyö")
            assert listener.wait_for(lambda: {"workspace": slug, "seq": 3} in beats(), timeout=3.0), beats()
            assert all(beat["workspace"] == slug for beat in beats())  # only the workspaces it follows
            assert quiet not in {beat["workspace"] for beat in beats()}
        finally:
            listener.close()


def test_catch_up_replays_hidden_and_deleted_posts_without_their_text(live_server: LiveServer) -> None:
    owner, member, author = (Person(live_server.url, n) for n in ("Olli Omistaja", "Minna Jäsen", "Kari Kirjoittaja"))
    slug = owner.create_workspace("Liikenne")
    member.join(slug)
    author.join(slug)
    thread = owner.start_thread(slug, "Kaupunkipyörät", "Kokemuksia?")
    hidden = author.post(thread["id"], "Salainen mainos: osta halvalla!")
    deleted = author.post(thread["id"], "Tämän poistan itse.")
    owner.api("POST", f"/posts/{hidden['id']}/hide", {"reason": "Mainos"}, expect=200)
    author.api("DELETE", f"/posts/{deleted['id']}", expect=204)

    def replayed(person: Person) -> dict[int, dict]:
        listener = Listener(live_server.url, person.token).connect()
        try:
            ack = listener.subscribe(slug, since=0)
        finally:
            listener.close()
        return {e["data"]["id"]: e["data"] for e in ack["events"] if e["kind"] == "post.created"}

    for_member = replayed(member)
    assert for_member[hidden["id"]]["body"] == "" and for_member[hidden["id"]]["html"] == ""
    assert for_member[hidden["id"]]["hidden"] is True
    assert for_member[deleted["id"]]["body"] == "" and for_member[deleted["id"]]["deleted"] is True
    assert for_member[thread["first_post"]["id"]]["body"] == "Kokemuksia?"  # what stands is replayed whole
    assert replayed(author)[hidden["id"]]["body"] == "Salainen mainos: osta halvalla!"  # the author still sees it
    assert replayed(owner)[hidden["id"]]["body"] == "Salainen mainos: osta halvalla!"  # and the moderators
