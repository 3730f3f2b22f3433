"""What every JSON endpoint shares: the smorest Api, request checks, the signed-in actor."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Flask, Response, current_app, jsonify, request
from flask_smorest import Api
from flask_wtf.csrf import CSRFError

from app.errors import DomainError, TooLarge, Unauthenticated
from app.extensions import csrf
from app.identity import API_PREFIX, authenticated_by_token, bearer_token, current_actor, require_actor
from app.json_limits import MAX_DEPTH, nesting_exceeds

__all__ = ["API_PREFIX", "JsonApi", "anonymous_write", "json_response", "require_actor"]

_UPLOAD_ENDPOINT_SUFFIX = "/attachments"
F = TypeVar("F", bound=Callable[..., Any])


class JsonApi(Api):
    """flask-smorest's Api, minus its app-wide error handlers: app/__init__.py maps errors once."""

    def _register_error_handlers(self) -> None:
        return None


def json_response(data: Any, status: int = 200) -> Response:
    """Answer with JSON that a schema already produced. flask-smorest passes a Response through
    untouched, so @blp.response still documents the shape without serialising it a second time."""
    response = jsonify(data)
    response.status_code = status
    return response


class BadRequest(DomainError):
    status = 400
    code = "bad_request"


class CsrfFailed(DomainError):
    status = 400
    code = "csrf_failed"


class UnsupportedMediaType(DomainError):
    status = 415
    code = "unsupported_media_type"


WRITES = ("POST", "PUT", "PATCH", "DELETE")


def anonymous_write(view: F) -> F:
    """Mark an API write that needs no signed-in caller (registering, getting a token, resetting a
    password). Every other write from an anonymous caller is refused before its body is read."""
    view.anonymous_write = True  # type: ignore[attr-defined]
    return view


def check_api_request() -> None:
    """Refuse before any view runs, and before reading more of the body than needed: a bad token,
    an anonymous write that needs a caller (401, body unread), a body over MAX_TEXT_BODY_BYTES
    (413), a cookie request without CSRF token, a body that is not JSON (415), is nested too deeply
    or is malformed JSON (400)."""
    if not request.path.startswith(API_PREFIX + "/") or request.path.endswith("/openapi.json"):
        return
    if request.routing_exception is not None:
        return  # Flask answers 404 or 405 next, without reading the body
    if bearer_token() is not None and not authenticated_by_token() and current_actor() is None:
        raise Unauthenticated("The API token is not valid.")
    writes = request.method in WRITES
    if writes and current_actor() is None and not _allows_anonymous():
        raise Unauthenticated("Sign in first.")
    if not _is_upload():
        # One byte over the cap: a streamed body (no Content-Length) is read no further than that.
        request.max_content_length = current_app.config["MAX_TEXT_BODY_BYTES"] + 1
    if writes and not authenticated_by_token() and current_actor() is not None:
        try:
            csrf.protect()
        except CSRFError as error:
            raise CsrfFailed(f"Send the page's CSRF token as X-CSRFToken: {error.description}") from None
    _check_body()


def _allows_anonymous() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, "anonymous_write", False))


def _is_upload() -> bool:
    return request.method == "POST" and request.path.endswith(_UPLOAD_ENDPOINT_SUFFIX)


def _check_body() -> None:
    if request.method not in ("POST", "PUT", "PATCH") or _is_upload():
        return
    cap = current_app.config["MAX_TEXT_BODY_BYTES"]
    too_large = TooLarge(f"The request body may be at most {cap // 1024} kB.")
    if (request.content_length or 0) > cap:
        raise too_large
    if not request.content_length and not request.data:
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    data = request.get_data(cache=True)
    if len(data) > cap:  # streamed, so its length was not known before reading
        raise too_large
    if nesting_exceeds(data):
        raise BadRequest(f"The JSON body nests arrays and objects more than {MAX_DEPTH} levels deep.")
    if request.get_json(silent=True) is None:
        raise BadRequest("The body is not valid JSON.")


def install_request_checks(app: Flask) -> None:
    app.before_request(check_api_request)
