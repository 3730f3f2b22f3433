"""Moderating content through the pages: reports, the review queue, hiding, pre-moderation,
thread controls and the audit log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.actions import documents, moderation, workspaces
from app.extensions import db
from app.models import Post, Role, Thread, User, Workspace
from tests.factories import add_member, make_thread, make_user, make_workspace, reply


@pytest.fixture
def started(member: User, workspace: Workspace) -> tuple[Thread, Post]:
    return make_thread(member, workspace, "Lämpöpumput kouluihin", "Onko kokemuksia maalämmöstä?")


@pytest.fixture
def thread(started: tuple[Thread, Post]) -> Thread:
    return started[0]


@pytest.fixture
def post(started: tuple[Thread, Post]) -> Post:
    return started[1]


def follow(web, response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return web.get(response.headers["Location"]).get_data(as_text=True)


# --- who may see the moderation pages ----------------------------------------------------------


@pytest.mark.parametrize("page", ["review", "audit", "requests", "invitations"])
def test_moderator_sees_each_moderation_page(web_as, moderator, workspace, page) -> None:
    response = web_as(moderator).get(f"/w/{workspace.slug}/{page}")
    assert response.status_code == 200
    assert 'aria-current="page"' in response.get_data(as_text=True)


@pytest.mark.parametrize("page", ["review", "audit", "requests", "invitations"])
def test_member_is_refused_moderation_pages(web_as, member, workspace, page) -> None:
    assert web_as(member).get(f"/w/{workspace.slug}/{page}").status_code == 403


@pytest.mark.parametrize("page", ["review", "audit", "requests", "invitations"])
def test_outsider_does_not_learn_of_private_moderation_pages(web_as, outsider, private_workspace, page) -> None:
    assert web_as(outsider).get(f"/w/{private_workspace.slug}/{page}").status_code == 404


def test_anonymous_visitor_is_asked_to_sign_in(web_as, workspace) -> None:
    response = web_as(None).get(f"/w/{workspace.slug}/review")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_admin_sees_moderation_tab_of_any_workspace(web_as, admin, workspace) -> None:
    page = web_as(admin).get(f"/w/{workspace.slug}").get_data(as_text=True)
    assert f"/w/{workspace.slug}/review" in page


def test_member_sees_no_moderation_tab(web_as, member, workspace) -> None:
    page = web_as(member).get(f"/w/{workspace.slug}").get_data(as_text=True)
    assert f"/w/{workspace.slug}/review" not in page
    assert f"/w/{workspace.slug}/members" in page


def test_moderation_tab_counts_what_waits(web_as, moderator, other_member, workspace, post) -> None:
    moderation.do_flag_post(other_member, post.id, "spam")
    page = web_as(moderator).get(f"/w/{workspace.slug}").get_data(as_text=True)
    assert re.search(r'/review"[^>]*>Moderointi <span class="count-badge"[^>]*>1<', page)


# --- reports -------------------------------------------------------------------------------------


def test_member_reports_a_post_and_moderators_see_it(web_as, moderator, other_member, workspace, post) -> None:
    web = web_as(other_member)
    assert f"/p/{post.id}/flag" in web.get(f"/t/{post.thread_id}").get_data(as_text=True)
    assert web.get(f"/p/{post.id}/flag").status_code == 200
    page = follow(web, web.post(f"/p/{post.id}/flag", {"reason": "off_topic", "text": "Ei liity aiheeseen"}))
    assert "Kiitos" in page
    queue = web_as(moderator).get(f"/w/{workspace.slug}/review").get_data(as_text=True)
    assert "Ei liity aiheeseen" in queue
    assert "Onko kokemuksia maalämmöstä?" in queue
    assert "Aiheen vierestä" in queue


def test_reports_of_one_post_are_grouped(web_as, moderator, other_member, owner, workspace, post) -> None:
    moderation.do_flag_post(other_member, post.id, "spam", "Mainos")
    moderation.do_flag_post(owner, post.id, "inappropriate", "Asiaton")
    queue = web_as(moderator).get(f"/w/{workspace.slug}/review").get_data(as_text=True)
    assert queue.count(f'id="flagged-{post.id}"') == 1
    assert "Mainos" in queue and "Asiaton" in queue


def test_report_of_other_without_text_shows_the_error(web_as, other_member, post) -> None:
    response = web_as(other_member).post(f"/p/{post.id}/flag", {"reason": "other", "text": ""})
    assert response.status_code == 200
    assert "Kerro moderaattoreille, mikä on vialla." in response.get_data(as_text=True)


def test_reporting_twice_says_so(web_as, other_member, post) -> None:
    web = web_as(other_member)
    web.post(f"/p/{post.id}/flag", {"reason": "spam"})
    page = follow(web, web.post(f"/p/{post.id}/flag", {"reason": "spam"}))
    assert "Olet jo ilmiantanut tämän viestin." in page


def test_author_cannot_report_own_post(web_as, member, post) -> None:
    web = web_as(member)
    assert f"/p/{post.id}/flag" not in web.get(f"/t/{post.thread_id}").get_data(as_text=True)
    assert web.get(f"/p/{post.id}/flag").status_code == 403


def test_flagging_is_rate_limited(app, web_as, other_member, owner, workspace, rate_limits) -> None:
    app.config["RATELIMIT_FLAGGING"] = "1 per minute"
    first = make_thread(owner, workspace, "Ensimmäinen", "Yksi")[1]
    second = make_thread(owner, workspace, "Toinen", "Kaksi")[1]
    web = web_as(other_member)
    assert web.post(f"/p/{first.id}/flag", {"reason": "spam"}).status_code == 302
    refused = web.post(f"/p/{second.id}/flag", {"reason": "spam"})
    assert refused.status_code == 429
    assert refused.headers.get("Retry-After")


def test_moderator_dismisses_a_report(web_as, moderator, other_member, workspace, post) -> None:
    flag = moderation.do_flag_post(other_member, post.id, "spam", "Mainos")
    web = web_as(moderator)
    queue = f"/w/{workspace.slug}/review"
    page = follow(web, web.post(f"/flags/{flag.id}/dismiss", {"next": queue}))
    assert "Mainos" not in page
    assert "Ei avoimia ilmiantoja." in page


# --- hiding and restoring ----------------------------------------------------------------------------


def test_moderator_hides_a_post_and_others_see_only_that(web_as, moderator, member, other_member, post) -> None:
    web = web_as(moderator)
    assert web.get(f"/p/{post.id}/hide").status_code == 200
    follow(web, web.post(f"/p/{post.id}/hide", {"reason": "Asiaton kielenkäyttö"}))
    others = web_as(other_member).get(f"/t/{post.thread_id}").get_data(as_text=True)
    assert "Moderaattori on piilottanut tämän viestin." in others
    assert "Onko kokemuksia maalämmöstä?" not in others
    author = web_as(member).get(f"/t/{post.thread_id}").get_data(as_text=True)
    assert "Asiaton kielenkäyttö" in author


def test_hiding_without_a_reason_shows_the_error(web_as, moderator, post) -> None:
    response = web_as(moderator).post(f"/p/{post.id}/hide", {"reason": ""})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert "post--hidden" not in web_as(moderator).get(f"/t/{post.thread_id}").get_data(as_text=True)


def test_hiding_from_the_queue_returns_to_the_queue(web_as, moderator, other_member, workspace, post) -> None:
    moderation.do_flag_post(other_member, post.id, "spam")
    queue = f"/w/{workspace.slug}/review"
    response = web_as(moderator).post(f"/p/{post.id}/hide", {"reason": "Mainos", "next": queue})
    assert response.headers["Location"].endswith(queue)


def test_member_cannot_hide(web_as, other_member, post) -> None:
    web = web_as(other_member)
    assert web.get(f"/p/{post.id}/hide").status_code == 403
    assert web.post(f"/p/{post.id}/hide", {"reason": "Ei kiva"}).status_code == 403


def test_moderator_restores_a_hidden_post(web_as, moderator, other_member, post) -> None:
    moderation.do_hide_post(moderator, post.id, "Tarkistetaan")
    web = web_as(moderator)
    assert f"/p/{post.id}/restore" in web.get(f"/t/{post.thread_id}").get_data(as_text=True)
    follow(web, web.post(f"/p/{post.id}/restore"))
    assert "Onko kokemuksia maalämmöstä?" in web_as(other_member).get(f"/t/{post.thread_id}").get_data(as_text=True)


# --- pre-moderation -------------------------------------------------------------------------------


@pytest.fixture
def newcomer(owner: User, workspace: Workspace, thread: Thread) -> User:
    """A new member of a pre-moderated workspace (turned on after `thread` was started)."""
    workspaces.do_update_workspace(owner, workspace.slug, premoderation=True)
    person = make_user("Uusi Jäsen", email="new@example.fi")
    add_member(workspace, person)
    return person


def test_waiting_post_is_marked_for_its_author_and_hidden_from_others(
    web_as, newcomer, other_member, thread
) -> None:
    waiting = reply(newcomer, thread, "Ensimmäinen viestini")
    author = web_as(newcomer).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Odottaa hyväksyntää" in author and "Ensimmäinen viestini" in author
    others = web_as(other_member).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Ensimmäinen viestini" not in others
    assert waiting.pending


def test_moderator_approves_a_waiting_post(web_as, moderator, newcomer, other_member, workspace, thread) -> None:
    waiting = reply(newcomer, thread, "Ensimmäinen viestini")
    web = web_as(moderator)
    queue = web.get(f"/w/{workspace.slug}/review").get_data(as_text=True)
    assert "Ensimmäinen viestini" in queue
    follow(web, web.post(f"/p/{waiting.id}/approve", {"next": f"/w/{workspace.slug}/review"}))
    assert "Ensimmäinen viestini" in web_as(other_member).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Ei hyväksyntää odottavia viestejä." in web.get(f"/w/{workspace.slug}/review").get_data(as_text=True)


def test_moderator_rejects_a_waiting_post_with_a_reason(web_as, moderator, newcomer, thread) -> None:
    waiting = reply(newcomer, thread, "Ensimmäinen viestini")
    web = web_as(moderator)
    assert web.get(f"/p/{waiting.id}/reject").status_code == 200
    follow(web, web.post(f"/p/{waiting.id}/reject", {"reason": "Ei aiheeseen"}))
    assert "Ensimmäinen viestini" not in web.get(f"/t/{thread.id}").get_data(as_text=True)
    notices = web_as(newcomer).get("/notifications").get_data(as_text=True)
    assert "Ei aiheeseen" in notices


def test_rejecting_a_waiting_thread_returns_to_the_workspace(web_as, moderator, newcomer, workspace) -> None:
    _thread, first = make_thread(newcomer, workspace, "Uuden jäsenen ketju", "Hei kaikki")
    response = web_as(moderator).post(f"/p/{first.id}/reject", {"reason": ""})
    assert response.headers["Location"].endswith(f"/w/{workspace.slug}")
    assert "Uuden jäsenen ketju" not in web_as(moderator).get(f"/w/{workspace.slug}").get_data(as_text=True)


# --- thread controls --------------------------------------------------------------------------------


def test_moderator_locks_and_members_see_the_notice(web_as, moderator, other_member, thread) -> None:
    web = web_as(moderator)
    page = follow(web, web.post(f"/t/{thread.id}/moderate", {"locked": "1"}))
    assert "Avaa lukitus" in page
    member_page = web_as(other_member).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Tämä ketju on lukittu." in member_page
    assert f'action="/t/{thread.id}/reply"' not in member_page


def test_moderator_unlocks(web_as, moderator, other_member, thread) -> None:
    moderation.do_update_thread(moderator, thread.id, locked=True)
    follow(web_as(moderator), web_as(moderator).post(f"/t/{thread.id}/moderate", {"locked": "0"}))
    assert f'action="/t/{thread.id}/reply"' in web_as(other_member).get(f"/t/{thread.id}").get_data(as_text=True)


def test_moderator_pins_a_thread(web_as, moderator, workspace, thread) -> None:
    web = web_as(moderator)
    follow(web, web.post(f"/t/{thread.id}/moderate", {"pinned": "1"}))
    assert "thread-row--pinned" in web.get(f"/w/{workspace.slug}").get_data(as_text=True)


def test_member_has_no_toolbar_and_cannot_lock(web_as, other_member, thread) -> None:
    web = web_as(other_member)
    assert "mod-toolbar" not in web.get(f"/t/{thread.id}").get_data(as_text=True)
    assert web.post(f"/t/{thread.id}/moderate", {"locked": "1"}).status_code == 403


def test_moderator_moves_a_thread_to_another_workspace_they_moderate(web_as, owner, moderator, thread) -> None:
    target = make_workspace(owner, name="Liikenne")
    add_member(target, moderator, Role.MODERATOR)
    web = web_as(moderator)
    assert 'name="workspace"' in web.get(f"/t/{thread.id}").get_data(as_text=True)
    page = follow(web, web.post(f"/t/{thread.id}/move", {"workspace": target.slug}))
    assert "Liikenne" in page
    assert "Lämpöpumput kouluihin" in web.get(f"/w/{target.slug}").get_data(as_text=True)


def test_moving_to_an_unmoderated_workspace_is_refused(web_as, owner, moderator, thread) -> None:
    target = make_workspace(owner, name="Liikenne")
    add_member(target, moderator)
    assert web_as(moderator).post(f"/t/{thread.id}/move", {"workspace": target.slug}).status_code == 403


def test_a_documents_discussion_cannot_be_moved_from_the_page(web_as, moderator, member, public_workspace) -> None:
    private = make_workspace(moderator, visibility="private", name="Sisäpiiri")
    document = documents.do_create_document(member, public_workspace.slug, "Vuosikello", "Tammikuu")
    discussion = db.session.scalar(select(Thread).where(Thread.document_id == document.id))
    reply(member, discussion, "Kommentti julkiseen dokumenttiin")
    web = web_as(moderator)
    assert 'name="workspace"' not in web.get(f"/d/{document.id}").get_data(as_text=True)
    response = web.post(f"/t/{discussion.id}/move", {"workspace": private.slug})
    assert response.status_code == 409
    assert "Dokumentin keskustelu kuuluu dokumentille" in response.get_data(as_text=True)
    db.session.rollback()
    assert db.session.get(Thread, discussion.id).workspace_id == public_workspace.id
    assert "Kommentti julkiseen dokumenttiin" in web_as(None).get(f"/d/{document.id}").get_data(as_text=True)


def test_audit_page_does_not_name_a_private_move_target_to_those_who_cannot_see_it(web_as, moderator, workspace,
                                                                                   thread) -> None:
    mover = make_user("Sanni Siirtäjä", email="mover@example.fi")
    add_member(workspace, mover, Role.MODERATOR)
    target = make_workspace(mover, visibility="private", name="Salainen kohde")
    moderation.do_update_thread(mover, thread.id, workspace=target.slug)
    page = web_as(moderator).get(f"/w/{workspace.slug}/audit").get_data(as_text=True)
    assert "toiseen työtilaan" in page
    assert "Salainen kohde" not in page and target.slug not in page
    assert "Salainen kohde" in web_as(mover).get(f"/w/{workspace.slug}/audit").get_data(as_text=True)


def test_author_renames_own_thread(web_as, member, thread) -> None:
    web = web_as(member)
    assert f"/t/{thread.id}/rename" in web.get(f"/t/{thread.id}").get_data(as_text=True)
    page = follow(web, web.post(f"/t/{thread.id}/rename", {"title": "Maalämpö kouluihin"}))
    assert "<h1>Maalämpö kouluihin</h1>" in page


def test_too_short_title_shows_the_error(web_as, member, thread) -> None:
    response = web_as(member).post(f"/t/{thread.id}/rename", {"title": "x"})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_other_member_cannot_rename(web_as, other_member, thread) -> None:
    assert web_as(other_member).get(f"/t/{thread.id}/rename").status_code == 403


def test_admin_deletes_a_thread_for_good(web_as, admin, workspace, thread) -> None:
    web, url = web_as(admin), f"/t/{thread.id}"
    page = web.get(url).get_data(as_text=True)
    assert f'action="{url}/purge"' in page and "data-confirm" in page
    follow(web, web.post(f"{url}/purge"))
    assert web.get(url).status_code == 404


def test_admin_deletes_a_post_for_good(web_as, admin, member, thread) -> None:
    second = reply(member, thread, "Poistettava vastaus")
    web = web_as(admin)
    page = follow(web, web.post(f"/p/{second.id}/purge"))
    assert "Poistettava vastaus" not in page


def test_moderator_cannot_delete_for_good(web_as, moderator, thread, post) -> None:
    web = web_as(moderator)
    assert f"/t/{thread.id}/purge" not in web.get(f"/t/{thread.id}").get_data(as_text=True)
    assert web.post(f"/t/{thread.id}/purge").status_code == 403
    assert web.post(f"/p/{post.id}/purge").status_code == 403


# --- audit log ------------------------------------------------------------------------------------------


def test_audit_log_lists_actions_with_reasons(web_as, moderator, workspace, post) -> None:
    moderation.do_hide_post(moderator, post.id, "Mainostusta")
    page = web_as(moderator).get(f"/w/{workspace.slug}/audit").get_data(as_text=True)
    assert "Viesti piilotettu" in page and "Mainostusta" in page and moderator.display_name in page


def test_audit_log_filters_by_action_and_actor(web_as, owner, moderator, workspace, thread, post) -> None:
    moderation.do_hide_post(moderator, post.id, "Mainostusta")
    moderation.do_update_thread(owner, thread.id, pinned=True)
    web = web_as(moderator)
    by_action = web.get(f"/w/{workspace.slug}/audit?action=thread.pinned").get_data(as_text=True)
    assert "Ketju kiinnitetty" in by_action and "Mainostusta" not in by_action
    by_actor = web.get(f"/w/{workspace.slug}/audit?actor={moderator.id}").get_data(as_text=True)
    assert "Mainostusta" in by_actor and "Ketju kiinnitetty</span>" not in by_actor


def test_audit_log_pages_with_the_cursor(web_as, moderator, workspace, thread) -> None:
    for n in range(26):
        moderation.do_update_thread(moderator, thread.id, pinned=n % 2 == 0)
        moderation.do_update_thread(moderator, thread.id, locked=n % 2 == 0)
    web = web_as(moderator)
    first = web.get(f"/w/{workspace.slug}/audit").get_data(as_text=True)
    assert first.count("<tr>") == 51  # the header row and 50 entries
    cursor = re.search(r'href="([^"]*cursor=[^"]*)"', first)
    assert cursor
    second = web.get(cursor.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert second.count("<tr>") == 3


def test_tampered_audit_cursor_is_refused(web_as, moderator, workspace) -> None:
    assert web_as(moderator).get(f"/w/{workspace.slug}/audit?cursor=%25%25").status_code == 422


def test_waiting_thread_is_marked_in_the_list_for_its_author(web_as, newcomer, other_member, workspace) -> None:
    make_thread(newcomer, workspace, "Uuden jäsenen ketju", "Hei kaikki")
    mine = web_as(newcomer).get(f"/w/{workspace.slug}").get_data(as_text=True)
    assert "Uuden jäsenen ketju" in mine and "Odottaa hyväksyntää" in mine
    assert "Uuden jäsenen ketju" not in web_as(other_member).get(f"/w/{workspace.slug}").get_data(as_text=True)


def test_review_queue_query_count_does_not_grow_with_reports(
    web_as, moderator, owner, other_member, workspace, count_queries
) -> None:
    web = web_as(moderator)

    def flag_new_post(n: int) -> None:
        flagged = make_thread(owner, workspace, f"Ketju {n}", f"Viesti {n}")[1]
        moderation.do_flag_post(other_member, flagged.id, "spam", f"Syy {n}")

    flag_new_post(0)
    count_queries.statements.clear()
    web.get(f"/w/{workspace.slug}/review")
    few = count_queries.count
    for n in range(1, 6):
        flag_new_post(n)
    count_queries.statements.clear()
    assert "Syy 5" in web.get(f"/w/{workspace.slug}/review").get_data(as_text=True)
    assert count_queries.count == few
