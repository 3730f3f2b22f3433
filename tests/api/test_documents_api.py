"""Documents over /api/v1: creating, reading, saving with merges and conflicts, revisions, diffs,
restores, and who may read or write what."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from app.actions import documents
from app.extensions import db
from app.models import Document, DocumentRevision, Event, Thread, User, Workspace
from tests.api.expect import assert_error, assert_invalid, assert_utc_timestamp
from tests.factories import add_member, make_user

BODY = "Johdanto\n\nEnsimmäinen kappale.\n\nToinen kappale.\n\nKolmas kappale."
DOCUMENT_FIELDS = {"id", "workspace", "kind", "title", "fields", "revision", "created_by", "created_at",
                   "updated_by", "updated_at", "body", "html", "thread_id"}
MISSING_ID = 999_999


@pytest.fixture
def page(member: User, workspace: Workspace) -> Document:
    return documents.do_create_document(member, workspace.slug, "Ilmasto-ohjelma", BODY)


@pytest.fixture
def private_page(member: User, private_workspace: Workspace) -> Document:
    return documents.do_create_document(member, private_workspace.slug, "Salainen suunnitelma", BODY)


def stored(document_id: int) -> Document:
    db.session.rollback()
    found = db.session.get(Document, document_id)
    assert found is not None
    return found


def save(api: Any, document_id: int, body: str, base: Any, **extra: Any) -> Any:
    return api.request("PUT", f"/documents/{document_id}", json={"body": body, "base_revision": base, **extra})


# --- creating ------------------------------------------------------------------------------------------


def test_create_page(api_as, member, workspace, rows) -> None:
    response = api_as(member).post(f"/workspaces/{workspace.slug}/documents",
                                   json={"title": "Kokousmuistio", "body": "# Asiat\n\n- yksi"})
    assert response.status_code == 201, response.get_data(as_text=True)
    data = response.get_json()
    assert set(data) == DOCUMENT_FIELDS
    assert (data["kind"], data["revision"], data["workspace"], data["fields"]) == ("page", 1, workspace.slug, {})
    assert "<h1>Asiat</h1>" in data["html"] and "<li>yksi</li>" in data["html"]
    assert data["created_by"]["id"] == data["updated_by"]["id"] == member.id
    assert_utc_timestamp(data["created_at"])
    assert db.session.get(Thread, data["thread_id"]).document_id == data["id"]
    assert rows(DocumentRevision) == 1


def test_create_good_practice_with_fields(api_as, member, workspace) -> None:
    response = api_as(member).post(f"/workspaces/{workspace.slug}/documents", json={
        "title": "Aurinkokatot kouluihin", "body": "Kuvaus", "kind": "good_practice",
        "fields": {"organisation": "Lahti", "themes": ["Energia"], "sdgs": [13, 7], "status": "completed",
                   "results": "300 MWh vuodessa", "contact": "Pekka"}})
    assert response.status_code == 201
    assert response.get_json()["fields"] == {"organisation": "Lahti", "themes": ["energia"], "sdgs": [7, 13],
                                             "status": "completed", "results": "300 MWh vuodessa",
                                             "contact": "Pekka"}
    practices = api_as(member).get("/good-practices?sdg=13").get_json()["items"]
    assert [p["title"] for p in practices] == ["Aurinkokatot kouluihin"]


@pytest.mark.parametrize(
    ("body", "bad"),
    [
        ({"title": "", "body": "Teksti"}, "title"),
        ({"title": "x" * 201, "body": "Teksti"}, "title"),
        ({"title": "Otsikko", "body": "y" * 200_001}, "body"),
        ({"title": "Otsikko", "body": "Teksti", "kind": "good_practice", "fields": {"sdgs": [18]}}, "sdgs"),
        ({"title": "Otsikko", "body": "Teksti", "kind": "good_practice", "fields": {"väri": "vihreä"}}, "väri"),
        ({"title": "Otsikko", "body": "Teksti", "kind": "page", "fields": {"organisation": "Espoo"}}, "fields"),
        ({"title": "Otsikko", "body": "Teksti", "kind": "wiki"}, "kind"),
        ({"title": 5, "body": "Teksti"}, "title"),
        ({"body": "Teksti"}, "title"),
        ({"title": "Otsikko", "body": "Teksti", "fields": "organisation"}, "fields"),
    ],
    ids=["empty title", "title 201", "body 200001", "SDG 18", "unknown field", "fields on a page",
         "unknown kind", "title number", "title missing", "fields text"],
)
def test_bad_document_is_invalid_and_writes_nothing(api_as, member, workspace, rows, body, bad) -> None:
    events_before = rows(Event)
    response = api_as(member).post(f"/workspaces/{workspace.slug}/documents", json=body)
    assert_invalid(response, bad)
    assert (rows(Document), rows(DocumentRevision), rows(Thread), rows(Event)) == (0, 0, 0, events_before)


def test_non_member_cannot_create_in_a_network_workspace(api_as, outsider, workspace, rows) -> None:
    response = api_as(outsider).post(f"/workspaces/{workspace.slug}/documents", json={"title": "T", "body": "B"})
    assert_error(response, 403, "forbidden")
    assert rows(Document) == 0


def test_anonymous_cannot_create(api_as, public_workspace, rows) -> None:
    response = api_as(None).post(f"/workspaces/{public_workspace.slug}/documents", json={"title": "T", "body": "B"})
    assert_error(response, 401, "unauthenticated")
    assert rows(Document) == 0


# --- reading -------------------------------------------------------------------------------------------


def test_get_document(api_as, member, page) -> None:
    data = api_as(member).get(f"/documents/{page.id}").get_json()
    assert set(data) == DOCUMENT_FIELDS
    assert (data["id"], data["body"], data["revision"], data["title"]) == (page.id, BODY, 1, "Ilmasto-ohjelma")
    assert data["html"].startswith("<p>Johdanto</p>")


def test_workspace_lists_its_documents_newest_first(api_as, member, workspace, page) -> None:
    second = documents.do_create_document(member, workspace.slug, "Toinen", "Teksti")
    items = api_as(member).get(f"/workspaces/{workspace.slug}/documents").get_json()["items"]
    assert [d["id"] for d in items] == [second.id, page.id]
    assert "body" not in items[0]


def test_non_member_may_read_a_network_document(api_as, outsider, page) -> None:
    api = api_as(outsider)
    assert api.get(f"/documents/{page.id}").status_code == 200
    assert api.get(f"/documents/{page.id}/revisions").status_code == 200
    assert api.get(f"/documents/{page.id}/revisions/1").status_code == 200
    assert api.get(f"/documents/{page.id}/diff?from=1&to=1").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PUT", "/documents/{id}", {"body": "Ulkopuolisen", "base_revision": 1}),
        ("POST", "/documents/{id}/revisions/1/restore", None),
    ],
    ids=["save", "restore"],
)
def test_non_member_may_not_write_a_network_document(api_as, member, outsider, page, method, path, body) -> None:
    documents.do_save_document(member, page.id, "Toinen versio", 1)
    assert_error(api_as(outsider).request(method, path.format(id=page.id), json=body), 403, "forbidden")
    assert stored(page.id).revision == 2


# --- saving ---------------------------------------------------------------------------------------------


def test_save_on_the_current_revision(api_as, member, page) -> None:
    response = save(api_as(member), page.id, BODY + "\n\nLisäys.", 1, summary="Lisäsin", title="Uusi nimi")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert data["merged"] is False
    assert set(data["document"]) == DOCUMENT_FIELDS
    assert (data["document"]["revision"], data["document"]["title"]) == (2, "Uusi nimi")
    assert data["document"]["body"] == BODY + "\n\nLisäys."


def test_second_client_from_the_same_revision_is_merged(api_as, member, other_member, page) -> None:
    first = save(api_as(other_member), page.id, BODY.replace("Ensimmäinen", "Heidän ensimmäinen"), 1)
    second = save(api_as(member), page.id, BODY.replace("Kolmas", "Minun kolmas"), 1)
    assert first.status_code == second.status_code == 200
    assert (first.get_json()["merged"], second.get_json()["merged"]) == (False, True)
    body = second.get_json()["document"]["body"]
    assert body == BODY.replace("Ensimmäinen", "Heidän ensimmäinen").replace("Kolmas", "Minun kolmas")
    assert second.get_json()["document"]["revision"] == 3


def test_second_client_with_overlapping_changes_gets_a_conflict(api_as, member, other_member, page, rows) -> None:
    theirs, mine = BODY.replace("Toinen", "Heidän toinen"), BODY.replace("Toinen", "Minun toinen")
    assert save(api_as(other_member), page.id, theirs, 1).status_code == 200
    response = save(api_as(member), page.id, mine, 1, title="Minun otsikko")
    assert response.status_code == 409
    data = response.get_json()
    assert data["error"] == "conflict" and data["message"]
    assert data["current_revision"] == 2
    assert (data["theirs"]["body"], data["theirs"]["author"]) == (theirs, other_member.display_name)
    assert (data["mine"]["body"], data["mine"]["title"]) == (mine, "Minun otsikko")
    assert data["conflicts"] == [{"base": "Toinen kappale.\n", "mine": "Minun toinen kappale.\n",
                                  "theirs": "Heidän toinen kappale.\n"}]
    assert stored(page.id).body == theirs
    assert rows(DocumentRevision) == 2


def test_resaving_on_the_current_revision_after_a_conflict_wins(api_as, member, other_member, page) -> None:
    theirs, mine = BODY.replace("Toinen", "Heidän toinen"), BODY.replace("Toinen", "Minun toinen")
    save(api_as(other_member), page.id, theirs, 1)
    conflict = save(api_as(member), page.id, mine, 1).get_json()
    resolved = mine.replace("Minun toinen", "Yhteinen toinen")
    response = save(api_as(member), page.id, resolved, conflict["current_revision"])
    assert response.status_code == 200 and response.get_json()["merged"] is False
    assert stored(page.id).body == resolved


@pytest.mark.parametrize("base", [0, 999, "x", True, "1", None, -1, 1.5],
                         ids=["0", "999", "x", "true", "'1'", "null", "-1", "1.5"])
def test_unknown_or_malformed_base_revision_is_invalid(api_as, member, page, base) -> None:
    assert_invalid(save(api_as(member), page.id, "Muutettu", base), "base_revision")
    assert stored(page.id).revision == 1


def test_missing_base_revision_is_invalid(api_as, member, page) -> None:
    assert_invalid(api_as(member).request("PUT", f"/documents/{page.id}", json={"body": "Muutettu"}),
                   "base_revision")


def test_overlong_save_is_invalid(api_as, member, page) -> None:
    assert_invalid(save(api_as(member), page.id, "y" * 200_001, 1), "body")
    assert stored(page.id).body == BODY


def test_saves_are_recorded_as_events(api_as, member, other_member, workspace, page) -> None:
    save(api_as(other_member), page.id, BODY + "\n\nLisäys", 1, summary="Lisäys")
    db.session.rollback()
    found = [(e.kind, e.payload["revision"], e.payload["updated_by"]["id"], e.payload.get("summary"))
             for e in db.session.scalars(select(Event).where(Event.workspace_id == workspace.id).order_by(Event.seq))
             if e.kind.startswith("document.")]
    assert found == [("document.created", 1, member.id, ""), ("document.updated", 2, other_member.id, "Lisäys")]


# --- revisions, diffs, restore ---------------------------------------------------------------------------


def test_revisions_are_listed_newest_first(api_as, member, other_member, page) -> None:
    save(api_as(other_member), page.id, "Toinen versio", 1, summary="Lyhensin")
    save(api_as(member), page.id, "Kolmas versio", 2)
    items = api_as(member).get(f"/documents/{page.id}/revisions").get_json()["items"]
    assert [r["number"] for r in items] == [3, 2, 1]
    assert [r["author"]["id"] for r in items] == [member.id, other_member.id, member.id]
    assert items[1]["summary"] == "Lyhensin"
    assert set(items[0]) == {"number", "author", "created_at", "summary", "merged", "restored_from"}
    assert_utc_timestamp(items[0]["created_at"])


def test_get_one_revision(api_as, member, page) -> None:
    save(api_as(member), page.id, "Toinen versio", 1, title="Uusi")
    data = api_as(member).get(f"/documents/{page.id}/revisions/1").get_json()
    assert (data["number"], data["title"], data["body"]) == (1, "Ilmasto-ohjelma", BODY)
    assert api_as(member).get(f"/documents/{page.id}/revisions/2").get_json()["body"] == "Toinen versio"


@pytest.mark.parametrize("number", [0, 3, 999])
def test_missing_revision_is_not_found(api_as, member, page, number) -> None:
    assert_error(api_as(member).get(f"/documents/{page.id}/revisions/{number}"), 404, "not_found")


def test_diff_between_revisions(api_as, member, page) -> None:
    new_body = BODY.replace("Toinen kappale.", "Toinen, parempi kappale. 🌍")
    save(api_as(member), page.id, new_body, 1, title="Ilmasto-ohjelma 2030")
    data = api_as(member).get(f"/documents/{page.id}/diff?from=1&to=2").get_json()
    assert (data["from"], data["to"]) == (1, 2)
    assert all(op in (-1, 0, 1) for op, _ in data["body"])
    assert "".join(t for op, t in data["body"] if op <= 0) == BODY
    assert "".join(t for op, t in data["body"] if op >= 0) == new_body
    assert data["title"] == [[0, "Ilmasto-ohjelma"], [1, " 2030"]]
    backwards = api_as(member).get(f"/documents/{page.id}/diff?from=2&to=1").get_json()
    assert "".join(t for op, t in backwards["body"] if op >= 0) == BODY


@pytest.mark.parametrize(("query", "status"), [("from=1&to=9", 404), ("from=0&to=1", 404), ("to=1", 422),
                                               ("from=1", 422), ("from=x&to=1", 422)])
def test_bad_diff_query(api_as, member, page, query, status) -> None:
    assert_error(api_as(member).get(f"/documents/{page.id}/diff?{query}"), status)


def test_restore_makes_a_new_revision(api_as, member, other_member, page) -> None:
    save(api_as(other_member), page.id, "Kaikki muuttui", 1, title="Muu")
    response = api_as(member).post(f"/documents/{page.id}/revisions/1/restore")
    assert response.status_code == 200, response.get_data(as_text=True)
    data = response.get_json()
    assert set(data) == DOCUMENT_FIELDS
    assert (data["revision"], data["body"], data["title"]) == (3, BODY, "Ilmasto-ohjelma")
    newest = api_as(member).get(f"/documents/{page.id}/revisions").get_json()["items"][0]
    assert (newest["number"], newest["restored_from"]) == (3, 1)


def test_restore_of_the_current_revision_is_a_conflict(api_as, member, page) -> None:
    assert_error(api_as(member).post(f"/documents/{page.id}/revisions/1/restore"), 409, "conflict")
    assert stored(page.id).revision == 1


def test_restore_of_a_missing_revision_is_not_found(api_as, member, page) -> None:
    assert_error(api_as(member).post(f"/documents/{page.id}/revisions/7/restore"), 404, "not_found")
    assert stored(page.id).revision == 1


# --- a private workspace's documents do not exist for outsiders -----------------------------------------

DOCUMENT_ROUTES = [
    ("GET", "/documents/{id}", None),
    ("PUT", "/documents/{id}", {"body": "Ulkopuolisen", "base_revision": 1}),
    ("GET", "/documents/{id}/revisions", None),
    ("GET", "/documents/{id}/revisions/1", None),
    ("GET", "/documents/{id}/diff?from=1&to=1", None),
    ("POST", "/documents/{id}/revisions/1/restore", None),
]


@pytest.mark.parametrize(("method", "path", "body"), DOCUMENT_ROUTES, ids=[f"{m} {p}" for m, p, _ in DOCUMENT_ROUTES])
@pytest.mark.parametrize("who", ["outsider", "anonymous"])
def test_private_document_answers_as_if_missing(api_as, outsider, private_page, method, path, body, who) -> None:
    api = api_as(outsider if who == "outsider" else None)
    hidden = api.request(method, path.format(id=private_page.id), json=body)
    missing = api.request(method, path.format(id=MISSING_ID), json=body)
    assert hidden.status_code == missing.status_code == (404 if who == "outsider" or method == "GET" else 401)
    assert hidden.get_data() == missing.get_data()
    assert stored(private_page.id).revision == 1


def test_private_workspace_document_list_is_not_found(api_as, outsider, private_workspace, private_page) -> None:
    api = api_as(outsider)
    hidden = api.get(f"/workspaces/{private_workspace.slug}/documents")
    missing = api.get("/workspaces/ei-ole/documents")
    assert_error(hidden, 404, "not_found")
    assert hidden.get_data() == missing.get_data()


def test_private_good_practices_stay_out_of_the_library(api_as, member, outsider, private_workspace) -> None:
    documents.do_create_document(member, private_workspace.slug, "Salainen käytäntö", "K", "good_practice",
                                 {"themes": ["energia"]})
    assert api_as(outsider).get("/good-practices?theme=energia").get_json()["items"] == []
    assert len(api_as(member).get("/good-practices?theme=energia").get_json()["items"]) == 1


def test_member_who_left_loses_a_private_document(api_as, private_workspace, private_page) -> None:
    leaver = make_user("Lähtijä")
    add_member(private_workspace, leaver)
    api = api_as(leaver)
    assert api.get(f"/documents/{private_page.id}").status_code == 200
    assert api.post(f"/workspaces/{private_workspace.slug}/leave").status_code in (200, 204)
    assert_error(api.get(f"/documents/{private_page.id}"), 404, "not_found")
