"""SQLite made a safe default: real transactions (SAVEPOINT included), WAL, foreign keys, and
writes that take the write lock up front.

pysqlite's own transaction handling issues no BEGIN before a SAVEPOINT, so a released savepoint
would commit for good; SQLAlchemy's documented remedy is to turn the driver's handling off and
emit BEGIN ourselves. A write transaction starts with BEGIN IMMEDIATE: one that began by reading
and later wants to write could otherwise fail at once in WAL mode if another writer committed in
between, instead of waiting its turn.

That wait happens between tries, in Python, not in SQLite's busy handler: the handler sleeps in C,
which under eventlet holds the hub, and the writer it waits for may be a green thread whose render
runs in the thread pool (app.offload) and needs the hub to finish; both would wait out the timeout.
"""

from __future__ import annotations

import sqlite3
import time
from typing import Any

from sqlalchemy import Engine, event

WRITE_OPTION = "vk_write_transaction"
WRITE_LOCK_WAIT = 30.0  # seconds a write transaction waits for another writer before failing


def configure_sqlite(engine: Engine) -> None:
    if engine.dialect.name != "sqlite" or event.contains(engine, "begin", _begin):
        return
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _begin)


def _on_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we say BEGIN ourselves (see _begin)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin(conn: Any) -> None:
    if conn.get_execution_options().get(WRITE_OPTION):
        _begin_immediate(conn.connection.driver_connection)
    else:
        conn.exec_driver_sql("BEGIN")


def _begin_immediate(sqlite: sqlite3.Connection) -> None:
    """BEGIN IMMEDIATE, retried with a growing pause (a green sleep under eventlet) while another
    writer holds the lock, for at most WRITE_LOCK_WAIT seconds."""
    busy_timeout = sqlite.execute("PRAGMA busy_timeout").fetchone()[0]
    sqlite.execute("PRAGMA busy_timeout = 0")
    deadline, pause = time.monotonic() + WRITE_LOCK_WAIT, 0.002
    try:
        while True:
            try:
                sqlite.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
            time.sleep(pause)
            pause = min(pause * 2, 0.05)
    finally:
        sqlite.execute(f"PRAGMA busy_timeout = {int(busy_timeout)}")


def see_latest_commits(session: Any) -> None:
    """End a read-only transaction so the next query sees every commit made since it began.

    PostgreSQL (READ COMMITTED) gives each statement a fresh view anyway; SQLite's WAL keeps one
    snapshot per transaction. Callers have nothing to write in this session.
    """
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        session.rollback()
