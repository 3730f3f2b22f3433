#!/usr/bin/env python
"""The floor for bench/fanout.py: a bare Flask-SocketIO app on the same eventlet server as ours.

It does nothing but what fan-out cannot avoid: `subscribe` joins one room, and `POST /emit` emits its
JSON body as an `event` message to that room (the fan-out script sends a copy of a real `post.created`
message, so the bytes on the wire are the same). No database, no auth, no presence, no event log: what
our server spends on top of this is ours to explain.

Settings come from the environment, as `python wsgi.py` takes them: HOST, PORT, MAX_CONNECTIONS (eventlet's
`max_size`, 1,024 by default otherwise; ARCHITECTURE.md "Known traps"), REDIS_URL (the message queue
when several processes serve one room, as ours does) and SOCKETIO_CHANNEL (its pub/sub channel).

Usage (bench/fanout.py starts it itself):
    HOST=127.0.0.1 PORT=5099 .venv/bin/python bench/bare_emit_server.py
"""

from __future__ import annotations

import eventlet

eventlet.monkey_patch()  # before anything else is imported, as eventlet requires

import os  # noqa: E402
from typing import Any  # noqa: E402

from flask import Flask, Response, request  # noqa: E402
from flask_socketio import SocketIO, join_room  # noqa: E402

ROOM = "room"

app = Flask(__name__)
# A channel of its own (Redis pub/sub ignores the database number, so the default channel is shared with
# every other Flask-SocketIO app on this Redis server, the test suite's included).
socketio = SocketIO(app, async_mode="eventlet", message_queue=os.environ.get("REDIS_URL") or None,
                    channel=os.environ.get("SOCKETIO_CHANNEL", "bench-bare-emit"), max_http_buffer_size=64 * 1024)


@app.get("/")
def ready() -> str:
    """The launcher polls this until the server answers."""
    return "ok"


@app.post("/emit")
def emit() -> Response:
    """Fan the posted JSON out to the room: the bare cost of one `socketio.emit` to N recipients."""
    socketio.emit("event", request.get_json(), to=ROOM)
    return Response(status=204)


@socketio.on("subscribe")
def subscribe(_data: Any = None) -> dict[str, bool]:
    """Join the one room; ack like ours does, so the clients run the same code against both."""
    join_room(ROOM)
    return {"ok": True}


if __name__ == "__main__":
    socketio.run(app, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "5099")),
                 max_size=int(os.environ.get("MAX_CONNECTIONS", "20000")), log_output=False)
