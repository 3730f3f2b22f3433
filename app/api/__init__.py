"""The JSON API under /api/v1, with its OpenAPI document generated from these routes."""

from __future__ import annotations

from flask import Flask

from app.api import admin, auth, documents, moderation, notifications, threads, users, workspaces
from app.api.common import API_PREFIX, JsonApi, install_request_checks
from app.extensions import csrf


def install_api(app: Flask) -> None:
    app.config.setdefault("OPENAPI_URL_PREFIX", API_PREFIX)
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = JsonApi(
        app,
        spec_kwargs={"servers": [{"url": "/"}], "security": [{"bearer": []}, {"cookie": []}]},
    )
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    api.spec.components.security_scheme(
        "cookie", {"type": "apiKey", "in": "cookie", "name": "session", "description": "with X-CSRFToken"}
    )
    for module in (auth, users, workspaces, threads, moderation, notifications, admin, documents):
        csrf.exempt(module.blp)  # cookie requests are checked in install_request_checks instead
        api.register_blueprint(module.blp)
    install_request_checks(app)
