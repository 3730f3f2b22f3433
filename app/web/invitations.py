"""Invitations: moderators invite and withdraw; the invited person opens the link, accepts or registers."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app import policy
from app.access import WorkspaceAccess
from app.actions import invitations as actions
from app.actions.membership import moderate
from app.errors import Conflict, Invalid
from app.identity import current_actor, require_actor
from app.links import invitation_url
from app.models import Invitation, User
from app.queries.moderation import list_pending_invitations
from app.ratelimits import per_actor_limit
from app.web.auth import sign_in_session
from app.web.forms import ROLE_CHOICES, ActionForm, InvitationRegisterForm, InviteForm, show_errors
from app.web.moderation import area

bp = Blueprint("invitations", __name__)


def _invite_form(user: User, seen: WorkspaceAccess, blank: bool = False) -> InviteForm:
    """The invitation form offering the roles this moderator may give (blank: not filled from the POST)."""
    form = InviteForm(formdata=None) if blank else InviteForm()
    form.role.choices = [(role, label) for role, label in ROLE_CHOICES
                         if policy.can_invite(user, seen.membership, seen.workspace, role)]
    return form


@bp.route("/w/<slug>/invitations", methods=["GET", "POST"])
@login_required
@per_actor_limit("RATELIMIT_INVITATIONS")
def manage(slug: str) -> str | Response:
    user = require_actor()
    seen = moderate(user, slug)
    form = _invite_form(user, seen)
    created = None
    if form.validate_on_submit():
        try:
            invitation, token = actions.do_invite(user, slug, email=form.email.data, role=form.role.data)
        except Invalid as error:
            show_errors(form, error)
        except Conflict as error:
            form.email.errors = [*form.email.errors, error.message]
        else:
            # Shown once, in the answer to this POST itself: the link is kept nowhere (not in the
            # session cookie, which is signed but readable); only the token's hash is stored.
            who = invitation.user.display_name if invitation.user else invitation.email
            created = {"link": invitation_url(token), "to": who, "expires": invitation.expires_at}
            form = _invite_form(user, seen, blank=True)
    return render_template(
        "moderation/invitations.html", **area(seen), form=form, created=created,
        pending=list_pending_invitations(seen.workspace), action=ActionForm(),
    )


@bp.route("/w/<slug>/invitations/<int:invitation_id>/withdraw", methods=["POST"])
@login_required
def withdraw(slug: str, invitation_id: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    actions.do_withdraw_invitation(require_actor(), invitation_id)
    flash(_("The invitation was withdrawn; its link no longer works."), "info")
    return redirect(url_for(".manage", slug=slug))


@bp.route("/invitations/<token>", methods=["GET", "POST"])
@per_actor_limit("RATELIMIT_REGISTER")
def show(token: str) -> str | Response | tuple[str, int]:
    """The link's page. Used, withdrawn, expired and unknown links end here as 409 or 404 pages."""
    invitation = actions.find_invitation(token)
    user = current_actor()
    if user is not None:
        return _accept(user, invitation, token)
    return _register(invitation, token)


def _accept(user: User, invitation: Invitation, token: str) -> str | Response | tuple[str, int]:
    if not policy.invitation_is_for(user, invitation):
        message = _("This invitation is for another account. Sign in as the person invited.")
        return render_template("invitations/show.html", invitation=invitation, refused=message), 403
    form = ActionForm()
    if form.validate_on_submit():
        actions.do_accept_invitation(user, token)
        flash(_("Welcome to %(workspace)s!", workspace=invitation.workspace.name), "success")
        return redirect(url_for("workspaces.show", slug=invitation.workspace.slug))
    return render_template("invitations/show.html", invitation=invitation, form=form)


def _register(invitation: Invitation, token: str) -> str | Response:
    form = InvitationRegisterForm()
    if invitation.user_id is None and form.validate_on_submit():
        try:
            user, _membership = actions.do_register_with_invitation(
                token, form.password.data, form.display_name.data, form.organisation.data,
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            sign_in_session(user, remember=False)
            flash(_("Welcome to Virtuaalikortteli and to %(workspace)s!", workspace=invitation.workspace.name),
                  "success")
            return redirect(url_for("workspaces.show", slug=invitation.workspace.slug))
    return render_template("invitations/show.html", invitation=invitation, form=form,
                           sign_in_url=url_for("auth.sign_in", next=request.path))
