"""Refusals over /api/v1: the error shape, who learns what exists, bad bodies and bad ids.

After every refused write the test checks that nothing was written.
"""

from __future__ import annotations

import base64
import io
import json
import re

import pytest
from sqlalchemy import select

from app.actions import attachments, documents
from app.extensions import db
from app.models import Attachment, Document, DocumentRevision, Membership, Post, Thread, Workspace
from tests.api.expect import assert_error, assert_invalid
from tests.factories import PASSWORD, make_thread

MISSING_ID = 999_999
MISSING_SLUG = "ei-ole-olemassa"


def cursor_of(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.fixture
def written(rows):
    """A snapshot of every table a refused request might have written to."""

    def snapshot() -> dict[str, int]:
        return {model.__name__: rows(model)
                for model in (Workspace, Membership, Thread, Post, Document, DocumentRevision, Attachment)}

    return snapshot


def stored_post(post_id: int) -> Post:
    db.session.rollback()
    found = db.session.get(Post, post_id)
    assert found is not None
    return found


# --- private things are never confirmed to outsiders -------------------------------------------

# Every path under a workspace, thread or post, with a body it would accept from a member.
SCOPED_PATHS = [
    ("GET", "/workspaces/{slug}", None),
    ("PATCH", "/workspaces/{slug}", {"description": "Muutettu"}),
    ("GET", "/workspaces/{slug}/threads", None),
    ("POST", "/workspaces/{slug}/threads", {"title": "Salainen ketju", "body": "Hei"}),
    ("POST", "/workspaces/{slug}/join", {}),
    ("POST", "/workspaces/{slug}/leave", None),
    ("GET", "/workspaces/{slug}/members", None),
    ("GET", "/threads/{thread}", None),
    ("GET", "/threads/{thread}/posts", None),
    ("POST", "/threads/{thread}/posts", {"body": "Hei"}),
    ("PATCH", "/posts/{post}", {"body": "Muutettu"}),
    ("DELETE", "/posts/{post}", None),
    ("POST", "/posts/{post}/reactions", {"emoji": "👍"}),
    ("PATCH", "/workspaces/{slug}/members/{other}", {"role": "moderator"}),
    ("DELETE", "/workspaces/{slug}/members/{other}", None),
    ("GET", "/workspaces/{slug}/bans", None),
    ("POST", "/workspaces/{slug}/bans", {"user_id": 1, "reason": "Häirintä"}),
    ("DELETE", "/workspaces/{slug}/bans/{other}", None),
    ("GET", "/workspaces/{slug}/join-requests", None),
    ("GET", "/workspaces/{slug}/invitations", None),
    ("POST", "/workspaces/{slug}/invitations", {"email": "uusi@example.fi"}),
    ("GET", "/workspaces/{slug}/flags", None),
    ("GET", "/workspaces/{slug}/pending-posts", None),
    ("GET", "/workspaces/{slug}/audit", None),
    ("POST", "/posts/{post}/flags", {"reason": "spam"}),
    ("POST", "/posts/{post}/hide", {"reason": "Asiaton"}),
    ("POST", "/posts/{post}/restore", None),
    ("POST", "/posts/{post}/approve", None),
    ("POST", "/posts/{post}/reject", {}),
    ("POST", "/posts/{post}/purge", None),
    ("PATCH", "/threads/{thread}", {"locked": True}),
    ("DELETE", "/threads/{thread}", None),
    ("GET", "/workspaces/{slug}/documents", None),
    ("POST", "/workspaces/{slug}/documents", {"title": "Salainen muistio", "body": "Hei"}),
    ("GET", "/documents/{document}", None),
    ("PUT", "/documents/{document}", {"body": "Muutettu", "base_revision": 1}),
    ("GET", "/documents/{document}/revisions", None),
    ("GET", "/documents/{document}/revisions/{other}", None),
    ("GET", "/documents/{document}/diff?from=1&to=1", None),
    ("POST", "/documents/{document}/revisions/{other}/restore", None),
    ("POST", "/documents/{document}/attachments", None),
    ("POST", "/posts/{post}/attachments", None),
    ("GET", "/attachments/{attachment}", None),
]
SCOPED_IDS = [f"{method} {path}" for method, path, _ in SCOPED_PATHS]
_PLACEHOLDERS = {"slug": "{slug}", "thread_id": "{thread}", "post_id": "{post}", "document_id": "{document}",
                 "attachment_id": "{attachment}"}


@pytest.fixture
def private_post(member, private_workspace) -> Post:
    return make_thread(member, private_workspace, "Luottamuksellinen", "Vain jäsenille")[1]


@pytest.fixture
def private_document(member, private_workspace) -> Document:
    """A private workspace's document (at revision 2, so a restore of revision 1 would write), with a file."""
    document = documents.do_create_document(member, private_workspace.slug, "Luottamuksellinen", "Vain jäsenille")
    documents.do_save_document(member, document.id, "Vain jäsenille, toinen versio", 1)
    attachments.do_attach_to_document(member, document.id, io.BytesIO(b"Salainen liite\n"), "liite.txt")
    return document


@pytest.fixture
def private_attachment(private_document) -> Attachment:
    return db.session.scalars(select(Attachment).where(Attachment.document_id == private_document.id)).one()


def fill(path: str, slug: str, thread_id: int, post_id: int, document_id: int = MISSING_ID,
         attachment_id: int = MISSING_ID) -> str:
    """The path with real or missing ids; {other} is always the same person (or revision 1), so the
    answers for a hidden workspace and a missing one can be compared byte for byte."""
    return path.format(slug=slug, thread=thread_id, post=post_id, document=document_id, attachment=attachment_id,
                       other=1)


def fill_private(path: str, ws: Workspace, post: Post, attachment: Attachment) -> str:
    return fill(path, ws.slug, post.thread_id, post.id, attachment.document_id or MISSING_ID, attachment.id)


def fill_missing(path: str) -> str:
    return fill(path, MISSING_SLUG, MISSING_ID, MISSING_ID, MISSING_ID, MISSING_ID)


@pytest.mark.parametrize(("method", "path", "body"), SCOPED_PATHS, ids=SCOPED_IDS)
def test_private_workspace_is_not_found_for_outsider(
    api_as, outsider, private_workspace, private_post, private_attachment, written, method, path, body
):
    before = written()
    url = fill_private(path, private_workspace, private_post, private_attachment)
    assert_error(api_as(outsider).request(method, url, json=body), 404, "not_found")
    assert written() == before
    assert stored_post(private_post.id).body == "Vain jäsenille"
    assert stored_post(private_post.id).deleted_at is None
    assert db.session.get(Workspace, private_workspace.id).description == "Kuvaus"
    assert db.session.get(Document, private_attachment.document_id).revision == 2


@pytest.mark.parametrize(("method", "path", "body"), SCOPED_PATHS, ids=SCOPED_IDS)
def test_private_404_is_identical_to_missing_one(
    api_as, outsider, private_workspace, private_post, private_attachment, method, path, body
):
    api = api_as(outsider)
    hidden = api.request(method, fill_private(path, private_workspace, private_post, private_attachment), json=body)
    missing = api.request(method, fill_missing(path), json=body)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.get_data() == missing.get_data()
    assert hidden.content_type == missing.content_type


@pytest.mark.parametrize(("method", "path", "body"), SCOPED_PATHS, ids=SCOPED_IDS)
def test_private_workspace_answers_anonymous_as_if_missing(
    api_as, private_workspace, private_post, private_attachment, written, method, path, body
):
    api, before = api_as(None), written()
    hidden = api.request(method, fill_private(path, private_workspace, private_post, private_attachment), json=body)
    missing = api.request(method, fill_missing(path), json=body)
    assert hidden.status_code in (401, 404)
    assert hidden.status_code == missing.status_code
    assert hidden.get_data() == missing.get_data()
    assert written() == before


def test_every_scoped_api_route_is_in_the_privacy_table(app):
    listed = {(method, path.split("?")[0]) for method, path, _ in SCOPED_PATHS}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or not set(rule.arguments) & set(_PLACEHOLDERS):
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: _PLACEHOLDERS.get(m.group(1), "{other}"), rule.rule)
        routes |= {(method, path.removeprefix("/api/v1")) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes <= listed, f"add these to SCOPED_PATHS: {sorted(routes - listed)}"


# --- signing in is needed to write -------------------------------------------------------------

ANONYMOUS_WRITES = [
    ("POST", "/workspaces", {"name": "Anonyymi tila"}),
    ("POST", "/workspaces/{slug}/threads", {"title": "Anonyymi ketju", "body": "Hei"}),
    ("POST", "/workspaces/{slug}/join", {}),
    ("POST", "/workspaces/{slug}/leave", None),
    ("POST", "/threads/{thread}/posts", {"body": "Hei"}),
    ("PATCH", "/posts/{post}", {"body": "Muutettu"}),
    ("DELETE", "/posts/{post}", None),
    ("DELETE", "/auth/tokens/current", None),
]


@pytest.mark.parametrize(
    ("method", "path", "body"), ANONYMOUS_WRITES, ids=[f"{m} {p}" for m, p, _ in ANONYMOUS_WRITES]
)
def test_anonymous_write_is_unauthenticated(api_as, public_workspace, member, written, method, path, body):
    post = make_thread(member, public_workspace, "Julkinen ketju", "Kaikille")[1]
    before = written()
    url = fill(path, public_workspace.slug, post.thread_id, post.id)
    assert_error(api_as(None).request(method, url, json=body), 401, "unauthenticated")
    assert written() == before
    assert stored_post(post.id).body == "Kaikille"
    assert stored_post(post.id).deleted_at is None


# --- bodies that are not JSON ------------------------------------------------------------------


def test_form_encoded_body_is_unsupported(api_as, member, workspace, rows):
    response = api_as(member).post(
        f"/workspaces/{workspace.slug}/threads",
        data="title=Lomakkeelta&body=Hei",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error(response, 415, "unsupported_media_type")
    assert rows(Thread) == 0


def test_json_sent_as_plain_text_is_unsupported(api_as, member, workspace, rows):
    response = api_as(member).post(
        f"/workspaces/{workspace.slug}/threads",
        data=json.dumps({"title": "Tekstinä", "body": "Hei"}),
        content_type="text/plain",
    )
    assert_error(response, 415, "unsupported_media_type")
    assert rows(Thread) == 0


def test_malformed_json_is_a_bad_request(api_as, member, workspace, rows):
    response = api_as(member).post(
        f"/workspaces/{workspace.slug}/threads", data='{"title": "Rikki", "body": ', content_type="application/json"
    )
    assert_error(response, 400, "bad_request")
    assert rows(Thread) == 0


def test_malformed_json_edit_is_a_bad_request(api_as, member, post):
    response = api_as(member).patch(f"/posts/{post.id}", data='{"body": "Rikki', content_type="application/json")
    assert_error(response, 400, "bad_request")
    assert stored_post(post.id).body == "Onko kokemuksia?"


def test_json_array_body_is_invalid(api_as, member, workspace, rows):
    response = api_as(member).post(f"/workspaces/{workspace.slug}/threads", json=["Otsikko", "Teksti"])
    assert_error(response, 422, "invalid")
    assert rows(Thread) == 0


# --- fields that are not acceptable ------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "bad"),
    [
        ("", "Teksti", "title"),
        ("   ", "Teksti", "title"),
        ("ab", "Teksti", "title"),
        ("x" * 201, "Teksti", "title"),
        ("Hyvä otsikko", "", "body"),
        ("Hyvä otsikko", " \n\t ", "body"),
        ("Hyvä otsikko", "y" * 50_001, "body"),
    ],
    ids=["empty title", "blank title", "short title", "title 201", "empty body", "blank body", "body 50001"],
)
def test_thread_with_bad_title_or_body_is_invalid(api_as, member, workspace, rows, title, body, bad):
    response = api_as(member).post(f"/workspaces/{workspace.slug}/threads", json={"title": title, "body": body})
    assert_invalid(response, bad)
    assert rows(Thread) == 0
    assert rows(Post) == 0


def test_thread_at_the_length_limits_is_accepted(api_as, member, workspace, rows):
    response = api_as(member).post(
        f"/workspaces/{workspace.slug}/threads", json={"title": "x" * 200, "body": "y" * 50_000}
    )
    assert response.status_code == 201
    assert len(response.get_json()["first_post"]["body"]) == 50_000


def test_overlong_reply_is_invalid(api_as, member, thread, rows):
    assert_invalid(api_as(member).post(f"/threads/{thread.id}/posts", json={"body": "y" * 50_001}), "body")
    assert rows(Post) == 1


def test_overlong_edit_is_invalid(api_as, member, post):
    assert_invalid(api_as(member).patch(f"/posts/{post.id}", json={"body": "y" * 50_001}), "body")
    assert stored_post(post.id).body == "Onko kokemuksia?"


CONTROL_CHARACTERS = ["\x00", "\x01", "\x08", "\x1b", "\x7f"]


@pytest.mark.parametrize("char", [*CONTROL_CHARACTERS, "\n"], ids=repr)
def test_control_character_in_title_is_invalid(api_as, member, workspace, rows, char):
    response = api_as(member).post(
        f"/workspaces/{workspace.slug}/threads", json={"title": f"Otsikko{char}tässä", "body": "Teksti"}
    )
    assert_invalid(response, "title")
    assert rows(Thread) == 0


@pytest.mark.parametrize("char", CONTROL_CHARACTERS, ids=repr)
def test_control_character_in_reply_is_invalid(api_as, member, thread, rows, char):
    response = api_as(member).post(f"/threads/{thread.id}/posts", json={"body": f"Teksti{char}tässä"})
    assert_invalid(response, "body")
    assert rows(Post) == 1


@pytest.mark.parametrize("char", [*CONTROL_CHARACTERS, "\n"], ids=repr)
def test_control_character_in_workspace_name_is_invalid(api_as, member, rows, char):
    response = api_as(member).post("/workspaces", json={"name": f"Tila{char}nimi", "slug": "tila"})
    assert_invalid(response, "name")
    assert rows(Workspace) == 0


def test_lone_surrogate_in_title_is_invalid(api_as, member, workspace, rows):
    response = api_as(member).post(
        f"/workspaces/{workspace.slug}/threads", json={"title": "Otsikko \ud800", "body": "Hei"}
    )
    assert_invalid(response, "title")
    assert rows(Thread) == 0


def test_lone_surrogate_in_reply_is_invalid(api_as, member, thread, rows):
    assert_invalid(api_as(member).post(f"/threads/{thread.id}/posts", json={"body": "Teksti \udfff"}), "body")
    assert rows(Post) == 1


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({"title": "Hyvä otsikko", "body": 123}, "body"),
        ({"title": ["Hyvä otsikko"], "body": "Teksti"}, "title"),
        ({"title": None, "body": "Teksti"}, "title"),
        ({"title": "Hyvä otsikko", "body": {"text": "Teksti"}}, "body"),
        ({"title": "Hyvä otsikko"}, "body"),
    ],
    ids=["body number", "title list", "title null", "body object", "body missing"],
)
def test_thread_with_wrong_types_is_invalid(api_as, member, workspace, rows, body, bad):
    assert_invalid(api_as(member).post(f"/workspaces/{workspace.slug}/threads", json=body), bad)
    assert rows(Thread) == 0


