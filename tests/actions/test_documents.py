"""Document actions: creating, saving on the current or an older revision (merged or refused,
never overwritten), restoring, who may write, and the events each change records."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.actions import documents
from app.actions.documents import DocumentConflict
from app.errors import Conflict, Forbidden, Invalid, NotFound
from app.extensions import db
from app.models import Document, DocumentFacet, DocumentRevision, Event, Thread, User, Workspace
from tests.actions.helpers import at_once, events, last_event

BODY = "Johdanto\n\nEnsimmäinen kappale.\n\nToinen kappale.\n\nKolmas kappale."
PRACTICE = {"organisation": "Tampereen kaupunki", "themes": ["Energia", "liikenne"], "sdgs": [11, 7],
            "status": "ongoing", "results": "Päästöt -30 %", "contact": "Liisa Lähde"}


def count(model: type) -> int:
    return int(db.session.scalar(select(func.count()).select_from(model)) or 0)


def written() -> dict[str, int]:
    return {m.__name__: count(m) for m in (Document, DocumentRevision, Thread, Event, DocumentFacet)}


def make_page(author: User, ws: Workspace, body: str = BODY, title: str = "Ilmasto-ohjelma") -> Document:
    return documents.do_create_document(author, ws.slug, title, body)


def revisions_of(document: Document) -> list[DocumentRevision]:
    return list(db.session.scalars(select(DocumentRevision).where(DocumentRevision.document_id == document.id)
                                   .order_by(DocumentRevision.number)))


def stored(document_id: int) -> Document:
    db.session.expire_all()
    found = db.session.get(Document, document_id)
    assert found is not None
    return found


def payload(event: Event) -> dict[str, Any]:
    """The event's data as a client receives it (through JSON)."""
    data: dict[str, Any] = json.loads(json.dumps(event.payload))
    return data


# --- creating ------------------------------------------------------------------------------------------


