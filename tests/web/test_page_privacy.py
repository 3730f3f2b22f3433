"""The pages' privacy table: every page under a workspace, thread or post answers an outsider of a
private workspace exactly as it answers for something that does not exist, and writes nothing.

A page added under /w/, /t/ or /p/ must join SCOPED_PAGES (the last test fails until it does).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Flag, Invitation, Membership, Post, Thread, Workspace
from tests.factories import make_thread

MISSING_ID = 999_999
MISSING_SLUG = "ei-ole-olemassa"

# (method, path, form a member might send); {slug}, {thread}, {post} are the private workspace's,
# {user} a member of it, {other} an id of something else it holds (a request, an invitation).
SCOPED_PAGES = [
    ("GET", "/w/{slug}", None),
    ("GET", "/w/{slug}/members", None),
    ("GET", "/w/{slug}/settings", None),
    ("POST", "/w/{slug}/settings", {"name": "Muutettu", "visibility": "public", "join_policy": "open"}),
    ("POST", "/w/{slug}/join", {"message": "Hei"}),
    ("POST", "/w/{slug}/leave", {}),
    ("GET", "/w/{slug}/new-thread", None),
    ("POST", "/w/{slug}/new-thread", {"title": "Salainen ketju", "body": "Hei"}),
    ("GET", "/w/{slug}/documents", None),
    ("GET", "/w/{slug}/documents/new", None),
    ("POST", "/w/{slug}/documents/new", {"title": "Salainen", "body": "Hei", "kind": "page"}),
    ("GET", "/w/{slug}/review", None),
    ("GET", "/w/{slug}/audit", None),
    ("GET", "/w/{slug}/requests", None),
    ("POST", "/w/{slug}/requests/{other}/approve", {}),
    ("GET", "/w/{slug}/requests/{other}/decline", None),
    ("POST", "/w/{slug}/requests/{other}/decline", {"reason": ""}),
    ("GET", "/w/{slug}/invitations", None),
    ("POST", "/w/{slug}/invitations", {"email": "uusi@kunta.fi", "role": "member"}),
    ("POST", "/w/{slug}/invitations/{other}/withdraw", {}),
    ("POST", "/w/{slug}/members/{user}/role", {"role": "moderator"}),
    ("POST", "/w/{slug}/members/{user}/remove", {}),
    ("GET", "/w/{slug}/members/{user}/ban", None),
    ("POST", "/w/{slug}/members/{user}/ban", {"reason": ""}),
    ("POST", "/w/{slug}/bans/{user}/lift", {}),
    ("GET", "/t/{thread}", None),
    ("POST", "/t/{thread}/reply", {"body": "Hei"}),
    ("POST", "/t/{thread}/moderate", {"locked": "1"}),
    ("POST", "/t/{thread}/move", {"workspace": "muu"}),
    ("GET", "/t/{thread}/rename", None),
    ("POST", "/t/{thread}/rename", {"title": "Uusi otsikko"}),
    ("POST", "/t/{thread}/purge", {}),
    ("GET", "/p/{post}", None),
    ("GET", "/p/{post}/edit", None),
    ("POST", "/p/{post}/edit", {"body": "Muutettu"}),
    ("POST", "/p/{post}/delete", {}),
    ("POST", "/p/{post}/react", {"emoji": "👍"}),
    ("GET", "/p/{post}/history", None),
    ("POST", "/p/{post}/attachments", {}),
    ("GET", "/p/{post}/flag", None),
    ("POST", "/p/{post}/flag", {"reason": "spam"}),
    ("GET", "/p/{post}/hide", None),
    ("POST", "/p/{post}/hide", {"reason": "Syy"}),
    ("POST", "/p/{post}/restore", {}),
    ("POST", "/p/{post}/approve", {}),
    ("GET", "/p/{post}/reject", None),
    ("POST", "/p/{post}/reject", {"reason": ""}),
    ("POST", "/p/{post}/purge", {}),
]
IDS = [f"{method} {path}" for method, path, _ in SCOPED_PAGES]
WRITTEN = (Workspace, Membership, Thread, Post, Flag, Invitation, AuditEntry)


@pytest.fixture
def private_post(member, private_workspace) -> Post:
    return make_thread(member, private_workspace, "Luottamuksellinen", "Vain jäsenille")[1]


def snapshot() -> dict[str, int]:
    db.session.rollback()
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) or 0 for model in WRITTEN}


def fill(path: str, slug: str, thread: int, post: int, user: int) -> str:
    return path.format(slug=slug, thread=thread, post=post, user=user, other=MISSING_ID)


def page(response) -> str:  # type: ignore[no-untyped-def]
    """The answer's HTML without its CSRF tokens (signed with the time, so they differ by the second) and
    without the language switch's way back (the address asked for, which the asker knows anyway)."""
    html = response.get_data(as_text=True)
    return re.sub(r'(csrf-token" content|name="csrf_token" value|name="next" value)="[^"]*"', r'\1=""', html)


def ask(web, method: str, url: str, form):  # type: ignore[no-untyped-def]
    return web.get(url) if method == "GET" else web.post(url, form or {})


@pytest.mark.parametrize(("method", "path", "form"), SCOPED_PAGES, ids=IDS)
def test_private_page_is_a_404_like_a_missing_one(
    web_as, outsider, member, private_workspace, private_post, method, path, form
) -> None:
    web, before = web_as(outsider), snapshot()
    hidden = ask(web, method, fill(path, private_workspace.slug, private_post.thread_id, private_post.id, member.id),
                 form)
    missing = ask(web, method, fill(path, MISSING_SLUG, MISSING_ID, MISSING_ID, member.id), form)
    assert hidden.status_code == missing.status_code == 404
    assert page(hidden) == page(missing)
    assert snapshot() == before


@pytest.mark.parametrize(("method", "path", "form"), SCOPED_PAGES, ids=IDS)
def test_private_page_answers_anonymous_as_if_missing(
    web_as, member, private_workspace, private_post, method, path, form
) -> None:
    web, before = web_as(None), snapshot()
    hidden = ask(web, method, fill(path, private_workspace.slug, private_post.thread_id, private_post.id, member.id),
                 form)
    missing = ask(web, method, fill(path, MISSING_SLUG, MISSING_ID, MISSING_ID, member.id), form)
    assert hidden.status_code == missing.status_code
    assert hidden.status_code in (302, 404)
    if hidden.status_code == 302:
        assert "/sign-in" in hidden.headers["Location"]
    assert snapshot() == before


_PLACEHOLDERS = {"slug": "{slug}", "thread_id": "{thread}", "post_id": "{post}", "user_id": "{user}"}


def test_every_scoped_page_is_in_the_privacy_table(app) -> None:
    listed = {(method, path) for method, path, _ in SCOPED_PAGES}
    routes = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith(("/w/", "/t/", "/p/")) or not rule.arguments:
            continue
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m: _PLACEHOLDERS.get(m.group(1), "{other}"), rule.rule)
        routes |= {(method, path) for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes <= listed, f"add these to SCOPED_PAGES: {sorted(routes - listed)}"
