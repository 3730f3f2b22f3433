"""Two people edit the same document in their browsers (issue 5, "No lost update" and "a browser flow: edit,
meet a conflict, resolve it in the merge view").

While one edits, the other saves: the open edit page says at once who saved which revision, and leaves
the text being written alone. The second save is then merged (changes apart) or shown side by side with
theirs (changes on the same lines), and the person resolves it in the merge view.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import pytest
from PIL import Image
from playwright.sync_api import expect

from tests.browser.steps import Person, create_workspace, follow, new_person, register, submit, unique

PARAGRAPHS = [
    "Ensimmäinen kappale: kaupunki lisää pyöräpysäköintiä.",
    "Toinen kappale: bussiliikenne sähköistetään.",
    "Kolmas kappale: keskustan kadut rauhoitetaan.",
]


@dataclass
class Pair:
    """Two members of one workspace, each signed in in a browser of their own, and a document of theirs."""

    owner: Person
    editor: Person
    owner_page: Any
    editor_page: Any
    workspace: str  # the workspace's address, /w/<slug>
    document: str  # the document's address, /d/<id>


def body_with(first: str | None = None, third: str | None = None) -> str:
    paragraphs = list(PARAGRAPHS)
    paragraphs[0] = first or paragraphs[0]
    paragraphs[2] = third or paragraphs[2]
    return "\n\n".join(paragraphs)


def create_document(page: Any, workspace: str, title: str) -> str:
    """From the workspace's documents, write a page; returns its address."""
    page.goto(f"{workspace}/documents")
    follow(page, page.get_by_role("link", name="Uusi dokumentti").first)
    page.locator("#title").fill(title)
    page.locator("#body").fill(body_with())
    submit(page, page.get_by_role("button", name="Luo dokumentti"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0].split("?")[0]


@pytest.fixture
def pair(make_page: Any) -> Pair:
    owner_page, editor_page = make_page(), make_page()
    owner, editor = new_person("Olli"), new_person("Eeva")
    register(owner_page, owner)
    workspace = create_workspace(owner_page, unique("Liikenneohjelma"), visibility="network")
    register(editor_page, editor)
    editor_page.goto(workspace)
    submit(editor_page, editor_page.get_by_role("button", name="Liity työtilaan"))
    document = create_document(owner_page, workspace, unique("Liikenneohjelma 2030"))
    return Pair(owner, editor, owner_page, editor_page, workspace, document)


def open_editor(page: Any, document: str) -> Any:
    """The document's edit page, following the workspace live; returns its text box."""
    page.goto(f"{document}/edit")
    page.wait_for_selector("#live[data-state=live]", state="attached")
    return page.locator("#body")


def save(page: Any, button: str = "Tallenna") -> None:
    submit(page, page.get_by_role("button", name=button, exact=True))


def saved_meanwhile_notice(page: Any) -> Any:
    return page.locator("#doc-newer")


def test_an_overlapping_save_is_noticed_at_once_and_resolved_in_the_merge_view(pair: Pair) -> None:
    theirs = "Ensimmäinen kappale: kaupunki kaksinkertaistaa pyöräpysäköinnin."
    mine = "Ensimmäinen kappale: kaupunki rakentaa pyöräparkin asemalle."
    resolved = "Ensimmäinen kappale: kaupunki kaksinkertaistaa pyöräpysäköinnin ja rakentaa pyöräparkin asemalle."

    # The editor also has the document itself open in another tab.
    reader = pair.editor_page.context.new_page()
    reader.goto(pair.document)
    reader.wait_for_selector("#live[data-state=live]", state="attached")
    editor_box = open_editor(pair.editor_page, pair.document)
    editor_box.fill(body_with(first=mine))
    owner_box = open_editor(pair.owner_page, pair.document)
    owner_box.fill(body_with(first=theirs))
    save(pair.owner_page)
    expect(pair.owner_page.locator(".flash, [role=status]").first).to_contain_text("Tallennettu versioksi 2")

    # At once, without a reload: who saved which revision; the text being written is left alone.
    notice = saved_meanwhile_notice(pair.editor_page)
    expect(notice).to_contain_text(f"{pair.owner.name} tallensi version 2", timeout=3000)
    expect(notice).to_contain_text("näet molemmat versiot rinnakkain")
    expect(editor_box).to_have_value(body_with(first=mine))
    expect(reader.locator("#doc-newer")).to_have_text(
        re.compile(rf"Uudempi versio \(2\) tallennettu: {re.escape(pair.owner.name)} · Näytä"), timeout=3000)
    expect(reader.locator(".prose")).not_to_contain_text("kaksinkertaistaa")
    with reader.expect_navigation(wait_until="load"):
        reader.get_by_role("link", name="Näytä", exact=True).click()
    expect(reader.locator(".prose").first).to_contain_text(theirs)
    expect(reader.locator("#doc-saved")).to_contain_text("Versio 2")
    expect(reader.locator("#doc-newer")).to_have_count(0)

    # The editor saves anyway: both changed paragraph 1, so nothing is saved and both versions show.
    save(pair.editor_page)
    page = pair.editor_page
    expect(page.get_by_role("heading", level=1)).to_have_text("Joku muu tallensi dokumentin muokatessasi")
    expect(page.locator(".merge-pane--theirs")).to_contain_text(theirs)
    expect(page.locator(".merge-pane--theirs h2")).to_contain_text(pair.owner.name)
    expect(page.locator(".merge-pane--mine")).to_contain_text(mine)
    expect(page.locator(".merge-clash").first).to_be_visible()
    expect(page.locator("#body")).to_have_value(body_with(first=mine))  # my text, ready to be fixed

    page.locator("#body").fill(body_with(first=resolved))
    page.locator("#summary").fill("Yhdistetty molemmat ehdotukset")
    save(page, "Tallenna minun versioni")
    expect(page).to_have_url(re.compile(rf"{re.escape(pair.document)}$"))
    expect(page.locator(".prose").first).to_contain_text(resolved)
    expect(page.locator("#doc-saved")).to_contain_text(f"Versio 3, tallentanut {pair.editor.name}")

    follow(page, page.get_by_role("link", name="Historia"))
    revisions = page.locator(".revisions .revision__number")
    expect(revisions).to_have_text(["Versio 3", "Versio 2", "Versio 1"])
    expect(page.locator(".revisions")).to_contain_text("Yhdistetty molemmat ehdotukset")
    expect(page.locator(".revision").first).to_contain_text(pair.editor.name)
    expect(page.locator(".revision").nth(1)).to_contain_text(pair.owner.name)


def test_a_save_that_does_not_overlap_is_merged_and_the_page_says_so(pair: Pair) -> None:
    theirs = "Ensimmäinen kappale: kaupunki kaksinkertaistaa pyöräpysäköinnin."
    mine = "Kolmas kappale: keskustaan tulee kävelykatu."
    editor_box = open_editor(pair.editor_page, pair.document)
    editor_box.fill(body_with(third=mine))
    owner_box = open_editor(pair.owner_page, pair.document)
    owner_box.fill(body_with(first=theirs))
    save(pair.owner_page)

    expect(saved_meanwhile_notice(pair.editor_page)).to_contain_text(
        f"{pair.owner.name} tallensi version 2", timeout=3000)
    expect(editor_box).to_have_value(body_with(third=mine))

    save(pair.editor_page)
    page = pair.editor_page
    expect(page.get_by_role("status").first).to_contain_text(
        "muutoksesi yhdistettiin hänen muutoksiinsa (versio 3)")
    prose = page.locator(".prose").first
    expect(prose).to_contain_text(theirs)
    expect(prose).to_contain_text(mine)
    expect(page.locator("#doc-saved")).to_contain_text("Versio 3")
    expect(page.locator("#doc-newer")).to_have_count(0)  # one's own save is no news

    follow(page, page.get_by_role("link", name="Historia"))
    expect(page.locator(".revisions .revision__number")).to_have_text(["Versio 3", "Versio 2", "Versio 1"])
    expect(page.locator(".revision").first.locator(".badge--merged")).to_have_text("yhdistetty")


def png(width: int = 40, height: int = 30) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (20, 120, 80)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_comments_files_and_saves_show_on_the_others_open_pages(pair: Pair) -> None:
    reader = pair.editor_page
    reader.goto(pair.document)
    reader.wait_for_selector("#live[data-state=live]", state="attached")
    expect(reader.locator("#files")).to_contain_text("Ei vielä tiedostoja")

    # A comment in the document's discussion arrives as a post of its thread.
    owner = pair.owner_page
    owner.goto(pair.document)
    owner.locator("#reply #body").fill("Mitä mieltä olette *ensimmäisestä* kappaleesta?")
    submit(owner, owner.get_by_role("button", name="Lähetä kommentti"))
    comment = reader.locator("#posts article.post")
    expect(comment).to_have_count(1, timeout=3000)
    expect(comment.locator(".post__body em")).to_have_text("ensimmäisestä")
    expect(reader.locator("#comments-heading")).to_contain_text("1 kommentti")
    expect(reader.locator(".doc-no-comments")).to_have_count(0)
    document_id = pair.document.rsplit("/", 1)[-1]
    expect(comment.get_by_role("link", name="Lainaa")).to_have_attribute(
        "href", re.compile(rf"^/d/{document_id}\?quote=\d+#reply$"))

    # A file added to the document shows in its file list, an image with its thumbnail.
    owner.locator("#files input[type=file]").set_input_files(
        {"name": "pyöräparkki.png", "mimeType": "image/png", "buffer": png()})
    submit(owner, owner.locator("#files").get_by_role("button", name="Lähetä"))
    file = reader.locator("#files .file")
    expect(file).to_have_count(1, timeout=3000)
    expect(file.locator(".file__name")).to_have_text("pyöräparkki.png")
    expect(file.locator("img")).to_have_attribute("alt", "Kuva: pyöräparkki.png")
    expect(reader.locator("#files")).not_to_contain_text("Ei vielä tiedostoja")
    expect(reader.locator("#files-heading .count-badge")).to_have_text("1")
    assert reader.locator("#files .file__thumb img").evaluate("img => img.complete && img.naturalWidth > 0")

    # The workspace's document list: a new document comes to the top, and so does a saved one.
    reader.goto(f"{pair.workspace}/documents")
    reader.wait_for_selector("#live[data-state=live]", state="attached")
    rows = reader.locator("#document-list .doc-row")
    expect(rows).to_have_count(1)
    title = unique("Pysäköintiohjelma")
    second = create_document(owner, pair.workspace, title)
    expect(rows).to_have_count(2, timeout=3000)
    expect(rows.first.locator(".thread-row__title")).to_have_text(title)
    box = open_editor(owner, pair.document)
    box.fill(body_with(third="Kolmas kappale: keskustaan tulee kävelykatu."))
    save(owner)
    expect(rows.first).to_contain_text(f"versio 2, tallentanut {pair.owner.name}", timeout=3000)
    expect(rows.nth(1).locator("a.thread-row__title")).to_have_attribute("href", second)
