"""Documents through the pages: the list, writing, reading with comments, editing with the merge
view, history, diffs, restoring, files, the good-practice library and its CSV, and exports."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from sqlalchemy import func, select

from app.actions import documents
from app.extensions import db
from app.models import Attachment, Document, DocumentRevision, Post, Thread, User, Workspace
from tests.factories import make_thread, make_workspace

MISSING_ID = 999_999
PRACTICE = {"organisation": "Tampereen kaupunki", "themes": "energia, koulut", "sdgs": ["7", "13"],
            "status": "completed", "results": "Päästöt laskivat 86 %.", "contact": "Anna Virtanen"}
BODY = "Ensimmäinen kappale.\n\nToinen kappale.\n\nKolmas kappale."


@pytest.fixture
def web_as(web_as):  # type: ignore[no-untyped-def]
    """The conftest's clients, reading the pages in English so the tests read like the behaviour."""

    def make(user: User | None):  # type: ignore[no-untyped-def]
        web = web_as(user)
        web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
        return web

    return make


def make_document(author: User, ws: Workspace, title: str = "Vuosikello", body: str = BODY, kind: str = "page",
                  fields: dict[str, Any] | None = None) -> Document:
    return documents.do_create_document(author, ws.slug, title, body, kind, fields)


def make_practice(author: User, ws: Workspace, title: str = "Koulujen lämpöpumput", **fields: Any) -> Document:
    return make_document(author, ws, title, "Mitä teimme.", "good_practice",
                         {"organisation": "Tampereen kaupunki", "themes": ["energia"], "sdgs": [7, 13],
                          "status": "completed", "results": "Päästöt laskivat.", "contact": "Anna", **fields})


def save(user: User, document: Document, body: str, base: int, title: str | None = None) -> Document:
    return documents.do_save_document(user, document.id, body, base, title)[0]


def html(response) -> str:  # type: ignore[no-untyped-def]
    return response.get_data(as_text=True)


def follow(web, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, html(response)[:500]
    return html(web.get(response.headers["Location"]))


def count(model: type) -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (11, 107, 79)).save(out, "PNG")
    return out.getvalue()