@pytest.mark.parametrize(
    ("body", "bad"),
    [({"body": 123}, "body"), ({"body": True}, "body"), ({"body": "Teksti", "reply_to": "eka"}, "reply_to")],
    ids=["body number", "body bool", "reply_to text"],
)
def test_reply_with_wrong_types_is_invalid(api_as, member, thread, rows, body, bad):
    assert_invalid(api_as(member).post(f"/threads/{thread.id}/posts", json=body), bad)
    assert rows(Post) == 1


def test_edit_with_wrong_type_is_invalid(api_as, member, post):
    assert_invalid(api_as(member).patch(f"/posts/{post.id}", json={"body": 123}), "body")
    assert stored_post(post.id).body == "Onko kokemuksia?"


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({"name": 5}, "name"),
        ({"name": "Hyvä tila", "themes": "ilmasto"}, "themes"),
        ({"name": "Hyvä tila", "visibility": 1}, "visibility"),
        ({"name": "Hyvä tila", "join_policy": "everyone"}, "join_policy"),
        ({"description": "Ei nimeä"}, "name"),
    ],
    ids=["name number", "themes text", "visibility number", "unknown join policy", "name missing"],
)
def test_workspace_with_wrong_types_is_invalid(api_as, member, rows, body, bad):
    assert_invalid(api_as(member).post("/workspaces", json=body), bad)
    assert rows(Workspace) == 0


