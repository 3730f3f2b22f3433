"""The document pages never render more than a document may hold, and never render on view.

The preview checks the text as a save does (at most 200,000 characters: over it, 422 with the
message in the preview and beside the text, where a 450 kB preview used to be rendered); a form
larger than the server reads is refused with 413; a revision's page shows the HTML stored when the
revision was saved, so viewing it costs no rendering. A request without a file is read only up to
1.5 MB (MAX_TEXT_BODY_BYTES), enough for the longest text however it is escaped.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

from app.actions import documents
from app.actions.documents import BODY_MAX
from app.extensions import db
from app.models import Document, DocumentRevision, User, Workspace
from app.text import render_markdown

TABLE = "|a|b|\n|-|-|\n" + "|a|b|\n" * 20_000
TOO_LONG = "x" * (BODY_MAX + 1)
LIMIT_MESSAGE = "Must be at most 200000 characters."


@pytest.fixture
def writer(web_as, member: User):  # type: ignore[no-untyped-def]
    """The member's web client, reading the pages in English so the messages can be checked."""
    web = web_as(member)
    web.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return web


def preview_body(page: str) -> str:
    found = re.search(r"<div class=\"prose\" data-preview-body>(.*?)</div>\s*</section>", page, re.S)
    assert found, page[:2000]
    return found.group(1)


def documents_count() -> int:
    return len(db.session.scalars(select(Document)).all())


def test_preview_of_a_large_table_within_the_limit_is_rendered(writer, workspace: Workspace) -> None:
    response = writer.post(f"/w/{workspace.slug}/documents/new",
                                   {"title": "Taulukko", "kind": "page", "body": TABLE, "preview": "1"})
    assert response.status_code == 200
    assert preview_body(response.get_data(as_text=True)).count("<tr>") == 20_001
    assert documents_count() == 0


def test_preview_of_a_new_document_over_the_limit_is_refused(writer, workspace: Workspace) -> None:
    response = writer.post(f"/w/{workspace.slug}/documents/new",
                                   {"title": "Liian pitkä", "kind": "page", "body": TOO_LONG, "preview": "1"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert LIMIT_MESSAGE in preview_body(page)  # where the preview would be, also when fetched by script
    assert 'aria-invalid="true"' in page
    assert documents_count() == 0


def test_preview_of_an_edit_over_the_limit_is_refused(writer, member: User, workspace: Workspace) -> None:
    document = documents.do_create_document(member, workspace.slug, "Vuosikello", "Lyhyt.")
    response = writer.post(f"/d/{document.id}/edit", {
        "title": "Vuosikello", "body": TOO_LONG, "base_revision": "1", "summary": "", "preview": "1"})
    assert response.status_code == 422
    assert LIMIT_MESSAGE in preview_body(response.get_data(as_text=True))
    assert len(db.session.scalars(select(DocumentRevision)).all()) == 1


def test_a_form_larger_than_any_text_is_refused_before_it_is_decoded(writer, web_as,
                                                                     workspace: Workspace) -> None:
    """Decoding 18 MB of a url-encoded form took 3.6 s of the hub; no text needs more than 1.5 MB."""
    response = writer.post(f"/w/{workspace.slug}/documents/new",
                                   {"title": "Valtava", "kind": "page", "body": "ä" * 400_000, "preview": "1"})
    assert response.status_code == 413
    assert documents_count() == 0
    assert web_as(None).post("/sign-in", {"email": "x" * 2_000_000}, csrf=False).status_code == 413


def test_the_longest_document_of_escaped_characters_still_fits(api_as, member: User,
                                                               workspace: Workspace) -> None:
    """200,000 non-ASCII characters, escaped as JSON clients escape them (6 bytes each), are saved."""
    response = api_as(member).post(f"/workspaces/{workspace.slug}/documents",
                                   json={"title": "Ääkköset", "body": "ä" * BODY_MAX})
    assert response.status_code == 201, response.get_json()
    assert len(response.get_json()["body"]) == BODY_MAX


def test_every_revision_stores_its_html_when_saved(member: User, workspace: Workspace) -> None:
    document = documents.do_create_document(member, workspace.slug, "Vuosikello", "**Eka**")
    documents.do_save_document(member, document.id, "*Toka*", 1)
    documents.do_restore_revision(member, document.id, 1)
    stored = db.session.scalars(select(DocumentRevision).order_by(DocumentRevision.number)).all()
    assert [r.html for r in stored] == [render_markdown(b).html for b in ("**Eka**", "*Toka*", "**Eka**")]


def test_the_revision_page_shows_the_stored_html_without_rendering(web_as, member: User,
                                                                    public_workspace: Workspace) -> None:
    document = documents.do_create_document(member, public_workspace.slug, "Vuosikello", "Alkuperäinen")
    # What the page shows comes from the row: changed there, the page shows the change.
    db.session.execute(update(DocumentRevision).values(html="<p>Tallennettu kerran</p>\n"))
    db.session.commit()
    page = web_as(None).get(f"/d/{document.id}/revisions/1").get_data(as_text=True)
    assert "<p>Tallennettu kerran</p>" in page
    assert "Alkuperäinen</p>" not in page
