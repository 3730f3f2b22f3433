"""On a phone (390x844) the pages fit the screen: nothing to scroll sideways, and the reply form is at hand."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.steps import (
    create_workspace,
    follow,
    no_horizontal_scroll,
    posts,
    start_thread,
    submit,
    unique,
)

# Not is_mobile: a mobile layout viewport zooms out to fit content that is too wide, so innerWidth would grow
# with the overflow and hide it. width=device-width makes the layout the same either way.
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True}

AWKWARD_BODY = """Raportti: https://example.org/hyvin/pitka/osoite/joka/ei/katkea/mihinkaan/kaupunkien-energiatehokkuusinvestoinnit-2030.pdf

Kaukolämpöverkkoinvestointisuunnitelmaluonnoksenkommentointikierroksella sovittiin aikataulusta.

```
for kohde in kiinteistot: laske_energiankulutus(kohde, vuosi=2030, skenaario="perus", tarkkuus="tunti")
```

| Kohde | Kulutus MWh | Säästö MWh | Investointi € | Takaisinmaksuaika |
|---|---|---|---|---|
| Hervannan koulu | 1200 | 300 | 250000 | 8 vuotta |
"""


def assert_fits_the_screen(page) -> None:
    scroll_width, inner_width = no_horizontal_scroll(page)
    assert inner_width == 390
    assert scroll_width <= inner_width, f"{page.url} scrolls sideways: {scroll_width}px on a {inner_width}px screen"


def test_workspace_and_thread_fit_a_phone_and_the_reply_form_is_reachable(make_page, discussion):
    page = make_page(**PHONE, storage_state=discussion.owner_state)
    page.goto("/")
    assert_fits_the_screen(page)

    page.goto(discussion.workspace)
    expect(page.get_by_role("link", name=discussion.title)).to_be_visible()
    assert_fits_the_screen(page)

    follow(page, page.get_by_role("link", name=discussion.title))
    expect(page.get_by_role("heading", level=1)).to_have_text(discussion.title)
    assert_fits_the_screen(page)

    box = page.locator("#reply #body")
    box.scroll_into_view_if_needed()
    expect(box).to_be_in_viewport()
    area = box.bounding_box()
    assert area is not None and area["x"] >= 0 and area["x"] + area["width"] <= 390
    box.tap()
    box.fill("Puhelimelta: meillä sama kokemus.")
    send = page.get_by_role("button", name="Lähetä vastaus")
    send.scroll_into_view_if_needed()
    expect(send).to_be_in_viewport()
    submit(page, send)  # a click on what is at the button's spot: fails if the sticky header covers it
    expect(posts(page).last.locator(".post__body")).to_have_text("Puhelimelta: meillä sama kokemus.")
    assert_fits_the_screen(page)


def test_long_links_words_code_and_tables_in_a_post_do_not_widen_the_phone_page(make_page, discussion):
    page = make_page(**PHONE, storage_state=discussion.owner_state)
    page.goto("/")
    start_thread(page, discussion.workspace, "Pitkiä rivejä", AWKWARD_BODY)
    assert_fits_the_screen(page)
    # Code and tables scroll inside themselves instead.
    expect(page.locator(".post__body pre")).to_have_css("overflow-x", "auto")
    page.goto(discussion.workspace)
    assert_fits_the_screen(page)


def test_long_compound_words_in_names_and_titles_wrap_on_a_phone(make_page, discussion):
    page = make_page(**PHONE, storage_state=discussion.owner_state)
    page.goto("/")
    workspace = create_workspace(page, unique("Kaukolämpöverkkoinvestointisuunnitelmatyöryhmä"))
    title = "Energiatehokkuusinvestointisuunnitelmaluonnoksen kommentointikierros"
    thread = start_thread(page, workspace, title, "Kommentit tänne.")
    widths = {}
    for path in (thread, workspace, "/"):
        page.goto(path)
        widths[path] = no_horizontal_scroll(page)[0]
    assert all(width <= 390 for width in widths.values()), widths
