"""Three-way merging of document saves and differences between revisions, on text that trips
naive line handling: unicode, empty lines, line endings, moved paragraphs.

The rule under test: a merge is either clean and keeps both sides' changes, or a conflict;
never a clean result that quietly drops one side's change.
"""

from __future__ import annotations

import random
from collections import Counter
from difflib import SequenceMatcher

import pytest

from app.merging import diff_text, merge_fields, merge_text, merge_value

DOC = "Otsikko\n\nEnsimmäinen kappale.\n\nToinen kappale.\n\nKolmas kappale.\n\nNeljäs kappale."


def paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


def changed_lines(base: str, edited: str) -> set[str]:
    """The lines of `edited` that `base` does not have: what a merge must not lose."""
    return set(edited.split("\n")) - set(base.split("\n"))


def assert_clean(base: str, mine: str, theirs: str, expected: str) -> None:
    result = merge_text(base, mine, theirs)
    assert result.clean, result.conflicts
    assert result.text == expected


def assert_conflict(base: str, mine: str, theirs: str) -> None:
    result = merge_text(base, mine, theirs)
    assert not result.clean, f"merged cleanly into {result.text!r}"


def lines_of(text: str) -> list[str]:
    """The text's lines; a final newline ends the last line rather than starting an empty one."""
    lines = text.split("\n")
    return lines[:-1] if lines[-1] == "" else lines


def kept_in_place(base: list[str], other: list[str]) -> set[str]:
    """The lines every copy of which `other` left where `base` had it (not edited, not moved)."""
    matched = {i for a, _b, size in SequenceMatcher(None, base, other, autojunk=False).get_matching_blocks()
               for i in range(a, a + size)}
    moved = {line for i, line in enumerate(base) if i not in matched}
    return set(base) - moved


def lost_deletions(base: str, deleting: str, other: str, merged: str) -> list[str]:
    """Lines `deleting` removed (it left fewer copies than `base` had) and `other` left alone, of which
    `merged` still has more copies than `deleting` left: deletions the merge quietly undid."""
    base_lines, other_lines = lines_of(base), lines_of(other)
    before, after, result = Counter(base_lines), Counter(lines_of(deleting)), Counter(lines_of(merged))
    untouched = kept_in_place(base_lines, other_lines)
    return [line for line in before - after
            if line in untouched and Counter(other_lines)[line] == before[line] and result[line] > after[line]]


def assert_no_silent_loss(base: str, mine: str, theirs: str) -> None:
    """Clean means every line that mine or theirs added is in the result, and every line that one side
    deleted and the other left alone is gone from it; otherwise a conflict."""
    result = merge_text(base, mine, theirs)
    if result.clean:
        lines = set(result.text.split("\n"))
        assert changed_lines(base, mine) <= lines, result.text
        assert changed_lines(base, theirs) <= lines, result.text
        assert not lost_deletions(base, mine, theirs, result.text), result.text
        assert not lost_deletions(base, theirs, mine, result.text), result.text


# --- the simple cases ------------------------------------------------------------------------------


def test_edits_far_apart_merge_cleanly() -> None:
    mine = DOC.replace("Ensimmäinen kappale.", "Ensimmäinen kappale, muokattu.")
    theirs = DOC.replace("Neljäs kappale.", "Neljäs kappale, heidän.")
    assert_clean(DOC, mine, theirs, mine.replace("Neljäs kappale.", "Neljäs kappale, heidän."))


def test_edits_of_neighbouring_paragraphs_merge_cleanly() -> None:
    mine = DOC.replace("Toinen kappale.", "Toinen (minun).")
    theirs = DOC.replace("Kolmas kappale.", "Kolmas (heidän).")
    assert_clean(DOC, mine, theirs, mine.replace("Kolmas kappale.", "Kolmas (heidän)."))


def test_edits_of_adjacent_lines_conflict() -> None:
    base = "rivi 1\nrivi 2\nrivi 3\nrivi 4"
    assert_conflict(base, "rivi 1\nRIVI 2\nrivi 3\nrivi 4", "rivi 1\nrivi 2\nRIVI 3\nrivi 4")


