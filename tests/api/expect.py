"""What a client checks in every answer: the error shape of API.md, UTC timestamps."""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from typing import Any

import pytest

ON_POSTGRESQL = bool(os.environ.get("VK_TEST_DATABASE_URL"))
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")

# Known bugs, one marker each, so the fix of one bug means deleting one marker's uses.
DUMPED_TWICE = pytest.mark.xfail(
    strict=True,
    reason="bug: app/api/workspaces.py workspace_json() and app/schemas/threads.py post_json() return "
    "already-serialised dicts that @blp.response(...) serialises again (TypeError on isoformat of a str, "
    "AttributeError in fields.Function) -> 500 on GET/POST /workspaces, GET /workspaces/{slug}, "
    "POST /workspaces/{slug}/threads, GET/POST /threads/{id}/posts, PATCH /posts/{id}",
)
TAMPERED_CURSOR = pytest.mark.xfail(
    strict=True,
    reason="bug: app/queries/threads.py:30 and :68 call int() on cursor values, and a cursor time without "
    "offset reaches UTCDateTime as a naive datetime: ValueError/TypeError -> 500 instead of 422 {fields: cursor}",
)
LONE_SURROGATE = pytest.mark.xfail(
    strict=True,
    reason="bug: app/validation.py FieldErrors.text accepts lone surrogates (\\ud800) that the database "
    "driver cannot encode: UnicodeEncodeError -> 500 instead of 422",
)
HUGE_ID_ON_SQLITE = pytest.mark.xfail(
    condition=not ON_POSTGRESQL,
    strict=True,
    reason="bug: an <int:...> id beyond 64 bits reaches SQLite (app/access.py db.session.get): "
    "OverflowError -> 500 instead of 404",
)
NUL_LOOKUP_ON_POSTGRESQL = pytest.mark.xfail(
    condition=ON_POSTGRESQL,
    strict=True,
    reason="bug: a NUL byte in a looked-up string (slug in the path: app/access.py:57; email in "
    "POST /auth/tokens: app/actions/accounts.py:118) reaches psycopg2: ValueError -> 500",
)


def assert_error(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    """The response is a JSON error of API.md's shape with this status; returns its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json, response.content_type
    body: dict[str, Any] = response.get_json()
    assert set(body) <= {"error", "message", "fields"}
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["message"], str) and body["message"]
    if code is not None:
        assert body["error"] == code
    if "fields" in body:
        assert body["fields"] and all(isinstance(m, str) and m for m in body["fields"].values())
    return body


def assert_invalid(response: Any, *fields: str) -> dict[str, Any]:
    """A 422 that names exactly these bad fields."""
    body = assert_error(response, 422)
    assert set(body.get("fields", {})) == set(fields), body
    return body


def assert_utc_timestamp(value: Any) -> None:
    assert isinstance(value, str) and ISO_UTC.match(value), value
    assert datetime.fromisoformat(value.replace("Z", "+00:00")).utcoffset() == timedelta(0)
