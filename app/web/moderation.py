"""Moderators' pages for content: the review queue, reports, hiding, pre-moderation and the audit log."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app import policy
from app.access import WorkspaceAccess, access_post, access_thread
from app.actions import moderation as actions
from app.actions.membership import moderate
from app.errors import Conflict, Invalid
from app.identity import require_actor
from app.models import Flag, Post
from app.queries.moderation import (
    audit_actions,
    audit_actors,
    count_review_items,
    list_audit,
    list_join_requests,
    list_open_flags,
    list_pending_posts,
)
from app.ratelimits import per_actor_limit
from app.web.auth import safe_next
from app.web.forms import ActionForm, FlagForm, HideForm, MoveThreadForm, ReasonForm, ThreadTitleForm, show_errors
from app.web.threads import post_url

bp = Blueprint("moderation", __name__)
AUDIT_PAGE = 50


def area(seen: WorkspaceAccess) -> dict[str, Any]:
    """What every page of a workspace's moderation area shows: the workspace and its tab counts."""
    requests = len(list_join_requests(seen.workspace))
    counts = {"requests": requests, "review": count_review_items(seen.workspace) - requests}
    return {"ws": seen.workspace, "membership": seen.membership, "counts": counts}


def form_value(name: str) -> str | None:
    """A single posted value that a plain (non-WTForms) control sent, e.g. a select in a list row."""
    return request.form.get(name)


def flash_invalid(error: Invalid) -> None:
    for message in error.fields.values() or [error.message]:
        flash(message, "error")


def group_flags(flags: list[Flag]) -> list[tuple[Post, list[Flag]]]:
    """Reports gathered under the post they concern, in the order the first report came in."""
    groups: dict[int, tuple[Post, list[Flag]]] = {}
    for flag in flags:
        groups.setdefault(flag.post_id, (flag.post, []))[1].append(flag)
    return list(groups.values())


def _back(default: str) -> Response:
    """Where a decision was made from: the queue (its `next`) or the post's own page."""
    return redirect(safe_next(request.form.get("next")) if request.form.get("next") else default)


@bp.route("/w/<slug>/review")
@login_required
def review(slug: str) -> str:
    seen = moderate(require_actor(), slug)
    ids = [seen.workspace.id]
    return render_template(
        "moderation/review.html", **area(seen), groups=group_flags(list_open_flags(ids)),
        pending=list_pending_posts(ids), action=ActionForm(),
    )


@bp.route("/w/<slug>/audit")
@login_required
def audit(slug: str) -> str:
    seen = moderate(require_actor(), slug)
    ws, actor_id = seen.workspace, request.args.get("actor", type=int)
    chosen = request.args.get("action") or None
    page = list_audit(ws.id, request.args.get("cursor"), AUDIT_PAGE, viewer=require_actor(), action=chosen,
                      actor_id=actor_id)
    return render_template(
        "moderation/audit.html", **area(seen), page=page, actions=audit_actions(ws.id),
        actors=audit_actors(ws.id), chosen=chosen, actor_id=actor_id,
    )


# --- reports ---------------------------------------------------------------------------------------


@bp.route("/p/<int:post_id>/flag", methods=["GET", "POST"])
@login_required
@per_actor_limit("RATELIMIT_FLAGGING")
def flag(post_id: int) -> str | Response:
    user = require_actor()
    seen = access_post(user, post_id)
    if not policy.can_flag_post(user, seen.post, seen.membership):
        abort(403)
    form = FlagForm()
    if form.validate_on_submit():
        try:
            actions.do_flag_post(user, post_id, form.reason.data, form.text.data)
        except Invalid as error:
            show_errors(form, error)
        except Conflict as error:
            flash(error.message, "info")
            return redirect(post_url(seen.post))
        else:
            flash(_("Thank you. The moderators will look at the post."), "success")
            return redirect(post_url(seen.post))
    return render_template("moderation/flag.html", ws=seen.workspace, thread=seen.thread, post=seen.post, form=form)