def test_different_edits_of_the_same_line_conflict() -> None:
    result = merge_text(DOC, DOC.replace("Toinen", "Minun toinen"), DOC.replace("Toinen", "Heidän toinen"))
    assert [(c.base, c.mine, c.theirs) for c in result.conflicts] == [
        ("Toinen kappale.\n", "Minun toinen kappale.\n", "Heidän toinen kappale.\n")
    ]


def test_the_same_change_on_both_sides_is_taken_once() -> None:
    both = DOC.replace("Kolmas kappale.", "Kolmas kappale, sama muutos.")
    assert_clean(DOC, both, both, both)


def test_the_same_line_added_on_both_sides_is_taken_once() -> None:
    both = DOC + "\n\nYhteinen loppu."
    mine = both.replace("Otsikko", "Otsikko (minun)")
    assert_clean(DOC, mine, both, mine)


def test_a_side_that_changed_nothing_takes_the_other() -> None:
    edited = DOC.replace("Toinen", "Muutettu")
    assert_clean(DOC, DOC, edited, edited)
    assert_clean(DOC, edited, DOC, edited)


def test_deleting_a_paragraph_the_other_side_edited_conflicts() -> None:
    mine = DOC.replace("\n\nToinen kappale.", "")
    theirs = DOC.replace("Toinen kappale.", "Toinen kappale, jota he paransivat.")
    result = merge_text(DOC, mine, theirs)
    assert not result.clean
    assert any("jota he paransivat" in c.theirs for c in result.conflicts)


def test_editing_a_paragraph_the_other_side_deleted_conflicts() -> None:
    mine = DOC.replace("Kolmas kappale.", "Kolmas kappale, jota minä paransin.")
    theirs = DOC.replace("\n\nKolmas kappale.", "")
    result = merge_text(DOC, mine, theirs)
    assert not result.clean
    assert any("jota minä paransin" in c.mine for c in result.conflicts)


def test_deleting_a_paragraph_merges_with_an_edit_elsewhere() -> None:
    mine = DOC.replace("\n\nToinen kappale.", "")
    theirs = DOC.replace("Neljäs kappale.", "Neljäs, heidän.")
    assert_clean(DOC, mine, theirs, mine.replace("Neljäs kappale.", "Neljäs, heidän."))


def test_both_adding_different_text_at_the_end_conflicts() -> None:
    assert_conflict(DOC, DOC + "\n\nMinun loppuni.", DOC + "\n\nHeidän loppunsa.")


def test_additions_at_the_start_and_the_end_merge() -> None:
    assert_clean(DOC, "Alku.\n\n" + DOC, DOC + "\n\nLoppu.", "Alku.\n\n" + DOC + "\n\nLoppu.")


# --- empty documents and empty lines ---------------------------------------------------------------


def test_empty_base_with_one_side_writing_takes_that_side() -> None:
    assert_clean("", "Uusi teksti.", "", "Uusi teksti.")
    assert_clean("", "", "Heidän tekstinsä.", "Heidän tekstinsä.")


def test_empty_base_with_both_sides_writing_conflicts() -> None:
    assert_conflict("", "Minun.", "Heidän.")


def test_emptying_a_document_the_other_side_edited_conflicts() -> None:
    assert_conflict(DOC, "", DOC.replace("Toinen", "Muutettu"))


def test_emptying_an_unchanged_document_is_taken() -> None:
    assert_clean(DOC, "", DOC, "")


def test_empty_lines_added_and_removed_merge_like_other_lines() -> None:
    base = "a\n\n\n\nb\n\nc\n\nd\n\ne"
    mine = "a\n\nb\n\nc\n\nd\n\ne"  # two of three empty lines removed
    theirs = "a\n\n\n\nb\n\nc\n\nd\n\nE"
    assert_clean(base, mine, theirs, "a\n\nb\n\nc\n\nd\n\nE")


