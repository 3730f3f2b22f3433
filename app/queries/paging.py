"""Opaque keyset cursors: a list page remembers where it ended, not how many rows it skipped."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from app.errors import Invalid

T = TypeVar("T")
MAX_LIMIT = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next: str | None


def encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The values a cursor carries; Invalid for anything that is not a cursor we made."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeError):
        raise bad_cursor() from None
    if not isinstance(values, list) or len(values) != arity:
        raise bad_cursor()
    return values


def bad_cursor() -> Invalid:
    return Invalid("bad cursor", fields={"cursor": "not a valid cursor"})


def cursor_int(value: object) -> int:
    """An id or number from a cursor: a plain integer that fits the database's columns."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**63:
        raise bad_cursor()
    return value


def cursor_time(value: object) -> datetime:
    """A timestamp from a cursor: ISO 8601 with its UTC offset (we only ever write such)."""
    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        raise bad_cursor() from None
    if moment.tzinfo is None:
        raise bad_cursor()
    return moment


def clamp_limit(limit: object, default: int) -> int:
    try:
        value = int(str(limit)) if limit not in (None, "") else default
    except ValueError:
        raise Invalid("bad limit", fields={"limit": "must be a whole number"}) from None
    return max(1, min(value, MAX_LIMIT))
