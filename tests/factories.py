"""Small factories that make test data through the real actions, so every invariant holds."""

from __future__ import annotations

import itertools

from app.actions import accounts, threads, workspaces
from app.actions.unit import transactional
from app.models import Post, Role, Thread, User, Workspace

PASSWORD = "kestävä-kaupunki-2030"
_serial = itertools.count(1)


def make_user(name: str = "Testi Käyttäjä", email: str | None = None, admin: bool = False,
              organisation: str = "Tampereen kaupunki") -> User:
    user = accounts.do_register(email or f"user{next(_serial)}@example.fi", PASSWORD, name, organisation)
    if admin:
        _make_admin(user)
    return user


@transactional
def _make_admin(user: User) -> None:
    user.is_admin = True


def make_workspace(owner: User, visibility: str = "network", join_policy: str = "open",
                   name: str | None = None, themes: list[str] | None = None) -> Workspace:
    return workspaces.do_create_workspace(
        owner, name or f"Työtila {next(_serial)}", "Kuvaus", themes or ["ilmasto"], visibility, join_policy
    )


def add_member(ws: Workspace, user: User, role: str = Role.MEMBER) -> None:
    workspaces.do_add_member(ws, user, role)


def make_thread(author: User, ws: Workspace, title: str = "Lämpöpumput kouluihin",
                body: str = "Onko kokemuksia?") -> tuple[Thread, Post]:
    return threads.do_create_thread(author, ws.slug, title, body)


def reply(author: User, thread: Thread, body: str = "Meillä on hyviä kokemuksia.") -> Post:
    return threads.do_post_reply(author, thread.id, body)


def token_for(user: User) -> str:
    secret, _token = accounts.do_create_token(user, "tests")
    return secret
