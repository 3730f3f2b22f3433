"""What a person does on the site, step by step, for the browser tests.

The steps find fields by their id (the form field's name), because the visible labels are still being
translated; buttons and links are found by their visible Finnish text, as a person finds them.
Every step that submits a form (`submit`) or follows a link (`follow`) waits for the next page, so the test
never races the navigation: a field filled or a button pressed right after a bare click may still land on the
page being left (the reply box of a thread is on both the thread and its quote page).
"""

from __future__ import annotations

import itertools
import os
import re
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import expect

PASSWORD = "kestävä-kaupunki-2030"
_serial = itertools.count(1)


@dataclass
class Person:
    name: str
    email: str
    organisation: str
    password: str = PASSWORD


def new_person(first_name: str = "Anna") -> Person:
    """Someone who has no account yet (unique within this test session's database)."""
    n = next(_serial)
    return Person(
        name=f"{first_name} Virtanen {n}",
        email=f"{first_name.lower()}.{n}.{os.getpid()}@example.fi",
        organisation="Tampereen kaupunki",
    )


def unique(word: str) -> str:
    return f"{word} {next(_serial)}"


def submit(page: Any, button: Any) -> None:
    """Press a button that sends a form, and wait until the answer page has loaded."""
    with page.expect_navigation(wait_until="load"):
        button.click()


def follow(page: Any, link: Any) -> None:
    """Click a link that leads to another page, and wait until that page has loaded."""
    with page.expect_navigation(wait_until="load"):
        link.click()


def account_nav(page: Any) -> Any:
    """The header's navigation (account links, sign out, language)."""
    return page.locator("header.site-header nav")


def register(page: Any, person: Person) -> None:
    """Open the site, follow "Rekisteröidy" and create the account; ends signed in on the directory."""
    page.goto("/")
    follow(page, account_nav(page).get_by_role("link", name="Rekisteröidy"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Luo tili")
    page.locator("#display_name").fill(person.name)
    page.locator("#email").fill(person.email)
    page.locator("#organisation").fill(person.organisation)
    page.locator("#password").fill(person.password)
    submit(page, page.get_by_role("button", name="Luo tili"))
    expect(account_nav(page)).to_contain_text(person.name)


def sign_in(page: Any, person: Person) -> None:
    page.goto("/sign-in")
    page.locator("#email").fill(person.email)
    page.locator("#password").fill(person.password)
    submit(page, page.locator("main").get_by_role("button", name=re.compile("Kirjaudu sisään|Sign in")))
    expect(account_nav(page)).to_contain_text(person.name)


def sign_out(page: Any) -> None:
    submit(page, account_nav(page).get_by_role("button", name=re.compile("^(Kirjaudu ulos|Sign out)$")))
    expect(account_nav(page).get_by_role("link", name=re.compile("Kirjaudu sisään|Sign in"))).to_be_visible()


def create_workspace(page: Any, name: str, visibility: str = "network", join_policy: str = "open") -> str:
    """From the directory, make a workspace; returns its address (path)."""
    page.goto("/")
    follow(page, page.get_by_role("link", name="Uusi työtila"))
    page.locator("#name").fill(name)
    page.locator("#description").fill("Kokemuksia ja hyviä käytäntöjä energiansäästöstä.")
    page.locator("#themes").fill("energia, ilmasto")
    page.locator("#visibility").select_option(visibility)
    page.locator("#join_policy").select_option(join_policy)
    submit(page, page.get_by_role("button", name="Luo työtila"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)
    return re.sub(r"^https?://[^/]+", "", page.url)


def start_thread(page: Any, workspace_path: str, title: str, body: str) -> str:
    """On the workspace page, start a thread; returns the thread's address (path)."""
    page.goto(workspace_path)
    follow(page, page.get_by_role("link", name="Uusi ketju").first)
    page.locator("#title").fill(title)
    page.locator("#body").fill(body)
    submit(page, page.get_by_role("button", name="Aloita ketju"))
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    return re.sub(r"^https?://[^/]+", "", page.url).split("#")[0]


def send_reply(page: Any, body: str) -> None:
    """Write in the reply box of the open thread and send it."""
    page.locator("#reply #body").fill(body)
    submit(page, page.get_by_role("button", name="Lähetä vastaus"))


def posts(page: Any) -> Any:
    return page.locator("article.post")


def no_horizontal_scroll(page: Any) -> tuple[int, int]:
    """(scrollWidth, innerWidth) of the page; the first must not exceed the second."""
    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    return int(widths[0]), int(widths[1])
