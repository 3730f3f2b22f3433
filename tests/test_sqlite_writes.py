"""SQLite writers wait for each other between tries, not inside SQLite's busy handler.

The handler sleeps in C, which under eventlet holds the hub; the writer it waits for may need the
hub to finish (its render runs in the thread pool), so both used to wait out the 30 s timeout and
fail with "database is locked" (tests/live/test_document_saves.py, ten editors at once). Here, on
a real database file: a second writer waits its turn, with the connection's own busy timeout
restored afterwards, and gives up after WRITE_LOCK_WAIT.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest

from app import database


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
    connection.execute("PRAGMA journal_mode=WAL")
    return connection


def test_a_second_writer_waits_its_turn_and_keeps_its_busy_timeout(tmp_path: Path) -> None:
    first, second = connect(tmp_path / "w.db"), connect(tmp_path / "w.db")
    first.execute("CREATE TABLE t (x)")
    first.execute("BEGIN IMMEDIATE")
    releaser = threading.Timer(0.3, lambda: first.execute("COMMIT"))
    releaser.start()
    started = time.monotonic()
    database._begin_immediate(second)
    assert time.monotonic() - started >= 0.25
    second.execute("INSERT INTO t VALUES (1)")
    second.execute("COMMIT")
    assert second.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
    releaser.join()


def test_a_writer_gives_up_after_the_wait(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(database, "WRITE_LOCK_WAIT", 0.2)
    first, second = connect(tmp_path / "w.db"), connect(tmp_path / "w.db")
    first.execute("BEGIN IMMEDIATE")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        database._begin_immediate(second)
    first.execute("COMMIT")
    assert second.execute("PRAGMA busy_timeout").fetchone()[0] == 30_000