# --- unknown things ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/workspaces/{MISSING_SLUG}", None),
        ("GET", f"/workspaces/{MISSING_SLUG}/threads", None),
        ("POST", f"/workspaces/{MISSING_SLUG}/join", {}),
        ("GET", f"/threads/{MISSING_ID}", None),
        ("GET", f"/threads/{MISSING_ID}/posts", None),
        ("POST", f"/threads/{MISSING_ID}/posts", {"body": "Hei"}),
        ("PATCH", f"/posts/{MISSING_ID}", {"body": "Hei"}),
        ("DELETE", f"/posts/{MISSING_ID}", None),
        ("GET", f"/users/{MISSING_ID}", None),
        ("GET", "/threads/2147483648", None),
        ("GET", f"/threads/{2**64}", None),
        ("PATCH", f"/posts/{2**64}", {"body": "Hei"}),
        ("GET", f"/users/{2**64}", None),
        ("GET", "/workspaces/ei%00ole/threads", None),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_unknown_thing_is_not_found(api_as, member, workspace, method, path, body):
    assert_error(api_as(member).request(method, path, json=body), 404, "not_found")


def test_unknown_api_path_is_a_json_404(api_as, member):
    assert_error(api_as(member).get("/ei-tallaista"), 404, "not_found")


def test_wrong_method_is_a_json_405(api_as, member, thread):
    assert_error(api_as(member).request("PUT", f"/threads/{thread.id}", json={}), 405, "method_not_allowed")


