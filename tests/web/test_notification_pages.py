"""The notices page and the unread count in the header."""

from __future__ import annotations

import re

from app.actions import membership, moderation
from tests.factories import make_thread


def badge(page: str) -> str:
    found = re.search(r'<span id="notification-count"[^>]*data-count="(\d+)"', page)
    assert found, "no notification badge"
    return found.group(1)


def test_header_shows_the_unread_count(web_as, moderator, member, workspace) -> None:
    _thread, post = make_thread(member, workspace)
    moderation.do_hide_post(moderator, post.id, "Mainostusta")
    page = web_as(member).get("/").get_data(as_text=True)
    assert badge(page) == "1"


def test_badge_is_hidden_with_nothing_unread(web_as, member) -> None:
    page = web_as(member).get("/").get_data(as_text=True)
    assert badge(page) == "0"
    assert re.search(r'id="notification-count"[^>]*hidden', page)


def test_notices_read_as_sentences_and_stay_unread_when_looked_at(web_as, moderator, member, workspace) -> None:
    _thread, post = make_thread(member, workspace, "Aurinkopaneelit")
    moderation.do_hide_post(moderator, post.id, "Mainostusta")
    membership.do_change_role(moderator, workspace.slug, member.id, "facilitator")
    web = web_as(member)
    page = web.get("/notifications").get_data(as_text=True)
    assert "Moderaattori piilotti viestisi ketjussa ”Aurinkopaneelit”." in page
    assert "Syy: Mainostusta" in page
    assert f"Roolisi työtilassa {workspace.name} on nyt: Fasilitaattori." in page
    assert page.count("notice--new") == 2
    # A GET changes nothing (a prefetch or a link preview must not read someone's notices).
    again = web.get("/notifications").get_data(as_text=True)
    assert again.count("notice--new") == 2
    assert badge(again) == "2"
    assert 'action="/notifications/read"' in again


def test_mark_all_read_is_a_post_with_a_csrf_token(web_as, moderator, member, workspace) -> None:
    membership.do_change_role(moderator, workspace.slug, member.id, "facilitator")
    web = web_as(member)
    assert web.post("/notifications/read", csrf=False).status_code == 400
    assert badge(web.get("/").get_data(as_text=True)) == "1"
    response = web.post("/notifications/read")
    assert response.status_code == 302
    page = web.get("/notifications").get_data(as_text=True)
    assert badge(page) == "0"
    assert "notice--new" not in page
    assert 'action="/notifications/read"' not in page  # nothing left to mark


def test_anonymous_visitor_is_asked_to_sign_in(web_as) -> None:
    response = web_as(None).get("/notifications")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
