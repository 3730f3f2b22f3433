"""Someone using only a keyboard: the skip link comes first, and signing in needs no mouse."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.steps import account_nav


def test_first_tab_reaches_skip_link_which_moves_to_the_content(page):
    page.goto("/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Siirry sisältöön")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_skip_link_comes_first_on_a_thread_page_too(owner_page, discussion):
    page = owner_page
    page.goto(discussion.thread)
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Siirry sisältöön")).to_be_focused()


def sign_in_with_keyboard(page, email: str, password: str) -> None:
    page.goto("/sign-in")
    expect(page.locator("#email")).to_be_focused()  # the form starts where the person starts typing
    page.keyboard.type(email)
    page.keyboard.press("Tab")
    expect(page.locator("#password")).to_be_focused()
    page.keyboard.type(password)
    page.keyboard.press("Tab")
    expect(page.locator("#remember")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#remember")).to_be_checked()
    page.keyboard.press("Tab")
    expect(page.locator("main").get_by_role("button", name="Kirjaudu sisään")).to_be_focused()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_sign_in_with_the_keyboard_only(page, discussion):
    sign_in_with_keyboard(page, discussion.owner.email, discussion.owner.password)
    expect(account_nav(page)).to_contain_text(discussion.owner.name)
    expect(page.get_by_role("heading", level=1)).to_have_text("Työtilat")
