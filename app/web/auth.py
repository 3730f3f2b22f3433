"""Pages for signing in and out, registering, resetting a password and the account settings."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user
from werkzeug.wrappers import Response

from app.actions import accounts
from app.errors import Forbidden, Invalid, NotFound
from app.identity import current_actor, require_actor
from app.models import User
from app.ratelimits import per_actor_limit, per_address_and_account_limit, per_address_limit
from app.web.forms import (
    ActionForm,
    ChangePasswordForm,
    ForgotPasswordForm,
    ProfileForm,
    RegisterForm,
    ResetPasswordForm,
    SignInForm,
    TokenForm,
    show_errors,
)

bp = Blueprint("auth", __name__)


def safe_next(target: str | None) -> str:
    """Only same-site paths, so a sign-in link cannot send anyone elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("workspaces.directory")


def sign_in_session(user: User, remember: bool) -> None:
    """Start a server-side session for the user and a fresh cookie session (also used by invitations)."""
    accounts.do_start_session(user, request.headers.get("User-Agent", ""), remember)
    session.clear()  # a fresh session on every sign-in (no fixation)
    login_user(user, remember=remember)


@bp.route("/sign-in", methods=["GET", "POST"])
@per_address_and_account_limit("RATELIMIT_SIGNIN", "signin")
def sign_in() -> str | Response:
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = accounts.check_credentials(form.email.data, form.password.data)
        except Forbidden as suspended:
            form.form_errors.append(suspended.message)
            return render_template("auth/sign_in.html", form=form), 403  # type: ignore[return-value]
        if user is not None:
            sign_in_session(user, bool(form.remember.data))
            return redirect(safe_next(form.next.data))
        form.form_errors.append(_("The email or password is not right."))
    return render_template("auth/sign_in.html", form=form)


@bp.route("/sign-out", methods=["POST"])
def sign_out() -> Response:
    form = ActionForm()
    if form.validate_on_submit():
        user = current_actor()
        accounts.do_end_session(user.session_key if user else None)
        logout_user()
        language = session.get("lang") or (user.language if user else None)
        session.clear()
        if language:
            session["lang"] = language  # signing out keeps the page in the language one chose
    return redirect(url_for("workspaces.directory"))


@bp.route("/register", methods=["GET", "POST"])
@per_actor_limit("RATELIMIT_REGISTER")
def register() -> str | Response:
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.do_register(
                form.email.data, form.password.data, form.display_name.data, form.organisation.data,
                language=session.get("lang", ""),
            )
        except Invalid as error:
            show_errors(form, error)
        else:
            sign_in_session(user, remember=False)
            flash(_("Welcome to Virtuaalikortteli! Join a workspace to take part."), "success")
            return redirect(url_for("workspaces.directory"))
    return render_template("auth/register.html", form=form)


@bp.route("/forgot-password", methods=["GET", "POST"])
@per_address_and_account_limit("RATELIMIT_RESET", "reset")
def forgot_password() -> str | Response:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        accounts.request_password_reset(form.email.data)
        flash(_("If the address has an account, we sent it a link to reset the password."), "info")
        return redirect(url_for("auth.sign_in"))
    return render_template("auth/forgot_password.html", form=form)


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
@per_address_limit("RATELIMIT_RESET", "reset-confirm")
def reset_password(token: str) -> str | Response:
    try:
        accounts.user_for_reset_token(token)
    except NotFound as error:
        return render_template("auth/reset_invalid.html", message=error.message), 404  # type: ignore[return-value]
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            accounts.do_reset_password(token, form.password.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            logout_user()
            session.clear()
            flash(_("Your password was changed. Sign in with the new one."), "success")
            return redirect(url_for("auth.sign_in"))
    return render_template("auth/reset_password.html", form=form)


@bp.route("/settings", methods=["GET"])
@login_required
def settings() -> str:
    return _settings_with()


@bp.route("/settings/profile", methods=["POST"])
@login_required
def update_profile() -> Response | str:
    user = require_actor()
    form = ProfileForm()
    if form.validate_on_submit():
        try:
            accounts.do_update_profile(
                user, form.display_name.data, form.organisation.data, form.title.data, form.language.data
            )
        except Invalid as error:
            show_errors(form, error)
            return _settings_with(profile=form)
        flash(_("Your profile was saved."), "success")
    return redirect(url_for("auth.settings"))


@bp.route("/settings/password", methods=["POST"])
@login_required
def change_password() -> Response | str:
    user = require_actor()
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.do_change_password(user, form.current_password.data, form.new_password.data)
        except Invalid as error:
            show_errors(form, error)
            return _settings_with(password=form)
        flash(_("Your password was changed: you were signed out everywhere else, and your API tokens were revoked."),
              "success")
    return redirect(url_for("auth.settings"))


@bp.route("/settings/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions() -> Response:
    user = current_actor()
    if ActionForm().validate_on_submit() and user is not None:
        accounts.do_end_other_sessions(user, keep_key=user.session_key)
        flash(_("You were signed out on every other device."), "success")
    return redirect(url_for("auth.settings"))


@bp.route("/settings/tokens", methods=["POST"])
@login_required
def create_token() -> Response | str:
    user = require_actor()
    form = TokenForm()
    if form.validate_on_submit():
        try:
            secret, _token = accounts.do_create_token(user, form.name.data)
        except Invalid as error:
            show_errors(form, error)
            return _settings_with(token_form=form)
        # Shown once, in the answer to this POST: the secret is kept nowhere (not in the session
        # cookie, which is signed but readable by anyone holding it); only its hash is stored.
        return _settings_with(new_token=secret)
    return redirect(url_for("auth.settings") + "#tokens")


@bp.route("/settings/tokens/<int:token_id>/revoke", methods=["POST"])
@login_required
def revoke_token(token_id: int) -> Response:
    user = current_actor()
    if ActionForm().validate_on_submit() and user is not None:
        accounts.do_revoke_token(user, token_id)
        flash(_("The token was revoked."), "success")
    return redirect(url_for("auth.settings") + "#tokens")


def _settings_with(**forms: object) -> str:
    user = require_actor()
    context = {
        "profile": ProfileForm(obj=user), "password": ChangePasswordForm(), "token_form": TokenForm(),
        "tokens": accounts.list_tokens(user), "action": ActionForm(), "new_token": None,
    }
    context.update(forms)
    return render_template("auth/settings.html", **context)


@bp.route("/language/<code>", methods=["POST"])
def choose_language(code: str) -> Response:
    if ActionForm().validate_on_submit() and code in current_app.config["LANGUAGES"]:
        session["lang"] = code
        user = current_actor()
        if user is not None:
            accounts.do_set_language(user, code)
    return redirect(safe_next(request.form.get("next")))