def test_documents_of_only_empty_lines_merge() -> None:
    assert_clean("\n\n", "\n\n\n\n", "\n\n", "\n\n\n\n")


# --- line endings ------------------------------------------------------------------------------------


def test_crlf_and_lf_sides_merge_line_by_line() -> None:
    base = "yksi\r\nkaksi\r\nkolme\r\nneljä\r\nviisi"
    mine = "YKSI\r\nkaksi\r\nkolme\r\nneljä\r\nviisi"
    theirs = "yksi\nkaksi\nkolme\nneljä\nVIISI"  # an editor that saved with LF
    assert_clean(base, mine, theirs, "YKSI\nkaksi\nkolme\nneljä\nVIISI")


def test_a_crlf_side_that_changed_nothing_is_no_change() -> None:
    assert_clean("a\nb\nc", "a\r\nb\r\nc", "a\nB\nc", "a\nB\nc")


def test_a_missing_final_newline_merges_like_any_line() -> None:
    assert_clean("a\nb\nc\nd", "A\nb\nc\nd", "a\nb\nc\nD", "A\nb\nc\nD")
    assert_clean("a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nD\n", "A\nb\nc\nD\n")


def test_the_final_newline_follows_the_side_that_changed_it() -> None:
    assert_clean("a\nb\nc\nd", "A\nb\nc\nd", "a\nb\nc\nd\n", "A\nb\nc\nd\n")
    assert_clean("a\nb\nc\nd\n", "A\nb\nc\nd\n", "a\nb\nc\nd", "A\nb\nc\nd")
    assert_clean("a\nb\nc\nd", "a\nb\nc\nd\n", "A\nb\nc\nd", "A\nb\nc\nd\n")


def test_trailing_empty_lines_are_not_swallowed() -> None:
    assert_clean("a\nb\nc", "A\nb\nc", "a\nb\nc\n\n", "A\nb\nc\n\n")


def test_only_newline_ends_a_line() -> None:
    """Form feeds, NEL and U+2028 stay inside their line, as an editor shows them."""
    base = "a\u2028b\nc\x0cd\ne\x85f\ng"
    result = merge_text(base, base.replace("g", "G"), base.replace("a\u2028b", "A\u2028b"))
    assert result.clean
    assert result.text == "A\u2028b\nc\x0cd\ne\x85f\nG"


# --- unicode -----------------------------------------------------------------------------------------


def test_finnish_and_swedish_letters_merge() -> None:
    base = paragraphs("Äänekoski", "Öljyn käyttö", "Åbo Akademi", "Närpes")
    mine = base.replace("Öljyn käyttö", "Öljyn käyttö väheni 40 %")
    theirs = base.replace("Närpes", "Närpiö – Närpes")
    assert_clean(base, mine, theirs, mine.replace("Närpes", "Närpiö – Närpes"))


def test_emoji_and_combining_characters_merge() -> None:
    base = paragraphs("Tavoite 🌍", "Cafe\u0301 ja naïve", "👩🏽‍🔬 tutkija", "🇫🇮 Suomi")
    mine = base.replace("Tavoite 🌍", "Tavoite 🌍🌱")
    theirs = base.replace("🇫🇮 Suomi", "🇫🇮 Suomi 🇸🇪 Ruotsi")
    assert_clean(base, mine, theirs, mine.replace("🇫🇮 Suomi", "🇫🇮 Suomi 🇸🇪 Ruotsi"))


def test_a_combining_mark_added_on_both_sides_differently_conflicts() -> None:
    base = paragraphs("e", "muu")
    assert_conflict(base, paragraphs("e\u0301", "muu"), paragraphs("e\u0300", "muu"))


def test_right_to_left_text_merges() -> None:
    base = paragraphs("שלום עולם", "مرحبا بالعالم", "mixed \u200fעברית\u200f text", "loppu")
    mine = base.replace("שלום עולם", "שלום עולם יפה")
    theirs = base.replace("loppu", "loppu مع السلامة")
    assert_clean(base, mine, theirs, mine.replace("loppu", "loppu مع السلامة"))


