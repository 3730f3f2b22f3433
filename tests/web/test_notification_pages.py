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


def test_notices_read_as_sentences_and_are_marked_read(web_as, moderator, member, workspace) -> None:
    _thread, post = make_thread(member, workspace, "Aurinkopaneelit")
    moderation.do_hide_post(moderator, post.id, "Mainostusta")
    membership.do_change_role(moderator, workspace.slug, member.id, "facilitator")
    web = web_as(member)
    page = web.get("/notifications").get_data(as_text=True)
    assert "Moderaattori piilotti viestisi ketjussa ”Aurinkopaneelit”." in page
    assert "Syy: Mainostusta" in page
    assert f"Roolisi työtilassa {workspace.name} on nyt: Fasilitaattori." in page
    assert page.count("notice--new") == 2
    assert badge(web.get("/").get_data(as_text=True)) == "0"


def test_mark_all_read(web_as, moderator, member, workspace) -> None:
    membership.do_change_role(moderator, workspace.slug, member.id, "facilitator")
    web = web_as(member)
    response = web.post("/notifications/read")
    assert response.status_code == 302
    assert badge(web.get("/").get_data(as_text=True)) == "0"


def test_anonymous_visitor_is_asked_to_sign_in(web_as) -> None:
    response = web_as(None).get("/notifications")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]