def test_nul_in_sign_in_email_is_refused_like_a_wrong_password(api_as, member):
    anonymous = api_as(None)
    wrong = anonymous.post("/auth/tokens", json={"email": member.email, "password": "väärä-salasana-123"})
    nul = anonymous.post("/auth/tokens", json={"email": "member\x00@example.fi", "password": PASSWORD})
    assert nul.status_code == 401
    assert nul.get_data() == wrong.get_data()


# --- paging parameters -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        cursor_of([1, 2, 3, 4]),
        cursor_of([True, "eilen", 1]),
        cursor_of([True, "2026-01-01T00:00:00+00:00", "abc"]),
        cursor_of([True, "2026-01-01T00:00:00", 1]),
        cursor_of([None, None, None]),
    ],
    ids=["not base64", "wrong arity", "bad time", "bad id", "time without offset", "nulls"],
)
def test_tampered_thread_cursor_is_invalid(api_as, member, workspace, thread, cursor):
    assert_invalid(api_as(member).get(f"/workspaces/{workspace.slug}/threads?cursor={cursor}"), "cursor")


@pytest.mark.parametrize(
    "cursor",
    [
        "%%%",
        cursor_of([1, 2]),
        cursor_of(["abc"]),
        cursor_of([None]),
    ],
    ids=["not base64", "wrong arity", "text", "null"],
)
def test_tampered_post_cursor_is_invalid(api_as, member, thread, cursor):
    assert_invalid(api_as(member).get(f"/threads/{thread.id}/posts?cursor={cursor}"), "cursor")


