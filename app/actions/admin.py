"""What only site admins do across the network: suspend and reinstate accounts."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import delete

from app import policy
from app.actions.accounts import do_revoke_all_tokens
from app.actions.audit import audit
from app.actions.membership import check_reason
from app.actions.unit import transactional
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.live.control import disconnect_room_after_commit
from app.live.rooms import user_room
from app.models import User, UserSession, utcnow


def _account(actor: User, user_id: int) -> User:
    if not policy.is_admin(actor):
        raise Forbidden(_("Only administrators can do this."))
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such person."))
    return user


@transactional
def do_suspend(actor: User, user_id: int, reason: object) -> User:
    """Suspend an account network-wide: its sessions end, its tokens are revoked (reinstating does
    not bring them back) and its open sockets close at once, on every process. Nothing it wrote is
    removed."""
    user = _account(actor, user_id)
    if not policy.can_suspend(actor, user):
        raise Conflict(_("This account cannot be suspended.") if user.is_active
                       else _("This account is already suspended."))
    why = check_reason(reason, required=True)
    user.suspended_at, user.suspended_reason = utcnow(), why
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    do_revoke_all_tokens(user)
    audit(actor, "user.suspended", "user", user.id, user.display_name, None, why)
    disconnect_room_after_commit(user_room(user.id))
    return user


@transactional
def do_reinstate(actor: User, user_id: int) -> User:
    """Lift a suspension; the person signs in again as before."""
    user = _account(actor, user_id)
    if not policy.can_reinstate(actor, user):
        raise Conflict(_("This account is not suspended."))
    user.suspended_at, user.suspended_reason = None, ""
    audit(actor, "user.reinstated", "user", user.id, user.display_name, None)
    return user
