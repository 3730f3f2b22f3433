"""Pages of the workspace directory and of one workspace."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app import policy
from app.access import access_workspace
from app.actions import workspaces as actions
from app.actions.workspaces import count_owners
from app.errors import Invalid
from app.identity import current_actor, require_actor
from app.models import MembershipState
from app.queries.moderation import list_banned
from app.queries.threads import list_threads
from app.queries.workspaces import list_members, list_workspaces, my_memberships
from app.ratelimits import per_actor_limit
from app.web.forms import (
    ROLE_CHOICES,
    ActionForm,
    JoinRequestForm,
    ReasonForm,
    ThreadForm,
    WorkspaceForm,
    WorkspaceSettingsForm,
    show_errors,
)

bp = Blueprint("workspaces", __name__)


@bp.route("/")
def directory() -> str:
    user = current_actor()
    return render_template(
        "workspaces/directory.html",
        workspaces=list_workspaces(user),
        memberships=my_memberships(user),
        can_create=policy.can_create_workspace(user, current_app.config["WORKSPACE_CREATION"]),
    )


@bp.route("/w/new", methods=["GET", "POST"])
@login_required
def create() -> str | Response:
    form = WorkspaceForm()
    if form.validate_on_submit():
        try:
            ws = actions.do_create_workspace(
                current_actor(), form.name.data, form.description.data, form.themes.data,  # type: ignore[arg-type]
                form.visibility.data, form.join_policy.data, form.slug.data,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("The workspace was created. Start the first thread!"), "success")
            return redirect(url_for("workspaces.show", slug=ws.slug))
    return render_template("workspaces/new.html", form=form)


@bp.route("/w/<slug>")
def show(slug: str, join_form: JoinRequestForm | None = None) -> str:
    user = current_actor()
    seen = access_workspace(user, slug)
    page = list_threads(seen.workspace, request.args.get("cursor"), None, current_app.config["THREADS_PER_PAGE"],
                        viewer=user, moderator=policy.is_moderator(user, seen.membership))
    return render_template(
        "workspaces/show.html", ws=seen.workspace, membership=seen.membership, page=page,
        action=ActionForm(), thread_form=ThreadForm(), join_form=join_form or JoinRequestForm(),
    )


@bp.route("/w/<slug>/settings", methods=["GET", "POST"])
@login_required
def settings(slug: str) -> str | Response:
    user = current_actor()
    seen = access_workspace(user, slug)
    if not policy.can_manage_workspace(user, seen.membership):
        abort(403)
    ws = seen.workspace
    form = WorkspaceSettingsForm(obj=ws)
    if request.method == "GET":
        form.themes.data = ", ".join(ws.themes)  # a list on the model, comma-separated in the form
    if form.validate_on_submit():
        try:
            actions.do_update_workspace(
                user, slug, name=form.name.data, description=form.description.data, themes=form.themes.data,  # type: ignore[arg-type]
                visibility=form.visibility.data, join_policy=form.join_policy.data, archived=form.archived.data,
                premoderation=form.premoderation.data,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("The settings were saved."), "success")
            return redirect(url_for("workspaces.show", slug=slug))
    return render_template("workspaces/settings.html", ws=ws, membership=seen.membership, form=form)


@bp.route("/w/<slug>/members")
def members(slug: str) -> str:
    user = current_actor()
    seen = access_workspace(user, slug)
    if not policy.can_view_members(user, seen.workspace, seen.membership):
        return redirect(url_for("auth.sign_in", next=request.path))  # type: ignore[return-value]
    ws = seen.workspace
    moderating = policy.can_review(user, seen.membership)
    return render_template(
        "workspaces/members.html", ws=ws, membership=seen.membership,
        members=sorted(list_members(ws), key=lambda m: -m.rank),  # owners first; by name within a role
        banned=list_banned(ws) if moderating else [], owner_count=count_owners(ws.id) if moderating else 0,
        roles=ROLE_CHOICES, action=ActionForm(), ban_form=ReasonForm(),
    )


@bp.route("/w/<slug>/join", methods=["POST"])
@login_required
@per_actor_limit("RATELIMIT_JOIN_REQUESTS")
def join(slug: str) -> Response | tuple[str, int]:
    form = JoinRequestForm()
    if form.validate_on_submit():
        try:
            membership = actions.do_join_workspace(require_actor(), slug, form.message.data or "")
        except Invalid as error:
            show_errors(form, error)
            return show(slug, join_form=form), 422
        if membership.is_active:
            flash(_("Welcome! You are now a member."), "success")
        else:
            flash(_("Your request to join was sent to the moderators."), "info")
    return redirect(url_for("workspaces.show", slug=slug))


@bp.route("/w/<slug>/leave", methods=["POST"])
@login_required
def leave(slug: str) -> Response:
    """Leave the workspace, or withdraw a request to join it that is still waiting."""
    if not ActionForm().validate_on_submit():
        return redirect(url_for("workspaces.directory"))
    user = require_actor()
    membership = access_workspace(user, slug).membership
    was_request = membership is not None and membership.state == MembershipState.REQUESTED
    actions.do_leave_workspace(user, slug)
    if was_request:
        flash(_("Your request to join was withdrawn."), "info")
        return redirect(url_for("workspaces.show", slug=slug))
    flash(_("You left the workspace."), "info")
    return redirect(url_for("workspaces.directory"))
