"""Accounts: registration, sign-in sessions, passwords and personal API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from flask_babel import gettext as _
from itsdangerous import BadSignature, URLSafeTimedSerializer
from slugify import slugify
from sqlalchemy import delete, func, select

from app.actions.unit import transactional
from app.errors import Forbidden, NotFound
from app.extensions import db
from app.links import reset_password_url
from app.live.control import disconnect_room_after_commit
from app.live.rooms import session_room, token_room
from app.mail import send_mail
from app.models import ApiToken, User, UserSession, utcnow
from app.passwords import hash_password, needs_rehash, password_problem, verify_password
from app.validation import FieldErrors, is_safe_key

LANGUAGES = ["fi", "en", "sv"]


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(value: str) -> str:
    return value.strip().lower()


def _password_message(problem: str) -> str:
    return {
        "too_short": _("Use at least 10 characters."),
        "too_long": _("Use at most 200 characters."),
        "too_common": _("This password is too easy to guess."),
        "too_personal": _("Do not use your name or email in the password."),
    }[problem]


def _check_email(errors: FieldErrors, value: object) -> str:
    email = errors.text("email", value, max_length=254)
    if not email:
        return ""
    try:
        return normalise_email(validate_email(email, check_deliverability=False).normalized)
    except EmailNotValidError:
        errors.add("email", _("Enter a valid email address."))
        return ""


def _check_new_password(errors: FieldErrors, password: object, email: str, name: str) -> str:
    if not isinstance(password, str) or not password:
        errors.add("password", _("This field is required."))
        return ""
    problem = password_problem(password, email, name)
    if problem:
        errors.add("password", _password_message(problem))
    return password


def unique_handle(display_name: str) -> str:
    """A mention handle from the name ("Anna Virtanen" -> "anna.virtanen"), made unique."""
    base = slugify(display_name, separator=".", max_length=30) or "user"
    if len(base) < 2:
        base = f"{base}.user"
    taken = set(db.session.scalars(select(User.handle).where(User.handle.like(f"{base}%"))))
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    return candidate


@transactional
def do_register(
    email: object,
    password: object,
    display_name: object,
    organisation: object = "",
    title: object = "",
    language: object = "",
) -> User:
    """Create an account. Raises Invalid with one message per bad field."""
    errors = FieldErrors()
    clean_email = _check_email(errors, email)
    name = errors.text("display_name", display_name, max_length=80, min_length=2)
    org = errors.text("organisation", organisation, max_length=120, min_length=0)
    job_title = errors.text("title", title, max_length=120, min_length=0)
    lang = errors.choice("language", language, LANGUAGES, "")
    secret = _check_new_password(errors, password, clean_email, name)
    # Hash before looking the email up, so a taken address costs the same time as a free one.
    password_hash = hash_password(secret) if secret else ""
    if clean_email and _email_taken(clean_email):
        errors.add("email", _("This address cannot be used to register. Sign in or reset your password."))
    errors.raise_if_any()
    user = User(
        email=clean_email,
        handle=unique_handle(name),
        display_name=name,
        organisation=org,
        title=job_title,
        language=lang,
        password_hash=password_hash,
    )
    db.session.add(user)
    return user


def _email_taken(email: str) -> bool:
    return bool(db.session.scalar(select(func.count()).where(User.email == email)))


def find_user_by_email(email: str) -> User | None:
    if not is_safe_key(email):
        return None
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


@transactional
def check_credentials(email: object, password: object) -> User | None:
    """The active user with this email and password, or None; unknown emails take as long.
    A suspended account with the right password is told so (Forbidden, with the reason).

    A hash made with weaker parameters (or by Werkzeug) is replaced with a fresh argon2id one.
    """
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > 1024:
        verify_password(None, "")
        return None
    user = find_user_by_email(email)
    if not verify_password(user.password_hash if user else None, password) or user is None:
        return None
    if not user.is_active:
        # Only someone who knows the password learns that the account is suspended, and why.
        raise Forbidden(_("Your account has been suspended: %(reason)s Contact the network's administrators.",
                          reason=user.suspended_reason))
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


@transactional
def do_update_profile(user: User, display_name: object, organisation: object, title: object, language: object) -> User:
    errors = FieldErrors()
    name = errors.text("display_name", display_name, max_length=80, min_length=2)
    org = errors.text("organisation", organisation, max_length=120, min_length=0)
    job_title = errors.text("title", title, max_length=120, min_length=0)
    lang = errors.choice("language", language, LANGUAGES, "")
    errors.raise_if_any()
    user.display_name, user.organisation, user.title, user.language = name, org, job_title, lang
    return user


@transactional
def do_set_language(user: User, language: str) -> None:
    if language in LANGUAGES:
        user.language = language


# --- sign-in sessions --------------------------------------------------------------------------


@transactional
def do_start_session(user: User, user_agent: str = "", remember: bool = False) -> str:
    """Open a sign-in session and return its key (kept only in the user's cookie)."""
    key = secrets.token_urlsafe(32)
    # Without "remember me" the cookie ends with the browser; the row outlives it a little.
    days = current_app.config["SESSION_LIFETIME_DAYS"] if remember else 7
    db.session.add(
        UserSession(
            key_hash=_sha256(key),
            user_id=user.id,
            expires_at=utcnow() + timedelta(days=days),
            user_agent=user_agent[:200],
        )
    )
    user.session_key = key
    return key


def load_session_user(key: str) -> User | None:
    """The user of a live sign-in session, or None if it ended, expired or the user is suspended."""
    row = db.session.scalar(select(UserSession).where(UserSession.key_hash == _sha256(key)))
    if row is None or row.expires_at < utcnow() or not row.user.is_active:
        return None
    row.user.session_key = key
    return row.user


def session_key_hash(key: str) -> str:
    return _sha256(key)


@transactional
def do_end_session(key: str | None) -> None:
    """Sign one browser out: its session row goes, and so do its open sockets."""
    if key:
        db.session.execute(delete(UserSession).where(UserSession.key_hash == _sha256(key)))
        disconnect_room_after_commit(session_room(_sha256(key)))


@transactional
def do_end_other_sessions(user: User, keep_key: str | None = None) -> None:
    """Sign the user out everywhere but `keep_key`'s browser, sockets included."""
    query = select(UserSession.key_hash).where(UserSession.user_id == user.id)
    if keep_key:
        query = query.where(UserSession.key_hash != _sha256(keep_key))
    ended = list(db.session.scalars(query))
    db.session.execute(delete(UserSession).where(UserSession.key_hash.in_(ended)))
    for key_hash in ended:
        disconnect_room_after_commit(session_room(key_hash))


# --- passwords ---------------------------------------------------------------------------------


@transactional
def do_change_password(user: User, current: object, new: object) -> None:
    """Change the password, sign out every other browser of this user and revoke every API token
    (a token made by someone who knew the old password must not outlive it)."""
    errors = FieldErrors()
    if not isinstance(current, str) or not verify_password(user.password_hash, current):
        errors.add("current_password", _("The current password is not right."))
    secret = _check_new_password(errors, new, user.email, user.display_name)
    if "password" in errors.fields:
        errors.fields["new_password"] = errors.fields.pop("password")
    errors.raise_if_any()
    user.password_hash = hash_password(secret)
    do_end_other_sessions(user, keep_key=user.session_key)
    do_revoke_all_tokens(user)


def _reset_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="password-reset")


