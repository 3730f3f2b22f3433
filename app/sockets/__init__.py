"""The Socket.IO adapter: connect/auth, subscriptions with catch-up, presence and typing.

Importing the handler modules registers them on the shared SocketIO object.
"""

from __future__ import annotations

from flask import Flask

from app.live.control import control


def install_sockets(app: Flask) -> None:
    from app.sockets import connection, packets, presence, subscriptions  # noqa: F401 - registers the handlers

    control.init_app(app)
