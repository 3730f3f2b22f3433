"""Password hashing: argon2id with current parameters; older hashes are upgraded at sign-in.

Hashing and checking are deliberately slow (64 MiB and several passes), so they run off eventlet's
hub (app.offload; argon2 releases the GIL): a sign-in never holds up the other clients of the process.
"""

from __future__ import annotations

import re

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from werkzeug.security import check_password_hash

from app.offload import run_native_off_hub

# argon2-cffi's defaults follow RFC 9106's second recommended option (64 MiB, t=3, p=4).
_hasher = PasswordHasher()
# Verified against when the email is unknown, so that both answers take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password-but-costs-the-same")


def configure_hashing(time_cost: int | None, memory_cost: int | None) -> None:
    """Use other argon2id costs (the test suite makes them cheap); None keeps the defaults."""
    global _hasher, _DUMMY_HASH
    if time_cost is None and memory_cost is None:
        return
    _hasher = PasswordHasher(
        time_cost=time_cost or _hasher.time_cost, memory_cost=memory_cost or _hasher.memory_cost
    )
    _DUMMY_HASH = _hasher.hash("not-a-real-password-but-costs-the-same")

MIN_LENGTH = 10
MAX_LENGTH = 200
_COMMON = {
    "password", "password1", "password12", "password123", "1234567890", "12345678910",
    "qwertyuiop", "salasana", "salasana1", "salasana123", "qwerty1234", "iloveyou12",
    "letmein123", "welcome123", "admin12345", "abcdefghij", "0987654321", "1111111111",
}


def hash_password(password: str) -> str:
    return run_native_off_hub(_hasher.hash, password)


def verify_password(stored_hash: str | None, password: str) -> bool:
    """Check a password; with no stored hash, spend the same time and say no."""
    if stored_hash is None:
        _verify_argon2(_DUMMY_HASH, password)
        return False
    if stored_hash.startswith("$argon2"):
        return _verify_argon2(stored_hash, password)
    # Hashes made by Werkzeug (pbkdf2:/scrypt:) before argon2id was adopted.
    return run_native_off_hub(check_password_hash, stored_hash, password)


def _verify_argon2(stored_hash: str, password: str) -> bool:
    try:
        return run_native_off_hub(_hasher.verify, stored_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return not stored_hash.startswith("$argon2id$") or _hasher.check_needs_rehash(stored_hash)


def password_problem(password: str, email: str = "", name: str = "") -> str | None:
    """Why a new password is too weak, or None. Length first, then the obvious guesses (NIST 800-63B)."""
    if len(password) < MIN_LENGTH:
        return "too_short"
    if len(password) > MAX_LENGTH:
        return "too_long"
    lowered = password.lower()
    if lowered in _COMMON or len(set(lowered)) < 4:
        return "too_common"
    for personal in (email.split("@", maxsplit=1)[0].lower(), name.lower().replace(" ", "")):
        if personal and len(personal) >= 4 and personal in re.sub(r"\s", "", lowered):
            return "too_personal"
    return None
