"""No lost update, against the real server: saves of one document sent at the same moment by many
clients, each from the revision it loaded. Every save is merged or refused with 409; none
overwrites another, and the revisions stay numbered 1, 2, 3 ... without gaps or repeats.

Runs on SQLite, and on PostgreSQL when VK_TEST_DATABASE_URL names one (the server then has a
database of its own next to it), which is where row locks and commit order really matter.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
import requests

from tests.live.helpers import Person
from tests.server import LiveServer

PARAGRAPHS = [f"Kappale {n}: kaupunki {n} vähentää päästöjä." for n in range(1, 11)]
BODY = "\n\n".join(PARAGRAPHS)


class Save:
    """One client's save: what it sent and what the server answered."""

    def __init__(self, person: Person, body: str) -> None:
        self.person, self.body = person, body
        self.status = 0
        self.answer: dict[str, Any] = {}


def save_at_once(document_id: int, saves: list[Save], base: int = 1) -> list[Save]:
    """Send every save from its own thread, released together by a barrier."""
    start = threading.Barrier(len(saves))

    def send(save: Save) -> None:
        start.wait(timeout=30)
        try:
            response = save.person.http.put(f"{save.person.base_url}/api/v1/documents/{document_id}",
                                            json={"body": save.body, "base_revision": base}, timeout=60)
        except requests.RequestException as error:
            save.answer = {"error": repr(error)}
            return
        save.status, save.answer = response.status_code, response.json()

    runners = [threading.Thread(target=send, args=(save,)) for save in saves]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=90)
    return saves


@pytest.fixture(scope="module")
def editors(live_server: LiveServer) -> tuple[str, list[Person]]:
    """A network workspace and ten of its members."""
    owner = Person(live_server.url, "Olli Omistaja")
    slug = owner.create_workspace("Yhteinen suunnitelma")
    people = [owner]
    for n in range(1, 10):
        person = Person(live_server.url, f"Kirjoittaja {n}")
        person.join(slug)
        people.append(person)
    return slug, people


def new_document(author: Person, slug: str, body: str = BODY) -> int:
    created = author.api("POST", f"/workspaces/{slug}/documents", {"title": "Ilmasto-ohjelma", "body": body},
                         expect=201)
    return int(created["id"])


