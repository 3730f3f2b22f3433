"""Profile pages."""

from __future__ import annotations

from flask import Blueprint, render_template
from flask_login import login_required

from app.access import access_profile
from app.identity import current_actor
from app.queries.threads import list_recent_posts
from app.queries.workspaces import list_user_workspaces

bp = Blueprint("users", __name__)


@bp.route("/users/<int:user_id>")
@login_required
def profile(user_id: int) -> str:
    viewer = current_actor()
    person = access_profile(viewer, user_id)
    return render_template(
        "users/profile.html", person=person,
        workspaces=list_user_workspaces(person, viewer), posts=list_recent_posts(person, viewer),
    )