def test_right_to_left_edits_of_one_line_conflict() -> None:
    base = paragraphs("مرحبا بالعالم", "x")
    assert_conflict(base, paragraphs("مرحبا بالعالم الجميل", "x"), paragraphs("أهلا بالعالم", "x"))


# --- moved paragraphs: a correct merge or a conflict, never a silent loss -----------------------


MOVES = [
    pytest.param(
        paragraphs("P2 beta", "P3 gamma", "P4 delta", "P1 alpha"),
        paragraphs("P1 ALPHA muokattu", "P2 beta", "P3 gamma", "P4 delta"),
        id="move first to end, they edit it",
    ),
    pytest.param(
        paragraphs("P2 beta", "P3 gamma", "P4 delta", "P1 alpha"),
        paragraphs("P1 alpha", "P2 beta", "P3 gamma", "P4 DELTA muokattu"),
        id="move first to end, they edit the last",
    ),
    pytest.param(
        paragraphs("P2 beta", "P3 gamma", "P4 delta", "P1 alpha"),
        paragraphs("P1 alpha", "P2 beta", "P3 GAMMA muokattu", "P4 delta"),
        id="move first to end, they edit the middle",
    ),
    pytest.param(
        paragraphs("P1 alpha", "P3 gamma", "P2 beta", "P4 delta"),
        paragraphs("P1 alpha", "P2 BETA muokattu", "P3 gamma", "P4 delta"),
        id="swap two, they edit one of them",
    ),
    pytest.param(
        paragraphs("P4 delta", "P1 alpha", "P2 beta", "P3 gamma"),
        paragraphs("P1 alpha", "P2 beta", "P3 gamma", "P4 delta", "P5 uusi"),
        id="move last to start, they add one at the end",
    ),
    pytest.param(
        paragraphs("P1 alpha", "P2 beta", "P4 delta", "P3 gamma"),
        paragraphs("P1 alpha", "P3 gamma", "P2 beta", "P4 delta"),
        id="both move different paragraphs",
    ),
    pytest.param(
        paragraphs("P3 gamma", "P1 alpha", "P2 beta", "P4 delta"),
        paragraphs("P1 alpha", "P2 beta", "P4 delta", "P3 GAMMA"),
        id="both move the same paragraph to different places, they edit it",
    ),
]


@pytest.mark.parametrize(("mine", "theirs"), MOVES)
def test_moved_paragraphs_never_lose_a_change(mine: str, theirs: str) -> None:
    base = paragraphs("P1 alpha", "P2 beta", "P3 gamma", "P4 delta")
    assert_no_silent_loss(base, mine, theirs)
    assert_no_silent_loss(base, theirs, mine)


def test_moving_a_paragraph_merges_with_an_edit_of_another() -> None:
    base = paragraphs("P1 alpha", "P2 beta", "P3 gamma", "P4 delta")
    mine = paragraphs("P2 beta", "P3 gamma", "P4 delta", "P1 alpha")
    theirs = paragraphs("P1 alpha", "P2 beta", "P3 GAMMA", "P4 delta")
    assert_clean(base, mine, theirs, paragraphs("P2 beta", "P3 GAMMA", "P4 delta", "P1 alpha"))


# --- property: edits of disjoint paragraphs always merge, and keep both sides ------------------------

WORDS = ["kestävä", "liikenne", "ääni", "öljy", "Åbo", "🌍", "e\u0301", "שלום", "مرحبا", "x", "city", "👩🏽‍🔬"]


def _paragraph(rng: random.Random, tag: str) -> list[str]:
    return [f"{tag}.{n} " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 4)))
            for n in range(rng.randint(1, 3))]


