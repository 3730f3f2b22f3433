"""SQLite made a safe default: real transactions (SAVEPOINT included), WAL, foreign keys, and
writes that take the write lock up front.

pysqlite's own transaction handling issues no BEGIN before a SAVEPOINT, so a released savepoint
would commit for good; SQLAlchemy's documented remedy is to turn the driver's handling off and
emit BEGIN ourselves. A write transaction starts with BEGIN IMMEDIATE: one that began by reading
and later wants to write could otherwise fail at once in WAL mode if another writer committed in
between, instead of waiting its turn.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, event

WRITE_OPTION = "vk_write_transaction"


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
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE_OPTION) else "BEGIN")


def see_latest_commits(session: Any) -> None:
    """End a read-only transaction so the next query sees every commit made since it began.

    PostgreSQL (READ COMMITTED) gives each statement a fresh view anyway; SQLite's WAL keeps one
    snapshot per transaction. Callers have nothing to write in this session.
    """
    if session.get_bind().dialect.name == "sqlite" and session.in_transaction():
        session.rollback()
