"""Posting is limited per person (RATELIMIT_POSTING), and every door that writes a post draws from the
same count: a new thread or a reply through the page or the API, a comment on a document. The
refusal is a 429 that says when to try again, and nothing of it is written.

The signed-in person is counted, not the address: a colleague at the same city hall still posts.
"""

from __future__ import annotations

import io
from typing import Any

from flask import Flask
from sqlalchemy import func, select

from app.actions import documents
from app.extensions import db
from app.models import Attachment, Post, User, Workspace
from tests.factories import make_thread


def post_count() -> int:
    return int(db.session.scalar(select(func.count()).select_from(Post)) or 0)


def assert_refused(response: Any) -> None:
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 0


def test_every_posting_door_draws_from_one_count_per_person(app: Flask, web_as, api_as, rate_limits,
                                                            owner: User, member: User, other_member: User,
                                                            workspace: Workspace) -> None:
    thread, _ = make_thread(owner, workspace)
    document = documents.do_create_document(owner, workspace.slug, "Ilmasto-ohjelma", "Luonnos")
    app.config["RATELIMIT_POSTING"] = "5 per minute"
    page, api = web_as(member), api_as(member)
    done = [
        page.post(f"/w/{workspace.slug}/new-thread", {"title": "Sivulta", "body": "Aloitus"}).status_code,
        page.post(f"/t/{thread.id}/reply", {"body": "Sivulta vastaus"}).status_code,
        api.post(f"/workspaces/{workspace.slug}/threads", json={"title": "API:sta", "body": "Aloitus"}).status_code,
        api.post(f"/threads/{thread.id}/posts", json={"body": "API:sta vastaus"}).status_code,
        page.post(f"/d/{document.id}/comments", {"body": "Kommentti"}).status_code,
    ]
    assert done == [302, 302, 201, 201, 302]
    before = post_count()

    refused = api.post(f"/threads/{thread.id}/posts", json={"body": "Yksi liikaa"})
    assert_refused(refused)
    assert refused.get_json()["error"] == "rate_limited"
    assert_refused(page.post(f"/t/{thread.id}/reply", {"body": "Yksi liikaa"}))
    assert_refused(page.post(f"/w/{workspace.slug}/new-thread", {"title": "Liikaa", "body": "Liikaa"}))
    assert_refused(api.post(f"/workspaces/{workspace.slug}/threads", json={"title": "Liikaa", "body": "Liikaa"}))
    assert_refused(page.post(f"/d/{document.id}/comments", {"body": "Yksi liikaa"}))
    assert post_count() == before

    # Counted per person, not per address: a colleague behind the same address still posts.
    assert api_as(other_member).post(f"/threads/{thread.id}/posts", json={"body": "Minä vielä"}).status_code == 201



def test_uploads_through_the_page_and_the_api_draw_from_the_posting_count(app: Flask, web_as, api_as, rate_limits,
                                                                          owner: User, member: User,
                                                                          workspace: Workspace) -> None:
    """A file added to a document or to one's own post counts as posting, whichever door it comes in by."""
    _thread, post = make_thread(member, workspace)
    document = documents.do_create_document(owner, workspace.slug, "Liitteet", "Luonnos")
    app.config["RATELIMIT_POSTING"] = "4 per minute"
    page, api = web_as(member), api_as(member)

    def api_upload(path: str) -> Any:
        return api.request("POST", path, data={"file": (io.BytesIO(b"Muistio"), "muistio.txt")},
                           content_type="multipart/form-data")

    def page_upload(path: str) -> Any:
        return page.post(path, {"file": (io.BytesIO(b"Muistio"), "muistio.txt")}, content_type="multipart/form-data")

    done = [page_upload(f"/d/{document.id}/attachments").status_code,
            page_upload(f"/p/{post.id}/attachments").status_code,
            api_upload(f"/documents/{document.id}/attachments").status_code,
            api_upload(f"/posts/{post.id}/attachments").status_code]
    assert done == [302, 302, 201, 201]
    for refused in (api_upload(f"/documents/{document.id}/attachments"), api_upload(f"/posts/{post.id}/attachments"),
                    page_upload(f"/d/{document.id}/attachments"), page_upload(f"/p/{post.id}/attachments")):
        assert_refused(refused)
    assert db.session.scalar(select(func.count()).select_from(Attachment)) == 4