def test_page_starts_at_revision_one_with_its_discussion(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    assert (document.kind, document.revision, document.body) == ("page", 1, BODY)
    assert "<p>Ensimmäinen kappale.</p>" in document.html
    [first] = revisions_of(document)
    assert (first.number, first.body, first.author_id, first.merged) == (1, BODY, member.id, False)
    thread = db.session.scalar(select(Thread).where(Thread.document_id == document.id))
    assert thread is not None and thread.title == "Ilmasto-ohjelma"


def test_good_practice_keeps_its_fields_cleaned(member: User, workspace: Workspace) -> None:
    document = documents.do_create_document(member, workspace.slug, "Aurinkokatot", "Kuvaus", "good_practice",
                                            PRACTICE)
    assert document.fields == {**PRACTICE, "themes": ["energia", "liikenne"], "sdgs": [7, 11]}
    facets = set(db.session.execute(select(DocumentFacet.facet, DocumentFacet.value)))
    assert facets == {("theme", "energia"), ("theme", "liikenne"), ("sdg", "7"), ("sdg", "11"),
                      ("organisation", "tampereen kaupunki")}


def test_creating_records_document_created(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    data = payload(last_event(workspace, "document.created"))
    assert (data["id"], data["revision"], data["title"]) == (document.id, 1, "Ilmasto-ohjelma")
    assert data["updated_by"]["id"] == member.id
    assert "body" not in data  # events say what changed, not the whole text


@pytest.mark.parametrize(
    ("title", "body", "kind", "fields", "bad"),
    [
        ("", "Teksti", "page", None, {"title"}),
        ("   ", "Teksti", "page", None, {"title"}),
        ("x" * 201, "Teksti", "page", None, {"title"}),
        ("Otsikko", "y" * 200_001, "page", None, {"body"}),
        ("Otsikko", "Teksti\x00", "page", None, {"body"}),
        ("Otsikko", "Teksti", "blog", None, {"kind"}),
        ("Otsikko", "Teksti", "good_practice", {"sdgs": [18]}, {"sdgs"}),
        ("Otsikko", "Teksti", "good_practice", {"sdgs": [0, 7]}, {"sdgs"}),
        ("Otsikko", "Teksti", "good_practice", {"sdgs": ["seitsemän"]}, {"sdgs"}),
        ("Otsikko", "Teksti", "good_practice", {"status": "unelma"}, {"status"}),
        ("Otsikko", "Teksti", "good_practice", {"colour": "vihreä"}, {"colour"}),
        ("Otsikko", "Teksti", "good_practice", ["organisation"], {"fields"}),
        ("Otsikko", "Teksti", "good_practice", {"themes": ["t"] * 11}, {"themes"}),
        ("Otsikko", "Teksti", "page", {"organisation": "Espoo"}, {"fields"}),
    ],
    ids=["empty title", "blank title", "title 201", "body 200001", "NUL in body", "unknown kind", "SDG 18",
         "SDG 0", "SDG as a word", "unknown status", "unknown field", "fields not an object", "11 themes",
         "fields on a page"],
)
def test_bad_document_writes_nothing(member: User, workspace: Workspace, title: str, body: str, kind: str,
                                     fields: Any, bad: set[str]) -> None:
    before = written()
    with pytest.raises(Invalid) as error:
        documents.do_create_document(member, workspace.slug, title, body, kind, fields)
    assert set(error.value.fields) == bad
    assert written() == before


def test_body_at_the_limit_is_accepted(member: User, workspace: Workspace) -> None:
    assert len(make_page(member, workspace, body="y" * 200_000).body) == 200_000


def test_non_member_cannot_create_in_a_network_workspace(outsider: User, workspace: Workspace) -> None:
    with pytest.raises(Forbidden):
        make_page(outsider, workspace)
    assert count(Document) == 0


def test_outsider_cannot_learn_of_a_private_workspace(outsider: User, private_workspace: Workspace) -> None:
    with pytest.raises(NotFound):
        make_page(outsider, private_workspace)


# --- saving on the current revision --------------------------------------------------------------------


def test_save_on_the_current_revision_is_not_merged(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    saved, merged = documents.do_save_document(member, document.id, BODY + "\n\nLisäys.", 1, summary="Lisäys")
    assert (saved.revision, merged, saved.body) == (2, False, BODY + "\n\nLisäys.")
    assert [(r.number, r.summary, r.merged) for r in revisions_of(document)] == [(1, "", False), (2, "Lisäys", False)]


def test_a_save_answers_the_revision_it_made_not_a_later_one(
    member: User, other_member: User, workspace: Workspace
) -> None:
    document = make_page(member, workspace)
    mine, _ = documents.do_save_document(member, document.id, BODY + "\n\nMinun.", 1)
    documents.do_save_document(other_member, document.id, BODY + "\n\nMinun.\n\nHeidän.", 2)
    db.session.expire_all()  # as after the request's commit
    assert (mine.revision, mine.body, mine.updated_by_id) == (2, BODY + "\n\nMinun.", member.id)
    assert mine.workspace.slug == workspace.slug and mine.updated_by is not None
    assert stored(document.id).revision == 3


def test_saving_records_document_updated(member: User, other_member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(other_member, document.id, BODY + "\n\nLisäys.", 1, summary="Lisäys")
    data = payload(last_event(workspace, "document.updated"))
    assert (data["id"], data["revision"], data["summary"]) == (document.id, 2, "Lisäys")
    assert data["updated_by"] == {**data["updated_by"], "id": other_member.id,
                                  "display_name": other_member.display_name}


def test_saving_nothing_new_makes_no_revision(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    before = written()
    saved, merged = documents.do_save_document(member, document.id, BODY + "\n\n", 1)  # trimmed: the same
    assert (saved.revision, merged) == (1, False)
    assert written() == before


def test_a_new_title_renames_the_discussion(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(member, document.id, BODY, 1, title="Uusi nimi")
    thread = db.session.scalar(select(Thread).where(Thread.document_id == document.id))
    assert thread is not None and thread.title == "Uusi nimi"


def test_crlf_body_is_stored_with_lf(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    saved, _ = documents.do_save_document(member, document.id, BODY.replace("\n", "\r\n") + "\r\nLoppu", 1)
    assert saved.body == BODY + "\nLoppu"


@pytest.mark.parametrize("base", [0, -1, 2, 999, "x", "", None, True, 1.5, [1]],
                         ids=["0", "-1", "next", "999", "x", "empty", "None", "True", "1.5", "list"])
def test_unknown_base_revision_is_invalid(member: User, workspace: Workspace, base: object) -> None:
    document = make_page(member, workspace)
    before = written()
    with pytest.raises(Invalid) as error:
        documents.do_save_document(member, document.id, "Muutettu", base)
    assert set(error.value.fields) == {"base_revision"}
    assert written() == before


def test_bad_save_names_every_bad_field(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    with pytest.raises(Invalid) as error:
        documents.do_save_document(member, document.id, "y" * 200_001, 1, title="", summary="s" * 301)
    assert set(error.value.fields) == {"title", "body", "summary"}
    assert stored(document.id).revision == 1


def test_fields_on_a_page_save_are_invalid(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    with pytest.raises(Invalid) as error:
        documents.do_save_document(member, document.id, "Muutettu", 1, fields={"organisation": "Espoo"})
    assert set(error.value.fields) == {"fields"}
    assert stored(document.id).revision == 1


def test_fields_left_out_of_a_save_stay(member: User, workspace: Workspace) -> None:
    document = documents.do_create_document(member, workspace.slug, "Aurinkokatot", "Kuvaus", "good_practice",
                                            PRACTICE)
    saved, _ = documents.do_save_document(member, document.id, "Kuvaus", 1, fields={"status": "completed"})
    assert saved.fields == {**document.fields, "status": "completed"}
    assert saved.fields["themes"] == ["energia", "liikenne"]


def test_non_member_cannot_save_in_a_network_workspace(member: User, outsider: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    with pytest.raises(Forbidden):
        documents.do_save_document(outsider, document.id, "Ulkopuolisen teksti", 1)
    assert stored(document.id).body == BODY


def test_outsider_cannot_save_in_a_private_workspace(member: User, outsider: User,
                                                     private_workspace: Workspace) -> None:
    document = make_page(member, private_workspace)
    with pytest.raises(NotFound):
        documents.do_save_document(outsider, document.id, "Ulkopuolisen teksti", 1)
    assert stored(document.id).body == BODY


# --- saving on an older revision ----------------------------------------------------------------------


def test_stale_save_of_other_paragraphs_is_merged(member: User, other_member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    theirs = BODY.replace("Ensimmäinen kappale.", "Ensimmäinen, heidän.")
    mine = BODY.replace("Kolmas kappale.", "Kolmas, minun.")
    documents.do_save_document(other_member, document.id, theirs, 1)
    saved, merged = documents.do_save_document(member, document.id, mine, 1, summary="Minun")
    assert merged is True
    assert saved.revision == 3
    assert saved.body == BODY.replace("Ensimmäinen kappale.", "Ensimmäinen, heidän.").replace(
        "Kolmas kappale.", "Kolmas, minun.")
    assert revisions_of(document)[-1].merged is True


def test_stale_save_of_the_same_lines_is_refused_with_both_versions(
    member: User, other_member: User, workspace: Workspace
) -> None:
    document = make_page(member, workspace)
    theirs = BODY.replace("Toinen kappale.", "Toinen, heidän.")
    mine = BODY.replace("Toinen kappale.", "Toinen, minun.")
    documents.do_save_document(other_member, document.id, theirs, 1)
    before = written()
    with pytest.raises(DocumentConflict) as refused:
        documents.do_save_document(member, document.id, mine, 1)
    details = refused.value.details
    assert details["current_revision"] == 2 and details["base_revision"] == 1
    assert details["theirs"]["body"] == theirs and details["theirs"]["author"] == other_member.display_name
    assert details["mine"]["body"] == mine
    assert details["conflicts"] == [{"base": "Toinen kappale.\n", "mine": "Toinen, minun.\n",
                                     "theirs": "Toinen, heidän.\n"}]
    json.dumps(details)  # the API sends it as it is
    assert written() == before
    assert stored(document.id).body == theirs


def test_stale_save_deleting_a_paragraph_they_edited_is_refused(
    member: User, other_member: User, workspace: Workspace
) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(other_member, document.id, BODY.replace("Toinen kappale.", "Toinen, parempi."), 1)
    with pytest.raises(DocumentConflict):
        documents.do_save_document(member, document.id, BODY.replace("\n\nToinen kappale.", ""), 1)
    assert "Toinen, parempi." in stored(document.id).body


def test_stale_title_changes_on_both_sides_conflict(member: User, other_member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(other_member, document.id, BODY, 1, title="Heidän otsikkonsa")
    with pytest.raises(DocumentConflict) as refused:
        documents.do_save_document(member, document.id, BODY + "\n\nLisäys", 1, title="Minun otsikkoni")
    assert refused.value.details["conflicting_fields"] == ["title"]
    assert stored(document.id).title == "Heidän otsikkonsa"


def test_stale_save_without_a_title_keeps_their_new_title(
    member: User, other_member: User, workspace: Workspace
) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(other_member, document.id, BODY, 1, title="Heidän otsikkonsa")
    saved, merged = documents.do_save_document(member, document.id, BODY + "\n\nLisäys", 1)
    assert (saved.title, saved.body, merged) == ("Heidän otsikkonsa", BODY + "\n\nLisäys", True)


def test_stale_field_changes_merge_or_conflict(member: User, other_member: User, workspace: Workspace) -> None:
    document = documents.do_create_document(member, workspace.slug, "Aurinkokatot", "Kuvaus", "good_practice",
                                            PRACTICE)
    documents.do_save_document(other_member, document.id, "Kuvaus", 1, fields={"status": "completed"})
    saved, merged = documents.do_save_document(member, document.id, "Kuvaus", 1, fields={"sdgs": [7, 11, 13]})
    assert merged and (saved.fields["status"], saved.fields["sdgs"]) == ("completed", [7, 11, 13])
    with pytest.raises(DocumentConflict) as refused:
        documents.do_save_document(member, document.id, "Kuvaus", 1, fields={"status": "ended"})
    assert refused.value.details["conflicting_fields"] == ["status"]
    assert stored(document.id).fields["status"] == "completed"


def test_stale_save_of_what_they_already_saved_makes_no_revision(
    member: User, other_member: User, workspace: Workspace
) -> None:
    document = make_page(member, workspace)
    same = BODY + "\n\nSama lisäys."
    documents.do_save_document(other_member, document.id, same, 1)
    saved, merged = documents.do_save_document(member, document.id, same, 1)
    assert (saved.revision, merged) == (2, True)


# --- restoring ---------------------------------------------------------------------------------------


def test_restore_makes_a_new_revision(member: User, other_member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(other_member, document.id, "Kaikki poistettu", 1, title="Tyhjä")
    restored = documents.do_restore_revision(member, document.id, 1)
    assert (restored.revision, restored.body, restored.title) == (3, BODY, "Ilmasto-ohjelma")
    last = revisions_of(document)[-1]
    assert (last.number, last.restored_from, last.author_id) == (3, 1, member.id)
    assert payload(last_event(workspace, "document.updated"))["revision"] == 3


def test_restoring_the_current_revision_is_a_conflict(member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    with pytest.raises(Conflict):
        documents.do_restore_revision(member, document.id, 1)
    assert stored(document.id).revision == 1


@pytest.mark.parametrize("number", [0, 5, -1])
def test_restoring_a_missing_revision_is_not_found(member: User, workspace: Workspace, number: int) -> None:
    document = make_page(member, workspace)
    with pytest.raises(NotFound):
        documents.do_restore_revision(member, document.id, number)
    assert stored(document.id).revision == 1


def test_non_member_cannot_restore(member: User, outsider: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(member, document.id, "Toinen versio", 1)
    with pytest.raises(Forbidden):
        documents.do_restore_revision(outsider, document.id, 1)
    assert stored(document.id).revision == 2


def test_every_change_is_an_event_in_order(member: User, other_member: User, workspace: Workspace) -> None:
    document = make_page(member, workspace)
    documents.do_save_document(other_member, document.id, "Toinen", 1)
    documents.do_restore_revision(member, document.id, 1)
    found = [(e.kind, payload(e)["revision"], payload(e)["updated_by"]["id"])
             for e in events(workspace) if e.kind.startswith("document.")]
    assert found == [("document.created", 1, member.id), ("document.updated", 2, other_member.id),
                     ("document.updated", 3, member.id)]


# --- at once, in threads with their own sessions -------------------------------------------------------


def test_two_saves_at_once_from_one_revision_never_overwrite(
    app: Flask, member: User, other_member: User, workspace: Workspace
) -> None:
    document_id = make_page(member, workspace).id
    member_id, other_id = member.id, other_member.id
    mine, theirs = BODY.replace("Toinen", "Minun toinen"), BODY.replace("Toinen", "Heidän toinen")

    def save(user_id: int, body: str) -> Any:
        return lambda: documents.do_save_document(db.session.get(User, user_id), document_id, body, 1)

    outcomes = at_once(app, save(member_id, mine), save(other_id, theirs))
    assert sorted(outcomes) == ["DocumentConflict", "ok"]
    final = stored(document_id)
    assert final.revision == 2 and final.body in (mine, theirs)


def test_two_saves_at_once_of_different_paragraphs_both_land(
    app: Flask, member: User, other_member: User, workspace: Workspace
) -> None:
    document_id = make_page(member, workspace).id
    member_id, other_id = member.id, other_member.id
    mine, theirs = BODY.replace("Ensimmäinen", "Minun ensimmäinen"), BODY.replace("Kolmas", "Heidän kolmas")

    def save(user_id: int, body: str) -> Any:
        return lambda: documents.do_save_document(db.session.get(User, user_id), document_id, body, 1)

    assert at_once(app, save(member_id, mine), save(other_id, theirs)) == ["ok", "ok"]
    final = stored(document_id)
    assert final.revision == 3
    assert "Minun ensimmäinen" in final.body and "Heidän kolmas" in final.body
