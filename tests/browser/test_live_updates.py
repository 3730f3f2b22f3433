"""Two people, two browsers: what one does shows on the other's open page without a reload."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.steps import follow, new_person, posts, register, submit, unique


@pytest.fixture
def reader(make_page: Any, discussion: Any) -> Any:
    """A second person, signed in and a member of the discussion's workspace."""
    tab = make_page()
    register(tab, new_person("Reetta"))
    tab.goto(discussion.workspace)
    submit(tab, tab.get_by_role("button", name="Liity työtilaan"))
    return tab


def wait_until_live(tab: Any) -> None:
    """The page follows its workspace (and thread): the live client marks itself so."""
    tab.wait_for_selector("#live[data-state=live]", state="attached")


def test_a_reply_appears_on_the_other_open_page_and_typing_shows_and_clears(owner_page: Any, reader: Any,
                                                                          discussion: Any) -> None:
    reader.goto(discussion.thread)
    owner_page.goto(discussion.thread)
    wait_until_live(reader)
    wait_until_live(owner_page)
    before = posts(reader).count()

    owner_page.locator("#reply #body").press_sequentially("Talvella tärkeintä on aurausjärjestys", delay=20)
    typing = reader.locator("#typing")
    expect(typing).to_have_text(re.compile(r"Olli Virtanen \d+ kirjoittaa…"), timeout=3000)

    owner_page.get_by_role("button", name="Lähetä vastaus").click()
    started = time.monotonic()
    expect(reader.get_by_text("Talvella tärkeintä on aurausjärjestys")).to_be_visible(timeout=2000)
    elapsed = time.monotonic() - started
    assert posts(reader).count() == before + 1
    assert elapsed < 2.0, f"the reply took {elapsed:.2f} s to show (the click includes the POST itself)"
    expect(typing).to_have_text("", timeout=1000)  # the typist's post clears the indicator
    expect(reader.locator("#presence")).to_contain_text("Olli Virtanen")


def test_a_new_thread_appears_at_the_top_of_the_open_workspace_page(owner_page: Any, reader: Any,
                                                                   discussion: Any) -> None:
    reader.goto(discussion.workspace)
    wait_until_live(reader)
    title = unique("Sähköpotkulaudat talvella")
    owner_page.goto(discussion.workspace)
    follow(owner_page, owner_page.get_by_role("link", name="Uusi ketju").first)
    owner_page.locator("#title").fill(title)
    owner_page.locator("#body").fill("Kielletäänkö vai sallitaanko?")
    owner_page.get_by_role("button", name="Aloita ketju").click()
    first = reader.locator("#thread-list .thread-row:not(.thread-row--pinned)").first
    expect(first).to_contain_text(title, timeout=3000)
    expect(first).to_contain_text("1 viesti")


def test_a_reaction_counts_on_the_other_open_page(owner_page: Any, reader: Any, discussion: Any) -> None:
    reader.goto(discussion.thread)
    owner_page.goto(discussion.thread)
    wait_until_live(reader)
    first_post = owner_page.locator("article.post").first
    first_post.get_by_role("button", name=re.compile("^💡")).click()
    other = reader.locator("article.post").first.get_by_role("button", name=re.compile("^💡"))
    expect(other).to_have_attribute("aria-label", re.compile(r"💡 [1-9]"), timeout=3000)
    expect(first_post.get_by_role("button", name=re.compile("^💡"))).to_have_attribute("aria-pressed", "true")
