"""An open page stays connected: the server keeps telling it the latest event number (the heartbeat)."""

from __future__ import annotations

import json
import time

from playwright.sync_api import expect


def heartbeats_seen(page) -> list[dict]:
    """Collects the Socket.IO `heartbeat` events the page's WebSocket receives."""
    seen: list[dict] = []

    def on_frame(payload: str | bytes) -> None:
        if isinstance(payload, str) and payload.startswith('42["heartbeat"'):
            seen.append(json.loads(payload[2:])[1])

    page.on("websocket", lambda socket: socket.on("framereceived", on_frame))
    return seen


def test_an_open_thread_page_keeps_getting_heartbeats(owner_page, discussion):
    # Until 814d4de the heartbeat task died after its first beat (db.session.remove() outside the app context).
    page = owner_page
    beats = heartbeats_seen(page)
    page.goto(discussion.thread)
    expect(page.get_by_role("heading", level=1)).to_have_text(discussion.title)
    deadline = time.monotonic() + 3.5  # the live server beats every second (conftest.HEARTBEAT_SECONDS)
    while len(beats) < 2 and time.monotonic() < deadline:
        page.wait_for_timeout(200)
    assert len(beats) >= 2, f"{len(beats)} heartbeats in 3.5 s: {beats}"
    assert {beat["workspace"] for beat in beats} == {discussion.workspace.rsplit("/", 1)[-1]}
