"""Pages of the workspace directory and of one workspace."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app import policy
from app.access import access_workspace
from app.actions import workspaces as actions
from app.errors import Invalid
from app.identity import current_actor
from app.queries.threads import list_threads
from app.queries.workspaces import list_members, list_workspaces, my_memberships
from app.web.forms import ActionForm, ThreadForm, WorkspaceForm, WorkspaceSettingsForm, show_errors

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
def show(slug: str) -> str:
    user = current_actor()
    seen = access_workspace(user, slug)
    page = list_threads(seen.workspace, request.args.get("cursor"), None, current_app.config["THREADS_PER_PAGE"])
    return render_template(
        "workspaces/show.html", ws=seen.workspace, membership=seen.membership, page=page,
        action=ActionForm(), thread_form=ThreadForm(),
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
    return render_template(
        "workspaces/members.html", ws=seen.workspace, membership=seen.membership, members=list_members(seen.workspace)
    )


@bp.route("/w/<slug>/join", methods=["POST"])
@login_required
def join(slug: str) -> Response:
    if ActionForm().validate_on_submit():
        membership = actions.do_join_workspace(current_actor(), slug, request.form.get("message", ""))  # type: ignore[arg-type]
        if membership.is_active:
            flash(_("Welcome! You are now a member."), "success")
        else:
            flash(_("Your request to join was sent to the moderators."), "info")
    return redirect(url_for("workspaces.show", slug=slug))


@bp.route("/w/<slug>/leave", methods=["POST"])
@login_required
def leave(slug: str) -> Response:
    if ActionForm().validate_on_submit():
        actions.do_leave_workspace(current_actor(), slug)  # type: ignore[arg-type]
        flash(_("You left the workspace."), "info")
    return redirect(url_for("workspaces.directory"))
