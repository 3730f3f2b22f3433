"""Uploaded files: typed by their content, stored outside static/ under their SHA-256.

The allow-list is of content types recognised from the bytes themselves (magic numbers by
`filetype`, images also opened by Pillow); a file's name never decides its type, so HTML or SVG
renamed to .png is refused. Plain text is accepted only if it is UTF-8 without markup.
Identical files are stored once; a file stays on disk while any attachment names it.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import filetype
from flask import Response, abort, send_file
from flask_babel import gettext as _
from PIL import Image, UnidentifiedImageError

CHUNK = 64 * 1024
THUMBNAIL_SIZE = (480, 480)

# What may be uploaded, by the type its content shows.
ALLOWED_TYPES = frozenset({
    "image/png", "image/jpeg", "image/gif", "image/webp",
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
    "application/vnd.oasis.opendocument.presentation",
    "text/plain", "text/csv",
})
IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})
# Shown in the browser rather than downloaded; everything else is served as a download.
INLINE_TYPES = IMAGE_TYPES | {"application/pdf"}
# Tags a browser would act on, were the file ever shown as HTML; a text file holding any is refused.
_MARKUP = re.compile(rb"<(?:!doctype|\?xml|(?:html|head|body|script|style|iframe|frame|frameset|object|embed|"
                     rb"svg|math|img|image|video|audio|link|meta|base|form|a|xsl:[a-z-]+)[\s/>])", re.IGNORECASE)


class UploadRefused(ValueError):
    """The file cannot be stored; the message says why, for the person who sent it."""

    def __init__(self, message: str, too_large: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.too_large = too_large


@dataclass(frozen=True)
class StoredFile:
    sha256: str
    size: int
    content_type: str
    has_thumbnail: bool


def blob_path(root: str, sha256: str) -> Path:
    return Path(root) / "objects" / sha256[:2] / sha256


def thumbnail_path(root: str, sha256: str) -> Path:
    return Path(root) / "thumbnails" / sha256[:2] / f"{sha256}.png"


def store(stream: IO[bytes], root: str, max_bytes: int, name: str) -> StoredFile:
    """Copy the upload to disk (hashing as it goes), check its type, and keep it under its hash."""
    tmp_dir = Path(root) / "tmp"
    tmp_dir.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    with tempfile.NamedTemporaryFile(dir=tmp_dir, delete=False) as tmp:
        try:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise UploadRefused(_("The file is larger than %(mb)d MB.", mb=max_bytes // (1024 * 1024)),
                                        too_large=True)
                digest.update(chunk)
                tmp.write(chunk)
        except BaseException:
            tmp.close()
            os.unlink(tmp.name)
            raise
    try:
        if size == 0:
            raise UploadRefused(_("The file is empty."))
        content_type = sniff(Path(tmp.name), name)
        sha = digest.hexdigest()
        has_thumbnail = content_type in IMAGE_TYPES and _make_thumbnail(Path(tmp.name), thumbnail_path(root, sha))
        final = blob_path(root, sha)
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(tmp.name, final)  # the same bytes uploaded again simply land on the same name
    except BaseException:
        if os.path.exists(tmp.name):
            os.unlink(tmp.name)
        raise
    return StoredFile(sha, size, content_type, has_thumbnail)


def sniff(path: Path, name: str) -> str:
    """The file's type as its content shows it, if it is on the allow-list; else UploadRefused."""
    with path.open("rb") as f:
        head = f.read(8192)
    kind = filetype.guess(head)
    if kind is not None:
        if kind.mime not in ALLOWED_TYPES:
            raise UploadRefused(_("Files of this type (%(type)s) cannot be uploaded.", type=kind.mime))
        if kind.mime in IMAGE_TYPES:
            _check_image(path)
        return str(kind.mime)
    if _is_plain_text(path):
        return "text/csv" if name.lower().endswith(".csv") else "text/plain"
    raise UploadRefused(_("This type of file cannot be uploaded. Allowed: images, PDF, office documents and "
                          "plain text."))


def _check_image(path: Path) -> None:
    try:
        with Image.open(path) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise UploadRefused(_("The image is damaged or not an image at all.")) from None


def _is_plain_text(path: Path) -> bool:
    """UTF-8 text without NUL bytes and without markup that a browser might run, anywhere in it."""
    content = path.read_bytes()
    if b"\x00" in content or _MARKUP.search(content):
        return False
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _make_thumbnail(source: Path, target: Path) -> bool:
    try:
        with Image.open(source) as image:
            image.thumbnail(THUMBNAIL_SIZE)
            target.parent.mkdir(parents=True, exist_ok=True)
            image.convert("RGBA" if image.mode in ("P", "LA", "RGBA") else "RGB").save(target, "PNG")
    except (OSError, ValueError, Image.DecompressionBombError):
        return False
    return True


def send_stored(root: str, sha256: str, content_type: str, name: str, thumbnail: bool = False) -> Response:
    """Serve a stored file so a browser can never run it: its own type, nosniff, a sandboxing CSP,
    and a download (inline only for images and PDF, which browsers show without running anything)."""
    path = thumbnail_path(root, sha256) if thumbnail else blob_path(root, sha256)
    if not path.is_file():
        abort(404)
    inline = thumbnail or content_type in INLINE_TYPES
    response = send_file(path, mimetype="image/png" if thumbnail else content_type, as_attachment=not inline,
                         download_name=name if not thumbnail else f"{name}.png", conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def prune_files(root: str, in_use: set[str], older_than_seconds: float = 3600.0) -> int:
    """Delete stored files (and their thumbnails) that no attachment names any more, e.g. after an
    admin deleted a post for good. Recent files are spared: an upload may still be committing."""
    removed, cutoff = 0, time.time() - older_than_seconds
    objects = Path(root) / "objects"
    if not objects.is_dir():
        return 0
    for path in objects.glob("*/*"):
        if path.name in in_use or path.stat().st_mtime > cutoff:
            continue
        path.unlink(missing_ok=True)
        thumbnail_path(root, path.name).unlink(missing_ok=True)
        removed += 1
    return removed
