"""Site admins' pages: accounts (suspend, reinstate), the network-wide review queue and audit log.

Everyone else is told these pages do not exist.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app import policy
from app.access import access_profile
from app.actions import admin as actions
from app.errors import Conflict, Invalid
from app.identity import current_actor, require_actor
from app.queries.moderation import (
    audit_actions,
    audit_actors,
    list_audit,
    list_open_flags,
    list_pending_posts,
    list_users,
)
from app.web.forms import ActionForm, SuspendForm, show_errors
from app.web.moderation import AUDIT_PAGE, group_flags

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def admins_only() -> None:
    if not policy.is_admin(current_actor()):
        abort(404)


@bp.route("/")
def index() -> Response:
    return redirect(url_for(".users"))


@bp.route("/users")
def users() -> str:
    search = request.args.get("q", "").strip()[:100]
    page = list_users(search, request.args.get("cursor"))
    return render_template("admin/users.html", page=page, search=search, action=ActionForm())


@bp.route("/users/<int:user_id>/suspend", methods=["GET", "POST"])
def suspend(user_id: int) -> str | Response:
    user = require_actor()
    person = access_profile(user, user_id)
    if not policy.can_suspend(user, person):
        raise Conflict(_("This account cannot be suspended."))
    form = SuspendForm()
    if form.validate_on_submit():
        try:
            actions.do_suspend(user, user_id, form.reason.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("%(name)s was suspended and signed out everywhere.", name=person.display_name), "success")
            return redirect(url_for(".users", q=request.args.get("q") or None))
    return render_template("admin/suspend.html", person=person, form=form)


@bp.route("/users/<int:user_id>/reinstate", methods=["POST"])
def reinstate(user_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    person = actions.do_reinstate(require_actor(), user_id)
    flash(_("%(name)s can sign in again.", name=person.display_name), "success")
    return redirect(url_for(".users", q=request.args.get("q") or None))


@bp.route("/review")
def review() -> str:
    return render_template(
        "admin/review.html", groups=group_flags(list_open_flags(None)), pending=list_pending_posts(None),
        action=ActionForm(),
    )


@bp.route("/audit")
def audit() -> str:
    actor_id, chosen = request.args.get("actor", type=int), request.args.get("action") or None
    page = list_audit(None, request.args.get("cursor"), AUDIT_PAGE, viewer=require_actor(), action=chosen,
                      actor_id=actor_id, network=True)
    return render_template(
        "admin/audit.html", page=page, actions=audit_actions(None, network=True),
        actors=audit_actors(None, network=True), chosen=chosen, actor_id=actor_id,
    )
