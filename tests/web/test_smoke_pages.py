"""The main pages render for each kind of visitor."""

from tests.factories import make_thread, reply


def test_directory_lists_network_workspace_for_signed_in_member(web_as, member, workspace):
    page = web_as(member).get("/")
    assert page.status_code == 200
    assert workspace.name in page.get_data(as_text=True)


def test_thread_page_shows_posts_in_order(web_as, member, other_member, workspace):
    thread, _first = make_thread(member, workspace, "Aurinkopaneelit", "Ensimmäinen viesti")
    reply(other_member, thread, "Toinen viesti")
    html = web_as(member).get(f"/t/{thread.id}").get_data(as_text=True)
    assert html.index("Ensimmäinen viesti") < html.index("Toinen viesti")
