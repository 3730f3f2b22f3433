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
