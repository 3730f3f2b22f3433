"""Reading and writing in threads through the pages."""

from __future__ import annotations

import re

from flask import Flask
from sqlalchemy import func, select, update

from app.actions.unit import transactional
from app.extensions import db
from app.models import Post, Thread, User, Workspace
from tests.factories import make_thread, make_workspace, reply


def test_member_starts_thread_and_sees_it_rendered(web_as, member: User, workspace: Workspace) -> None:
    web = web_as(member)
    response = web.post(f"/w/{workspace.slug}/new-thread", {"title": "Kaukolämpö", "body": "Tämä on **tärkeää**"})
    assert response.status_code == 302
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "<strong>tärkeää</strong>" in page


def test_outsider_cannot_post_in_network_workspace(web_as, outsider: User, member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    response = web_as(outsider).post(f"/t/{thread.id}/reply", {"body": "Hei"})
    assert response.status_code == 403
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_private_workspace_is_404_for_outsider_on_every_page(web_as, outsider, member, private_workspace) -> None:
    thread, post = make_thread(member, private_workspace)
    web = web_as(outsider)
    for url in (f"/w/{private_workspace.slug}", f"/w/{private_workspace.slug}/members",
                f"/w/{private_workspace.slug}/new-thread", f"/t/{thread.id}", f"/p/{post.id}",
                f"/p/{post.id}/history"):
        assert web.get(url).status_code == 404, url
    assert private_workspace.name not in web.get("/").get_data(as_text=True)


def test_empty_reply_shows_an_error_and_writes_nothing(web_as, member: User, workspace: Workspace) -> None:
    thread, _ = make_thread(member, workspace)
    response = web_as(member).post(f"/t/{thread.id}/reply", {"body": "   "})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Post)) == 1


def test_edit_keeps_history_and_marks_post_edited(web_as, member: User, workspace: Workspace) -> None:
    thread, post = make_thread(member, workspace, body="Alkuperäinen teksti")
    web = web_as(member)
    assert web.post(f"/p/{post.id}/edit", {"body": "Korjattu teksti"}).status_code == 302
    page = web.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Korjattu teksti" in page
    assert f"/p/{post.id}/history" in page
    assert "Alkuperäinen teksti" in web.get(f"/p/{post.id}/history").get_data(as_text=True)


def test_member_cannot_edit_others_post(web_as, member: User, other_member: User, workspace: Workspace) -> None:
    _thread, post = make_thread(member, workspace)
    assert web_as(other_member).post(f"/p/{post.id}/edit", {"body": "Kaapattu"}).status_code == 403
    db.session.expire_all()
    assert db.session.get(Post, post.id).body == "Onko kokemuksia?"


def test_deleted_post_keeps_its_place_without_its_text(web_as, member, other_member, workspace) -> None:
    thread, _ = make_thread(member, workspace)
    doomed = reply(other_member, thread, "Poistettava viesti")
    reply(member, thread, "Viimeinen viesti")
    web = web_as(other_member)
    web.post(f"/p/{doomed.id}/delete")
    page = web.get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Poistettava viesti" not in page
    assert f'id="post-{doomed.id}"' in page
    assert "Viimeinen viesti" in page


def test_quote_prefills_reply_with_quoted_text(web_as, member, other_member, workspace) -> None:
    thread, first = make_thread(member, workspace, body="Lainattava ajatus")
    page = web_as(other_member).get(f"/t/{thread.id}?quote={first.id}").get_data(as_text=True)
    assert "&gt; Lainattava ajatus" in page
    assert f'name="reply_to" type="hidden" value="{first.id}"' in page


def test_locked_thread_refuses_member_reply(web_as, member, workspace) -> None:
    thread, _ = make_thread(member, workspace)
    _lock(thread)
    assert web_as(member).post(f"/t/{thread.id}/reply", {"body": "Vielä yksi"}).status_code == 403


@transactional
def _lock(thread: Thread) -> None:
    db.session.execute(update(Thread).where(Thread.id == thread.id).values(locked=True))


def _bulk_posts(thread: Thread, author: User, count: int) -> None:
    """Many posts quickly, numbered as the action numbers them."""
    for _ in range(count):
        reply(author, thread, "Viesti")


def test_link_to_a_post_lands_on_the_page_that_holds_it(app: Flask, web_as, member, workspace) -> None:
    thread, _ = make_thread(member, workspace)
    _bulk_posts(thread, member, 7)
    target = reply(member, thread, "Etsitty viesti")
    _bulk_posts(thread, member, 3)
    app.config["POSTS_PER_PAGE"] = 4
    try:
        web = web_as(member)
        location = web.get(f"/p/{target.id}").headers["Location"]
        assert location.endswith(f"/t/{thread.id}?page=3#post-{target.id}")
        assert "Etsitty viesti" in web.get(location).get_data(as_text=True)
    finally:
        app.config["POSTS_PER_PAGE"] = 50


def test_thread_page_query_count_does_not_grow_with_posts(app: Flask, web_as, member, other_member, workspace,
                                                          count_queries) -> None:
    thread, _ = make_thread(member, workspace)
    web = web_as(member)
    _bulk_posts(thread, other_member, 3)
    count_queries.statements.clear()
    web.get(f"/t/{thread.id}")
    few = count_queries.count
    _bulk_posts(thread, member, 30)
    count_queries.statements.clear()
    web.get(f"/t/{thread.id}")
    assert count_queries.count == few
    assert few <= 12  # of them one is the header's unread-notice count, one the posts' attachments


