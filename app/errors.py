"""Domain errors. Actions, access loaders and the policy raise these; each transport (HTML pages,
the JSON API, Socket.IO) turns them into its own answer in exactly one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user may see. `code` is the machine-readable name in JSON answers."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str = "", fields: dict[str, str] | None = None) -> None:
        super().__init__(message or self.code)
        self.message = message
        self.fields = fields or {}


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """Also raised for things that exist but that the actor may not know of."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    """One message per bad field, so forms and JSON clients can point at it."""

    status = 422
    code = "invalid"


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"

    def __init__(self, message: str = "", retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after
