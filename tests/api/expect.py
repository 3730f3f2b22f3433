"""What a client checks in every answer: the error shape of API.md, UTC timestamps."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|\+00:00)$")


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