def _edit(rng: random.Random, lines: list[str], side: str) -> list[str]:
    edited, at = list(lines), rng.randrange(len(lines))
    how = rng.choice(["change", "add", "delete", "rewrite"])
    if how == "change" or (how == "delete" and len(edited) == 1):
        edited[at] += f" ({side})"
    elif how == "add":
        edited.insert(at + rng.randint(0, 1), f"{side} lisäsi {rng.choice(WORDS)}")
    elif how == "delete":
        del edited[at]
    else:
        edited = [f"{side} kirjoitti {k} {rng.choice(WORDS)}" for k in range(rng.randint(1, 3))]
    return edited


def _render(document: list[list[str]], newline: str = "\n") -> str:
    return (newline * 2).join(newline.join(lines) for lines in document)


@pytest.mark.parametrize("seed", range(300))
def test_edits_of_disjoint_paragraphs_merge_with_both_kept(seed: int) -> None:
    rng = random.Random(seed)
    count = rng.randint(2, 9)
    base = [_paragraph(rng, f"p{i}") for i in range(count)]
    order = rng.sample(range(count), count)
    split = rng.randint(1, count - 1)
    mine_part, theirs_part = set(order[:split]), set(order[split:split + rng.randint(1, count - split)])
    mine = [_edit(rng, p, "MINÄ") if i in mine_part else p for i, p in enumerate(base)]
    theirs = [_edit(rng, p, "HE") if i in theirs_part else p for i, p in enumerate(base)]
    expected = [mine[i] if i in mine_part else theirs[i] for i in range(count)]
    final = "\n" if rng.random() < 0.5 else ""
    assert_clean(_render(base) + final, _render(mine) + final, _render(theirs) + final, _render(expected) + final)


@pytest.mark.parametrize("seed", range(200))
def test_random_edits_anywhere_never_lose_a_change(seed: int) -> None:
    """Edits that may touch the same paragraphs, with lines repeated: a conflict is fine, a loss not."""
    rng = random.Random(1000 + seed)
    base = [[rng.choice(["sama", "toistuva rivi", "", *WORDS])] for _ in range(rng.randint(1, 7))]
    mine = [_edit(rng, p, "MINÄ") if rng.random() < 0.4 else p for p in base]
    theirs = [_edit(rng, p, "HE") if rng.random() < 0.4 else p for p in base]
    if rng.random() < 0.3 and len(mine) > 1:
        mine.append(mine.pop(rng.randrange(len(mine))))  # and a paragraph moved to the end
    assert_no_silent_loss(_render(base), _render(mine), _render(theirs))


def _edit_lines(rng: random.Random, lines: list[str], side: str) -> list[str]:
    """One to three line edits anywhere: mostly deletions, some additions and changes."""
    edited = list(lines)
    for _ in range(rng.randint(1, 3)):
        if not edited:
            break
        at, how = rng.randrange(len(edited)), rng.choice(["delete", "delete", "add", "change"])
        if how == "delete":
            del edited[at]
        elif how == "add":
            edited.insert(at + rng.randint(0, 1), f"{side} lisäsi {rng.choice(WORDS)}")
        else:
            edited[at] += f" ({side})"
    return edited


@pytest.mark.parametrize("seed", range(300))
def test_random_line_deletions_are_never_undone(seed: int) -> None:
    """A line one side deleted and the other left in place never comes back in a clean merge."""
    rng = random.Random(5000 + seed)
    base = [rng.choice(["sama", "toistuva rivi", "", *WORDS]) for _ in range(rng.randint(1, 12))]
    final = "\n" if rng.random() < 0.5 else ""
    mine, theirs = _edit_lines(rng, base, "MINÄ"), _edit_lines(rng, base, "HE")
    assert_no_silent_loss("\n".join(base) + final, "\n".join(mine) + final, "\n".join(theirs) + final)


