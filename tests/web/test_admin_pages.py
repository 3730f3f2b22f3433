"""Site admins' pages: accounts, the network-wide review queue and audit log."""

from __future__ import annotations

import pytest

from app.actions import admin as admin_actions
from app.actions import moderation
from tests.factories import add_member, make_thread, make_workspace

ADMIN_PAGES = ["/admin/users", "/admin/review", "/admin/audit"]


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_sees_each_admin_page(web_as, admin, path) -> None:
    assert web_as(admin).get(path).status_code == 200


@pytest.mark.parametrize("path", [*ADMIN_PAGES, "/admin/"])
def test_everyone_else_is_told_admin_pages_do_not_exist(web_as, owner, moderator, path) -> None:
    assert web_as(None).get(path).status_code == 404
    assert web_as(owner).get(path).status_code == 404


def test_header_links_admin_pages_for_admins_only(web_as, admin, owner) -> None:
    assert 'href="/admin/"' in web_as(admin).get("/").get_data(as_text=True)
    assert 'href="/admin/"' not in web_as(owner).get("/").get_data(as_text=True)


def test_admin_searches_users(web_as, admin, member, outsider) -> None:
    page = web_as(admin).get("/admin/users?q=minna").get_data(as_text=True)
    assert member.email in page and outsider.email not in page


def test_admin_suspends_with_a_reason_and_reinstates(web_as, admin, member) -> None:
    web = web_as(admin)
    assert web.get(f"/admin/users/{member.id}/suspend").status_code == 200
    response = web.post(f"/admin/users/{member.id}/suspend", {"reason": "Roskapostia"})
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert "Jäädytetty" in page and "Roskapostia" in page
    assert web_as(None).post("/sign-in", {"email": member.email, "password": "x"}).status_code == 200
    response = web.post(f"/admin/users/{member.id}/reinstate")
    page = web.get(response.headers["Location"]).get_data(as_text=True)
    assert f"/admin/users/{member.id}/suspend" in page


def test_suspending_without_a_reason_shows_the_error(web_as, admin, member) -> None:
    response = web_as(admin).post(f"/admin/users/{member.id}/suspend", {"reason": ""})
    assert response.status_code == 200
    assert 'aria-invalid="true"' in response.get_data(as_text=True)


def test_admin_cannot_suspend_themself(web_as, admin) -> None:
    assert web_as(admin).get(f"/admin/users/{admin.id}/suspend").status_code == 409


def test_network_review_queue_shows_every_workspace(web_as, admin, owner, member, other_member, workspace) -> None:
    elsewhere = make_workspace(owner, name="Liikenne")
    add_member(elsewhere, member)
    add_member(elsewhere, other_member)
    first = make_thread(member, workspace, "Ensimmäinen", "Mainos yksi")[1]
    second = make_thread(member, elsewhere, "Toinen", "Mainos kaksi")[1]
    moderation.do_flag_post(other_member, first.id, "spam")
    moderation.do_flag_post(other_member, second.id, "spam")
    page = web_as(admin).get("/admin/review").get_data(as_text=True)
    assert "Mainos yksi" in page and "Mainos kaksi" in page
    assert workspace.name in page and "Liikenne" in page


def test_network_audit_log_shows_suspensions(web_as, admin, member) -> None:
    admin_actions.do_suspend(admin, member.id, "Roskapostia")
    page = web_as(admin).get("/admin/audit").get_data(as_text=True)
    assert "Tili jäädytetty" in page and "Roskapostia" in page
    filtered = web_as(admin).get("/admin/audit?action=post.hidden").get_data(as_text=True)
    assert "Roskapostia" not in filtered
