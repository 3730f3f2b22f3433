"""How deep clients' JSON may nest, measured without recursion.

Python's json parser recurses once per level of arrays and objects: a body of 100,000 `[` ends in
RecursionError (a 500 on the API, a dropped socket message with a stack trace in the log). Every
parser of a client's JSON here (the API's bodies through the app's JSON provider, Socket.IO
messages through their packet class) first measures the nesting with C-speed byte operations over
the text, and refuses more than MAX_DEPTH levels before parsing.
"""

from __future__ import annotations

import itertools
import json
from array import array
from typing import Any

from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64

_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # read as signed bytes: +1, +1, -1, -1


class NestedTooDeep(ValueError):
    """JSON that nests arrays and objects deeper than MAX_DEPTH. A ValueError, as the parser's own
    errors are, so every caller that refuses malformed JSON refuses this alike."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"JSON may nest arrays and objects at most {limit} levels deep.")


def nesting_exceeds(text: str | bytes, limit: int = MAX_DEPTH) -> bool:
    """Whether `text` nests arrays and objects more than `limit` levels deep (brackets inside
    strings do not count). The usual body, with few brackets, costs one count; any other a few
    byte passes and a running sum over its brackets read as signed bytes, all at C speed (tens of
    ms for a megabyte on a slow machine; bodies without a file are capped at MAX_TEXT_BODY_BYTES)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else bytes(text)
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    # Outside strings: every other piece between quotes, once escaped backslashes and quotes are gone.
    unquoted = b"".join(data.replace(b"\\\\", b"").replace(b'\\"', b"").split(b'"')[::2])
    steps = unquoted.translate(_STEPS, _NOT_BRACKETS)
    return max(itertools.accumulate(array("b", steps)), default=0) > limit


def loads_bounded(text: str | bytes, **kwargs: Any) -> Any:
    """json.loads for a client's text: NestedTooDeep instead of a recursion into it."""
    if nesting_exceeds(text):
        raise NestedTooDeep()
    return json.loads(text, **kwargs)


class BoundedJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider, refusing too deep nesting: request.get_json() answers 400 for it,
    as for any malformed body, instead of recursing into it."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        if nesting_exceeds(s):
            raise NestedTooDeep()
        return super().loads(s, **kwargs)
