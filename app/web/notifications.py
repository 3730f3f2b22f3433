"""The signed-in person's notices: a request decided, a post hidden, an invitation, a ban."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app.actions.notifications import do_mark_notifications_read
from app.identity import require_actor
from app.queries.moderation import list_notifications
from app.web.forms import ActionForm

bp = Blueprint("notifications", __name__)


@bp.route("/notifications")
@login_required
def index() -> str:
    """Show the notices, the unread ones marked as new. Looking changes nothing (a GET may be a
    prefetch, a link preview or a crawler): marking them read is the POST below."""
    user = require_actor()
    page = list_notifications(user, request.args.get("cursor"))
    fresh = {notice.id for notice in page.items if notice.read_at is None}
    return render_template("notifications/index.html", page=page, fresh=fresh, action=ActionForm())


@bp.route("/notifications/read", methods=["POST"])
@login_required
def mark_read() -> Response:
    """Mark every notice read (the "Mark all read" button)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    do_mark_notifications_read(require_actor())
    flash(_("All notices are marked read."), "success")
    return redirect(url_for(".index"))
