"""Shared fixtures: the app on the migrated schema (SQLite, or PostgreSQL when VK_TEST_DATABASE_URL
is set), a clean database for every test, role fixtures, web and API clients."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import event, text

from app import create_app
from app.extensions import db, limiter
from app.models import Base, Role, User, Workspace
from config import TestConfig, engine_options, normalise_database_url
from tests.factories import add_member, make_user, make_workspace, token_for
from tests.mailbox import HOST as MAILBOX_HOST
from tests.mailbox import Mailbox

NOT_CI = {"", "0", "false", "no", "off"}


# --- CI: nothing may be skipped ------------------------------------------------------------------


def in_ci() -> bool:
    """CI set to any truthy value (CI runners set `true`, people type `1`)."""
    return os.environ.get("CI", "").strip().lower() not in NOT_CI


def _refuse_skip(report: pytest.TestReport | pytest.CollectReport) -> None:
    """Turn a skip, an xfail or an xpass into a failure, so a CI run is green only if every test ran
    and passed: a missing chromium, Redis or package fails the run instead of silently testing less."""
    xfail = getattr(report, "wasxfail", None)
    if not (report.skipped or xfail is not None):
        return
    if xfail is not None:
        why = f"xfail ({xfail or 'no reason'})"
    elif isinstance(report.longrepr, tuple):
        why = f"skipped: {report.longrepr[2]}"
    else:
        why = f"skipped: {report.longrepr}"
    report.outcome = "failed"
    report.longrepr = f"{why}\nCI is set: nothing may be skipped or expected to fail"
    if xfail is not None:
        del report.wasxfail  # type: ignore[attr-defined]


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if in_ci():
        _refuse_skip(report)
    return report


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Any:
    """The same for a whole module skipped while it is collected (`pytest.importorskip`)."""
    report = yield
    if in_ci():
        _refuse_skip(report)
    return report


def test_database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = os.environ.get("VK_TEST_DATABASE_URL")
    if url:
        return normalise_database_url(url)
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def reset_schema() -> None:
    """Start from nothing, so the migrations (not create_all) build the schema under test."""
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    else:
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


class IsolatedClient(FlaskClient):
    """Each request runs in an app context of its own, as in production: its own database session
    and its own `g`, even while the test holds a context for its factories."""

    def open(self, *args: Any, **kwargs: Any) -> Any:
        end_read_snapshot()
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        end_read_snapshot()
        return response


def end_read_snapshot() -> None:
    """Let the test's own session see what a request committed: on SQLite (WAL) an open read
    transaction keeps the snapshot it began with. Only reads are pending here, never writes."""
    from flask import has_app_context

    if not has_app_context():
        return
    session = db.session()
    if session.in_transaction() and not (session.new or session.dirty):
        session.rollback()


def build_app(url: str, upload_dir: Path, **overrides: Any) -> Flask:
    flask_app = create_app(
        TestConfig,
        SQLALCHEMY_DATABASE_URI=url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(url),
        UPLOAD_DIR=str(upload_dir),
        **overrides,
    )
    flask_app.test_client_class = IsolatedClient
    # The limiter is built (with its storage) but off: the tests of the limits switch it on.
    limiter.enabled = False
    return flask_app


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    return test_database_url(tmp_path_factory)


@pytest.fixture(scope="session")
def mailbox() -> Iterator[Mailbox]:
    """The SMTP server the test app delivers its mail to (tests read the messages from it)."""
    with Mailbox() as server:
        yield server


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory, mailbox: Mailbox) -> Iterator[Flask]:
    flask_app = build_app(database_url, tmp_path_factory.mktemp("uploads"),
                          MAIL_SERVER=MAILBOX_HOST, MAIL_PORT=mailbox.port, MAIL_USE_TLS=False)
    with flask_app.app_context():
        reset_schema()
        upgrade()
    yield flask_app


def wipe_database() -> None:
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    with db.engine.begin() as conn:
        if db.engine.dialect.name == "postgresql":
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for name in tables:
                conn.execute(text(f"DELETE FROM {name}"))


@pytest.fixture
def ctx(app: Flask, mailbox: Mailbox) -> Iterator[Flask]:
    """A request context with a clean database and an empty mailbox; the data is wiped after the test."""
    mailbox.clear()
    with app.test_request_context():
        yield app
        db.session.remove()
        wipe_database()
    mailbox.clear()


# --- people and places -------------------------------------------------------------------------


@pytest.fixture
def owner(ctx: Flask) -> User:
    return make_user("Olli Omistaja", email="owner@example.fi")


@pytest.fixture
def member(ctx: Flask) -> User:
    return make_user("Minna Jäsen", email="member@example.fi")


@pytest.fixture
def other_member(ctx: Flask) -> User:
    return make_user("Mikko Muu", email="other@example.fi")


@pytest.fixture
def moderator(ctx: Flask) -> User:
    return make_user("Maija Moderaattori", email="moderator@example.fi")


@pytest.fixture
def outsider(ctx: Flask) -> User:
    return make_user("Ulla Ulkopuolinen", email="outsider@example.fi")


@pytest.fixture
def admin(ctx: Flask) -> User:
    return make_user("Aino Admin", email="admin@example.fi", admin=True)


def _workspace(owner: User, member: User, other: User, moderator: User, visibility: str) -> Workspace:
    ws = make_workspace(owner, visibility=visibility, name=f"Energia {visibility}")
    add_member(ws, member)
    add_member(ws, other)
    add_member(ws, moderator, Role.MODERATOR)
    return ws


@pytest.fixture
def workspace(owner: User, member: User, other_member: User, moderator: User) -> Workspace:
    """A network-visible, open workspace with an owner, a moderator and two members."""
    return _workspace(owner, member, other_member, moderator, "network")


@pytest.fixture
def private_workspace(owner: User, member: User, other_member: User, moderator: User) -> Workspace:
    return _workspace(owner, member, other_member, moderator, "private")


@pytest.fixture
def public_workspace(owner: User, member: User, other_member: User, moderator: User) -> Workspace:
    return _workspace(owner, member, other_member, moderator, "public")


# --- clients -----------------------------------------------------------------------------------


class WebClient:
    """A browser-like test client: it keeps cookies and adds the CSRF token to form posts."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def get(self, url: str, **kwargs: Any) -> Any:
        return self.client.get(url, **kwargs)

    def csrf_token(self) -> str:
        page = self.client.get("/sign-in").get_data(as_text=True)
        match = re.search(r'name="csrf-token" content="([^"]+)"', page)
        assert match, "no CSRF token on the page"
        return match.group(1)

    def post(self, url: str, data: dict[str, Any] | None = None, csrf: bool = True, **kwargs: Any) -> Any:
        form = dict(data or {})
        if csrf:
            form.setdefault("csrf_token", self.csrf_token())
        return self.client.post(url, data=form, **kwargs)

    def session_cookie(self) -> str:
        """Everything the browser's session cookie holds, decoded as anyone holding it can (it is
        signed, not encrypted), as one JSON text."""
        app = self.client.application
        cookie = self.client.get_cookie(app.config["SESSION_COOKIE_NAME"])
        if cookie is None:
            return "{}"
        data = app.session_interface.get_signing_serializer(app).loads(cookie.value)  # type: ignore[attr-defined]
        return json.dumps(data, default=str)

    def sign_in(self, user: User, password: str | None = None) -> Any:
        from tests.factories import PASSWORD

        response = self.post("/sign-in", {"email": user.email, "password": password or PASSWORD})
        assert response.status_code == 302, "sign-in failed"
        return response