def test_non_numeric_limit_is_invalid(api_as, member, workspace):
    assert_invalid(api_as(member).get(f"/workspaces/{workspace.slug}/threads?limit=kaikki"), "limit")


# --- bodies nested too deeply or too large ---------------------------------------------------------


def test_deeply_nested_json_is_a_bad_request_not_a_crash(api_as, member, workspace, rows):
    api = api_as(member)
    for deep in ("[" * 100_000, "[" * 100_000 + "]" * 100_000, '{"title": "Syvä", "body": "x", "tags": '
                 + "[" * 65 + "]" * 65 + "}"):
        response = api.post(f"/workspaces/{workspace.slug}/threads", data=deep, content_type="application/json")
        body = assert_error(response, 400, "bad_request")
        assert "64" in body["message"]
    assert rows(Thread) == 0


def test_deeply_nested_json_to_an_anonymous_endpoint_is_a_bad_request(api_as):
    response = api_as(None).post("/auth/register", data="[" * 100_000, content_type="application/json")
    assert_error(response, 400, "bad_request")


def test_json_nested_64_deep_is_parsed(api_as, member, workspace, rows):
    nested = '{"title": "Syvä", "body": "x", "tags": ' + "[" * 63 + "]" * 63 + "}"
    response = api_as(member).post(f"/workspaces/{workspace.slug}/threads", data=nested,
                                   content_type="application/json")
    assert_invalid(response, "tags")  # read, then refused as an unknown field
    assert rows(Thread) == 0


