"""Moderation through the pages, in several browsers at once (issue 4): asking to join and being let in,
and a reported post hidden from the review queue vanishing from another member's open page."""

from __future__ import annotations

import re
from typing import Any

from playwright.sync_api import expect

from tests.browser.steps import (
    create_workspace,
    follow,
    new_person,
    posts,
    register,
    send_reply,
    start_thread,
    submit,
    unique,
)

HIDDEN_NOTICE = "Moderaattori on piilottanut tämän viestin."


def wait_until_live(tab: Any) -> None:
    """The page follows its workspace (and thread): the live client marks itself so."""
    tab.wait_for_selector("#live[data-state=live]", state="attached")


def mark_page(tab: Any) -> None:
    """Leave a mark in the page's JavaScript world; a reload would wipe it."""
    tab.evaluate("window.__notReloaded = true")


def not_reloaded(tab: Any) -> bool:
    return bool(tab.evaluate("window.__notReloaded === true"))


def member_of(tab: Any, first_name: str, workspace: str) -> None:
    register(tab, new_person(first_name))
    tab.goto(workspace)
    submit(tab, tab.get_by_role("button", name="Liity työtilaan"))


def test_request_to_join_is_approved_in_the_queue_and_the_user_becomes_a_member(make_page: Any) -> None:
    moderator, asker = make_page(), make_page()
    register(moderator, new_person("Mirja"))
    name = unique("Kiertotalouden verkosto")
    workspace = create_workspace(moderator, name, visibility="network", join_policy="request")

    register(asker, new_person("Aapo"))
    asker.goto(workspace)
    expect(asker.get_by_role("link", name="Uusi ketju")).to_have_count(0)
    asker.locator("#message").fill("Vastaan Lahden kiertotalousohjelmasta.")
    submit(asker, asker.get_by_role("button", name="Lähetä pyyntö"))
    expect(asker.get_by_text("Pyyntö lähetetty")).to_be_visible()
    wait_until_live(asker)
    mark_page(asker)

    moderator.goto(workspace)
    follow(moderator, moderator.get_by_role("link", name=re.compile("^Moderointi")))
    follow(moderator, moderator.get_by_role("link", name=re.compile("^Liittymispyynnöt")))
    request = moderator.locator("article.request").filter(has_text="Aapo Virtanen")
    expect(request).to_contain_text("Vastaan Lahden kiertotalousohjelmasta.")
    submit(moderator, request.get_by_role("button", name="Hyväksy"))
    expect(moderator.locator(".flash")).to_contain_text("on nyt jäsen")

    # The asker's open page is told at once: a notice, and the header's count goes up.
    expect(asker.locator(".toast")).to_contain_text(f"Pyyntösi liittyä työtilaan {name} hyväksyttiin", timeout=3000)
    expect(asker.locator("#notification-count")).to_have_attribute("data-count", "1")
    assert not_reloaded(asker)
    asker.reload()
    expect(asker.get_by_text("Pyyntö lähetetty")).to_have_count(0)
    thread = start_thread(asker, workspace, "Esittäydyn", "Hei kaikki, olen uusi jäsen.")
    assert thread.startswith("/t/")


def test_reported_post_hidden_from_the_queue_vanishes_from_an_open_page(make_page: Any) -> None:
    moderator, author, reporter, reader = make_page(), make_page(), make_page(), make_page()
    register(moderator, new_person("Mirja"))
    workspace = create_workspace(moderator, unique("Energiaremontit"), visibility="network")
    thread = start_thread(moderator, workspace, "Lämpöpumput kouluihin", "Kokemuksia maalämmöstä?")
    member_of(author, "Sami", workspace)
    spam = "Osta halpoja lämpöpumppuja osoitteesta tarjoukset.example!"
    author.goto(thread)
    send_reply(author, spam)
    member_of(reporter, "Riitta", workspace)
    member_of(reader, "Lauri", workspace)

    reporter.goto(thread)
    reported = posts(reporter).filter(has_text=spam)
    follow(reporter, reported.get_by_role("link", name="Ilmianna"))
    reporter.get_by_label("Roskapostia tai mainontaa").check()
    submit(reporter, reporter.get_by_role("button", name="Lähetä ilmianto"))
    expect(reporter.locator(".flash")).to_contain_text("Kiitos")

    for tab in (reader, author):
        tab.goto(thread)
        wait_until_live(tab)
        mark_page(tab)
    expect(reader.get_by_text(spam)).to_be_visible()

    moderator.goto(workspace)
    follow(moderator, moderator.get_by_role("link", name=re.compile("^Moderointi")))
    item = moderator.locator("article.queue-item").filter(has_text=spam)
    expect(item).to_contain_text("Roskapostia tai mainontaa")
    item.locator("summary").filter(has_text="Piilota viesti").click()
    item.get_by_label("Syy").fill("Mainontaa")
    submit(moderator, item.get_by_role("button", name="Piilota viesti", exact=True))
    expect(moderator.get_by_text("Ei avoimia ilmiantoja.")).to_be_visible()

    # The reader sees the text go and the notice come, without a reload; reactions and actions go too.
    hidden = posts(reader).nth(1)
    expect(hidden).to_contain_text(HIDDEN_NOTICE, timeout=3000)
    expect(reader.get_by_text(spam)).to_have_count(0)
    expect(hidden.locator(".post__foot")).to_be_hidden()
    assert not_reloaded(reader)
    # Its author still reads it, marked as hidden (the reason comes as a notice of its own).
    mine = posts(author).filter(has_text=spam)
    expect(mine).to_contain_text(HIDDEN_NOTICE)
    expect(mine.get_by_role("link", name="Muokkaa")).to_have_count(0)
    expect(author.locator(".toast")).to_contain_text("Moderaattori piilotti viestisi")
    assert not_reloaded(author)

    # Restored: the text comes back on the open page.
    moderator.goto(thread)
    submit(moderator, posts(moderator).filter(has_text=spam).get_by_role("button", name="Palauta"))
    expect(hidden).to_contain_text(spam, timeout=3000)
    expect(hidden).not_to_contain_text(HIDDEN_NOTICE)
    expect(hidden.locator(".post__foot")).to_be_visible()
    assert not_reloaded(reader)


