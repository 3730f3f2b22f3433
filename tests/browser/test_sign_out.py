"""After signing out, nothing members-only is shown again: not by the back button, not by reloading."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.steps import account_nav, posts, sign_in, sign_out


def expect_sign_in_page(page, next_path: str, timeout: float = 5000) -> None:
    expected = re.compile(r"/sign-in\?next=" + re.escape(next_path).replace("/", "(?:/|%2F)") + "$")
    expect(page).to_have_url(expected, timeout=timeout)
    expect(page.get_by_role("heading", level=1)).to_have_text("Kirjaudu sisään")
    expect(page.locator("#email")).to_be_visible()
    expect(account_nav(page).get_by_role("link", name="Kirjaudu sisään")).to_be_visible()


def test_back_button_and_reload_after_signing_out_ask_to_sign_in(page, discussion):
    sign_in(page, discussion.owner)
    page.goto("/settings")
    expect(page.locator("#display_name")).to_have_value(discussion.owner.name)

    sign_out(page)
    page.go_back()
    expect_sign_in_page(page, "/settings")
    expect(page.locator("#display_name")).to_have_count(0)
    expect(page.get_by_text(discussion.owner.email)).to_have_count(0)

    page.goto("/settings")
    page.reload()
    expect_sign_in_page(page, "/settings")


def test_network_thread_is_not_shown_after_signing_out(page, discussion):
    sign_in(page, discussion.owner)
    page.goto(discussion.thread)
    expect(page.get_by_text("talvikäytöstä")).to_be_visible()

    sign_out(page)
    page.go_back()
    expect(posts(page)).to_have_count(0)
    expect(page.get_by_text("talvikäytöstä")).to_have_count(0)
    page.reload()
    expect(posts(page)).to_have_count(0)
    expect(page.get_by_text("talvikäytöstä")).to_have_count(0)


def test_network_thread_after_signing_out_offers_to_sign_in(page, discussion):
    sign_in(page, discussion.owner)
    page.goto(discussion.thread)
    sign_out(page)
    page.go_back()
    expect_sign_in_page(page, discussion.thread, timeout=1000)
