"""Driving a running server as its clients do: HTTP API calls and real python-socketio clients."""

from __future__ import annotations

import itertools
import re
import threading
import time
from collections.abc import Callable
from typing import Any

import requests
import socketio

PASSWORD = "kestävä-kaupunki-2030"
_serial = itertools.count(1)


class Person:
    """An account on a live server, with an API token and an HTTP session."""

    def __init__(self, base_url: str, name: str, email: str | None = None) -> None:
        self.base_url = base_url
        self.email = email or f"live{next(_serial)}-{time.monotonic_ns()}@example.fi"
        self.http = requests.Session()
        created = self.http.post(f"{base_url}/api/v1/auth/register", json={
            "email": self.email, "password": PASSWORD, "display_name": name, "organisation": "Testikunta"})
        assert created.status_code == 201, created.text
        self.id: int = created.json()["id"]
        self.name = name
        token = self.http.post(f"{base_url}/api/v1/auth/tokens", json={"email": self.email, "password": PASSWORD})
        assert token.status_code == 201, token.text
        self.token: str = token.json()["token"]
        self.http.headers["Authorization"] = f"Bearer {self.token}"

    def api(self, method: str, path: str, json: Any = None, expect: int | None = None) -> Any:
        response = self.http.request(method, f"{self.base_url}/api/v1{path}", json=json, timeout=30)
        if expect is not None:
            assert response.status_code == expect, f"{method} {path}: {response.status_code} {response.text}"
        return response.json() if response.content else None

    def create_workspace(self, name: str, visibility: str = "network", join_policy: str = "open") -> str:
        return str(self.api("POST", "/workspaces", {"name": name, "visibility": visibility,
                                                    "join_policy": join_policy}, expect=201)["slug"])

    def join(self, slug: str) -> None:
        self.api("POST", f"/workspaces/{slug}/join", {}, expect=200)

    def start_thread(self, slug: str, title: str = "Live-ketju", body: str = "Aloitus") -> dict[str, Any]:
        return dict(self.api("POST", f"/workspaces/{slug}/threads", {"title": title, "body": body}, expect=201))

    def post(self, thread_id: int, body: str) -> dict[str, Any]:
        return dict(self.api("POST", f"/threads/{thread_id}/posts", {"body": body}, expect=201))

    def sign_in_browser(self) -> requests.Session:
        """A cookie session as a browser has, signed in through the page's form."""
        browser = requests.Session()
        page = browser.get(f"{self.base_url}/sign-in").text
        token = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert token
        response = browser.post(f"{self.base_url}/sign-in", allow_redirects=False, data={
            "csrf_token": token.group(1), "email": self.email, "password": PASSWORD})
        assert response.status_code == 302
        return browser


