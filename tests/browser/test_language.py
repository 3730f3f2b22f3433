"""The interface speaks the visitor's language: Finnish by default, English on request, and it remembers."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.steps import account_nav, register, sign_in, sign_out, submit


def in_english(page):
    submit(page, account_nav(page).get_by_role("button", name="In English"))


def test_finnish_browser_gets_finnish_and_in_english_switches(page):
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text("Työtilat")
    expect(account_nav(page).get_by_role("link", name="Kirjaudu sisään")).to_be_visible()
    expect(page.get_by_role("link", name="Siirry sisältöön")).to_be_attached()

    in_english(page)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspaces")
    expect(account_nav(page).get_by_role("link", name="Sign in")).to_be_visible()
    expect(account_nav(page).get_by_role("button", name="Suomeksi")).to_be_visible()

    # The choice holds on the next pages, too.
    page.goto("/sign-in")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_english_browser_gets_english(make_page):
    page = make_page(locale="en-GB")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspaces")


def test_chosen_language_sticks_after_signing_out_and_in(page, person):
    register(page, person)
    expect(page.locator("html")).to_have_attribute("lang", "fi")
    in_english(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspaces")

    sign_out(page)
    page.context.clear_cookies()  # as on another day, or another device: only the account remembers
    sign_in(page, person)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", level=1)).to_have_text("Workspaces")
    expect(account_nav(page).get_by_role("link", name="Settings")).to_be_visible()


def test_chosen_language_stays_on_the_page_after_signing_out(page, person):
    register(page, person)
    in_english(page)
    sign_out(page)
    expect(page.locator("html")).to_have_attribute("lang", "en", timeout=1000)