def upload(web, url: str, data: bytes, name: str):  # type: ignore[no-untyped-def]
    return web.post(url, {"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


# --- the list and writing ------------------------------------------------------------------------


def test_workspace_page_links_to_its_documents(web_as, member, workspace) -> None:
    page = html(web_as(member).get(f"/w/{workspace.slug}"))
    assert f'href="/w/{workspace.slug}/documents"' in page


def test_document_list_shows_kinds_authors_and_new_button(web_as, member, workspace) -> None:
    make_document(member, workspace, "Kokousmuistio")
    make_practice(member, workspace, "Aurinkopaneelit kouluihin")
    page = html(web_as(member).get(f"/w/{workspace.slug}/documents"))
    assert "Kokousmuistio" in page and "Aurinkopaneelit kouluihin" in page
    assert "badge--practice" in page and "badge--page" in page
    assert member.display_name in page
    assert f"/w/{workspace.slug}/documents/new" in page


def test_document_list_filters_by_kind(web_as, member, workspace) -> None:
    make_document(member, workspace, "Kokousmuistio")
    make_practice(member, workspace, "Aurinkopaneelit kouluihin")
    page = html(web_as(member).get(f"/w/{workspace.slug}/documents?kind=good_practice"))
    assert "Aurinkopaneelit kouluihin" in page and "Kokousmuistio" not in page


def test_reader_outside_the_workspace_sees_no_new_button(web_as, member, outsider, workspace) -> None:
    make_document(member, workspace, "Kokousmuistio")
    page = html(web_as(outsider).get(f"/w/{workspace.slug}/documents"))
    assert "Kokousmuistio" in page
    assert "/documents/new" not in page
    assert web_as(outsider).get(f"/w/{workspace.slug}/documents/new").status_code == 403


def test_anonymous_visitor_reads_public_documents(web_as, member, public_workspace) -> None:
    document = make_practice(member, public_workspace)
    web = web_as(None)
    assert "Koulujen lämpöpumput" in html(web.get(f"/w/{public_workspace.slug}/documents"))
    page = html(web.get(f"/d/{document.id}"))
    assert "Koulujen lämpöpumput" in page and "/sign-in" in page
    assert f"/d/{document.id}/edit" not in page


def test_member_creates_good_practice_and_sees_its_fact_box(web_as, member, workspace) -> None:
    web = web_as(member)
    form = {"title": "Koulujen maalämpö", "kind": "good_practice", "body": "Tämä on **tärkeää**", **PRACTICE}
    page = follow(web, web.post(f"/w/{workspace.slug}/documents/new", form))
    assert "<strong>tärkeää</strong>" in page
    assert "Tampereen kaupunki" in page and "Päästöt laskivat 86 %." in page
    assert "Affordable and clean energy" in page and "Climate action" in page
    assert 'href="/good-practices?theme=koulut"' in page
    assert "Revision 1, saved by Minna Jäsen" in page


def test_a_page_is_created_without_the_practice_fields(web_as, member, workspace) -> None:
    web = web_as(member)
    form = {"title": "Kokousmuistio", "kind": "page", "body": "Muistio", **PRACTICE}
    page = follow(web, web.post(f"/w/{workspace.slug}/documents/new", form))
    assert "Kokousmuistio" in page and "Päästöt laskivat" not in page
    assert db.session.scalars(select(Document)).one().fields == {}


def test_preview_renders_the_text_and_saves_nothing(web_as, member, workspace) -> None:
    web = web_as(member)
    response = web.post(f"/w/{workspace.slug}/documents/new",
                        {"title": "Luonnos", "kind": "page", "body": "## Otsikko\n\n*kursiivi*", "preview": "1"})
    assert response.status_code == 200
    page = html(response)
    assert '<div class="prose" data-preview-body><h2>Otsikko</h2>' in page
    assert "<em>kursiivi</em>" in page
    assert "## Otsikko" in page  # the text stays in the form
    assert count(Document) == 0


def test_empty_title_shows_an_error_and_keeps_the_text(web_as, member, workspace) -> None:
    response = web_as(member).post(f"/w/{workspace.slug}/documents/new",
                                   {"title": "  ", "kind": "page", "body": "Arvokas luonnos"})
    assert response.status_code == 422
    page = html(response)
    assert 'aria-invalid="true"' in page and "Arvokas luonnos" in page
    assert count(Document) == 0


def test_bad_goal_number_is_refused_on_its_field(web_as, member, workspace) -> None:
    response = web_as(member).post(f"/w/{workspace.slug}/documents/new",
                                   {"title": "Hanke", "kind": "good_practice", "body": "x", "sdgs": ["18"]})
    assert response.status_code == 422
    assert "Choose goals between 1 and 17." in html(response)


# --- reading and commenting ----------------------------------------------------------------------


def test_document_page_offers_edit_history_exports_and_live_attributes(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    page = html(web_as(member).get(f"/d/{document.id}"))
    for link in ("edit", "history", "export.md", "print"):
        assert f"/d/{document.id}/{link}" in page
    thread = db.session.scalar(select(Thread).where(Thread.document_id == document.id))
    assert f'data-thread="{thread.id}"' in page
    assert f'data-document="{document.id}"' in page and 'data-revision="1"' in page


def test_comment_goes_to_the_document_discussion_and_back(web_as, member, other_member, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(other_member)
    response = web.post(f"/d/{document.id}/comments", {"body": "Hyvä *alku*!"})
    assert response.status_code == 302
    post = db.session.scalars(select(Post)).one()
    assert response.headers["Location"] == f"/d/{document.id}#post-{post.id}"
    page = html(web.get(f"/d/{document.id}"))
    assert "Hyvä <em>alku</em>!" in page and f'id="post-{post.id}"' in page
    assert "1 comment" in page


def test_empty_comment_shows_an_error_on_the_document(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    response = web_as(member).post(f"/d/{document.id}/comments", {"body": " "})
    assert response.status_code == 422
    assert "Vuosikello" in html(response) and 'aria-invalid="true"' in html(response)
    assert count(Post) == 0


def test_outsider_cannot_comment(web_as, member, outsider, workspace) -> None:
    document = make_document(member, workspace)
    assert web_as(outsider).post(f"/d/{document.id}/comments", {"body": "Hei"}).status_code == 403
    assert count(Post) == 0


def test_discussion_thread_address_leads_to_the_document(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    thread = db.session.scalar(select(Thread).where(Thread.document_id == document.id))
    response = web_as(member).get(f"/t/{thread.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/d/{document.id}"


# --- editing and the merge view ------------------------------------------------------------------


def edit_form(body: str, base: int, title: str = "Vuosikello", summary: str = "") -> dict[str, Any]:
    return {"title": title, "body": body, "base_revision": str(base), "summary": summary}


def test_edit_page_starts_from_the_current_revision(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    save(member, document, BODY + "\n\nLisäys.", 1)
    page = html(web_as(member).get(f"/d/{document.id}/edit"))
    assert 'name="base_revision" type="hidden" value="2"' in page
    assert "Lisäys." in page


def test_saving_makes_a_revision_and_says_so(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(member)
    page = follow(web, web.post(f"/d/{document.id}/edit", edit_form("Uusi teksti", 1, summary="Kirjoitettu uusiksi")))
    assert "Saved as revision 2." in page and "Uusi teksti" in page
    assert "Kirjoitettu uusiksi" in html(web.get(f"/d/{document.id}/history"))


def test_saving_without_changes_makes_no_revision(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(member)
    page = follow(web, web.post(f"/d/{document.id}/edit", edit_form(BODY, 1)))
    assert "Nothing was changed" in page
    assert count(DocumentRevision) == 1


def test_stale_save_of_other_lines_is_merged_and_told(web_as, member, other_member, workspace) -> None:
    document = make_document(member, workspace)
    save(other_member, document, BODY.replace("Kolmas", "Kolmas muutettu"), 1)
    web = web_as(member)
    page = follow(web, web.post(f"/d/{document.id}/edit", edit_form(BODY.replace("Ensimmäinen", "Eka"), 1)))
    assert "your changes were merged with theirs (revision 3)" in page
    assert "Eka kappale." in page and "Kolmas muutettu kappale." in page


def test_overlapping_save_shows_the_merge_view_and_keeps_my_text(web_as, member, other_member, workspace) -> None:
    document = make_document(member, workspace)
    save(other_member, document, BODY.replace("Toinen kappale.", "Toinen kappale, heidän versionsa."), 1)
    web = web_as(member)
    mine = BODY.replace("Toinen kappale.", "Toinen kappale, minun versioni.")
    response = web.post(f"/d/{document.id}/edit", edit_form(mine, 1))
    assert response.status_code == 409
    page = html(response)
    assert "Someone saved this document while you were editing" in page
    assert "Their version (revision 2 by Mikko Muu)" in page and "Your version" in page
    assert re.search(r'<mark class="merge-clash">.*?Toinen kappale, heidän versionsa\.', page, re.S)
    assert re.search(r'<mark class="merge-clash">.*?Toinen kappale, minun versioni\.', page, re.S)
    assert "<del>" in page and "<ins>" in page
    assert 'name="base_revision" type="hidden" value="2"' in page
    textarea = re.search(r'<textarea[^>]*name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert textarea and "minun versioni" in textarea.group(1)
    assert "Use their version" in page
    db.session.expire_all()
    assert db.session.get(Document, document.id).revision == 2


def test_saving_from_the_merge_view_resolves_the_conflict(web_as, member, other_member, workspace) -> None:
    document = make_document(member, workspace)
    save(other_member, document, BODY.replace("Toinen", "Heidän toinen"), 1)
    web = web_as(member)
    assert web.post(f"/d/{document.id}/edit", edit_form(BODY.replace("Toinen", "Minun toinen"), 1)).status_code == 409
    resolved = BODY.replace("Toinen", "Yhteinen toinen")
    page = follow(web, web.post(f"/d/{document.id}/edit", edit_form(resolved, 2)))
    assert "Saved as revision 3." in page and "Yhteinen toinen kappale." in page


def test_both_changing_the_title_lists_it_as_a_clashing_field(web_as, member, other_member, workspace) -> None:
    document = make_document(member, workspace)
    save(other_member, document, BODY, 1, title="Heidän otsikkonsa")
    response = web_as(member).post(f"/d/{document.id}/edit", edit_form(BODY, 1, title="Minun otsikkoni"))
    assert response.status_code == 409
    page = html(response)
    assert "Both of you changed these fields" in page
    assert "Heidän otsikkonsa" in page and "Minun otsikkoni" in page


@pytest.mark.parametrize(("form", "message"), [
    (edit_form("Teksti", 7), "There is no such revision of this document."),
    (edit_form("Teksti", 1, title=""), "This field is required."),
    (edit_form("x" * 200_001, 1), "Must be at most 200000 characters."),
], ids=["unknown revision", "empty title", "overlong body"])
def test_bad_edit_shows_the_error_and_keeps_the_text(web_as, member, workspace, form, message) -> None:
    document = make_document(member, workspace)
    response = web_as(member).post(f"/d/{document.id}/edit", form)
    assert response.status_code == 422
    page = html(response)
    assert message in page
    assert form["body"][:50] in page
    assert count(DocumentRevision) == 1


def test_outsider_may_not_edit(web_as, member, outsider, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(outsider)
    assert web.get(f"/d/{document.id}/edit").status_code == 403
    assert web.post(f"/d/{document.id}/edit", edit_form("Kaapattu", 1)).status_code == 403
    assert count(DocumentRevision) == 1


def test_edit_preview_renders_without_saving(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    response = web_as(member).post(f"/d/{document.id}/edit", {**edit_form("**Luonnos**", 1), "preview": "1"})
    assert response.status_code == 200
    assert "<strong>Luonnos</strong>" in html(response)
    assert count(DocumentRevision) == 1


# --- history, revisions, differences, restoring --------------------------------------------------


def test_history_lists_revisions_newest_first_with_markers(web_as, member, other_member, workspace) -> None:
    document = make_document(member, workspace)
    save(other_member, document, BODY.replace("Kolmas", "3."), 1)
    documents.do_save_document(member, document.id, BODY.replace("Ensimmäinen", "1."), 1)  # merged
    documents.do_restore_revision(member, document.id, 1)
    page = html(web_as(member).get(f"/d/{document.id}/history"))
    positions = [page.index(f">Revision {n}<") for n in (4, 3, 2, 1)]
    assert positions == sorted(positions)
    assert "merged" in page and "restored from 1" in page
    assert 'name="from"' in page and 'name="to"' in page


def test_old_revision_is_shown_rendered_with_a_restore_button(web_as, member, workspace) -> None:
    document = make_document(member, workspace, body="**Vanha** teksti")
    save(member, document, "Uusi teksti", 1)
    page = html(web_as(member).get(f"/d/{document.id}/revisions/1"))
    assert "<strong>Vanha</strong> teksti" in page
    assert f"/d/{document.id}/revisions/1/restore" in page
    assert web_as(member).get(f"/d/{document.id}/revisions/9").status_code == 404


def test_diff_marks_added_and_removed_words_not_by_colour_alone(web_as, member, workspace) -> None:
    document = make_document(member, workspace, body="Kaupunki istuttaa puita.")
    save(member, document, "Kaupunki istuttaa tammia.", 1)
    page = html(web_as(member).get(f"/d/{document.id}/diff?from=1&to=2"))
    assert re.search(r'<del><span class="visually-hidden">\[removed: </span>puita', page)
    assert re.search(r'<ins><span class="visually-hidden">\[added: </span>tammia', page)
    assert "Key:" in page


def test_diff_of_an_unknown_revision_is_not_found(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    assert web_as(member).get(f"/d/{document.id}/diff?from=1&to=5").status_code == 404
    assert web_as(member).get(f"/d/{document.id}/diff?from=x&to=1").status_code == 404


def test_restore_makes_the_old_text_current_as_a_new_revision(web_as, member, workspace) -> None:
    document = make_document(member, workspace, body="Alkuperäinen")
    save(member, document, "Muutettu", 1)
    web = web_as(member)
    page = follow(web, web.post(f"/d/{document.id}/revisions/1/restore"))
    assert "Revision 1 was restored as revision 3." in page and "Alkuperäinen" in page


def test_outsider_cannot_restore(web_as, member, outsider, workspace) -> None:
    document = make_document(member, workspace)
    save(member, document, "Muutettu", 1)
    assert web_as(outsider).post(f"/d/{document.id}/revisions/1/restore").status_code == 403
    assert count(DocumentRevision) == 2


# --- exports -------------------------------------------------------------------------------------


def test_markdown_export_has_the_title_fields_and_text(web_as, member, workspace) -> None:
    document = make_practice(member, workspace)
    response = web_as(member).get(f"/d/{document.id}/export.md")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/markdown; charset=utf-8"
    assert 'attachment; filename=koulujen-lampopumput.md' in response.headers["Content-Disposition"]
    text = html(response)
    assert text.startswith("# Koulujen lämpöpumput\n\n")
    assert "- **Organisation:** Tampereen kaupunki" in text
    assert "- **Sustainable Development Goals:** 7 Affordable and clean energy; 13 Climate action" in text
    assert text.rstrip().endswith("Mitä teimme.")


def test_print_page_is_clean(web_as, member, workspace) -> None:
    document = make_practice(member, workspace)
    page = html(web_as(member).get(f"/d/{document.id}/print"))
    assert "Koulujen lämpöpumput" in page and "Tampereen kaupunki" in page
    assert "site-header" not in page and "Sign out" not in page


# --- files ---------------------------------------------------------------------------------------


def test_uploaded_png_is_listed_with_its_thumbnail(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(member)
    page = follow(web, upload(web, f"/d/{document.id}/attachments", png_bytes(), "kaavio.png"))
    attachment = db.session.scalars(select(Attachment)).one()
    assert "The file kaavio.png was added." in page
    assert f'src="/attachments/{attachment.id}/thumbnail"' in page
    assert f'href="/attachments/{attachment.id}"' in page
    thumbnail = web.get(f"/attachments/{attachment.id}/thumbnail")
    assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/png"
    download = web.get(f"/attachments/{attachment.id}")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download.headers["Content-Security-Policy"]


def test_html_named_png_is_refused_with_a_message(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(member)
    response = upload(web, f"/d/{document.id}/attachments", b"<html><script>alert(1)</script></html>", "kuva.png")
    assert response.headers["Location"] == f"/d/{document.id}"
    page = html(web.get(response.headers["Location"]))
    assert "The file was not added:" in page and "Traceback" not in page
    assert count(Attachment) == 0


def test_too_large_file_is_refused_with_a_message(app: Flask, web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(member)
    saved = app.config["UPLOAD_MAX_BYTES"]
    app.config["UPLOAD_MAX_BYTES"] = 1024 * 1024
    try:
        response = upload(web, f"/d/{document.id}/attachments", b"a" * (1024 * 1024 + 1), "iso.txt")
    finally:
        app.config["UPLOAD_MAX_BYTES"] = saved
    assert "The file is larger than 1 MB." in follow(web, response)
    assert count(Attachment) == 0


def test_outsider_cannot_upload_to_a_document(web_as, member, outsider, workspace) -> None:
    document = make_document(member, workspace)
    assert upload(web_as(outsider), f"/d/{document.id}/attachments", png_bytes(), "k.png").status_code == 403
    assert count(Attachment) == 0


def test_thumbnail_of_a_file_without_one_is_not_found(web_as, member, workspace) -> None:
    document = make_document(member, workspace)
    web = web_as(member)
    upload(web, f"/d/{document.id}/attachments", "Pelkkää tekstiä".encode(), "muistio.txt")
    attachment = db.session.scalars(select(Attachment)).one()
    assert web.get(f"/attachments/{attachment.id}/thumbnail").status_code == 404
    assert web.get(f"/attachments/{attachment.id}").status_code == 200


def test_post_author_attaches_a_file_shown_on_the_thread(web_as, member, other_member, workspace) -> None:
    thread, post = make_thread(member, workspace)
    web = web_as(member)
    assert f"/p/{post.id}/attachments" in html(web.get(f"/t/{thread.id}"))
    assert f"/p/{post.id}/attachments" not in html(web_as(other_member).get(f"/t/{thread.id}"))
    page = follow(web, upload(web, f"/p/{post.id}/attachments", png_bytes(), "kuva.png"))
    attachment = db.session.scalars(select(Attachment)).one()
    assert f'src="/attachments/{attachment.id}/thumbnail"' in page
    assert upload(web_as(other_member), f"/p/{post.id}/attachments", png_bytes(), "x.png").status_code == 403


# --- the good-practice library -------------------------------------------------------------------


@pytest.fixture
def library(member: User, owner: User, workspace: Workspace, private_workspace: Workspace) -> dict[str, Document]:
    return {
        "energy": make_practice(member, workspace, "Maalämpö kouluihin"),
        "waste": make_practice(member, workspace, "Kierrätyspankki", organisation="Lahden kaupunki",
                               themes=["kiertotalous"], sdgs=[12], status="ongoing",
                               results="=HYPERLINK(\"http://paha.example\")"),
        "secret": make_practice(member, private_workspace, "Salainen hanke", themes=["energia"]),
        "page": make_document(member, workspace, "Tavallinen sivu"),
    }


def test_library_lists_the_practices_the_reader_may_see(web_as, outsider, library) -> None:
    page = html(web_as(outsider).get("/good-practices"))
    assert "Maalämpö kouluihin" in page and "Kierrätyspankki" in page
    assert "Salainen hanke" not in page and "Tavallinen sivu" not in page
    assert '<option value="kiertotalous"' in page


def test_member_of_the_private_workspace_sees_its_practice_too(web_as, member, library) -> None:
    assert "Salainen hanke" in html(web_as(member).get("/good-practices"))


@pytest.mark.parametrize(("query", "shown", "hidden"), [
    ("theme=kiertotalous", "Kierrätyspankki", "Maalämpö kouluihin"),
    ("sdg=7", "Maalämpö kouluihin", "Kierrätyspankki"),
    ("organisation=lahden+kaupunki", "Kierrätyspankki", "Maalämpö kouluihin"),
], ids=["theme", "sdg", "organisation"])
def test_library_filters(web_as, outsider, library, query, shown, hidden) -> None:
    page = html(web_as(outsider).get(f"/good-practices?{query}"))
    assert shown in page and hidden not in page
    assert f"/good-practices.csv?{query.split('=')[0]}=" in page


def test_library_csv_has_the_filtered_rows(web_as, outsider, library) -> None:
    response = web_as(outsider).get("/good-practices.csv?theme=energia")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=good-practices.csv"
    assert response.mimetype == "text/csv"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["title", "workspace", "organisation", "themes", "sdgs", "status", "results", "contact",
                       "url", "updated_at"]
    assert [row[0] for row in rows[1:]] == ["Maalämpö kouluihin"]
    assert rows[1][4] == "7, 13" and rows[1][8].endswith(f"/d/{library['energy'].id}")


def test_library_csv_neutralises_formulas(web_as, outsider, library) -> None:
    raw = web_as(outsider).get("/good-practices.csv?theme=kiertotalous").get_data().decode("utf-8-sig")
    row = list(csv.reader(io.StringIO(raw)))[1]
    assert row[6] == "'=HYPERLINK(\"http://paha.example\")"


def test_header_links_to_the_library(web_as, member, ctx) -> None:
    assert 'href="/good-practices"' in html(web_as(member).get("/"))


# --- privacy: a private workspace's documents and files are as if missing ------------------------

SCOPED = [
    ("GET", "/d/{document}", None),
    ("POST", "/d/{document}/comments", {"body": "Hei"}),
    ("GET", "/d/{document}/edit", None),
    ("POST", "/d/{document}/edit", {"title": "Kaapattu", "body": "x", "base_revision": "1"}),
    ("POST", "/d/{document}/attachments", {}),
    ("GET", "/d/{document}/history", None),
    ("GET", "/d/{document}/revisions/1", None),
    ("POST", "/d/{document}/revisions/1/restore", {}),
    ("GET", "/d/{document}/diff", None),
    ("GET", "/d/{document}/export.md", None),
    ("GET", "/d/{document}/print", None),
    ("GET", "/attachments/{file}", None),
    ("GET", "/attachments/{file}/thumbnail", None),
]


@pytest.fixture
def private_file(member: User, private_workspace: Workspace) -> tuple[Document, Attachment]:
    from app.actions.attachments import do_attach_to_document

    document = make_document(member, private_workspace, "Luottamuksellinen")
    save(member, document, "Toinen versio", 1)
    return document, do_attach_to_document(member, document.id, io.BytesIO(png_bytes()), "salainen.png")


def ask(web, method: str, path: str, document: int, file: int, form):  # type: ignore[no-untyped-def]
    url = path.format(document=document, file=file) + ("?from=1&to=2" if path.endswith("/diff") else "")
    return web.get(url) if method == "GET" else web.post(url, form or {})


def page_of(response) -> str:  # type: ignore[no-untyped-def]
    return re.sub(r'(csrf-token" content|name="csrf_token" value|name="next" value)="[^"]*"', r'\1=""', html(response))


def written() -> dict[str, int]:
    return {model.__name__: count(model) for model in (Document, DocumentRevision, Attachment, Post)}


@pytest.mark.parametrize(("method", "path", "form"), SCOPED, ids=[f"{m} {p}" for m, p, _ in SCOPED])
def test_private_document_is_a_404_like_a_missing_one(web_as, outsider, private_file, method, path, form) -> None:
    document, attachment = private_file
    web, before = web_as(outsider), written()
    hidden = ask(web, method, path, document.id, attachment.id, form)
    missing = ask(web, method, path, MISSING_ID, MISSING_ID, form)
    assert hidden.status_code == missing.status_code == 404
    assert page_of(hidden) == page_of(missing)
    assert written() == before


@pytest.mark.parametrize(("method", "path", "form"), SCOPED, ids=[f"{m} {p}" for m, p, _ in SCOPED])
def test_private_document_answers_anonymous_as_if_missing(web_as, private_file, method, path, form) -> None:
    document, attachment = private_file
    web, before = web_as(None), written()
    hidden = ask(web, method, path, document.id, attachment.id, form)
    missing = ask(web, method, path, MISSING_ID, MISSING_ID, form)
    assert hidden.status_code == missing.status_code
    assert hidden.status_code in (302, 404)
    if hidden.status_code == 302:
        assert hidden.headers["Location"].startswith("/sign-in")
    assert written() == before


def test_every_document_and_file_page_is_in_the_privacy_table(app: Flask) -> None:
    placeholders = {"document_id": "{document}", "attachment_id": "{file}", "number": "1"}
    listed = {(method, path) for method, path, _ in SCOPED}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/d/", "/attachments/")):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: placeholders.get(m.group(1), "{other}"), rule.rule)
        routes |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes <= listed, f"add these to SCOPED: {sorted(routes - listed)}"


def test_a_network_workspace_document_is_hidden_from_anonymous_visitors(web_as, member) -> None:
    ws = make_workspace(member, visibility="network")
    document = make_document(member, ws)
    response = web_as(None).get(f"/d/{document.id}")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_the_pages_speak_finnish_by_default(web, member, public_workspace) -> None:
    document = make_practice(member, public_workspace)
    library = html(web.get("/good-practices"))
    assert "Hyvät käytännöt" in library and "Edullista ja puhdasta energiaa" in library
    assert "Hyvä käytäntö lyhyesti" in html(web.get(f"/d/{document.id}"))


def test_printed_and_exported_links_are_on_the_public_address(app, web_as, member, workspace) -> None:
    """A printout or a spreadsheet carries the document's address away: from PUBLIC_URL, never the Host."""
    document = make_practice(member, workspace)
    web = web_as(None)
    web.client.environ_base["HTTP_HOST"] = "evil.example"
    web.sign_in(member)
    address = f"{app.config['PUBLIC_URL']}/d/{document.id}"
    printed = html(web.get(f"/d/{document.id}/print"))
    assert address in printed and "evil.example" not in printed
    exported = html(web.get("/good-practices.csv"))
    assert address in exported and "evil.example" not in exported