def _password_fingerprint(user: User) -> str:
    """Changes whenever the password does, which makes each reset link single-use."""
    return _sha256(user.password_hash)[:16]


def make_reset_token(user: User) -> str:
    return _reset_serializer().dumps({"u": user.id, "p": _password_fingerprint(user)})


def request_password_reset(email: object) -> None:
    """Mail a reset link if the address has an account; the caller answers the same either way.

    Both paths cost the same: one lookup, no password hashing, and the mail (if any) is only
    composed here and delivered in the background, so the time taken tells nothing.
    """
    if not isinstance(email, str) or len(email) > 254:
        return
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    send_mail(
        user.email,
        _("Reset your Virtuaalikortteli password"),
        _(
            "Someone asked to reset the password of your account. If it was you, open this link "
            "within an hour:\n\n%(link)s\n\nIf it was not you, ignore this message.",
            link=reset_password_url(make_reset_token(user)),
        ),
    )


def user_for_reset_token(token: str) -> User:
    """The user a valid, unexpired, unused reset token belongs to; NotFound otherwise."""
    try:
        data = _reset_serializer().loads(token, max_age=current_app.config["PASSWORD_RESET_MAX_AGE"])
    except BadSignature:
        raise NotFound(_("This reset link is invalid or has expired.")) from None
    user = db.session.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.is_active or data.get("p") != _password_fingerprint(user):
        raise NotFound(_("This reset link is invalid or has expired."))
    return user


@transactional
def do_reset_password(token: str, new: object) -> User:
    """Set a new password from a reset link; every session of the user ends and every API token is
    revoked, their sockets closed (whoever had the account before the reset is out)."""
    user = user_for_reset_token(token)
    errors = FieldErrors()
    secret = _check_new_password(errors, new, user.email, user.display_name)
    errors.raise_if_any()
    user.password_hash = hash_password(secret)
    do_end_other_sessions(user)
    do_revoke_all_tokens(user)
    return user


# --- API tokens --------------------------------------------------------------------------------

TOKEN_PREFIX = "vk_"


@transactional
def do_create_token(user: User, name: object = "") -> tuple[str, ApiToken]:
    errors = FieldErrors()
    label = errors.text("name", name, max_length=80, min_length=0) or _("API token")
    errors.raise_if_any()
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=label, token_hash=_sha256(secret), prefix=secret[:10])
    db.session.add(token)
    return secret, token


def load_token_user(secret: str) -> tuple[User, ApiToken] | None:
    """The active user of an API token, or None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _sha256(secret)))
    if token is None or not token.user.is_active:
        return None
    return token.user, token


def list_tokens(user: User) -> list[ApiToken]:
    return list(db.session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)))


@transactional
def do_revoke_token(user: User, token_id: int) -> None:
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        raise NotFound()
    db.session.delete(token)
    disconnect_room_after_commit(token_room(token_id))


@transactional
def do_revoke_all_tokens(user: User) -> None:
    """Revoke every API token of the user and close the sockets opened with them, on every process
    (a password change or reset, a suspension)."""
    token_ids = list(db.session.scalars(select(ApiToken.id).where(ApiToken.user_id == user.id)))
    db.session.execute(delete(ApiToken).where(ApiToken.id.in_(token_ids)))
    for token_id in token_ids:
        disconnect_room_after_commit(token_room(token_id))
