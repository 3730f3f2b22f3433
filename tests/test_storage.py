"""Stored files on disk: stored once by content, and pruned only when nothing names them."""

from __future__ import annotations

import io
import os
import time
from pathlib import Path

from app.storage import blob_path, prune_files, store

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def test_the_same_bytes_are_stored_once(tmp_path: Path) -> None:
    first = store(io.BytesIO(PDF), str(tmp_path), 1024, "a.pdf")
    second = store(io.BytesIO(PDF), str(tmp_path), 1024, "toinen nimi.pdf")
    assert first.sha256 == second.sha256
    assert first.content_type == "application/pdf"
    assert [p.name for p in (tmp_path / "objects").glob("*/*")] == [first.sha256]
    assert not list((tmp_path / "tmp").iterdir())  # no half-written copies left behind


def test_pruning_keeps_files_in_use_and_recent_ones(tmp_path: Path) -> None:
    used = store(io.BytesIO(PDF), str(tmp_path), 1024, "a.pdf")
    unused = store(io.BytesIO(b"vanha muistio\n"), str(tmp_path), 1024, "muistio.txt")
    fresh = store(io.BytesIO(b"juuri ladattu\n"), str(tmp_path), 1024, "uusi.txt")
    an_hour_ago = time.time() - 7200
    for sha in (used.sha256, unused.sha256):
        os.utime(blob_path(str(tmp_path), sha), (an_hour_ago, an_hour_ago))
    assert prune_files(str(tmp_path), {used.sha256}) == 1
    assert blob_path(str(tmp_path), used.sha256).exists()
    assert not blob_path(str(tmp_path), unused.sha256).exists()
    assert blob_path(str(tmp_path), fresh.sha256).exists()  # may still be committing