@bp.route("/flags/<int:flag_id>/dismiss", methods=["POST"])
@login_required
def dismiss(flag_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    dismissed = actions.do_dismiss_flag(require_actor(), flag_id)
    flash(_("The report was dismissed; the post stays as it is."), "info")
    return _back(url_for(".review", slug=dismissed.workspace.slug))


# --- hiding, restoring, approving -------------------------------------------------------------------


@bp.route("/p/<int:post_id>/hide", methods=["GET", "POST"])
@login_required
def hide(post_id: int) -> str | Response:
    user = require_actor()
    seen = access_post(user, post_id)
    if not policy.can_hide_post(user, seen.post, seen.membership):
        abort(403)
    form = HideForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            post = actions.do_hide_post(user, post_id, form.reason.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("The post was hidden. Its author was told why."), "success")
            return _back(post_url(post))
    return render_template("moderation/hide.html", ws=seen.workspace, thread=seen.thread, post=seen.post, form=form)


@bp.route("/p/<int:post_id>/restore", methods=["POST"])
@login_required
def restore(post_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    post = actions.do_restore_post(require_actor(), post_id)
    flash(_("The post is shown again."), "success")
    return _back(post_url(post))


@bp.route("/p/<int:post_id>/approve", methods=["POST"])
@login_required
def approve(post_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    post = actions.do_approve_post(require_actor(), post_id)
    flash(_("The post was approved and is now visible to everyone."), "success")
    return _back(post_url(post))


@bp.route("/p/<int:post_id>/reject", methods=["GET", "POST"])
@login_required
def reject(post_id: int) -> str | Response:
    user = require_actor()
    seen = access_post(user, post_id)
    if not policy.can_approve_post(user, seen.post, seen.membership):
        abort(403)
    form = ReasonForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        # A rejected first post takes its waiting thread with it: go back to the workspace then.
        thread_goes = seen.thread.pending and seen.post.number == 1
        default = url_for("workspaces.show", slug=seen.workspace.slug) if thread_goes else \
            url_for("threads.show", thread_id=seen.thread.id)
        try:
            actions.do_reject_post(user, post_id, form.reason.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("The post was rejected. Its author was told."), "info")
            return _back(default)
    return render_template("moderation/reject.html", ws=seen.workspace, thread=seen.thread, post=seen.post,
                           form=form)


@bp.route("/p/<int:post_id>/purge", methods=["POST"])
@login_required
def purge_post(post_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    user = require_actor()
    thread_id = access_post(user, post_id).thread.id
    actions.do_purge_post(user, post_id, form_value("reason") or "")
    flash(_("The post was deleted for good."), "info")
    return redirect(url_for("threads.show", thread_id=thread_id))


# --- threads -------------------------------------------------------------------------------------------


@bp.route("/t/<int:thread_id>/moderate", methods=["POST"])
@login_required
def update_thread(thread_id: int) -> Response:
    """Lock or unlock, pin or unpin: the toolbar's buttons post `locked` or `pinned` as 1 or 0."""
    if not ActionForm().validate_on_submit():
        abort(400)
    changes = {name: form_value(name) == "1" for name in ("pinned", "locked") if form_value(name) is not None}
    thread = actions.do_update_thread(require_actor(), thread_id, **changes)
    messages = {
        ("locked", True): _("The thread is locked: only moderators can reply."),
        ("locked", False): _("The thread is open for replies again."),
        ("pinned", True): _("The thread is pinned to the top of the workspace."),
        ("pinned", False): _("The thread is no longer pinned."),
    }
    for change in changes.items():
        flash(messages[change], "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.route("/t/<int:thread_id>/move", methods=["POST"])
@login_required
def move_thread(thread_id: int) -> Response:
    form = MoveThreadForm()
    if not form.validate_on_submit():
        abort(400)
    thread = actions.do_update_thread(require_actor(), thread_id, workspace=form.workspace.data)
    flash(_("The thread is now in %(workspace)s.", workspace=thread.workspace.name), "success")
    return redirect(url_for("threads.show", thread_id=thread.id))


@bp.route("/t/<int:thread_id>/rename", methods=["GET", "POST"])
@login_required
def rename_thread(thread_id: int) -> str | Response:
    user = require_actor()
    seen = access_thread(user, thread_id)
    if not policy.can_rename_thread(user, seen.thread, seen.membership):
        abort(403)
    form = ThreadTitleForm(title=seen.thread.title)
    if form.validate_on_submit():
        try:
            actions.do_update_thread(user, thread_id, title=form.title.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            flash(_("The title was changed."), "success")
            return redirect(url_for("threads.show", thread_id=thread_id))
    return render_template("moderation/rename.html", ws=seen.workspace, thread=seen.thread, form=form)


@bp.route("/t/<int:thread_id>/purge", methods=["POST"])
@login_required
def purge_thread(thread_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    user = require_actor()
    slug = access_thread(user, thread_id).workspace.slug
    actions.do_purge_thread(user, thread_id, form_value("reason") or "")
    flash(_("The thread was deleted for good."), "info")
    return redirect(url_for("workspaces.show", slug=slug))
