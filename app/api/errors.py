"""The JSON API's one mapping from errors to answers: {"error", "message", "fields"?}."""

from __future__ import annotations

from typing import Any

from flask import jsonify
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from app.errors import DomainError, RateLimited

# Codes for HTTP errors raised by Flask, Werkzeug, Flask-WTF or Flask-Limiter themselves.
_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
}


def _webargs_fields(error: HTTPException) -> dict[str, str]:
    """Flatten webargs' {"json": {"field": ["msg"]}} into one message per field."""
    messages = (getattr(error, "data", None) or {}).get("messages") or {}
    fields: dict[str, str] = {}
    for location in messages.values():
        if isinstance(location, dict):
            for name, problems in location.items():
                fields[str(name)] = problems[0] if isinstance(problems, list) and problems else str(problems)
    return fields


def api_error_response(error: Exception) -> Response:
    if isinstance(error, DomainError):
        body: dict[str, Any] = {**error.details, "error": error.code, "message": error.message or error.code}
        if error.fields:
            body["fields"] = error.fields
        response = jsonify(body)
        response.status_code = error.status
        if isinstance(error, RateLimited):
            response.headers["Retry-After"] = str(error.retry_after)
        return response
    assert isinstance(error, HTTPException)
    status = error.code or 500
    body = {"error": _HTTP_CODES.get(status, "error"), "message": error.description or ""}
    fields = _webargs_fields(error) if status == 422 else {}
    if fields:
        body["fields"] = fields
        body["message"] = "Please correct the marked fields."
    response = jsonify(body)
    response.status_code = status
    original = error.get_response()
    for header in ("Retry-After", "Allow", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset"):
        if header in original.headers:
            response.headers[header] = original.headers[header]
    return response
