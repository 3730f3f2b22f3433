"""Opaque keyset cursors: a list page remembers where it ended, not how many rows it skipped."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
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
    except (ValueError, UnicodeDecodeError):
        raise Invalid("bad cursor", fields={"cursor": "not a valid cursor"}) from None
    if not isinstance(values, list) or len(values) != arity:
        raise Invalid("bad cursor", fields={"cursor": "not a valid cursor"})
    return values


def clamp_limit(limit: object, default: int) -> int:
    try:
        value = int(str(limit)) if limit not in (None, "") else default
    except ValueError:
        raise Invalid("bad limit", fields={"limit": "must be a whole number"}) from None
    return max(1, min(value, MAX_LIMIT))
