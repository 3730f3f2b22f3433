"""Files attached to documents and posts over /api/v1: uploads that are stored and uploads that
are refused (with nothing written, in the database or on disk), and who may download what."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from PIL import Image

from app.actions import documents, moderation, threads
from app.extensions import db
from app.models import Attachment, Document, Post, User, Workspace
from app.storage import blob_path, thumbnail_path
from tests.api.expect import assert_error, assert_invalid
from tests.factories import make_thread

MISSING_ID = 999_999
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
ATTACHMENT_FIELDS = {"id", "name", "content_type", "size", "url", "thumbnail_url", "created_at"}


def png(width: int = 40, height: int = 30, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), (10, 120, 40)).save(out, "JPEG")
    return out.getvalue()


def upload(api: Any, path: str, content: bytes | None, name: str = "liite.pdf") -> Any:
    data = {} if content is None else {"file": (io.BytesIO(content), name)}
    return api.request("POST", path, data=data, content_type="multipart/form-data")


def upload_exactly(api: Any, path: str, content: bytes, name: str) -> Any:
    """Upload with the name sent as RFC 5987 `filename*`, so the server receives it byte for byte
    (in a quoted `filename="..."` a backslash is an escape, and the test client does not escape)."""
    boundary = "vk-boundary-7c1d"
    head = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename*=UTF-8''{quote(name, safe='')}"
            "\r\nContent-Type: application/octet-stream\r\n\r\n")
    body = head.encode() + content + f"\r\n--{boundary}--\r\n".encode()
    return api.request("POST", path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


@pytest.fixture
def page(member: User, workspace: Workspace) -> Document:
    return documents.do_create_document(member, workspace.slug, "Ilmasto-ohjelma", "Teksti")


@pytest.fixture
def private_page(member: User, private_workspace: Workspace) -> Document:
    return documents.do_create_document(member, private_workspace.slug, "Salainen", "Teksti")


@pytest.fixture
def upload_dir(app: Flask) -> Path:
    return Path(app.config["UPLOAD_DIR"])


@pytest.fixture
def files_on_disk(upload_dir: Path):  # type: ignore[no-untyped-def]
    """files_on_disk() -> every file under UPLOAD_DIR now (objects, thumbnails, half-written copies)."""

    def snapshot() -> set[str]:
        return {str(p.relative_to(upload_dir)) for p in upload_dir.rglob("*") if p.is_file()}

    return snapshot


@pytest.fixture
def small_uploads(app: Flask) -> Iterator[int]:
    """Uploads limited to 1,000 bytes for one test."""
    saved = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 1000
    yield 1000
    app.config["UPLOAD_MAX_BYTES"] = saved


def attach(user: User, document: Document, content: bytes, name: str) -> Attachment:
    from app.actions import attachments

    return attachments.do_attach_to_document(user, document.id, io.BytesIO(content), name)


# --- uploads that are stored ---------------------------------------------------------------------------


def test_upload_to_a_document(api_as, member, page, upload_dir, rows) -> None:
    response = upload(api_as(member), f"/documents/{page.id}/attachments", PDF, "Raportti 2025 – ääkköset.pdf")
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert set(data) == ATTACHMENT_FIELDS
    assert (data["name"], data["content_type"], data["size"]) == ("Raportti 2025 – ääkköset.pdf",
                                                                 "application/pdf", len(PDF))
    assert data["url"] == f"/attachments/{data['id']}" and data["thumbnail_url"] is None
    stored = db.session.get(Attachment, data["id"])
    assert (stored.document_id, stored.post_id, stored.uploader_id) == (page.id, None, member.id)
    assert blob_path(str(upload_dir), stored.sha256).read_bytes() == PDF
    assert rows(Attachment) == 1


def test_upload_to_ones_own_post(api_as, member, post) -> None:
    note = b"Muistiinpanot\nrivi kaksi\n"
    response = upload(api_as(member), f"/posts/{post.id}/attachments", note, "muistio.txt")
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert (data["content_type"], data["size"]) == ("text/plain", len(note))
    assert db.session.get(Attachment, data["id"]).post_id == post.id


def test_csv_is_typed_by_its_name_once_its_content_is_text(api_as, member, page) -> None:
    response = upload(api_as(member), f"/documents/{page.id}/attachments", b"kunta;co2\nLahti;12\n", "data.csv")
    assert response.get_json()["content_type"] == "text/csv"


def test_the_name_never_decides_the_type(api_as, member, page) -> None:
    image = upload(api_as(member), f"/documents/{page.id}/attachments", png(), "muistio.txt").get_json()
    pdf = upload(api_as(member), f"/documents/{page.id}/attachments", PDF, "kuva.png").get_json()
    assert (image["content_type"], pdf["content_type"]) == ("image/png", "application/pdf")
    assert image["thumbnail_url"] and not pdf["thumbnail_url"]


def test_image_gets_a_thumbnail(api_as, member, page, upload_dir) -> None:
    response = upload(api_as(member), f"/documents/{page.id}/attachments", jpeg(), "valokuva.jpg")
    data = response.get_json()
    assert (response.status_code, data["content_type"]) == (201, "image/jpeg")
    assert data["thumbnail_url"] == f"/attachments/{data['id']}/thumbnail"
    sha = db.session.get(Attachment, data["id"]).sha256
    with Image.open(thumbnail_path(str(upload_dir), sha)) as thumbnail:
        assert max(thumbnail.size) <= 480 and thumbnail.format == "PNG"


def test_the_same_bytes_are_stored_once(api_as, member, other_member, page, upload_dir, files_on_disk) -> None:
    content = png(colour=(1, 2, 3))
    before = files_on_disk()
    first = upload(api_as(member), f"/documents/{page.id}/attachments", content, "a.png").get_json()
    second = upload(api_as(other_member), f"/documents/{page.id}/attachments", content, "toinen.png").get_json()
    assert first["id"] != second["id"]
    sha = db.session.get(Attachment, first["id"]).sha256
    assert db.session.get(Attachment, second["id"]).sha256 == sha
    new_files = files_on_disk() - before
    assert new_files == {str(blob_path("", sha)).lstrip("/"), str(thumbnail_path("", sha)).lstrip("/")}


# --- uploads that are refused, with nothing written ------------------------------------------------------

HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
BARE_HTML = b"Katso kuva: <img src=x onerror=alert(1)>"
SVG = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
       b"<script>alert(1)</script></svg>")
SVG_NO_PROLOGUE = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
LATE_MARKUP = b"kaupunki " * 2000 + b"<script>alert(1)</script>"

REFUSED = [
    pytest.param(b"", "tyhja.txt", id="empty file"),
    pytest.param(HTML, "kuva.png", id="HTML named .png"),
    pytest.param(BARE_HTML, "kuva.png", id="tag without <html> named .png"),
    pytest.param(SVG, "kuva.png", id="SVG named .png"),
    pytest.param(SVG_NO_PROLOGUE, "kuva.png", id="SVG without prologue named .png"),
    pytest.param(SVG, "kuva.svg", id="real SVG"),
    pytest.param(LATE_MARKUP, "muistio.txt", id="markup after 8 kB of text"),
    pytest.param(b"\x89PNG\r\n\x1a\n" + HTML, "kuva.png", id="PNG header then HTML"),
    pytest.param(b"MZ\x90\x00\x03" + b"\x00" * 200, "ohjelma.pdf", id="Windows program named .pdf"),
    pytest.param("Latin-1 ääkköset".encode("latin-1"), "teksti.txt", id="text not UTF-8"),
    pytest.param(b"PK\x03\x04" + b"\x00" * 100, "arkisto.docx", id="zip posing as docx"),
    pytest.param(PDF, "a/b.pdf", id="slash in name"),
    pytest.param(PDF, "..\\..\\b.pdf", id="backslash in name"),
    pytest.param(PDF, "..", id="name .."),
    pytest.param(PDF, "a\x01b.pdf", id="control character in name"),
    pytest.param(PDF, "a\x7fb.pdf", id="DEL in name"),
    pytest.param(PDF, "a\x85b.pdf", id="C1 control in name"),
    pytest.param(PDF, "lasku\u202efdp.exe", id="right-to-left override in name"),
    pytest.param(PDF, "x" * 296 + ".pdf", id="300-character name"),
    pytest.param(PDF, "   ", id="blank name"),
]


@pytest.mark.parametrize(("content", "name"), REFUSED)
@pytest.mark.parametrize("target", ["document", "post"])
def test_bad_upload_is_refused_and_nothing_is_written(
    api_as, member, page, post, rows, files_on_disk, content, name, target
) -> None:
    before = files_on_disk()
    path = f"/documents/{page.id}/attachments" if target == "document" else f"/posts/{post.id}/attachments"
    body = assert_invalid(upload_exactly(api_as(member), path, content, name), "file")
    assert body["fields"]["file"]
    assert rows(Attachment) == 0
    assert files_on_disk() == before


def test_missing_file_field_is_invalid(api_as, member, page, rows, files_on_disk) -> None:
    before = files_on_disk()
    assert_invalid(upload(api_as(member), f"/documents/{page.id}/attachments", None), "file")
    response = api_as(member).request("POST", f"/documents/{page.id}/attachments",
                                      data={"other": (io.BytesIO(PDF), "a.pdf")}, content_type="multipart/form-data")
    assert_invalid(response, "file")
    assert rows(Attachment) == 0
    assert files_on_disk() == before


def test_file_too_large_is_refused(api_as, member, page, post, rows, files_on_disk, small_uploads) -> None:
    before = files_on_disk()
    big = b"kaupunki " * 200  # 1,800 bytes of plain text
    body = assert_error(upload(api_as(member), f"/documents/{page.id}/attachments", big, "iso.txt"), 413, "too_large")
    assert body["message"]
    assert_error(upload(api_as(member), f"/posts/{post.id}/attachments", big, "iso.txt"), 413, "too_large")
    assert rows(Attachment) == 0
    assert files_on_disk() == before


def test_request_larger_than_any_upload_is_refused_before_reading(api_as, app, member, page, rows,
                                                                  files_on_disk) -> None:
    before, saved = files_on_disk(), app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 2000
    try:
        response = upload(api_as(member), f"/documents/{page.id}/attachments", b"k" * 5000, "iso.txt")
    finally:
        app.config["MAX_CONTENT_LENGTH"] = saved
    assert_error(response, 413, "too_large")
    assert rows(Attachment) == 0
    assert files_on_disk() == before


def test_file_at_the_limit_is_accepted(api_as, member, page, small_uploads) -> None:
    response = upload(api_as(member), f"/documents/{page.id}/attachments", b"k" * small_uploads, "raja.txt")
    assert response.status_code == 201
    assert response.get_json()["size"] == small_uploads


def test_non_member_cannot_upload_to_a_network_document(api_as, outsider, page, rows, files_on_disk) -> None:
    before = files_on_disk()
    assert_error(upload(api_as(outsider), f"/documents/{page.id}/attachments", PDF), 403, "forbidden")
    assert rows(Attachment) == 0
    assert files_on_disk() == before


def test_outsider_cannot_upload_to_a_private_document(api_as, outsider, private_page, rows, files_on_disk) -> None:
    before = files_on_disk()
    api = api_as(outsider)
    hidden = upload(api, f"/documents/{private_page.id}/attachments", PDF)
    missing = upload(api, f"/documents/{MISSING_ID}/attachments", PDF)
    assert_error(hidden, 404, "not_found")
    assert hidden.get_data() == missing.get_data()
    assert rows(Attachment) == 0
    assert files_on_disk() == before


def test_nobody_uploads_to_someone_elses_post(api_as, other_member, moderator, post, rows, files_on_disk) -> None:
    before = files_on_disk()
    for user in (other_member, moderator):
        assert_error(upload(api_as(user), f"/posts/{post.id}/attachments", PDF), 403, "forbidden")
    assert rows(Attachment) == 0
    assert files_on_disk() == before


def test_anonymous_cannot_upload(api_as, page, rows) -> None:
    assert_error(upload(api_as(None), f"/documents/{page.id}/attachments", PDF), 401, "unauthenticated")
    assert rows(Attachment) == 0


def test_upload_to_a_missing_post_is_not_found(api_as, member, rows) -> None:
    assert_error(upload(api_as(member), f"/posts/{MISSING_ID}/attachments", PDF), 404, "not_found")
    assert rows(Attachment) == 0


# --- downloads -----------------------------------------------------------------------------------------


def assert_served_safely(response: Any, content: bytes, content_type: str, disposition: str) -> None:
    assert response.status_code == 200
    assert response.get_data() == content
    assert response.mimetype == content_type
    assert response.headers["Content-Disposition"].startswith(disposition)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


def test_member_downloads_a_document_file(api_as, member, other_member, page) -> None:
    attachment = attach(member, page, b"Muistio\n", "muistio.txt")
    response = api_as(other_member).get(f"/attachments/{attachment.id}")
    assert_served_safely(response, b"Muistio\n", "text/plain", "attachment")
    assert "muistio.txt" in response.headers["Content-Disposition"]


def test_images_and_pdf_are_shown_inline_but_still_sandboxed(api_as, member, page) -> None:
    image, pdf = attach(member, page, png(), "kuva.png"), attach(member, page, PDF, "raportti.pdf")
    assert_served_safely(api_as(member).get(f"/attachments/{image.id}"), png(), "image/png", "inline")
    assert_served_safely(api_as(member).get(f"/attachments/{pdf.id}"), PDF, "application/pdf", "inline")


def test_a_name_with_unicode_is_offered_safely(api_as, member, page) -> None:
    attachment = attach(member, page, PDF, 'Päätös "lopullinen"; 2025.pdf')
    disposition = api_as(member).get(f"/attachments/{attachment.id}").headers["Content-Disposition"]
    assert "\n" not in disposition and "filename*=UTF-8''" in disposition


def test_network_reader_downloads_a_document_file(api_as, member, outsider, page) -> None:
    attachment = attach(member, page, PDF, "raportti.pdf")
    assert api_as(outsider).get(f"/attachments/{attachment.id}").get_data() == PDF


def test_web_path_serves_the_same_file_with_a_thumbnail(app, web_as, member, page) -> None:
    attachment = attach(member, page, jpeg(), "kuva.jpg")
    web = web_as(member)
    assert_served_safely(web.get(f"/attachments/{attachment.id}"), jpeg(), "image/jpeg", "inline")
    thumbnail = web.get(f"/attachments/{attachment.id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/png"
    assert thumbnail.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_private_file_is_not_found_like_a_missing_one(api_as, web_as, member, outsider, private_page, who) -> None:
    attachment = attach(member, private_page, PDF, "salainen.pdf")
    user = outsider if who == "outsider" else None
    api, web = api_as(user), web_as(user)
    hidden, missing = api.get(f"/attachments/{attachment.id}"), api.get(f"/attachments/{MISSING_ID}")
    assert_error(hidden, 404, "not_found")
    assert hidden.get_data() == missing.get_data()
    for path in ("/attachments/{}", "/attachments/{}/thumbnail"):
        hidden, missing = web.get(path.format(attachment.id)), web.get(path.format(MISSING_ID))
        assert hidden.status_code == missing.status_code == 404, path
        # A page may repeat the address it was asked for (a language switch does); nothing else differs.
        assert hidden.get_data().replace(f"/{attachment.id}".encode(), b"/ID") == \
            missing.get_data().replace(f"/{MISSING_ID}".encode(), b"/ID"), path
        assert PDF not in hidden.get_data()


def test_private_post_file_is_not_found_for_outsiders(api_as, member, outsider, private_workspace) -> None:
    _thread, post = make_thread(member, private_workspace, "Salainen ketju", "Liite alla")
    from app.actions import attachments

    attachment = attachments.do_attach_to_post(member, post.id, io.BytesIO(PDF), "liite.pdf")
    assert api_as(member).get(f"/attachments/{attachment.id}").status_code == 200
    assert_error(api_as(outsider).get(f"/attachments/{attachment.id}"), 404, "not_found")


def _attach_to_post(user: User, post: Post) -> Attachment:
    from app.actions import attachments

    return attachments.do_attach_to_post(user, post.id, io.BytesIO(PDF), "liite.pdf")


def test_hidden_posts_file_is_kept_from_readers(api_as, member, other_member, moderator, post) -> None:
    attachment = _attach_to_post(member, post)
    moderation.do_hide_post(moderator, post.id, "Asiaton liite")
    assert_error(api_as(other_member).get(f"/attachments/{attachment.id}"), 404, "not_found")
    assert api_as(member).get(f"/attachments/{attachment.id}").status_code == 200  # its author
    assert api_as(moderator).get(f"/attachments/{attachment.id}").status_code == 200


def test_deleted_posts_file_is_gone_for_everyone(api_as, member, moderator, thread) -> None:
    reply = threads.do_post_reply(member, thread.id, "Tässä liite")
    attachment = _attach_to_post(member, reply)
    threads.do_delete_post(member, reply.id)
    for user in (member, moderator):
        assert_error(api_as(user).get(f"/attachments/{attachment.id}"), 404, "not_found")


def test_file_of_a_pending_post_is_announced_to_moderators_only(member, workspace) -> None:
    from sqlalchemy import select

    from app.models import Event
    from tests.actions.helpers import set_attributes
    from tests.factories import add_member, make_user

    set_attributes(workspace, premoderation=True)
    newcomer = make_user("Uusi Jäsen")
    add_member(workspace, newcomer)
    _thread, pending = make_thread(newcomer, workspace, "Odottaa hyväksyntää", "Teksti")
    assert pending.pending
    _attach_to_post(newcomer, pending)
    added = db.session.scalars(select(Event).where(Event.kind == "attachment.added")).one()
    assert added.audience == "moderators"