@pytest.mark.parametrize(("mine", "theirs"), [
    pytest.param("a\nc\nd", "a\nb\nX\nc\nd", id="they add right after the line I deleted"),
    pytest.param("a\nc\nd", "a\nX\nb\nc\nd", id="they add right before the line I deleted"),
    pytest.param("a\nc\nd", "a\nb\nC\nd", id="they edit the line after the one I deleted"),
    pytest.param("a\nd", "a\nb\nc\nD", id="I delete two lines, they edit the next"),
    pytest.param("a\nb\nc", "a\nb\nc\nd\nE", id="I delete the last line, they add after it"),
])
def test_a_deletion_next_to_the_other_sides_change_is_kept_or_conflicts(mine: str, theirs: str) -> None:
    base = "a\nb\nc\nd"
    assert_no_silent_loss(base, mine, theirs)
    assert_no_silent_loss(base, theirs, mine)


# --- single values and structured fields -------------------------------------------------------------


def test_merge_value_takes_the_side_that_changed() -> None:
    assert merge_value("a", "a", "b") == ("b", False)
    assert merge_value("a", "b", "a") == ("b", False)
    assert merge_value("a", "b", "b") == ("b", False)
    assert merge_value("a", "b", "c") == ("b", True)


def test_merge_fields_combines_fields_changed_on_one_side() -> None:
    base = {"status": "ongoing", "themes": ["energia"], "sdgs": [7]}
    mine = {"status": "completed", "themes": ["energia"], "sdgs": [7]}
    theirs = {"status": "ongoing", "themes": ["energia", "liikenne"], "sdgs": [7, 11]}
    assert merge_fields(base, mine, theirs) == (
        {"status": "completed", "themes": ["energia", "liikenne"], "sdgs": [7, 11]}, [])


def test_merge_fields_names_the_fields_both_changed() -> None:
    merged, clashes = merge_fields({"status": "planned"}, {"status": "ongoing"}, {"status": "ended"})
    assert clashes == ["status"]
    assert merged == {"status": "ongoing"}


# --- differences ---------------------------------------------------------------------------------------


def _rebuild(pieces: list[tuple[int, str]], keep: int) -> str:
    return "".join(text for op, text in pieces if op in (0, keep))


DIFF_PAIRS = [
    ("", ""),
    ("", "Uusi teksti"),
    ("Vanha teksti", ""),
    (DOC, DOC.replace("Toinen", "Muutettu toinen")),
    ("Äänekoski öljy åbo", "Äänekoski ÖLJY Åbo"),
    ("Tavoite 🌍 ja 👩🏽‍🔬", "Tavoite 🌱 ja 👩🏻‍🔬"),
    ("Cafe\u0301", "Cafe\u0300"),
    ("שלום עולם", "שלום עולם יפה"),
    ("مرحبا بالعالم", "أهلا بالعالم"),
    ("a\r\nb\r\n", "a\nb\n"),
    ("\n\n\n", "\n"),
    ("🇫🇮🇸🇪", "🇸🇪🇫🇮"),
]


@pytest.mark.parametrize(("old", "new"), DIFF_PAIRS)
def test_diff_pieces_rebuild_both_texts(old: str, new: str) -> None:
    pieces = diff_text(old, new)
    assert _rebuild(pieces, -1) == old
    assert _rebuild(pieces, 1) == new
    assert all(op in (-1, 0, 1) and isinstance(text, str) and text for op, text in pieces)


@pytest.mark.parametrize("seed", range(100))
def test_random_diffs_rebuild_both_texts(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = ["a", "ä", "ö", "å", "\n", " ", "🌍", "\u0301", "ש", "ع", "\r\n", "👩🏽‍🔬"]
    old = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
    new = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 60)))
    pieces = diff_text(old, new)
    assert (_rebuild(pieces, -1), _rebuild(pieces, 1)) == (old, new)


def test_diff_of_identical_texts_is_one_kept_piece() -> None:
    assert diff_text(DOC, DOC) == [(0, DOC)]


def test_diff_marks_a_changed_word_as_a_word() -> None:
    pieces = diff_text("Kaupunki vähensi päästöjä.", "Kaupunki puolitti päästöjä.")
    assert (-1, "vähensi") in pieces
    assert (1, "puolitti") in pieces
