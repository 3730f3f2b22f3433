"""A person finds the site, joins, opens a workspace and discusses — and hostile text stays text."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.steps import create_workspace, follow, posts, register, send_reply, start_thread, submit, unique

FIRST_BODY = """Meillä on kokeiltu lämpöpumppuja **kolmessa koulussa**:

- Hervannan koulu
- Kaukajärven koulu

Lue lisää [loppuraportista](https://example.org/raportti).
"""

HOSTILE_BODY = """Katsokaa tätä:

<script>window.__pwned=1</script>

<img src=x onerror="window.__pwned=1">

[click](javascript:window.__pwned=1)
"""


def test_register_create_workspace_discuss_and_quote(page, person):
    register(page, person)
    expect(page.get_by_role("status")).to_contain_text("Tervetuloa")

    workspace = create_workspace(page, unique("Energiaremontit"), visibility="public")
    expect(page.get_by_role("link", name="Uusi ketju").first).to_be_visible()

    start_thread(page, workspace, "Lämpöpumput kouluihin", FIRST_BODY)
    first = posts(page).nth(0)
    expect(first.locator(".post__author")).to_have_text(person.name)
    body = first.locator(".post__body")
    expect(body.locator("strong")).to_have_text("kolmessa koulussa")
    expect(body.locator("ul > li")).to_have_text(["Hervannan koulu", "Kaukajärven koulu"])
    link = body.get_by_role("link", name="loppuraportista")
    expect(link).to_have_attribute("href", "https://example.org/raportti")
    expect(link).to_have_attribute("rel", re.compile(r"(^|\s)nofollow(\s|$)"))
    expect(body).not_to_contain_text("**")

    send_reply(page, "Kiitos! *Säästö* oli meillä noin 30 %.")
    expect(posts(page)).to_have_count(2)
    expect(posts(page).nth(1).locator(".post__body em")).to_have_text("Säästö")

    # "Lainaa" fills the reply box with the first post as a Markdown quote and scrolls to it.
    follow(page, first.get_by_role("link", name="Lainaa"))  # the quote page: the reply box is on both
    box = page.locator("#reply #body")
    expect(box).to_have_value(re.compile(rf"^> \*\*{re.escape(person.name)}:\*\*\n>\n> Meillä on kokeiltu"))
    expect(page.get_by_role("heading", name="Vastaa")).to_be_in_viewport()
    box.press("Control+End")
    box.press_sequentially("Tämä on hyvä esimerkki muillekin.")
    submit(page, page.get_by_role("button", name="Lähetä vastaus"))

    expect(posts(page)).to_have_count(3)
    quoting = posts(page).nth(2)
    quote = quoting.locator(".post__body blockquote")
    expect(quote).to_be_visible()
    expect(quote).to_contain_text(person.name)
    expect(quote.locator("strong", has_text="kolmessa koulussa")).to_be_visible()
    expect(quote.locator("li")).to_have_count(2)
    expect(quoting.locator(".post__body > p")).to_have_text("Tämä on hyvä esimerkki muillekin.")
    expect(quoting.locator(".post__reply-to")).to_contain_text(person.name)


def test_script_in_a_post_never_runs(owner_page, discussion):
    page = owner_page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    start_thread(page, discussion.workspace, "Outo viesti", HOSTILE_BODY)

    body = posts(page).nth(0).locator(".post__body")
    expect(body).to_contain_text("Katsokaa tätä")
    # What was typed is shown as text, not made into elements.
    expect(body).to_contain_text("<script>window.__pwned=1</script>")
    expect(body.locator("script, img, iframe, [onerror]")).to_have_count(0)
    expect(body.locator("a[href^='javascript' i]")).to_have_count(0)
    links = body.get_by_role("link", name="click")
    if links.count():
        links.first.click()

    page.reload()
    page.wait_for_timeout(300)  # give an injected handler (an image error, say) time to fire
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == []
