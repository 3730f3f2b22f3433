"""A page back from a long absence catches up in pages: the server answers at most about 1 MB at a
time (`more: true`), and the page asks on at once until it has everything, before it calls itself live."""

from __future__ import annotations

from typing import Any

from tests.browser.steps import posts, unique
from tests.live.helpers import Person
from tests.server import LiveServer

# Keeps a handle on the page's socket (socket.io's `io` is wrapped as the vendor script defines it),
# so the test can cut the connection and bring it back as a network outage would.
KEEP_SOCKET = """
(() => {
  let io;
  Object.defineProperty(window, "io", {
    configurable: true,
    get() { return io; },
    set(real) { io = (...args) => (window.__liveSocket = real(...args)); },
  });
})();
"""


def subscribes_sent(page: Any) -> list[str]:
    sent: list[str] = []

    def on_frame(payload: str | bytes) -> None:
        if isinstance(payload, str) and '"subscribe"' in payload:
            sent.append(payload)

    page.on("websocket", lambda socket: socket.on("framesent", on_frame))
    return sent


def test_a_page_back_from_a_long_absence_catches_up_in_pages_before_it_is_live(
        make_page: Any, live_server: LiveServer) -> None:
    owner = Person(live_server.url, "Kalle Kirjoittaja")
    slug = owner.create_workspace(unique("Pitkä poissaolo"), visibility="public")
    thread = owner.start_thread(slug, "Pitkät viestit", "Alku")
    tab = make_page()
    tab.add_init_script(KEEP_SOCKET)
    sent = subscribes_sent(tab)
    tab.goto(f"/t/{thread['id']}")
    tab.wait_for_selector("#live[data-state=live]", state="attached")
    assert len(sent) == 1

    tab.evaluate("window.__liveSocket.disconnect()")
    tab.wait_for_selector("#live[data-state=offline]", state="attached")
    big = "Pitkä kappale kestävästä kaupunkisuunnittelusta. " * 1000  # about 50 kB, 3 MB in all
    for n in range(30):
        owner.post(thread["id"], f"Viesti {n}. {big}")
    tab.evaluate("window.__liveSocket.connect()")
    tab.wait_for_selector("#live[data-state=live]", state="attached")

    # Live means caught up: every post is there now, asked for in several pages, each post once.
    assert posts(tab).count() == 31
    assert len(sent) >= 1 + 3, sent
    texts = tab.locator("article.post").all_inner_texts()
    assert [sum(f"Viesti {n}." in t for t in texts) for n in range(30)] == [1] * 30
