"""Every user-facing string of the source is translated into Finnish, placeholders intact."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|<a href=")


def catalogue(language: str):  # type: ignore[no-untyped-def]
    with open(ROOT / "app" / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        return read_po(po)


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory: pytest.TempPathFactory) -> set[object]:
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run([str(Path(sys.executable).with_name("pybabel")), "extract", "-F", "babel.cfg",
                    "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "."], cwd=ROOT, check=True,
                   capture_output=True)
    with open(pot, "rb") as handle:
        return {m.id for m in read_po(handle) if m.id}


def test_every_source_string_is_in_the_finnish_catalogue(source_ids: set[object]) -> None:
    known = {m.id for m in catalogue("fi") if m.id}
    missing = sorted(map(str, source_ids - known))
    assert not missing, f"run `make extract` and translate: {missing[:10]}"


def test_finnish_catalogue_is_complete_and_keeps_placeholders() -> None:
    for message in catalogue("fi"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {ids[0]!r}"
        assert "fuzzy" not in message.flags, f"fuzzy: {ids[0]!r}"
        for string in strings:
            assert sorted(PLACEHOLDER.findall(string)) == sorted(PLACEHOLDER.findall(ids[-1])), ids[0]
