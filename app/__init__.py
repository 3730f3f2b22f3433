"""The application factory."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter
from werkzeug.wrappers import Response

from app.links import install_links, public_origin
from config import Config, config_for


class DatabaseId(IntegerConverter):
    """`<int:...>` in routes: a positive integer that fits a 64-bit column."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def create_app(config: type[Config] | None = None, **overrides: Any) -> Flask:
    """Build the app: extensions, identity, blueprints, error mapping, live publishing, CLI."""
    from app.json_limits import BoundedJSONProvider

    app = Flask(__name__, static_folder="../static", template_folder="../templates")
    app.json = BoundedJSONProvider(app)  # clients' JSON too deep is refused, not recursed into
    # Ids beyond what a database column holds are simply not found (404), never an overflow.
    app.url_map.converters["int"] = DatabaseId
    app.config.from_object(config or config_for(None))
    app.config.update(overrides)
    install_links(app)  # refuses to go on without a usable PUBLIC_URL
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    _init_extensions(app)
    _register_blueprints(app)
    _register_error_mapping(app)
    if app.config["PROXY_COUNT"]:
        # Outermost, around Socket.IO's middleware too: a socket's handshake then carries the
        # client's address (its rate limit) and scheme, not the proxy's. Never the host: links are
        # built from PUBLIC_URL and the proxy passes the Host it was asked for, so a client's
        # X-Forwarded-Host is never believed.
        n = app.config["PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    return app


def _init_extensions(app: Flask) -> None:
    from app.database import configure_sqlite
    from app.extensions import csrf, db, limiter, migrate, socketio
    from app.i18n import install_i18n
    from app.identity import install_identity
    from app.live.deliver import install_delivery_hooks
    from app.passwords import configure_hashing
    from app.security import install_body_limit, install_security_headers
    from app.sockets.packets import BoundedPacket

    install_body_limit(app)  # first: the hooks after it may read the body
    configure_hashing(app.config["ARGON2_TIME_COST"], app.config["ARGON2_MEMORY_COST"])
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(Path(app.root_path).parent / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    install_identity(app)
    install_i18n(app)
    install_security_headers(app)
    install_delivery_hooks()
    socketio.init_app(
        app,
        async_mode=app.config["ASYNC_MODE"],
        message_queue=app.config["REDIS_URL"],
        channel=f"{app.config['REDIS_CHANNEL']}:socketio",
        # Sockets open from the site's own pages only: by default its public origin, not an origin
        # guessed from the request's Host or X-Forwarded-Host (which engineio would otherwise trust).
        cors_allowed_origins=app.config["ALLOWED_ORIGINS"] or [public_origin(app.config["PUBLIC_URL"])],
        max_http_buffer_size=64 * 1024,
        serializer=BoundedPacket,  # a message's JSON nested too deeply is answered, not recursed into
    )


def _register_blueprints(app: Flask) -> None:
    from app.api import install_api
    from app.cli import register_cli
    from app.sockets import install_sockets
    from app.web import install_web

    install_web(app)
    install_api(app)
    install_sockets(app)
    register_cli(app)


def _register_error_mapping(app: Flask) -> None:
    """Domain and HTTP errors become a JSON answer under /api/ and an HTML page elsewhere."""
    from app.api.errors import api_error_response
    from app.errors import DomainError
    from app.web.errors import error_page

    def is_api() -> bool:
        return request.path.startswith("/api/")

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError) -> Response:
        return api_error_response(error) if is_api() else error_page(error)

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Response:
        return api_error_response(error) if is_api() else error_page(error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Response:
        app.logger.exception("unhandled error on %s %s", request.method, request.path)
        return http_error(InternalServerError())