def test_locking_takes_the_reply_box_from_an_open_page_and_unlocking_brings_it_back(make_page: Any) -> None:
    moderator, member = make_page(), make_page()
    register(moderator, new_person("Mirja"))
    workspace = create_workspace(moderator, unique("Lukitukset"), visibility="network")
    thread = start_thread(moderator, workspace, "Kiivas väittely", "Pysytään asiassa.")
    member_of(member, "Kalle", workspace)
    member.goto(thread)
    wait_until_live(member)
    mark_page(member)
    member.locator("#reply #body").fill("Keskeneräinen luonnos")

    moderator.goto(thread)
    submit(moderator, moderator.get_by_role("button", name="Lukitse"))
    expect(member.locator("#reply")).to_be_hidden(timeout=3000)
    expect(member.get_by_text("Tämä ketju on lukittu.")).to_be_visible()
    expect(member.locator(".thread-head .badge--locked")).to_be_visible()

    submit(moderator, moderator.get_by_role("button", name="Avaa lukitus"))
    expect(member.locator("#reply")).to_be_visible(timeout=3000)
    expect(member.locator("#reply #body")).to_have_value("Keskeneräinen luonnos")
    expect(member.get_by_text("Tämä ketju on lukittu.")).to_have_count(0)
    expect(member.locator(".thread-head .badge--locked")).to_have_count(0)
    assert not_reloaded(member)

    # A page opened while the thread was locked gets a working reply box when it opens again.
    submit(moderator, moderator.get_by_role("button", name="Lukitse"))
    member.reload()
    wait_until_live(member)
    expect(member.locator("#reply")).to_have_count(0)
    submit(moderator, moderator.get_by_role("button", name="Avaa lukitus"))
    expect(member.locator("#reply #body")).to_be_visible(timeout=3000)
    send_reply(member, "Lukituksen jälkeen")
    expect(member.get_by_text("Lukituksen jälkeen")).to_be_visible()


def test_a_banned_members_open_page_says_access_is_gone(make_page: Any) -> None:
    moderator, member = make_page(), make_page()
    register(moderator, new_person("Mirja"))
    workspace = create_workspace(moderator, unique("Estot"), visibility="public")
    thread = start_thread(moderator, workspace, "Avoin keskustelu", "Kaikki saavat lukea.")
    member_of(member, "Teemu", workspace)
    member.goto(thread)
    wait_until_live(member)
    mark_page(member)

    moderator.goto(workspace)
    follow(moderator, moderator.get_by_role("link", name=re.compile("^Jäsenet")).first)
    row = moderator.locator(".member-row").filter(has_text="Teemu Virtanen")
    follow(moderator, row.get_by_role("link", name="Estä…"))
    moderator.locator("#reason").fill("Toistuvaa häiriköintiä")
    submit(moderator, moderator.get_by_role("button", name="Estä", exact=True))

    banner = member.locator("#live-banner")
    expect(banner).to_contain_text("Sinulla ei ole enää pääsyä tähän työtilaan.", timeout=3000)
    expect(member.locator("#reply")).to_be_hidden()
    expect(member.locator("#live")).to_have_attribute("data-state", "stopped")
    assert not_reloaded(member)
    member.goto(thread)  # even though the workspace is public
    expect(member.get_by_role("heading", name="Avoin keskustelu")).to_have_count(0)


def test_pinned_and_moved_threads_change_open_pages(make_page: Any) -> None:
    moderator, member = make_page(), make_page()
    register(moderator, new_person("Mirja"))
    target_name = unique("Liikenteen kohdetila")
    target = create_workspace(moderator, target_name, visibility="network")
    source = create_workspace(moderator, unique("Liikenteen lähtötila"), visibility="network")
    moved = start_thread(moderator, source, "Väärässä paikassa", "Tämä kuuluu toiseen tilaan.")
    start_thread(moderator, source, "Tärkeä tiedote", "Lukekaa tämä ensin.")
    member_of(member, "Pekka", source)
    thread_tab, list_tab = member, member.context.new_page()
    thread_tab.goto(moved)
    list_tab.goto(source)
    for tab in (thread_tab, list_tab):
        wait_until_live(tab)
    rows = list_tab.locator("#thread-list .thread-row")
    expect(rows.first).to_contain_text("Tärkeä tiedote")

    moderator.goto(moved)  # the older thread: pinning it takes it to the top of the open list
    submit(moderator, moderator.get_by_role("button", name="Kiinnitä"))
    expect(rows.first).to_contain_text("Väärässä paikassa", timeout=3000)
    expect(rows.first.locator(".badge--pinned")).to_have_text("Kiinnitetty")

    moderator.locator("#move-to").select_option(label=target_name)
    submit(moderator, moderator.get_by_role("button", name="Siirrä", exact=True))
    banner = thread_tab.locator("#live-banner")
    expect(banner).to_contain_text(f"Ketju siirrettiin työtilaan {target_name}.", timeout=3000)
    expect(banner.get_by_role("link", name=target_name)).to_have_attribute("href", target)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Tärkeä tiedote")
    follow(thread_tab, banner.get_by_role("link", name="Avaa ketju sen uudessa paikassa"))
    expect(thread_tab.locator(".breadcrumbs")).to_contain_text(target_name)
