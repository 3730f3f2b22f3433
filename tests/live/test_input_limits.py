"""Input that must not tie up the production server: bodies refused before they are read, and
Socket.IO messages whose JSON nests too deeply, answered instead of recursed into."""

from __future__ import annotations

import socket
import threading
from typing import Any

from tests.live.helpers import Listener, Person
from tests.server import LiveServer


def test_anonymous_write_is_answered_401_before_its_body_arrives(live_server: LiveServer) -> None:
    """The server answers while 5 MB are announced and only 64 kB were sent: it did not wait for the
    rest of the body, let alone parse it."""
    head = (f"POST /api/v1/threads/1/posts HTTP/1.1\r\nHost: {live_server.host}:{live_server.port}\r\n"
            "Content-Type: application/json\r\nContent-Length: 5242880\r\n\r\n").encode()
    with socket.create_connection((live_server.host, live_server.port), timeout=10) as conn:
        conn.sendall(head + b"[" * 65536)
        answer = conn.recv(4096).decode("latin-1")
    assert answer.startswith("HTTP/1.1 401"), answer[:200]
    assert '"error":"unauthenticated"' in answer.replace(" ", "")


def test_socket_message_nested_too_deeply_gets_an_error_and_the_socket_goes_on(live_server: LiveServer) -> None:
    person = Person(live_server.url, "Syvä Sisäkkäinen")
    slug = person.create_workspace("Sisäkkäiset")
    listener = Listener(live_server.url, person.token).connect()
    try:
        answered = threading.Event()
        acks: list[Any] = []

        def on_ack(*args: Any) -> None:
            acks.append(args[0] if args else None)
            answered.set()

        ack_id = listener.client._generate_ack_id("/", on_ack)
        nested = "[" * 30_000 + "]" * 30_000  # under the 64 kB message limit, 30,000 levels deep
        listener.client.eio.send(f'2{ack_id}["subscribe",{nested}]')
        assert answered.wait(10), "no answer to the nested message"
        assert acks[0]["ok"] is False and acks[0]["error"] == "bad_request"
        assert "64" in acks[0]["message"]
        assert listener.client.connected
        assert listener.subscribe(slug)["ok"] is True
    finally:
        listener.close()
    assert live_server.running
    assert "RecursionError" not in live_server.log_tail(400)
