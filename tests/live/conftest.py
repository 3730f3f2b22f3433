"""Live-update tests: real python-socketio clients against the app running as in production."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server import LiveServer

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.server)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """`python wsgi.py` under eventlet, the production server, with its own database."""
    with LiveServer(tmp_path_factory.mktemp("live"), database_name="live") as server:
        yield server


@pytest.fixture(scope="session")
def threading_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The same app with ASYNC_MODE=threading: the socket code runs on either async mode."""
    with LiveServer(tmp_path_factory.mktemp("live-threading"), database_name="live_threading",
                    env={"ASYNC_MODE": "threading"}) as server:
        yield server
