"""Threads and posts over /api/v1: listing and paging, starting, replying, editing, deleting."""

from __future__ import annotations

from datetime import datetime
from html.parser import HTMLParser

from app.actions import threads
from app.actions.unit import transactional
from app.extensions import db
from app.models import Post, Thread, User, Workspace
from tests.api.expect import assert_error, assert_invalid, assert_utc_timestamp
from tests.factories import add_member, make_thread, make_user, make_workspace, reply

POST_FIELDS = {"id", "thread_id", "author", "body", "html", "created_at", "edited_at"}
THREAD_FIELDS = {"id", "title", "author", "pinned", "locked", "post_count", "created_at", "last_activity_at"}


@transactional
def pin(thread: Thread) -> None:
    thread.pinned = True


def stored(post_id: int) -> Post:
    """The post as the database holds it now."""
    db.session.rollback()
    found = db.session.get(Post, post_id)
    assert found is not None
    return found


def follow_pages(api, path: str, limit: int) -> list[list[dict]]:
    """Every page of a list, following `next` until it is null."""
    pages, cursor = [], None
    for _ in range(50):
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = api.get(path + query)
        assert response.status_code == 200, response.get_data(as_text=True)
        body = response.get_json()
        pages.append(body["items"])
        cursor = body["next"]
        if cursor is None:
            return pages
    raise AssertionError("paging never ended")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.hrefs: list[str] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.hrefs += [value or "" for name, value in attrs if name == "href"]
        self.handlers += [name for name, _ in attrs if name.startswith("on")]


def assert_safe_html(html: str) -> None:
    """No script element, no javascript: link, no event-handler attribute (the text may mention them)."""
    links = _Links()
    links.feed(html)
    assert "script" not in links.tags
    assert "<script" not in html.lower()
    assert not [href for href in links.hrefs if href.strip().lower().startswith("javascript:")]
    assert not links.handlers


# --- listing threads ---------------------------------------------------------------------------


def test_thread_list_is_pinned_first_then_latest_activity(api_as, member, other_member, workspace):
    make_thread(member, workspace, "Vanhin")
    middle, _ = make_thread(member, workspace, "Keskimmäinen")
    make_thread(member, workspace, "Uusin")
    pinned, _ = make_thread(member, workspace, "Kiinnitetty")
    pin(pinned)
    reply(other_member, middle)  # the middle thread becomes the most active unpinned one
    body = api_as(member).get(f"/workspaces/{workspace.slug}/threads").get_json()
    assert [t["title"] for t in body["items"]] == ["Kiinnitetty", "Keskimmäinen", "Uusin", "Vanhin"]
    assert body["items"][0]["pinned"] is True
    assert body["next"] is None


