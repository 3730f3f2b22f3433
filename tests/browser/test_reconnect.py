"""A page whose connection is cut: the browser's own live.js shows that it is offline, reconnects by itself
once the network is back, and catches up on what was posted meanwhile, each post once, with the "new posts
below" marker for a reader who had scrolled up.

The cut is a real one: the browser reaches the server through a TCP relay of our own that drops every open
connection (the WebSocket too) and refuses new ones until it is restored, while the server itself keeps
running and takes posts through the API. (Playwright's `context.set_offline(True)` does take the page offline in
today's chromium, WebSocket included, but it is the browser's emulation; the relay is a lost network as the
client really meets it, whichever browser runs the test.)
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import HEARTBEAT_SECONDS, new_context
from tests.browser.steps import posts, unique
from tests.live.helpers import Person
from tests.server import LiveServer

OFFLINE = "Ei yhteyttä – yhdistetään uudelleen…"
NEW_POSTS = "Uusia viestejä alempana"
RECONNECT = 20_000  # ms: socket.io-client retries with a back-off of up to 5 s


class Relay:
    """127.0.0.1:port -> the server's port, byte for byte; `cut()` closes every connection and refuses new
    ones (as a network outage does) until `restore()`."""

    def __init__(self) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self.listener.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self.target: int | None = None
        self.open = True
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed
            if not self.open or self.target is None:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=10)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for end in (source, sink):
                self._close(end)

    def _close(self, end: socket.socket) -> None:
        with self.lock:
            self.sockets.discard(end)
        with contextlib.suppress(OSError):  # already closed by the other side
            end.shutdown(socket.SHUT_RDWR)
        end.close()

    def cut(self) -> None:
        self.open = False
        with self.lock:
            ends = list(self.sockets)
        for end in ends:
            self._close(end)

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


@pytest.fixture(scope="module")
def relay() -> Iterator[Relay]:
    relay = Relay()
    yield relay
    relay.close()


@pytest.fixture(scope="module")
def relayed_server(chromium_path: str, relay: Relay,
                   tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The production server, which the browser reaches only through the relay (its public address)."""
    env = {"PUBLIC_URL": relay.url, "HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS)}
    with LiveServer(tmp_path_factory.mktemp("relayed"), database_name="relayed", env=env) as server:
        relay.target = server.port
        yield server


@pytest.fixture
def tab(browser: Any, relayed_server: LiveServer, relay: Relay) -> Iterator[Any]:
    context = new_context(browser, relayed_server, base_url=relay.url, viewport={"width": 1000, "height": 600})
    yield context.new_page()
    context.close()
    relay.restore()


def texts_of(tab: Any) -> list[str]:
    return [str(t) for t in tab.locator("article.post .post__body").all_inner_texts()]


def test_a_cut_page_says_so_reconnects_and_shows_each_missed_post_once(
        tab: Any, relayed_server: LiveServer, relay: Relay) -> None:
    owner = Person(relayed_server.url, "Katkon Kirjoittaja")
    slug = owner.create_workspace(unique("Katkokset"), visibility="public")
    thread = owner.start_thread(slug, "Yhteys katkeaa", "Ensimmäinen viesti.")
    long = "Tämä kappale tekee sivusta niin pitkän, että sitä pitää vierittää. " * 12
    for n in range(8):
        owner.post(thread["id"], f"Aiempi viesti {n}. {long}")
    tab.goto(f"/t/{thread['id']}")
    expect(tab.locator("#live")).to_have_attribute("data-state", "live")
    expect(posts(tab)).to_have_count(9)
    tab.evaluate("window.scrollTo(0, 0)")  # reading the start of the thread

    relay.cut()
    expect(tab.locator("#live")).to_have_attribute("data-state", "offline")
    status = tab.locator("#live-status")
    expect(status).to_be_visible()
    expect(status).to_have_text(OFFLINE)

    missed = [f"Katkon aikana {n}." for n in range(3)]
    for body in missed:
        owner.post(thread["id"], body)
    time.sleep(2 * HEARTBEAT_SECONDS)
    expect(posts(tab)).to_have_count(9)  # nothing reaches a page that is cut off
    expect(status).to_have_text(OFFLINE)

    relay.restore()
    expect(tab.locator("#live")).to_have_attribute("data-state", "live", timeout=RECONNECT)
    expect(status).to_be_hidden()
    expect(posts(tab)).to_have_count(12)
    shown = texts_of(tab)
    assert [sum(body in t for t in shown) for body in missed] == [1, 1, 1], shown
    assert shown[-3:] == missed  # in the order they were written, after the others
    marker = tab.locator("#new-posts")
    expect(marker).to_be_visible()
    expect(marker).to_have_text(NEW_POSTS)

    # Live again: the next post arrives by itself, once, and the replayed ones are not applied twice.
    owner.post(thread["id"], "Yhteys palasi.")
    expect(posts(tab)).to_have_count(13)
    time.sleep(2 * HEARTBEAT_SECONDS)  # heartbeats at the new seq ask for nothing more
    assert [sum(body in t for t in texts_of(tab)) for body in [*missed, "Yhteys palasi."]] == [1, 1, 1, 1]
