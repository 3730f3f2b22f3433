"""The audit log: every moderator's and admin's action, written in the same transaction as the action.

Entries are only ever added (the model refuses updates and deletes), so the log cannot be edited
after the fact, not even by the admins it records.
"""

from __future__ import annotations

from typing import Any

from app.extensions import db
from app.models import AuditEntry, User, Workspace, utcnow


def audit(
    actor: User,
    action: str,
    target_type: str,
    target_id: int | None,
    target_label: str,
    workspace: Workspace | None = None,
    reason: str = "",
    **details: Any,
) -> AuditEntry:
    """Record `actor` doing `action` to a target; `details` holds what changed (e.g. old and new role)."""
    entry = AuditEntry(
        workspace_id=workspace.id if workspace is not None else None,
        actor_id=actor.id,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:200],
        reason=reason,
        details=details,
        created_at=utcnow(),
    )
    db.session.add(entry)
    return entry
