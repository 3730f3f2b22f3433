"""The unit of work: the one place in the application that commits.

Every action is decorated with `@transactional`. The outermost decorated call commits when it
returns and rolls back when it raises; actions called from inside it join its transaction, so a
composite action (hide a post, audit it, notify the author) is all or nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from sqlalchemy.orm import Session

from app.database import WRITE_OPTION
from app.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_DEPTH_KEY = "unit_of_work_depth"


def transactional(fn: Callable[P, R]) -> Callable[P, R]:
    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        session = db.session()
        depth = session.info.get(_DEPTH_KEY, 0)
        if depth == 0:
            _begin_for_writing(session)
        session.info[_DEPTH_KEY] = depth + 1
        try:
            result = fn(*args, **kwargs)
            if depth == 0:
                session.commit()
            return result
        except BaseException:
            if depth == 0:
                session.rollback()
            raise
        finally:
            session.info[_DEPTH_KEY] = depth

    return run


def _begin_for_writing(session: Session) -> None:
    """Start the action's own transaction, asking for the write lock at once where that matters
    (SQLite). Whatever the request read before is finished first; it had nothing to write."""
    if session.get_bind().dialect.name != "sqlite":
        return
    if session.in_transaction():
        session.commit()
    session.connection(execution_options={WRITE_OPTION: True})
