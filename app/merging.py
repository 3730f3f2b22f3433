"""Three-way merging of document saves, and differences between revisions.

A save based on an older revision is merged line by line with what was saved meanwhile (merge3,
the diff3 algorithm of Bazaar/Breezy): changes to different lines are combined; changes to the
same or adjacent lines are a conflict, which is shown to the person rather than resolved by
guessing. Differences for reading are character-level (diff-match-patch) after a semantic
clean-up, so a changed word is highlighted as a word.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import merge3
from diff_match_patch import diff_match_patch


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
    """Lines with their endings, every one ending in a newline, so the last line merges like the others."""
    return (text if text.endswith("\n") or not text else text + "\n").splitlines(keepends=True)


def merge_text(base: str, mine: str, theirs: str) -> TextMerge:
    """Combine my changes to `base` with theirs; conflicts list the regions both changed differently."""
    simple, both_changed = merge_value(base, mine, theirs)
    if not both_changed:
        return TextMerge(simple)
    merged: list[str] = []
    conflicts: list[ConflictRegion] = []
    for group in merge3.Merge3(_lines(base), _lines(mine), _lines(theirs)).merge_groups():
        kind, *parts = group
        if kind == "conflict":
            base_lines, mine_lines, theirs_lines = (list(p or []) for p in parts)
            conflicts.append(ConflictRegion("".join(base_lines), "".join(mine_lines), "".join(theirs_lines)))
            merged.extend(mine_lines)
        else:
            merged.extend(parts[0])
    return TextMerge("".join(merged).rstrip("\n") if not mine.endswith("\n") else "".join(merged), conflicts)


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
    """The changes from `old` to `new` as (op, text) pieces: -1 removed, 0 kept, 1 added."""
    differ = diff_match_patch()
    differ.Diff_Timeout = 2.0  # seconds; a huge rewrite still answers, just less finely
    pieces = differ.diff_main(old, new)
    differ.diff_cleanupSemantic(pieces)
    return [(int(op), str(text)) for op, text in pieces]