def test_thread_list_pages_return_every_thread_once(api_as, member, workspace):
    made = [make_thread(member, workspace, f"Ketju {n}")[0].id for n in range(5)]
    pin(db.session.get(Thread, made[2]))
    api = api_as(member)
    whole = [t["id"] for t in api.get(f"/workspaces/{workspace.slug}/threads").get_json()["items"]]
    pages = follow_pages(api, f"/workspaces/{workspace.slug}/threads", limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [t["id"] for page in pages for t in page] == whole
    assert sorted(whole) == sorted(made)


def test_thread_list_item_carries_thread_fields(api_as, member, workspace, thread):
    response = api_as(member).get(f"/workspaces/{workspace.slug}/threads")
    assert response.status_code == 200
    item = response.get_json()["items"][0]
    assert set(item) >= THREAD_FIELDS
    assert item["title"] == "Lämpöpumput kouluihin"
    assert item["author"]["id"] == member.id
    assert item["author"]["display_name"] == "Minna Jäsen"
    assert item["post_count"] == 1
    assert_utc_timestamp(item["created_at"])
    assert_utc_timestamp(item["last_activity_at"])


def test_outsider_reads_threads_of_network_workspace(api_as, outsider, workspace, thread):
    response = api_as(outsider).get(f"/workspaces/{workspace.slug}/threads")
    assert response.status_code == 200
    assert [t["id"] for t in response.get_json()["items"]] == [thread.id]


# --- starting a thread -------------------------------------------------------------------------


def test_member_starts_thread_with_first_post(api_as, member, workspace, rows):
    response = api_as(member).post(
        f"/workspaces/{workspace.slug}/threads", json={"title": "Aurinkopaneelit", "body": "Kuka on *kokeillut*?"}
    )
    assert response.status_code == 201
    thread = response.get_json()
    assert thread["title"] == "Aurinkopaneelit"
    assert thread["workspace"] == workspace.slug
    assert thread["post_count"] == 1
    first = thread["first_post"]
    assert set(first) >= POST_FIELDS
    assert first["thread_id"] == thread["id"]
    assert first["body"] == "Kuka on *kokeillut*?"
    assert "<em>kokeillut</em>" in first["html"]
    assert rows(Thread) == 1


def test_started_thread_appears_first_in_list(api_as, member, workspace, thread):
    api = api_as(member)
    created = api.post(f"/workspaces/{workspace.slug}/threads", json={"title": "Uusi ketju", "body": "Hei"})
    listed = api.get(f"/workspaces/{workspace.slug}/threads").get_json()["items"]
    assert listed[0]["id"] == created.get_json()["id"]


def test_outsider_cannot_start_thread_in_network_workspace(api_as, outsider, workspace, rows):
    response = api_as(outsider).post(f"/workspaces/{workspace.slug}/threads", json={"title": "Hei", "body": "Moi"})
    assert_error(response, 403, "forbidden")
    assert rows(Thread) == 0


# --- reading a thread and its posts ------------------------------------------------------------


def test_thread_is_readable_by_id(api_as, member, workspace, thread):
    response = api_as(member).get(f"/threads/{thread.id}")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) >= THREAD_FIELDS
    assert body["id"] == thread.id
    assert body["workspace"] == workspace.slug
    assert body["locked"] is False


def test_posts_are_listed_oldest_first(api_as, member, other_member, thread):
    reply(other_member, thread, "Toinen")
    reply(member, thread, "Kolmas")
    body = api_as(member).get(f"/threads/{thread.id}/posts").get_json()
    assert [p["body"] for p in body["items"]] == ["Onko kokemuksia?", "Toinen", "Kolmas"]
    assert body["next"] is None


def test_post_carries_contract_fields(api_as, member, thread, post):
    item = api_as(member).get(f"/threads/{thread.id}/posts").get_json()["items"][0]
    assert set(item) >= POST_FIELDS
    assert item["id"] == post.id
    assert item["thread_id"] == thread.id
    assert item["author"]["id"] == member.id
    assert item["author"]["display_name"] == "Minna Jäsen"
    assert item["body"] == "Onko kokemuksia?"
    assert item["html"].strip() == "<p>Onko kokemuksia?</p>"
    assert_utc_timestamp(item["created_at"])
    assert item["edited_at"] is None


