"""Run deliveries (emits, socket revocations) after the transaction commits, and never before.

Actions queue callables on the SQLAlchemy session; an `after_commit` hook runs them, a rollback
drops them. A failing delivery (Redis away, say) is logged and never fails the request: the
database stays the truth, and clients repair what they missed by catch-up.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger(__name__)
_PENDING_KEY = "after_commit_deliveries"

Delivery = Callable[[], None]


def after_commit(delivery: Delivery) -> None:
    """Queue `delivery` to run once the current transaction has committed."""
    db.session().info.setdefault(_PENDING_KEY, []).append(delivery)


def _run_all(session: Session) -> None:
    for delivery in session.info.pop(_PENDING_KEY, []):
        try:
            delivery()
        except Exception:  # delivery is best effort; the log and catch-up repair it
            log.warning("live delivery failed", exc_info=True)


def _drop_all(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING_KEY, None)


def install_delivery_hooks() -> None:
    """Hook deliveries onto every session's commit and rollback (idempotent)."""
    if not sa_event.contains(Session, "after_commit", _run_all):
        sa_event.listen(Session, "after_commit", _run_all)
        sa_event.listen(Session, "after_soft_rollback", _drop_all)