@pytest.fixture
def web(app: Flask, ctx: Flask) -> WebClient:
    return WebClient(app.test_client())


def signed_in(app: Flask, user: User) -> WebClient:
    client = WebClient(app.test_client())
    client.sign_in(user)
    return client


class ApiClient:
    """Calls /api/v1 with a personal API token (or anonymously, without one)."""

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}

    def request(self, method: str, path: str, json: Any = None, **kwargs: Any) -> Any:
        headers = {**self.headers, **kwargs.pop("headers", {})}
        return self.client.open("/api/v1" + path, method=method, json=json, headers=headers, **kwargs)

    def get(self, path: str, **kwargs: Any) -> Any:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("POST", path, json=json, **kwargs)

    def patch(self, path: str, json: Any = None, **kwargs: Any) -> Any:
        return self.request("PATCH", path, json=json, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Any:
        return self.request("DELETE", path, **kwargs)


@pytest.fixture
def api_as(app: Flask, ctx: Flask):  # type: ignore[no-untyped-def]
    """api_as(user) -> an API client authenticated as that user; api_as(None) -> anonymous."""

    def make(user: User | None) -> ApiClient:
        return ApiClient(app.test_client(), token_for(user) if user is not None else None)

    return make


@pytest.fixture
def web_as(app: Flask, ctx: Flask):  # type: ignore[no-untyped-def]
    """web_as(user) -> a signed-in web client; web_as(None) -> an anonymous one."""

    def make(user: User | None) -> WebClient:
        return signed_in(app, user) if user is not None else WebClient(app.test_client())

    return make


@pytest.fixture
def rate_limits(app: Flask) -> Iterator[None]:
    """Switch Flask-Limiter on for one test, with empty counters, and restore the settings after."""
    saved = dict(app.config)
    limiter.reset()
    limiter.enabled = True
    yield
    limiter.enabled = False
    limiter.reset()
    app.config.update(saved)


# --- SQL query counting --------------------------------------------------------------------------


class QueryCounter:
    def __init__(self) -> None:
        self.statements: list[str] = []

    def __call__(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(ctx: Flask) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(db.engine, "before_cursor_execute", counter)
    yield counter
    event.remove(db.engine, "before_cursor_execute", counter)