def test_post_pages_return_every_post_once_in_order(api_as, member, thread, post):
    made = [post.id] + [reply(member, thread, f"Vastaus {n}").id for n in range(4)]
    pages = follow_pages(api_as(member), f"/threads/{thread.id}/posts", limit=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [p["id"] for page in pages for p in page] == made


# --- replying ----------------------------------------------------------------------------------


def test_member_replies_in_thread(api_as, other_member, thread, rows):
    response = api_as(other_member).post(f"/threads/{thread.id}/posts", json={"body": "Meillä toimii hyvin."})
    assert response.status_code == 201
    created = response.get_json()
    assert set(created) >= POST_FIELDS
    assert created["thread_id"] == thread.id
    assert created["author"]["id"] == other_member.id
    assert created["html"].strip() == "<p>Meillä toimii hyvin.</p>"
    assert rows(Post) == 2


def test_reply_may_quote_post_of_same_thread(api_as, other_member, thread, post):
    response = api_as(other_member).post(
        f"/threads/{thread.id}/posts", json={"body": "Samaa mieltä", "reply_to": post.id}
    )
    assert response.status_code == 201
    assert response.get_json()["reply_to"] == post.id


def test_reply_to_post_of_another_thread_is_refused(api_as, member, workspace, thread, rows):
    _elsewhere, foreign_post = make_thread(member, workspace, "Toinen ketju")
    before = rows(Post)
    response = api_as(member).post(f"/threads/{thread.id}/posts", json={"body": "Lainaus", "reply_to": foreign_post.id})
    assert_invalid(response, "reply_to")
    assert rows(Post) == before


def test_reply_to_unknown_post_is_refused(api_as, member, thread, post, rows):
    response = api_as(member).post(f"/threads/{thread.id}/posts", json={"body": "Lainaus", "reply_to": post.id + 1000})
    assert_invalid(response, "reply_to")
    assert rows(Post) == 1


def test_outsider_cannot_reply_in_network_workspace(api_as, outsider, thread, rows):
    assert_error(api_as(outsider).post(f"/threads/{thread.id}/posts", json={"body": "Hei"}), 403, "forbidden")
    assert rows(Post) == 1


def test_reply_moves_thread_activity(api_as, member, other_member, thread):
    api = api_as(member)
    before = api.get(f"/threads/{thread.id}").get_json()
    reply(other_member, thread, "Uutta tietoa")
    after = api.get(f"/threads/{thread.id}").get_json()
    assert after["post_count"] == 2
    assert datetime.fromisoformat(after["last_activity_at"]) > datetime.fromisoformat(before["last_activity_at"])
    assert after["last_author"]["id"] == other_member.id


# --- editing -----------------------------------------------------------------------------------


def test_author_edits_own_post(api_as, member, post):
    response = api_as(member).patch(f"/posts/{post.id}", json={"body": "Korjattu **teksti**"})
    assert response.status_code == 200
    edited = response.get_json()
    assert edited["body"] == "Korjattu **teksti**"
    assert "<strong>teksti</strong>" in edited["html"]
    assert_utc_timestamp(edited["edited_at"])
    assert datetime.fromisoformat(edited["edited_at"]) >= datetime.fromisoformat(edited["created_at"])


def test_edited_post_shows_edit_time_in_thread(api_as, member, thread, post):
    api = api_as(member)
    api.patch(f"/posts/{post.id}", json={"body": "Korjattu"})
    item = api.get(f"/threads/{thread.id}/posts").get_json()["items"][0]
    assert item["body"] == "Korjattu"
    assert_utc_timestamp(item["edited_at"])


def test_member_cannot_edit_others_post(api_as, other_member, post):
    response = api_as(other_member).patch(f"/posts/{post.id}", json={"body": "Väärennetty"})
    assert_error(response, 403, "forbidden")
    assert stored(post.id).body == "Onko kokemuksia?"
    assert stored(post.id).edited_at is None


def test_moderator_cannot_edit_others_post(api_as, moderator, post):
    assert_error(api_as(moderator).patch(f"/posts/{post.id}", json={"body": "Muokattu"}), 403, "forbidden")
    assert stored(post.id).body == "Onko kokemuksia?"


def test_edit_with_empty_body_is_refused(api_as, member, post):
    assert_invalid(api_as(member).patch(f"/posts/{post.id}", json={"body": "   "}), "body")
    assert stored(post.id).body == "Onko kokemuksia?"


def test_deleted_post_cannot_be_edited(api_as, member, post):
    api = api_as(member)
    api.delete(f"/posts/{post.id}")
    assert_error(api.patch(f"/posts/{post.id}", json={"body": "Takaisin"}), 403, "forbidden")


# --- deleting ----------------------------------------------------------------------------------


def test_author_deletes_own_post(api_as, member, post):
    response = api_as(member).delete(f"/posts/{post.id}")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert stored(post.id).deleted_at is not None


def test_deleted_post_keeps_its_place_without_text(api_as, member, other_member, thread, post):
    reply(other_member, thread, "Vastaus jää")
    api = api_as(member)
    api.delete(f"/posts/{post.id}")
    items = api_as(other_member).get(f"/threads/{thread.id}/posts").get_json()["items"]
    assert items[0]["id"] == post.id
    assert items[0]["deleted"] is True
    assert items[0]["body"] == ""
    assert items[0]["html"] == ""
    assert items[1]["body"] == "Vastaus jää"


def test_member_cannot_delete_others_post(api_as, other_member, post):
    assert_error(api_as(other_member).delete(f"/posts/{post.id}"), 403, "forbidden")
    assert stored(post.id).deleted_at is None


def test_moderator_deletes_others_post(api_as, moderator, post):
    assert api_as(moderator).delete(f"/posts/{post.id}").status_code == 204
    assert stored(post.id).deleted_at is not None


# --- markup safety -----------------------------------------------------------------------------

HOSTILE_BODY = (
    "<script>alert('x')</script>\n\n"
    "[klikkaa](javascript:alert(1)) [myös](JaVaScRiPt:alert(2)) "
    '<a href="javascript:alert(3)">raaka</a> <img src=x onerror=alert(4)>'
)


def test_reply_html_has_no_script_or_javascript_links(api_as, member, thread):
    response = api_as(member).post(f"/threads/{thread.id}/posts", json={"body": HOSTILE_BODY})
    assert response.status_code == 201
    created = response.get_json()
    assert created["body"] == HOSTILE_BODY
    assert_safe_html(created["html"])


def test_listed_post_html_has_no_script_or_javascript_links(api_as, member, workspace):
    make_thread(member, workspace, "Vaarallinen", HOSTILE_BODY)
    threads = api_as(member).get(f"/workspaces/{workspace.slug}/threads").get_json()["items"]
    items = api_as(member).get(f"/threads/{threads[0]['id']}/posts").get_json()["items"]
    assert_safe_html(items[0]["html"])


def test_edited_post_html_has_no_script_or_javascript_links(api_as, member, post):
    response = api_as(member).patch(f"/posts/{post.id}", json={"body": HOSTILE_BODY})
    assert response.status_code == 200
    assert_safe_html(response.get_json()["html"])


def test_thread_title_is_returned_as_plain_text(api_as, member, workspace):
    make_thread(member, workspace, "<b>Lihava</b> otsikko")
    item = api_as(member).get(f"/workspaces/{workspace.slug}/threads").get_json()["items"][0]
    assert item["title"] == "<b>Lihava</b> otsikko"


# --- cost per request --------------------------------------------------------------------------


def _crowd(ws: Workspace, size: int) -> list[User]:
    """`size` new members of the workspace, so every thread or post below has an author of its own."""
    people = [make_user(f"Kirjoittaja {n}") for n in range(size)]
    for person in people:
        add_member(ws, person)
    return people


def _workspace_with_threads(owner: User, size: int) -> Workspace:
    ws = make_workspace(owner, name=f"Työtila {size} ketjua")
    for person in _crowd(ws, size):
        make_thread(person, ws, f"Ketju {person.id}")
    return ws


def _thread_with_posts(owner: User, size: int) -> Thread:
    ws = make_workspace(owner, name=f"Työtila {size} viestiä")
    people = _crowd(ws, size)
    thread, last = make_thread(people[0], ws, "Pitkä ketju")
    for person in people[1:]:  # each reply quotes the one before, so quoted posts are loaded too
        last = threads.do_post_reply(person, thread.id, f"Vastaus {person.id}", last.id)
    return thread


def _queries_for(api, count_queries, path: str, expected_items: int) -> int:
    count_queries.statements.clear()
    response = api.get(path)
    assert response.status_code == 200
    assert len(response.get_json()["items"]) == expected_items
    return count_queries.count


def test_thread_list_costs_the_same_for_5_and_40_threads(api_as, count_queries, owner):
    small, big = _workspace_with_threads(owner, 5), _workspace_with_threads(owner, 40)
    api = api_as(owner)
    few = _queries_for(api, count_queries, f"/workspaces/{small.slug}/threads", 5)
    many = _queries_for(api, count_queries, f"/workspaces/{big.slug}/threads?limit=40", 40)
    assert many == few


def test_post_list_costs_the_same_for_5_and_40_posts(api_as, count_queries, owner):
    small, big = _thread_with_posts(owner, 5), _thread_with_posts(owner, 40)
    api = api_as(owner)
    few = _queries_for(api, count_queries, f"/threads/{small.id}/posts", 5)
    many = _queries_for(api, count_queries, f"/threads/{big.id}/posts", 40)
    assert many == few


# --- what a reply may point at ---------------------------------------------------------------------


def _waiting_reply(owner: User, newcomer: User, workspace: Workspace, thread: Thread) -> Post:
    """A newcomer's reply in `thread`, held for approval by pre-moderation."""
    from app.actions import workspaces as workspace_actions

    workspace_actions.do_update_workspace(owner, workspace.slug, premoderation=True)
    add_member(workspace, newcomer)
    waiting = reply(newcomer, thread, "Odotan hyväksyntää")
    assert waiting.pending
    return waiting


def test_reply_to_a_post_waiting_for_approval_answers_as_for_a_missing_one(
        api_as, owner, outsider, other_member, workspace, thread, post, rows):
    waiting = _waiting_reply(owner, outsider, workspace, thread)
    api = api_as(other_member)
    before = rows(Post)
    response = api.post(f"/threads/{thread.id}/posts", json={"body": "Lainaus", "reply_to": waiting.id})
    missing = api.post(f"/threads/{thread.id}/posts", json={"body": "Lainaus", "reply_to": waiting.id + 1000})
    assert assert_invalid(response, "reply_to") == assert_invalid(missing, "reply_to")
    assert rows(Post) == before


def test_moderators_reply_to_a_waiting_post_does_not_name_its_author_to_others(
        api_as, web_as, owner, moderator, outsider, other_member, workspace, thread, post):
    waiting = _waiting_reply(owner, outsider, workspace, thread)
    response = api_as(moderator).post(f"/threads/{thread.id}/posts", json={"body": "Vastaus", "reply_to": waiting.id})
    assert response.status_code == 201
    page = web_as(other_member).get(f"/t/{thread.id}").get_data(as_text=True)
    assert "Vastaus" in page
    assert outsider.display_name not in page


def test_reply_to_a_hidden_or_deleted_post_is_refused(api_as, moderator, member, other_member, thread, post, rows):
    hidden = reply(other_member, thread, "Piilotettava")
    gone = reply(other_member, thread, "Poistettava")
    assert api_as(moderator).post(f"/posts/{hidden.id}/hide", json={"reason": "Asiaton"}).status_code == 200
    assert api_as(other_member).delete(f"/posts/{gone.id}").status_code == 204
    before = rows(Post)
    for target in (hidden.id, gone.id):
        response = api_as(member).post(f"/threads/{thread.id}/posts", json={"body": "Lainaus", "reply_to": target})
        assert_invalid(response, "reply_to")
    assert rows(Post) == before
    own = api_as(other_member).post(f"/threads/{thread.id}/posts", json={"body": "Oma", "reply_to": hidden.id})
    assert own.status_code == 201  # its author still reads the hidden post


def test_reply_to_a_post_in_a_private_workspace_is_refused(api_as, owner, member, thread, rows):
    private = make_workspace(owner, visibility="private", name="Salainen")
    _secret, secret_post = make_thread(owner, private, "Salainen ketju")
    response = api_as(member).post(f"/threads/{thread.id}/posts", json={"body": "Lainaus", "reply_to": secret_post.id})
    assert_invalid(response, "reply_to")
    assert rows(Post) == 2


def test_reply_to_an_id_beyond_any_column_is_refused(api_as, member, thread, rows):
    response = api_as(member).post(f"/threads/{thread.id}/posts", json={"body": "Lainaus", "reply_to": 2**70})
    assert_invalid(response, "reply_to")
    assert rows(Post) == 1


def test_a_client_id_used_in_another_thread_is_refused_not_answered_with_that_post(
        api_as, owner, member, workspace, thread, rows):
    private = make_workspace(owner, visibility="private", name="Salainen")
    add_member(private, member)
    elsewhere, _first = make_thread(owner, private, "Salainen ketju")
    api = api_as(member)
    first = api.post(f"/threads/{elsewhere.id}/posts", json={"body": "Sisäpiirin viesti", "client_id": "k-1"})
    assert first.status_code == 201
    again = api.post(f"/threads/{thread.id}/posts", json={"body": "Toinen", "client_id": "k-1"})
    assert "Sisäpiirin viesti" not in again.get_data(as_text=True)
    assert_invalid(again, "client_id")
    assert rows(Post) == 3


def test_a_retried_reply_with_the_same_client_id_answers_the_first_post(api_as, member, thread, rows):
    api = api_as(member)
    sent = {"body": "Yhteys katkesi kesken", "client_id": "yritys-7"}
    first = api.post(f"/threads/{thread.id}/posts", json=sent)
    assert first.status_code == 201
    again = api.post(f"/threads/{thread.id}/posts", json=sent)
    assert again.status_code in (200, 201)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert rows(Post) == 2  # the thread's first post and this reply, once
    listed = api.get(f"/threads/{thread.id}/posts").get_json()["items"]
    assert [p["body"] for p in listed].count("Yhteys katkesi kesken") == 1
