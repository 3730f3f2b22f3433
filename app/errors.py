"""Domain errors. Actions, access loaders and the policy raise these; each transport (HTML pages,
the JSON API, Socket.IO) turns them into its own answer in exactly one place."""

from __future__ import annotations


class DomainError(Exception):
    """Base of every error a user may see. `code` is the machine-readable name in JSON answers."""

    status = 400
    code = "bad_request"
    default_message = "The request could not be understood."

    def __init__(self, message: str = "", fields: dict[str, str] | None = None,
                 details: dict[str, object] | None = None) -> None:
        super().__init__(message or self.code)
        self.message = message or self.default_message
        self.fields = fields or {}
        # More for machine clients, merged into the JSON answer (e.g. a conflict's current revision).
        self.details = details or {}


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    default_message = "Sign in first."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    default_message = "You are not allowed to do that."


class NotFound(DomainError):
    """Also raised for things that exist but that the actor may not know of."""

    status = 404
    code = "not_found"
    default_message = "Not found."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    default_message = "That conflicts with the current state."


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    default_message = "That is too large."


class Invalid(DomainError):
    """One message per bad field, so forms and JSON clients can point at it."""

    status = 422
    code = "invalid"
    default_message = "Please correct the marked fields."


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    default_message = "Too many requests. Wait a moment and try again."

    def __init__(self, message: str = "", retry_after: int = 60) -> None:
        super().__init__(message)
        self.retry_after = retry_after