class Listener:
    """A real Socket.IO client that records every message it receives."""

    def __init__(self, base_url: str, token: str | None = None, cookies: str | None = None) -> None:
        self.base_url = base_url
        self.token = token
        self.cookies = cookies
        self.client = socketio.Client(reconnection=False)
        self.messages: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.client.on("*", self._record)
        self.disconnected = threading.Event()
        self.client.on("disconnect", lambda *a: self.disconnected.set())

    def _record(self, event: str, data: Any = None) -> None:
        with self.lock:
            self.messages.append((event, data))

    def connect(self, base_url: str | None = None) -> Listener:
        self.disconnected.clear()
        headers = {"Cookie": self.cookies} if self.cookies else {}
        self.client.connect(base_url or self.base_url, auth={"token": self.token} if self.token else None,
                            headers=headers, transports=["websocket"], wait_timeout=10)
        return self

    def call(self, event: str, data: Any) -> Any:
        return self.client.call(event, data, timeout=10)

    def subscribe(self, slug: str, since: int | None = None) -> dict[str, Any]:
        return dict(self.call("subscribe", {"workspace": slug, "since": since}))

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            found = [data for event, data in self.messages if event == "event"]
        return [e for e in found if kind is None or e["kind"] == kind]

    def wait_for(self, predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if predicate():
                return True
            time.sleep(0.02)
        return predicate()

    def close(self) -> None:
        if self.client.connected:
            self.client.disconnect()

    def came_before(self, marker: Callable[[], bool], forbidden: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Wait for `marker`, a message the server sent this socket after the one that must not come, and
        say whether the forbidden one came all the same.

        One process sends a socket's messages in the order it made them (through Redis too), so once the
        marker is here, anything sent before it is here as well: no quiet period to guess, which is
        either too short to catch a late leak or slow for every test."""
        assert self.wait_for(marker, timeout), f"the marker never came: {self.messages}"
        return forbidden()


class Marker:
    """A public workspace of `sender`'s, followed by a listener: `send()` posts in it, through the same
    server and path as a live event, and answers when the listener has the post. Anyone may follow a
    public workspace, so any socket can be sent a marker (anonymous, banned elsewhere, ...)."""

    def __init__(self, sender: Person, *listeners: Listener) -> None:
        self.sender = sender
        self.slug = sender.create_workspace(f"Merkki {time.monotonic_ns()}", visibility="public")
        self.thread = sender.start_thread(self.slug, "Merkit", "Merkkiketju")
        for listener in listeners:
            assert listener.subscribe(self.slug)["ok"] is True

    def send(self) -> Callable[[Listener], bool]:
        """Post a marker; the answer tells whether a given listener has received it yet."""
        post_id = self.sender.post(self.thread["id"], f"Merkki {time.monotonic_ns()}")["id"]
        return lambda listener: any(e["workspace"] == self.slug and e["data"].get("id") == post_id
                                    for e in listener.events("post.created"))


# --- browser sessions, and a subscriber that keeps its stream whole (catch-up and multi-process tests) ---


def csrf_token(browser: requests.Session, base_url: str, path: str = "/") -> str:
    """The CSRF token a page carries in its `<meta name="csrf-token">`, for posting a form as that browser."""
    page = browser.get(f"{base_url}{path}", timeout=30).text
    found = re.search(r'name="csrf-token" content="([^"]+)"', page)
    assert found, f"no csrf-token meta tag on {path}"
    return found.group(1)


def cookie_header(browser: requests.Session) -> str:
    """The browser session's cookies as a `Cookie` header, for a Listener that connects as that browser."""
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in browser.cookies)


class Follower:
    """One workspace's stream, kept whole across reconnects as the browser client keeps it.

    Events arrive live and in `subscribe` acks; both are merged by seq (a duplicate is dropped). `last` is
    the highest seq up to which nothing is missing. A live event beyond `last + 1`, or a heartbeat whose seq
    is beyond `last`, is a gap: `repair()` then subscribes again with `since=last`, as the browser does.
    """

    def __init__(self, token: str, slug: str) -> None:
        self.token, self.slug = token, slug
        self.listener: Listener | None = None
        self.listeners: list[Listener] = []   # every connection made, the closed ones too
        self.base: int | None = None          # the seq the first subscribe answered
        self.by_seq: dict[int, dict[str, Any]] = {}
        self.acks: list[dict[str, Any]] = []
        self.lock = threading.RLock()

    def connect(self, base_url: str) -> dict[str, Any]:
        """Open a fresh connection to `base_url` and subscribe with `since` = the last seq kept."""
        self.close()
        self.listener = Listener(base_url, self.token).connect()
        self.listeners.append(self.listener)
        ack = self.catch_up()
        assert ack["ok"] is True, ack
        return ack

    def catch_up(self) -> dict[str, Any]:
        """Subscribe from `last`, and follow the pages of a long catch-up (`more`) as the browser does."""
        ack = self._subscribe(self.last)
        while ack.get("ok") and ack.get("more"):
            ack = self._subscribe(ack["seq"])
        return ack

    def _subscribe(self, since: int | None) -> dict[str, Any]:
        assert self.listener is not None
        ack = self.listener.subscribe(self.slug, since=since)
        if ack.get("ok"):
            assert ack["reset"] is False, f"catch-up since {self.last} answered reset: {ack}"
            with self.lock:
                self.acks.append(ack)
                if self.base is None:
                    self.base = int(ack["seq"])
                for event in ack["events"]:
                    self.by_seq.setdefault(event["seq"], event)
        return ack

    def _merge_live(self) -> None:
        with self.lock:
            for listener in self.listeners:
                for event in listener.events():
                    if event["workspace"] == self.slug:
                        self.by_seq.setdefault(event["seq"], event)

    @property
    def last(self) -> int | None:
        self._merge_live()
        with self.lock:
            if self.base is None:
                return None
            seq = self.base
            while seq + 1 in self.by_seq:
                seq += 1
            return seq

    def heartbeat_seq(self) -> int:
        assert self.listener is not None
        with self.listener.lock:
            beats = [d["seq"] for e, d in self.listener.messages if e == "heartbeat" and d["workspace"] == self.slug]
        return max(beats, default=0)

    def has_gap(self) -> bool:
        last = self.last
        if last is None:
            return False
        with self.lock:
            newest = max(self.by_seq, default=last)
        return newest > last or self.heartbeat_seq() > last

    def repair(self) -> dict[str, Any] | None:
        """Catch up if a gap shows; the ack, or None when nothing was missing."""
        return self.catch_up() if self.has_gap() else None

    def events(self, kind: str | None = None) -> list[dict[str, Any]]:
        """Everything kept, in seq order, each seq once."""
        self._merge_live()
        with self.lock:
            found = [self.by_seq[seq] for seq in sorted(self.by_seq)]
        return [e for e in found if kind is None or e["kind"] == kind]

    def live_duplicates(self) -> list[int]:
        """Seqs that one connection was sent live more than once (never allowed)."""
        doubled: list[int] = []
        for listener in self.listeners:
            seen: set[int] = set()
            for event in listener.events():
                if event["workspace"] == self.slug:
                    if event["seq"] in seen:
                        doubled.append(event["seq"])
                    seen.add(event["seq"])
        return doubled

    def close(self) -> None:
        if self.listener is not None:
            self.listener.close()
