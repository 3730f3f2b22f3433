"""Socket handlers in-process: what is published after commit, rate limits, malformed payloads.

These use Flask-SocketIO's test client against the app's real Socket.IO server object; the
tests in tests/live/ drive a separate server process with python-socketio clients.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.actions import threads
from app.actions.unit import transactional
from app.extensions import socketio
from app.models import User, Workspace
from tests.factories import make_thread, token_for


def connect(app: Flask, user: User) -> Any:
    client = socketio.test_client(app, auth={"token": token_for(user)})
    assert client.is_connected()
    return client


def events_of(client: Any) -> list[dict[str, Any]]:
    return [m["args"][0] for m in client.get_received() if m["name"] == "event"]


def test_a_rolled_back_change_publishes_nothing(app: Flask, member: User, workspace: Workspace,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    thread, _ = make_thread(member, workspace)
    client = connect(app, member)
    assert client.emit("subscribe", {"workspace": workspace.slug, "since": None}, callback=True)["ok"]
    client.get_received()
    real_record = threads.record_event
    calls: list[str] = []  # the post row is written before the event: the failure must undo it

    def record_then_fail(ws: Workspace, kind: str, data: dict[str, Any], audience: str = "all") -> Any:
        calls.append(kind)
        raise RuntimeError("the disk filled up before the event was stored")
        return real_record(ws, kind, data, audience)

    monkeypatch.setattr(threads, "record_event", record_then_fail)
    with pytest.raises(RuntimeError):
        threads.do_post_reply(member, thread.id, "Ei koskaan julkaistu")
    assert calls == ["post.created"]
    assert events_of(client) == []
    monkeypatch.setattr(threads, "record_event", real_record)
    threads.do_post_reply(member, thread.id, "Julkaistu")
    assert [e["kind"] for e in events_of(client)] == ["post.created"]
    client.disconnect()


def test_an_action_undone_by_the_transaction_around_it_is_never_announced(app: Flask, member: User,
                                                                         workspace: Workspace) -> None:
    """The reply itself succeeds, then the outer unit of work fails after it: its event was queued
    but must never reach a subscriber. A later committed reply is the marker that delivery works."""
    thread, _ = make_thread(member, workspace)
    client = connect(app, member)
    assert client.emit("subscribe", {"workspace": workspace.slug, "since": None}, callback=True)["ok"]
    client.get_received()

    @transactional
    def reply_then_fail() -> None:
        threads.do_post_reply(member, thread.id, "Ei koskaan julkaistu")
        raise RuntimeError("the step after the reply failed")

    with pytest.raises(RuntimeError):
        reply_then_fail()
    threads.do_post_reply(member, thread.id, "Julkaistu")
    bodies = [e["data"]["body"] for e in events_of(client) if e["kind"] == "post.created"]
    assert bodies == ["Julkaistu"]
    client.disconnect()


def test_socket_messages_are_rate_limited_per_user(app: Flask, member: User, workspace: Workspace,
                                                   rate_limits: None) -> None:
    app.config["RATELIMIT_SOCKET"] = "5 per minute"
    client = connect(app, member)
    acks = [client.emit("sync", {}, callback=True) for _ in range(7)]
    assert [a["ok"] for a in acks[:5]] == [True] * 5
    assert acks[5]["ok"] is False and acks[5]["error"] == "rate_limited"
    client.disconnect()


def test_unknown_thread_in_typing_is_an_error_ack(app: Flask, member: User) -> None:
    client = connect(app, member)
    ack = client.emit("typing", {"thread": 987654}, callback=True)
    assert ack == {"ok": False, "error": "not_found", "message": "Not found."}
    client.disconnect()


def test_sync_reports_latest_seq_of_followed_workspaces(app: Flask, member: User, workspace: Workspace) -> None:
    client = connect(app, member)
    subscribed = client.emit("subscribe", {"workspace": workspace.slug, "since": None}, callback=True)
    make_thread(member, workspace)
    synced = client.emit("sync", {}, callback=True)
    assert synced["seqs"][workspace.slug] == subscribed["seq"] + 2
    client.disconnect()
