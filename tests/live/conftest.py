"""Live-update tests: real python-socketio clients against the app running as in production."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

from tests.server import LiveServer

# Shared by the two-process tests that need no Redis of their own (test_many_processes.py has its own).
REDIS_URL = os.environ.get("VK_TEST_REDIS_URL") or "redis://127.0.0.1:6379/12"

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


def require_redis(url: str = REDIS_URL) -> None:
    """Skip without Redis on a developer's machine (under CI the suite's hook makes the skip a failure)."""
    try:
        redis.Redis.from_url(url, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"no Redis at {url}: {error}")


@contextmanager
def redis_pair(tmp: Path, name: str, env: Mapping[str, str] | None = None) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two processes on one database named `name`, joined by Redis, each with `env` added."""
    require_redis()
    # Rate-limit counts of this pair are its own (user ids start again at 1 in every fresh database).
    shared = {"REDIS_URL": REDIS_URL, "RATELIMIT_KEY_PREFIX": f"vk-test-{os.getpid()}-{name}", **(env or {})}
    with LiveServer(tmp, database_name=name, env=shared) as first, \
            LiveServer(tmp, database_url=first.database_url, migrate=False, env=shared) as second:
        yield first, second


@pytest.fixture(scope="module")
def pair(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two processes on one database, joined by Redis, as behind a proxy with sticky sessions
    (one pair per test module, named after it)."""
    name = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_") + "_pair"
    with redis_pair(tmp_path_factory.mktemp(name), name) as servers:
        yield servers
