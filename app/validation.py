"""Shape checks for untrusted text shared by every action: length, emptiness, control characters.

Each check returns the cleaned value or records one message for the field, so an action can
report every bad field at once with a single Invalid.
"""

from __future__ import annotations

import re
import unicodedata

from flask_babel import gettext as _
from flask_babel import ngettext

from app.errors import Invalid

# C0 controls and DEL; newlines and tabs are allowed in multi-line text only.
_SINGLE_LINE_BAD = re.compile(r"[\x00-\x1f\x7f]")
_MULTI_LINE_BAD = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
HANDLE_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,38}$")
SLUG_RE = re.compile(r"^[a-z0-9](?:[a-z0-9-]{0,58}[a-z0-9])?$")


def is_encodable(value: str) -> bool:
    """False for text with lone surrogates, which no database can store as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def is_safe_key(value: str, max_length: int = 254) -> bool:
    """Whether a string may be used to look something up (no NUL, which PostgreSQL refuses)."""
    return 0 < len(value) <= max_length and not _SINGLE_LINE_BAD.search(value) and is_encodable(value)


class FieldErrors:
    """Collects one message per bad field, then raises them together."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self.fields.setdefault(field, message)

    def raise_if_any(self) -> None:
        if self.fields:
            raise Invalid(_("Please correct the marked fields."), fields=self.fields)

    def text(
        self,
        field: str,
        value: object,
        *,
        max_length: int,
        min_length: int = 1,
        multiline: bool = False,
    ) -> str:
        """Return the trimmed text, or "" after recording why it is not acceptable."""
        if value is None:
            value = ""
        if not isinstance(value, str):
            self.add(field, _("Must be text."))
            return ""
        bad = _MULTI_LINE_BAD if multiline else _SINGLE_LINE_BAD
        if bad.search(value) or not is_encodable(value):
            self.add(field, _("Contains control characters that are not allowed."))
            return ""
        value = unicodedata.normalize("NFC", value.replace("\r\n", "\n")).strip()
        if len(value) < min_length:
            self.add(field, _("This field is required.") if min_length <= 1 else
                     ngettext("Must be at least %(num)d character.", "Must be at least %(num)d characters.",
                              min_length))
        elif len(value) > max_length:
            self.add(field, ngettext("Must be at most %(num)d character.", "Must be at most %(num)d characters.",
                                     max_length))
        return value

    def choice(self, field: str, value: object, allowed: list[str], default: str) -> str:
        if value is None or value == "":
            return default
        if value not in allowed:
            self.add(field, _("Must be one of: %(choices)s.", choices=", ".join(allowed)))
            return default
        return str(value)


MAX_THEMES = 10


def check_themes(errors: FieldErrors, themes: object, field: str = "themes") -> list[str]:
    """Theme tags (a list, or text separated by commas): lower-cased, each at most 40 characters,
    duplicates dropped, at most MAX_THEMES. Workspaces and good practices share one vocabulary."""
    if themes in (None, ""):
        return []
    if isinstance(themes, str):
        themes = themes.split(",")
    if not isinstance(themes, list) or len(themes) > MAX_THEMES:
        errors.add(field, ngettext("Give at most %(num)d theme.", "Give at most %(num)d themes.", MAX_THEMES))
        return []
    clean: list[str] = []
    for theme in themes:
        value = errors.text(field, theme, max_length=40, min_length=0).lower()
        if value and value not in clean:
            clean.append(value)
    return clean