def test_workspace_page_query_count_does_not_grow_with_threads(web_as, member, other_member, workspace,
                                                              count_queries) -> None:
    web = web_as(member)
    for n in range(3):
        make_thread(member if n % 2 else other_member, workspace, title=f"Ketju {n}")
    count_queries.statements.clear()
    web.get(f"/w/{workspace.slug}")
    few = count_queries.count
    for n in range(25):
        make_thread(member if n % 2 else other_member, workspace, title=f"Lisää {n}")
    count_queries.statements.clear()
    web.get(f"/w/{workspace.slug}")
    assert count_queries.count == few
    assert few <= 11  # one of them is the header's unread-notice count


def test_workspace_page_pages_threads_by_cursor(app: Flask, web_as, member, workspace) -> None:
    for n in range(5):
        make_thread(member, workspace, title=f"Ketju numero {n}")
    app.config["THREADS_PER_PAGE"] = 2
    try:
        web = web_as(member)
        seen: list[str] = []
        url = f"/w/{workspace.slug}"
        while url:
            page = web.get(url).get_data(as_text=True)
            seen += [f"Ketju numero {n}" for n in range(5) if f"Ketju numero {n}" in page]
            match = re.search(r'href="(/w/[^"]+\?cursor=[^"]+)"', page)
            url = match.group(1).replace("&amp;", "&") if match else None
        assert sorted(seen) == [f"Ketju numero {n}" for n in range(5)]
        assert len(seen) == 5
    finally:
        app.config["THREADS_PER_PAGE"] = 30


def test_creating_workspace_makes_creator_owner(web_as, member) -> None:
    web = web_as(member)
    response = web.post("/w/new", {"name": "Kiertotalous Pirkanmaa", "description": "Yhteistyötä",
                                   "themes": "kierto, jäte", "visibility": "private", "join_policy": "invite"})
    assert response.status_code == 302
    ws = db.session.scalar(select(Workspace).where(Workspace.slug == "kiertotalous-pirkanmaa"))
    assert ws is not None and ws.themes == ["kierto", "jäte"] and ws.visibility == "private"


def test_workspace_creation_can_be_limited_to_admins(app: Flask, web_as, member, admin) -> None:
    app.config["WORKSPACE_CREATION"] = "admins"
    try:
        assert web_as(member).post("/w/new", {"name": "Ei sallittu"}).status_code == 403
        assert web_as(admin).post("/w/new", {"name": "Sallittu"}).status_code == 302
    finally:
        app.config["WORKSPACE_CREATION"] = "members"


def test_join_and_leave_open_workspace(web_as, outsider, owner) -> None:
    ws = make_workspace(owner, visibility="network")
    web = web_as(outsider)
    web.post(f"/w/{ws.slug}/join")
    assert f"/w/{ws.slug}/new-thread" in web.get(f"/w/{ws.slug}").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Workspace, ws.id).member_count == 2
    web.post(f"/w/{ws.slug}/leave")
    db.session.expire_all()
    assert db.session.get(Workspace, ws.id).member_count == 1


def test_last_owner_cannot_leave(web_as, owner) -> None:
    ws = make_workspace(owner)
    assert web_as(owner).post(f"/w/{ws.slug}/leave").status_code == 409


def test_owner_changes_workspace_settings_and_outsiders_lose_sight(web_as, owner, outsider) -> None:
    ws = make_workspace(owner, visibility="network")
    web = web_as(owner)
    response = web.post(f"/w/{ws.slug}/settings", {"name": "Uusi nimi", "description": "Kuvaus",
                                                   "themes": "energia", "visibility": "private",
                                                   "join_policy": "invite"})
    assert response.status_code == 302
    assert "Uusi nimi" in web.get(f"/w/{ws.slug}").get_data(as_text=True)
    assert web_as(outsider).get(f"/w/{ws.slug}").status_code == 404


def test_settings_form_shows_themes_as_comma_separated_text(web_as, owner) -> None:
    ws = make_workspace(owner, themes=["energia", "liikenne"])
    page = web_as(owner).get(f"/w/{ws.slug}/settings").get_data(as_text=True)
    assert 'value="energia, liikenne"' in page


def test_member_cannot_open_workspace_settings(web_as, member, workspace) -> None:
    assert web_as(member).get(f"/w/{workspace.slug}/settings").status_code == 403


def test_reply_form_refuses_a_post_waiting_for_approval(web_as, owner, member, outsider, workspace) -> None:
    from app.actions import workspaces as workspace_actions
    from tests.factories import add_member

    thread, _ = make_thread(member, workspace)
    workspace_actions.do_update_workspace(owner, workspace.slug, premoderation=True)
    add_member(workspace, outsider)
    waiting = reply(outsider, thread, "Odotan hyväksyntää")
    response = web_as(member).post(f"/t/{thread.id}/reply", {"body": "Lainaus", "reply_to": str(waiting.id)})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert outsider.display_name not in page and "Odotan hyväksyntää" not in page
    assert re.search(r"Not a post of this thread|Viesti ei kuulu tähän ketjuun", page)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Post).where(Post.author_id == member.id)) == 1
