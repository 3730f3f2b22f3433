"""Moderators' pages for who is in a workspace: roles, removal, bans and the join-request queue.

The member list itself is workspaces.members; the forms on it post here.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app import policy
from app.access import access_profile, get_membership
from app.actions import membership as actions
from app.actions.workspaces import count_owners
from app.errors import Invalid, NotFound
from app.identity import require_actor
from app.queries.moderation import list_join_requests
from app.web.forms import ROLE_CHOICES, ActionForm, ReasonForm, show_errors
from app.web.moderation import area, flash_invalid, form_value

bp = Blueprint("membership", __name__)


def _back_to_members(slug: str) -> Response:
    return redirect(url_for("workspaces.members", slug=slug))


@bp.route("/w/<slug>/members/<int:user_id>/role", methods=["POST"])
@login_required
def change_role(slug: str, user_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        changed = actions.do_change_role(require_actor(), slug, user_id, form_value("role"))
    except Invalid as error:
        flash_invalid(error)
    else:
        role = dict(ROLE_CHOICES).get(changed.role, changed.role)
        flash(_("%(name)s is now: %(role)s.", name=changed.user.display_name, role=role), "success")
    return _back_to_members(slug)


@bp.route("/w/<slug>/members/<int:user_id>/remove", methods=["POST"])
@login_required
def remove(slug: str, user_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    actions.do_remove_member(require_actor(), slug, user_id)
    flash(_("The member was removed from the workspace."), "info")
    return _back_to_members(slug)


@bp.route("/w/<slug>/members/<int:user_id>/ban", methods=["GET", "POST"])
@login_required
def ban(slug: str, user_id: int) -> str | Response:
    user = require_actor()
    seen = actions.moderate(user, slug)
    person = access_profile(user, user_id)
    target = get_membership(person, seen.workspace.id)
    if not policy.can_ban(user, seen.membership, person, target, count_owners(seen.workspace.id)):
        abort(403)
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            actions.do_ban(user, slug, user_id, form.reason.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("%(name)s was banned from the workspace.", name=person.display_name), "success")
            return _back_to_members(slug)
    return render_template("moderation/ban.html", **area(seen), person=person, target=target, form=form)


@bp.route("/w/<slug>/bans/<int:user_id>/lift", methods=["POST"])
@login_required
def unban(slug: str, user_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    actions.do_unban(require_actor(), slug, user_id)
    flash(_("The ban was lifted. The person may join or ask to join again."), "success")
    return _back_to_members(slug)


@bp.route("/w/<slug>/requests")
@login_required
def requests(slug: str) -> str:
    seen = actions.moderate(require_actor(), slug)
    return render_template("moderation/requests.html", **area(seen), requests=list_join_requests(seen.workspace),
                           action=ActionForm())


@bp.route("/w/<slug>/requests/<int:request_id>/approve", methods=["POST"])
@login_required
def approve(slug: str, request_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    joined = actions.do_approve_request(require_actor(), request_id)
    flash(_("%(name)s is now a member.", name=joined.user.display_name), "success")
    return redirect(url_for(".requests", slug=slug))


@bp.route("/w/<slug>/requests/<int:request_id>/decline", methods=["GET", "POST"])
@login_required
def decline(slug: str, request_id: int) -> str | Response:
    user = require_actor()
    seen = actions.moderate(user, slug)
    asked = next((r for r in list_join_requests(seen.workspace) if r.id == request_id), None)
    if asked is None:
        raise NotFound(_("No such join request."))
    form = ReasonForm()
    if form.validate_on_submit():
        try:
            actions.do_decline_request(user, request_id, form.reason.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("The request was declined. %(name)s was told.", name=asked.user.display_name), "info")
            return redirect(url_for(".requests", slug=slug))
    return render_template("moderation/decline.html", **area(seen), asked=asked, form=form)