def test_large_json_body_of_a_signed_in_caller_is_too_large(app, api_as, member, thread, rows):
    big = json.dumps({"body": "x" * (2 * 1024 * 1024)})
    response = api_as(member).post(f"/threads/{thread.id}/posts", data=big, content_type="application/json")
    body = assert_error(response, 413, "too_large")
    assert f"{app.config['MAX_TEXT_BODY_BYTES'] // 1024} kB" in body["message"]
    assert rows(Post) == 1


def test_large_json_body_without_a_length_is_too_large(api_as, member, thread, rows):
    """A streamed (chunked) body, from a server that passes such bodies on: reading stops at the cap."""
    big = json.dumps({"body": "x" * (2 * 1024 * 1024)}).encode()
    response = api_as(member).post(f"/threads/{thread.id}/posts", input_stream=io.BytesIO(big),
                                   headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
                                   environ_overrides={"wsgi.input_terminated": True})
    assert_error(response, 413, "too_large")
    assert rows(Post) == 1


def test_anonymous_large_body_is_unauthenticated_not_too_large(api_as, member, thread, rows):
    big = json.dumps({"body": "x" * (5 * 1024 * 1024)})
    response = api_as(None).post(f"/threads/{thread.id}/posts", data=big, content_type="application/json")
    assert_error(response, 401, "unauthenticated")
    assert rows(Post) == 1


def test_every_api_write_refuses_anonymous_callers_before_reading_the_body(app):
    """An anonymous write meets 401 before its body is read (an unreadable one here), except the
    few writes made for people not signed in."""
    client = app.test_client()
    anonymous = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/"):
            continue
        url = re.sub(r"<(?:int:)?[^<>]+>", "1", rule.rule)
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            response = client.open(url, method=method, input_stream=UnreadableBody(),
                                   headers={"Content-Type": "application/json"})
            if response.status_code != 401:
                anonymous.add((method, rule.rule))
    assert anonymous == {("POST", "/api/v1/auth/register"), ("POST", "/api/v1/auth/tokens"),
                         ("POST", "/api/v1/auth/password-reset"), ("POST", "/api/v1/auth/password-reset/confirm")}


class UnreadableBody(io.BytesIO):
    """A 5 MB request body that fails the test's request if anything reads it."""

    def __init__(self) -> None:
        super().__init__(b"[" * 5_000_000)

    def read(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        raise AssertionError("the body was read")

    def readline(self, size: int | None = -1) -> bytes:
        raise AssertionError("the body was read")
