"""What every JSON endpoint shares: the smorest Api, request checks, the signed-in actor."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, jsonify, request
from flask_smorest import Api
from flask_wtf.csrf import CSRFError

from app.errors import DomainError, Unauthenticated
from app.extensions import csrf
from app.identity import API_PREFIX, authenticated_by_token, bearer_token, current_actor, require_actor

__all__ = ["API_PREFIX", "JsonApi", "json_response", "require_actor"]

_UPLOAD_ENDPOINT_SUFFIX = "/attachments"


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


def check_api_request() -> None:
    """Refuse before any view runs: a bad token, a cookie request without CSRF token, a body that
    is not JSON (415) or is malformed JSON (400)."""
    if not request.path.startswith(API_PREFIX + "/") or request.path.endswith("/openapi.json"):
        return
    if bearer_token() is not None and not authenticated_by_token() and current_actor() is None:
        raise Unauthenticated("The API token is not valid.")
    writes = request.method in ("POST", "PUT", "PATCH", "DELETE")
    if writes and not authenticated_by_token() and current_actor() is not None:
        try:
            csrf.protect()
        except CSRFError as error:
            raise CsrfFailed(f"Send the page's CSRF token as X-CSRFToken: {error.description}") from None
    _check_body()


def _check_body() -> None:
    if request.method not in ("POST", "PUT", "PATCH") or (not request.content_length and not request.data):
        return
    if request.path.endswith(_UPLOAD_ENDPOINT_SUFFIX):
        return
    if not request.is_json:
        raise UnsupportedMediaType("Send the body as application/json.")
    if request.get_json(silent=True) is None:
        raise BadRequest("The body is not valid JSON.")


def install_request_checks(app: Flask) -> None:
    app.before_request(check_api_request)