def revisions(reader: Person, document_id: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = reader.api("GET", f"/documents/{document_id}/revisions", expect=200)["items"]
    return items


def revision_body(reader: Person, document_id: int, number: int) -> str:
    return str(reader.api("GET", f"/documents/{document_id}/revisions/{number}", expect=200)["body"])


def current(reader: Person, document_id: int) -> dict[str, Any]:
    return dict(reader.api("GET", f"/documents/{document_id}", expect=200))


def assert_numbered_without_gaps(reader: Person, document_id: int) -> int:
    numbers = sorted(r["number"] for r in revisions(reader, document_id))
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert current(reader, document_id)["revision"] == numbers[-1]
    return numbers[-1]


def assert_each_save_answered_properly(saves: list[Save]) -> None:
    for save in saves:
        assert save.status in (200, 409), (save.status, save.answer)
        if save.status == 409:
            assert save.answer["error"] == "conflict"
            assert save.answer["mine"]["body"] == save.body
            assert isinstance(save.answer["current_revision"], int)


def edit_paragraph(n: int, words: str) -> str:
    return BODY.replace(PARAGRAPHS[n], f"{PARAGRAPHS[n]} {words}")


# --- two clients ------------------------------------------------------------------------------------------


def test_two_overlapping_saves_at_once_one_wins_one_is_refused(editors: tuple[str, list[Person]]) -> None:
    slug, people = editors
    document_id = new_document(people[0], slug)
    saves = save_at_once(document_id, [Save(people[1], edit_paragraph(4, "(ensimmäinen)")),
                                       Save(people[2], edit_paragraph(4, "(toinen)"))])
    assert_each_save_answered_properly(saves)
    assert sorted(s.status for s in saves) == [200, 409]
    [winner] = [s for s in saves if s.status == 200]
    [loser] = [s for s in saves if s.status == 409]
    assert winner.answer["merged"] is False
    assert current(people[0], document_id)["body"] == winner.body
    assert loser.answer["theirs"]["body"] == winner.body
    assert assert_numbered_without_gaps(people[0], document_id) == 2


def test_two_separate_saves_at_once_both_land(editors: tuple[str, list[Person]]) -> None:
    slug, people = editors
    document_id = new_document(people[0], slug)
    saves = save_at_once(document_id, [Save(people[1], edit_paragraph(0, "(alku)")),
                                       Save(people[2], edit_paragraph(9, "(loppu)"))])
    assert [s.status for s in saves] == [200, 200], [s.answer for s in saves]
    assert sorted(s.answer["merged"] for s in saves) == [False, True]
    final = current(people[0], document_id)["body"]
    assert f"{PARAGRAPHS[0]} (alku)" in final and f"{PARAGRAPHS[9]} (loppu)" in final
    assert assert_numbered_without_gaps(people[0], document_id) == 3


# --- ten clients ------------------------------------------------------------------------------------------


def test_ten_editors_of_different_paragraphs_lose_nothing(editors: tuple[str, list[Person]]) -> None:
    slug, people = editors
    document_id = new_document(people[0], slug)
    saves = save_at_once(document_id, [Save(person, edit_paragraph(n, f"[muutos {n}]"))
                                       for n, person in enumerate(people)])
    assert_each_save_answered_properly(saves)
    landed = [n for n, s in enumerate(saves) if s.status == 200]
    assert landed, [s.answer for s in saves]
    last = assert_numbered_without_gaps(people[0], document_id)
    assert last == 1 + len(landed)
    final = current(people[0], document_id)["body"]
    for n in landed:
        assert f"{PARAGRAPHS[n]} [muutos {n}]" in final, f"editor {n}'s saved change is lost"
    for n, save in enumerate(saves):
        if save.status == 200:
            produced = save.answer["document"]["revision"]
            assert f"[muutos {n}]" in revision_body(people[0], document_id, produced)
    assert sorted(s.answer["document"]["revision"] for s in saves if s.status == 200) == list(range(2, last + 1))


def test_ten_editors_of_one_paragraph_never_overwrite_each_other(editors: tuple[str, list[Person]]) -> None:
    slug, people = editors
    document_id = new_document(people[0], slug)
    saves = save_at_once(document_id, [Save(person, edit_paragraph(5, f"[versio {n}]"))
                                       for n, person in enumerate(people)])
    assert_each_save_answered_properly(saves)
    winners = [n for n, s in enumerate(saves) if s.status == 200]
    assert len(winners) == 1, [(s.status, s.answer.get("document", {}).get("revision")) for s in saves]
    assert sum(s.status == 409 for s in saves) == 9
    [n] = winners
    assert saves[n].answer["document"]["revision"] == 2
    assert revision_body(people[0], document_id, 2) == saves[n].body
    assert current(people[0], document_id)["body"] == saves[n].body
    assert assert_numbered_without_gaps(people[0], document_id) == 2
    for save in saves:
        if save.status == 409:
            assert save.answer["theirs"]["body"] == saves[n].body


def test_rounds_of_saves_keep_every_accepted_change(editors: tuple[str, list[Person]]) -> None:
    """Each editor keeps saving its own paragraph from the revision it last saw, retrying after a 409,
    as a browser does after a merge view: in the end every editor's last accepted text is there."""
    slug, people = editors
    document_id = new_document(people[0], slug)
    accepted: dict[int, str] = {}
    start = threading.Barrier(len(people))
    problems: list[str] = []

    def edit(n: int, person: Person) -> None:
        start.wait(timeout=30)
        for round_ in range(3):
            text = f"[kierros {round_} / {n}]"
            latest = person.api("GET", f"/documents/{document_id}")
            body = latest["body"].replace(f"{PARAGRAPHS[n]}", f"{PARAGRAPHS[n]} {text}", 1)
            response = person.http.put(f"{person.base_url}/api/v1/documents/{document_id}",
                                       json={"body": body, "base_revision": latest["revision"]}, timeout=60)
            if response.status_code == 200:
                accepted[n] = text
            elif response.status_code != 409:
                problems.append(f"{n}: {response.status_code} {response.text}")

    runners = [threading.Thread(target=edit, args=(n, p)) for n, p in enumerate(people)]
    for runner in runners:
        runner.start()
    for runner in runners:
        runner.join(timeout=120)
    assert not problems, problems
    assert_numbered_without_gaps(people[0], document_id)
    final = current(people[0], document_id)["body"]
    for n, text in accepted.items():
        assert text in final, f"editor {n}'s last accepted change {text} is lost"
