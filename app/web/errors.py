"""The HTML pages' one mapping from errors to answers: a friendly page, never a stack trace."""

from __future__ import annotations

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.errors import DomainError, NotFound
from app.identity import current_actor


def _default_message(status: int) -> str:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in first."),
        403: _("You are not allowed to do that."),
        404: _("We could not find that page. It may have been removed, or you may not have access to it."),
        405: _("That does not work this way."),
        409: _("That conflicts with the current state. Reload the page and try again."),
        413: _("That is too large."),
        422: _("Please check what you entered."),
        429: _("Too many attempts. Wait a moment and try again."),
    }.get(status, _("Something went wrong on our side. Please try again in a moment."))


_SIGN_IN_FIRST = ("/w/", "/t/", "/p/", "/d/", "/users/")


def _ask_to_sign_in(error: Exception) -> bool:
    """An anonymous visitor who meets "not found" on a workspace, thread, post, document or profile
    page is offered the sign-in page instead: alike for missing, network-only and private things, so
    it reveals nothing, and after signing in they see the page if it is theirs to see."""
    return (
        isinstance(error, NotFound)
        and request.method == "GET"
        and request.path.startswith(_SIGN_IN_FIRST)
        and current_actor() is None
    )


def error_page(error: Exception) -> Response:
    if _ask_to_sign_in(error):
        return redirect(url_for("auth.sign_in", next=request.full_path.rstrip("?")))
    if isinstance(error, DomainError):
        # The English default is for API clients; the page says it in the reader's language.
        status = error.status
        message = "" if error.message == error.default_message else error.message
    elif isinstance(error, CSRFError):
        status, message = 400, _("The form had expired. Go back, reload the page and try again.")
    elif isinstance(error, HTTPException):
        status, message = error.code or 500, ""
    else:
        status, message = 500, ""
    html = render_template("error.html", status=status, message=message or _default_message(status))
    response = Response(html, status=status, mimetype="text/html")
    if status == 429 and isinstance(error, HTTPException):
        retry = error.get_response().headers.get("Retry-After")
        if retry:
            response.headers["Retry-After"] = retry
    return response
