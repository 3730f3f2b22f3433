"""Three-way merging of document saves, and differences between revisions.

A save based on an older revision is merged line by line with what was saved meanwhile (merge3,
the diff3 algorithm of Bazaar/Breezy): changes to different lines are combined; changes to the
same or adjacent lines are a conflict, which is shown to the person rather than resolved by
guessing. Differences for reading are word by word (diff-match-patch over words, after its
semantic clean-up), so a changed word is highlighted as a word.

Both are bounded in time and run off eventlet's hub (`app.offload`): diff-match-patch stops refining
after `DIFF_SECONDS` (a huge rewrite is then shown or merged more coarsely, never wrongly), and merge3
matches lines with it too, instead of difflib, whose matching is quadratic (30,000 changed lines took
minutes).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

import merge3
from diff_match_patch import diff_match_patch

from app.offload import run_off_hub

DIFF_SECONDS = 1.0
"""How long one diff may refine its answer (diff-match-patch's Diff_Timeout) before settling."""


@dataclass(frozen=True)
class ConflictRegion:
    base: str
    mine: str
    theirs: str


@dataclass
class TextMerge:
    text: str
    conflicts: list[ConflictRegion] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.conflicts


def _lines(text: str) -> list[str]:
    """The text's lines, each ending in a newline (the last one too, so it merges like the others).

    Only "\n" ends a line: str.splitlines() would also split at form feeds, U+2028 and the like,
    which an editor shows inside one line.
    """
    if not text:
        return []
    parts = text.split("\n")
    if parts[-1] == "":
        parts.pop()
    return [part + "\n" for part in parts]


def _unify_newlines(text: str) -> str:
    return text.replace("\r\n", "\n")


def _differ() -> diff_match_patch:
    differ = diff_match_patch()
    differ.Diff_Timeout = DIFF_SECONDS
    return differ


class LineMatcher:
    """What merge3 asks of difflib.SequenceMatcher, answered by diff-match-patch over whole lines.

    Linear in practice and bounded by DIFF_SECONDS: past the deadline it finds fewer matching lines,
    so merge3 sees larger changed regions and may report a conflict, but never merges wrongly.
    """

    def __init__(self, isjunk: object, a: list[str], b: list[str]) -> None:
        self.a, self.b = a, b

    def get_matching_blocks(self) -> list[tuple[int, int, int]]:
        codes: dict[str, str] = {}
        coded_a, coded_b = ("".join(codes.setdefault(line, chr(len(codes))) for line in side)
                            for side in (self.a, self.b))
        blocks: list[tuple[int, int, int]] = []
        i = j = 0
        for op, text in _differ().diff_main(coded_a, coded_b, False):
            if op == 0:
                blocks.append((i, j, len(text)))
            i += len(text) if op <= 0 else 0
            j += len(text) if op >= 0 else 0
        blocks.append((len(self.a), len(self.b), 0))
        return blocks


def merge_text(base: str, mine: str, theirs: str) -> TextMerge:
    """Combine my changes to `base` with theirs; conflicts list the regions both changed differently.

    Lines are compared with CRLF read as LF (a client on Windows does not conflict with everyone),
    and a merged text uses LF. It ends with a newline if the side that changed that ending says so.
    """
    return run_off_hub(_merge_text, base, mine, theirs)


def _merge_text(base: str, mine: str, theirs: str) -> TextMerge:
    base, mine, theirs = _unify_newlines(base), _unify_newlines(mine), _unify_newlines(theirs)
    simple, both_changed = merge_value(base, mine, theirs)
    if not both_changed:
        return TextMerge(simple)
    merged: list[str] = []
    conflicts: list[ConflictRegion] = []
    merger = merge3.Merge3(_lines(base), _lines(mine), _lines(theirs), sequence_matcher=LineMatcher)
    for group in merger.merge_groups():
        kind, *parts = group
        if kind == "conflict":
            base_lines, mine_lines, theirs_lines = (list(p or []) for p in parts)
            conflicts.append(ConflictRegion("".join(base_lines), "".join(mine_lines), "".join(theirs_lines)))
            merged.extend(mine_lines)
        else:
            merged.extend(parts[0])
    text = "".join(merged)
    final_newline, _ = merge_value(*(t.endswith("\n") for t in (base, mine, theirs)))
    if text.endswith("\n") and not final_newline:
        text = text[:-1]
    return TextMerge(text, conflicts)


def merge_value(base: Any, mine: Any, theirs: Any) -> tuple[Any, bool]:
    """Three-way choice for a single value (a title, a field): (result, conflicted)."""
    if theirs in (mine, base):
        return mine, False
    if mine == base:
        return theirs, False
    return mine, True


def merge_fields(base: dict[str, Any], mine: dict[str, Any],
                 theirs: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Field by field: each changed on one side only takes that side; both changed differently: conflict."""
    result: dict[str, Any] = {}
    conflicted: list[str] = []
    for key in sorted(set(base) | set(mine) | set(theirs)):
        value, clash = merge_value(base.get(key), mine.get(key), theirs.get(key))
        if clash:
            conflicted.append(key)
        if value is not None:
            result[key] = value
    return result, conflicted


def diff_text(old: str, new: str) -> list[tuple[int, str]]:
    """The changes from `old` to `new` as (op, text) pieces: -1 removed, 0 kept, 1 added.

    Compared word by word (a word keeps its combining marks; an emoji sequence is one piece), so a
    changed word is shown as that word replaced rather than as a scatter of changed letters.
    """
    return run_off_hub(_diff_text, old, new)


def _diff_text(old: str, new: str) -> list[tuple[int, str]]:
    tokens: list[str] = []
    codes: dict[str, str] = {}

    def encode(text: str) -> str:
        out = []
        for token in _words(text):
            if token not in codes:
                codes[token] = chr(len(tokens))
                tokens.append(token)
            out.append(codes[token])
        return "".join(out)

    differ = _differ()  # a huge rewrite still answers, just less finely
    pieces = differ.diff_main(encode(old), encode(new), False)
    differ.diff_cleanupSemantic(pieces)
    result: list[tuple[int, str]] = []
    for op, coded in pieces:
        text = "".join(tokens[ord(c)] for c in coded)
        if result and result[-1][0] == op:
            result[-1] = (op, result[-1][1] + text)
        elif text:
            result.append((int(op), text))
    return result


def _words(text: str) -> list[str]:
    """Split into runs of letters and digits, of white space, and of other signs; a combining mark
    stays with what it marks."""
    found: list[str] = []
    run, run_kind = "", -1
    for char in text:
        kind = 0 if char.isspace() else 1 if char.isalnum() or char == "_" else 2
        if run and (kind == run_kind or (kind == 2 and unicodedata.category(char)[0] == "M")):
            run += char
            continue
        if run:
            found.append(run)
        run, run_kind = char, kind
    if run:
        found.append(run)
    return found
