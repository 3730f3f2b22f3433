"""The permission matrix: every route and every socket event, for every kind of person, on every
workspace visibility.

How to read it. TABLE below states, for each route, what it takes in plain terms (READ: may view the
workspace; MEMBER; MODERATOR; OWNER; ADMIN; SIGNED_IN; ANYONE ...), and on what (a post by someone
else, one's own post, a waiting post ...). `reads()` and the `Need` rows are a small rule of their
own, written from the issue and ARCHITECTURE.md and not from app.policy, that says who meets each
requirement on each visibility. Routes inside a workspace run on each visibility; the others
(accounts, settings, admin, static, openapi, the directory) once. The test asks the app and compares:

- allowed: a 2xx answer (pages: 200 for a page, a redirect elsewhere than the sign-in page for a
  form), or the business answer the table names where the data makes the action itself impossible;
- refused, not signed in: 401 from the API, the sign-in page for pages;
- refused, the person may not know the thing exists: 404 (and from the API, byte for byte the
  answer for a thing that does not exist);
- refused, the person sees it but may not act: 403.

A suspended person's session and tokens are dead: pages treat them as anonymous, the API refuses
their token (401) before anything else, sockets connect them as anonymous.

Every route in app.url_map and every Socket.IO event must have an entry here: a new one without
one fails test_every_route_has_an_entry / test_every_socket_event_has_an_entry.

Each case gets a workspace and people of its own, and every write acts on things made for that one
person, so one person's allowed write cannot change what the next person meets. The cases share one
database that is wiped once at the end (wiping it after each of them would take as long as the
cases themselves on PostgreSQL).
"""

from __future__ import annotations

import io
import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask, session
from flask_wtf.csrf import generate_csrf
from PIL import Image

from app.actions import accounts, documents, invitations, membership, moderation
from app.actions import admin as admin_actions
from app.actions.attachments import do_attach_to_post
from app.actions.unit import transactional
from app.extensions import db, socketio
from app.models import Invitation, Membership, MembershipState, Post, Role, User, utcnow
from tests.conftest import wipe_database
from tests.factories import PASSWORD, add_member, make_thread, make_user, make_workspace, reply

# --- who: the actors and the independent rule ----------------------------------------------------------

ACTORS = ("anonymous", "outsider", "banned", "member", "facilitator", "moderator", "owner", "suspended", "admin")
VISIBILITIES = ("public", "network", "private")
ROLES = {"member": Role.MEMBER, "facilitator": Role.FACILITATOR, "moderator": Role.MODERATOR, "owner": Role.OWNER}
RANK = {"member": 1, "facilitator": 2, "moderator": 3, "owner": 4}


def signed_in(actor: str) -> bool:
    """A suspended account's sessions and tokens no longer work: it is as good as anonymous."""
    return actor not in ("anonymous", "suspended")


def reads(actor: str, visibility: str) -> bool:
    """May view the workspace: admins everywhere; a banned person nowhere, not even where the public
    may; otherwise public to all, network to the signed-in, private to its members."""
    if actor == "admin":
        return True
    if actor == "banned":
        return False
    if visibility == "public":
        return True
    if visibility == "network":
        return signed_in(actor)
    return actor in ROLES


@dataclass(frozen=True)
class Need:
    """A requirement in plain terms. `signs_in`: someone not signed in is asked to sign in (401, the
    sign-in page) rather than told that the thing is not there."""

    name: str
    allows: Callable[[str, str], bool]
    signs_in: bool = True

    def __repr__(self) -> str:
        return self.name


ANYONE = Need("ANYONE", lambda a, v: True, signs_in=False)
NEWCOMER = Need("NEWCOMER (not signed in)", lambda a, v: not signed_in(a), signs_in=False)
SIGNED_IN = Need("SIGNED_IN", lambda a, v: signed_in(a))
READ = Need("READ (may view the workspace)", reads, signs_in=False)
READER = Need("SIGNED_IN and READ", lambda a, v: signed_in(a) and reads(a, v))
MEMBER = Need("MEMBER (any role) or admin", lambda a, v: a in ROLES or a == "admin")
# Belonging to the workspace in any role: an admin is not a member unless they joined (so they do not
# leave it, and they act on posts directly instead of reporting them).
IN_WORKSPACE = Need("IN_WORKSPACE (a member in any role; admins are not)", lambda a, v: a in ROLES)
# The target was written by this person: authors act on their own things while they still belong.
AUTHOR = Need("AUTHOR (own thing), still a member, or admin", lambda a, v: a in ROLES or a == "admin")
MODERATOR = Need("MODERATOR (moderator, owner) or admin", lambda a, v: RANK.get(a, 0) >= 3 or a == "admin")
OWNER = Need("OWNER or admin", lambda a, v: a in ("owner", "admin"))
ADMIN = Need("ADMIN", lambda a, v: a == "admin")
# An invitation link is used by the person it names, unless they are banned from the workspace.
INVITEE = Need("INVITEE (the person invited), not banned", lambda a, v: signed_in(a) and a != "banned")
NOBODY = Need("NOBODY", lambda a, v: False)


# --- what: the table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One route (method and rule as registered) under one requirement.

    args: what each part of the rule names (a kind of target made afresh for every person; see
    World.make). body: JSON for the API, form fields for pages; a "{kind}" value is such a target.
    reveal: who may learn that the target exists when refused: "read" (those who may view the
    workspace), "need" (only those who meet the requirement: everyone else gets 404), "all".
    refused: the answer to those who know of the target but lack the requirement.
    business: {actor: (status, why)} where that person is allowed, but the data makes the action
    itself impossible (already a member, the last owner ...).
    anonymous: the answer pages give people not signed in instead of the sign-in page.
    ok: the statuses of an allowed page (default: 200 for GET, a redirect for a form).
    scoped: False for routes that do not depend on a workspace: run once, not per visibility.
    upload: the body is a file (multipart).
    """

    method: str
    rule: str
    need: Need
    args: Mapping[str, str] = field(default_factory=dict)
    body: Mapping[str, Any] | None = None
    query: str = ""
    reveal: str = "read"
    refused: int = 403
    business: Mapping[str, tuple[int, str]] = field(default_factory=dict)
    anonymous: int | None = None
    ok: frozenset[int] | None = None
    scoped: bool = True
    upload: bool = False
    variant: str = ""

    @property
    def key(self) -> tuple[str, str]:
        return self.method, self.rule

    @property
    def api(self) -> bool:
        return self.rule.startswith("/api/")

    @property
    def name(self) -> str:
        return f"{self.method} {self.rule}" + (f" [{self.variant}]" if self.variant else "")


def C(method: str, rule: str, need: Need, **kw: Any) -> Case:
    return Case(method, rule, need, **kw)


def unscoped(method: str, rule: str, need: Need, **kw: Any) -> Case:
    return Case(method, rule, need, scoped=False, reveal=kw.pop("reveal", "all"), **kw)


A = "/api/v1"
MEMBERS_OF_ANY_ROLE = ("member", "facilitator", "moderator", "owner")
ALREADY_MEMBER = dict.fromkeys(MEMBERS_OF_ANY_ROLE, (409, "already a member"))
LAST_OWNER = {"owner": (409, "the last owner cannot leave")}
FILE = {"file": "{upload}"}

TABLE: list[Case] = [
    # --- API: accounts and people (no workspace) ---
    unscoped("POST", f"{A}/auth/register", ANYONE,
             body={"email": "{new_email}", "password": PASSWORD, "display_name": "Uusi Ihminen"}),
    unscoped("POST", f"{A}/auth/tokens", ANYONE, body={"email": "{account_email}", "password": PASSWORD}),
    unscoped("GET", f"{A}/auth/tokens", SIGNED_IN),
    unscoped("DELETE", f"{A}/auth/tokens/current", SIGNED_IN),
    unscoped("DELETE", f"{A}/auth/tokens/<int:token_id>", SIGNED_IN, args={"token_id": "own_token"},
             variant="own token"),
    unscoped("DELETE", f"{A}/auth/tokens/<int:token_id>", NOBODY, args={"token_id": "others_token"},
             reveal="need", variant="someone else's token"),
    unscoped("POST", f"{A}/auth/password-reset", ANYONE, body={"email": "{account_email}"}),
    unscoped("POST", f"{A}/auth/password-reset/confirm", ANYONE,
             body={"token": "{reset_token}", "password": "uusi-salasana-2031"}),
    unscoped("GET", f"{A}/me", SIGNED_IN),
    unscoped("GET", f"{A}/users/<int:user_id>", SIGNED_IN, args={"user_id": "author_id"}),
    unscoped("GET", f"{A}/users/<int:user_id>", ADMIN, args={"user_id": "suspended_user"}, reveal="need",
             variant="a suspended account"),
    unscoped("GET", f"{A}/notifications", SIGNED_IN),
    unscoped("POST", f"{A}/notifications/read", SIGNED_IN, body={}),
    unscoped("GET", f"{A}/openapi.json", ANYONE),
    unscoped("GET", f"{A}/workspaces", ANYONE),
    unscoped("POST", f"{A}/workspaces", SIGNED_IN, body={"name": "{new_name}"}),
    unscoped("GET", f"{A}/good-practices", ANYONE),
    # --- API: site administration (everyone else is told there is nothing here) ---
    unscoped("GET", f"{A}/admin/users", ADMIN, reveal="need"),
    unscoped("GET", f"{A}/admin/flags", ADMIN, reveal="need"),
    unscoped("GET", f"{A}/admin/pending-posts", ADMIN, reveal="need"),
    unscoped("GET", f"{A}/admin/audit", ADMIN, reveal="need"),
    unscoped("POST", f"{A}/admin/users/<int:user_id>/suspend", ADMIN, args={"user_id": "fresh_user"},
             body={"reason": "Roskapostia"}, reveal="need"),
    unscoped("POST", f"{A}/admin/users/<int:user_id>/reinstate", ADMIN, args={"user_id": "suspended_user"},
             reveal="need"),
    # --- API: a workspace ---
    C("GET", f"{A}/workspaces/<slug>", READ),
    C("PATCH", f"{A}/workspaces/<slug>", OWNER, body={"description": "Uusi kuvaus"}),
    C("POST", f"{A}/workspaces/<slug>/join", READER, body={}, business=ALREADY_MEMBER),
    # Leaving a workspace one is not in is a conflict with the state (409), not a lack of permission.
    C("POST", f"{A}/workspaces/<slug>/leave", IN_WORKSPACE, refused=409, business=LAST_OWNER),
    C("GET", f"{A}/workspaces/<slug>/members", READER),
    C("PATCH", f"{A}/workspaces/<slug>/members/<int:user_id>", MODERATOR, args={"user_id": "fresh_member"},
      body={"role": "facilitator"}),
    C("DELETE", f"{A}/workspaces/<slug>/members/<int:user_id>", MODERATOR, args={"user_id": "fresh_member"}),
    C("GET", f"{A}/workspaces/<slug>/bans", MODERATOR),
    C("POST", f"{A}/workspaces/<slug>/bans", MODERATOR, body={"user_id": "{fresh_user}", "reason": "Häirintä"}),
    C("DELETE", f"{A}/workspaces/<slug>/bans/<int:user_id>", MODERATOR, args={"user_id": "fresh_banned"}),
    C("GET", f"{A}/workspaces/<slug>/join-requests", MODERATOR),
    C("POST", f"{A}/join-requests/<int:request_id>/approve", MODERATOR, reveal="need"),
    C("POST", f"{A}/join-requests/<int:request_id>/decline", MODERATOR, body={}, reveal="need"),
    C("GET", f"{A}/workspaces/<slug>/invitations", MODERATOR),
    C("POST", f"{A}/workspaces/<slug>/invitations", MODERATOR, body={"email": "{new_email}"}),
    C("DELETE", f"{A}/invitations/<int:invitation_id>", MODERATOR, reveal="need"),
    C("POST", f"{A}/invitations/accept", INVITEE, body={"token": "{my_invitation}"}, reveal="all",
      variant="an invitation for this person"),
    C("GET", f"{A}/workspaces/<slug>/flags", MODERATOR),
    C("GET", f"{A}/workspaces/<slug>/pending-posts", MODERATOR),
    C("GET", f"{A}/workspaces/<slug>/audit", MODERATOR),
    # --- API: threads and posts ---
    C("GET", f"{A}/workspaces/<slug>/threads", READ),
    C("POST", f"{A}/workspaces/<slug>/threads", MEMBER, body={"title": "Uusi ketju", "body": "Hei"}),
    C("GET", f"{A}/threads/<int:thread_id>", READ),
    C("PATCH", f"{A}/threads/<int:thread_id>", AUTHOR, args={"thread_id": "own_thread"},
      body={"title": "Uusi otsikko"}, variant="rename own thread"),
    C("PATCH", f"{A}/threads/<int:thread_id>", MODERATOR, body={"title": "Uusi otsikko"},
      variant="rename someone else's thread"),
    C("PATCH", f"{A}/threads/<int:thread_id>", MODERATOR, body={"locked": True, "pinned": True}, variant="lock, pin"),
    C("PATCH", f"{A}/threads/<int:thread_id>", MODERATOR, body={"workspace": "{my_other_workspace}"},
      variant="move to a workspace one moderates"),
    C("DELETE", f"{A}/threads/<int:thread_id>", ADMIN),
    C("GET", f"{A}/threads/<int:thread_id>/posts", READ),
    C("POST", f"{A}/threads/<int:thread_id>/posts", MEMBER, body={"body": "Vastaus"}),
    C("PATCH", f"{A}/posts/<int:post_id>", AUTHOR, args={"post_id": "own_post"}, body={"body": "Korjattu"},
      variant="own post"),
    C("PATCH", f"{A}/posts/<int:post_id>", NOBODY, body={"body": "Korjattu"}, variant="someone else's post"),
    C("DELETE", f"{A}/posts/<int:post_id>", AUTHOR, args={"post_id": "own_post"}, variant="own post"),
    C("DELETE", f"{A}/posts/<int:post_id>", MODERATOR, variant="someone else's post"),
    C("POST", f"{A}/posts/<int:post_id>/reactions", MEMBER, body={"emoji": "👍"}),
    C("POST", f"{A}/posts/<int:post_id>/flags", IN_WORKSPACE, body={"reason": "spam"}),
    C("POST", f"{A}/flags/<int:flag_id>/dismiss", MODERATOR, reveal="need"),
    C("POST", f"{A}/posts/<int:post_id>/hide", MODERATOR, body={"reason": "Asiaton"}),
    C("POST", f"{A}/posts/<int:post_id>/restore", MODERATOR, args={"post_id": "hidden_post"}),
    # A waiting post is seen only by its author and the moderators.
    C("POST", f"{A}/posts/<int:post_id>/approve", MODERATOR, args={"post_id": "pending_post"}, reveal="need"),
    C("POST", f"{A}/posts/<int:post_id>/reject", MODERATOR, args={"post_id": "pending_post"}, body={},
      reveal="need"),
    C("POST", f"{A}/posts/<int:post_id>/purge", ADMIN),
    C("POST", f"{A}/posts/<int:post_id>/attachments", AUTHOR, args={"post_id": "own_post"}, upload=True),
    # --- API: documents and files ---
    C("GET", f"{A}/workspaces/<slug>/documents", READ),
    C("POST", f"{A}/workspaces/<slug>/documents", MEMBER, body={"title": "Uusi sivu", "body": "Teksti"}),
    C("GET", f"{A}/documents/<int:document_id>", READ),
    C("PUT", f"{A}/documents/<int:document_id>", MEMBER, body={"body": "Uusi teksti", "base_revision": 2}),
    C("GET", f"{A}/documents/<int:document_id>/revisions", READ),
    C("GET", f"{A}/documents/<int:document_id>/revisions/<int:number>", READ),
    C("GET", f"{A}/documents/<int:document_id>/diff", READ, query="?from=1&to=2"),
    C("POST", f"{A}/documents/<int:document_id>/revisions/<int:number>/restore", MEMBER),
    C("POST", f"{A}/documents/<int:document_id>/attachments", MEMBER, upload=True),
    C("GET", f"{A}/attachments/<int:attachment_id>", READ),
]

# --- the pages ---------------------------------------------------------------------------------------

GET_PAGE = frozenset({200})
REDIRECT = frozenset({302, 303})

TABLE += [
    # --- signing in, accounts, settings (no workspace) ---
    unscoped("GET", "/", ANYONE),
    unscoped("GET", "/static/<path:filename>", ANYONE),
    unscoped("GET", "/sign-in", ANYONE),
    unscoped("POST", "/sign-in", ANYONE, body={"email": "{account_email}", "password": PASSWORD}),
    unscoped("POST", "/sign-out", ANYONE),
    unscoped("GET", "/register", ANYONE),
    unscoped("POST", "/register", ANYONE, body={"display_name": "Uusi Ihminen", "email": "{new_email}",
                                                "organisation": "Kunta", "password": PASSWORD}),
    unscoped("GET", "/forgot-password", ANYONE),
    unscoped("POST", "/forgot-password", ANYONE, body={"email": "{account_email}"}),
    unscoped("GET", "/reset-password/<token>", ANYONE, args={"token": "reset_token"}),
    unscoped("POST", "/reset-password/<token>", ANYONE, args={"token": "reset_token"},
             body={"password": "uusi-salasana-2031"}),
    unscoped("POST", "/language/<code>", ANYONE),
    unscoped("GET", "/settings", SIGNED_IN),
    unscoped("POST", "/settings/profile", SIGNED_IN,
             body={"display_name": "Uusi Nimi", "organisation": "Kunta", "title": "", "language": "fi"}),
    unscoped("POST", "/settings/password", SIGNED_IN,
             body={"current_password": PASSWORD, "new_password": "uusi-salasana-2031"}),
    unscoped("POST", "/settings/sessions/end-others", SIGNED_IN),
    # The new token is shown on the answer to the POST itself (kept nowhere else), so 200, not a redirect.
    unscoped("POST", "/settings/tokens", SIGNED_IN, body={"name": "Raportti"}, ok=GET_PAGE),
    unscoped("POST", "/settings/tokens/<int:token_id>/revoke", SIGNED_IN, args={"token_id": "own_token"}),
    unscoped("GET", "/users/<int:user_id>", SIGNED_IN, args={"user_id": "author_id"}),
    unscoped("GET", "/users/<int:user_id>", ADMIN, args={"user_id": "suspended_user"}, reveal="need",
             variant="a suspended account"),
    unscoped("GET", "/notifications", SIGNED_IN),
    unscoped("POST", "/notifications/read", SIGNED_IN),
    unscoped("GET", "/w/new", SIGNED_IN),
    unscoped("POST", "/w/new", SIGNED_IN, body={"name": "{new_name}", "slug": "", "description": "Kuvaus",
                                                "themes": "", "visibility": "network", "join_policy": "open"}),
    # --- site administration: everyone else, anonymous people too, is told these pages do not exist ---
    unscoped("GET", "/admin/", ADMIN, reveal="need", anonymous=404, ok=REDIRECT),
    unscoped("GET", "/admin/users", ADMIN, reveal="need", anonymous=404),
    unscoped("GET", "/admin/review", ADMIN, reveal="need", anonymous=404),
    unscoped("GET", "/admin/audit", ADMIN, reveal="need", anonymous=404),
    unscoped("GET", "/admin/users/<int:user_id>/suspend", ADMIN, args={"user_id": "fresh_user"}, reveal="need",
             anonymous=404),
    unscoped("POST", "/admin/users/<int:user_id>/suspend", ADMIN, args={"user_id": "fresh_user"},
             body={"reason": "Roskapostia"}, reveal="need", anonymous=404),
    unscoped("POST", "/admin/users/<int:user_id>/reinstate", ADMIN, args={"user_id": "suspended_user"},
             reveal="need", anonymous=404),
    # --- a workspace ---
    C("GET", "/w/<slug>", READ),
    C("GET", "/w/<slug>/settings", OWNER),
    C("POST", "/w/<slug>/settings", OWNER, body={"name": "{ws_name}", "slug": "{slug}", "description": "Uusi",
                                                   "themes": "ilmasto", "visibility": "{visibility}",
                                                   "join_policy": "open"}),
    C("POST", "/w/<slug>/join", READER, body={"message": ""}, business=ALREADY_MEMBER),
    C("POST", "/w/<slug>/leave", IN_WORKSPACE, refused=409, business=LAST_OWNER),  # as in the API
    C("GET", "/w/<slug>/members", READER),
    C("POST", "/w/<slug>/members/<int:user_id>/role", MODERATOR, args={"user_id": "fresh_member"},
      body={"role": "facilitator"}),
    C("POST", "/w/<slug>/members/<int:user_id>/remove", MODERATOR, args={"user_id": "fresh_member"}),
    C("GET", "/w/<slug>/members/<int:user_id>/ban", MODERATOR, args={"user_id": "fresh_user"}),
    C("POST", "/w/<slug>/members/<int:user_id>/ban", MODERATOR, args={"user_id": "fresh_user"},
      body={"reason": "Häirintä"}),
    C("POST", "/w/<slug>/bans/<int:user_id>/lift", MODERATOR, args={"user_id": "fresh_banned"}),
    C("GET", "/w/<slug>/requests", MODERATOR),
    C("POST", "/w/<slug>/requests/<int:request_id>/approve", MODERATOR, reveal="need"),
    C("GET", "/w/<slug>/requests/<int:request_id>/decline", MODERATOR),
    C("POST", "/w/<slug>/requests/<int:request_id>/decline", MODERATOR, body={"reason": ""}),
    C("GET", "/w/<slug>/invitations", MODERATOR),
    C("POST", "/w/<slug>/invitations", MODERATOR, body={"email": "{new_email}", "role": "member"}, ok=GET_PAGE),
    C("POST", "/w/<slug>/invitations/<int:invitation_id>/withdraw", MODERATOR, reveal="need"),
    C("GET", "/w/<slug>/review", MODERATOR),
    C("GET", "/w/<slug>/audit", MODERATOR),
    # The link's page is for whoever holds the link: it offers the invited account to accept, and a
    # new person to register. Used by someone else, it says so (403).
    C("GET", "/invitations/<token>", ANYONE, args={"token": "my_invitation"}, variant="link for this person"),
    C("POST", "/invitations/<token>", INVITEE, args={"token": "my_invitation"}, reveal="all", anonymous=200,
      variant="link for this person (not signed in: the page asks to sign in)"),
    C("GET", "/invitations/<token>", NEWCOMER, args={"token": "new_invitation"}, reveal="all",
      variant="link for a new address"),
    C("POST", "/invitations/<token>", NEWCOMER, args={"token": "new_invitation"}, reveal="all",
      body={"display_name": "Uusi Ihminen", "organisation": "Kunta", "password": PASSWORD},
      variant="link for a new address: registering"),
    # --- threads and posts ---
    C("GET", "/w/<slug>/new-thread", MEMBER),
    C("POST", "/w/<slug>/new-thread", MEMBER, body={"title": "Uusi ketju", "body": "Hei"}),
    C("GET", "/t/<int:thread_id>", READ),
    C("POST", "/t/<int:thread_id>/reply", MEMBER, body={"body": "Vastaus"}),
    C("POST", "/t/<int:thread_id>/moderate", MODERATOR, body={"locked": "1"}),
    C("POST", "/t/<int:thread_id>/move", MODERATOR, body={"workspace": "{my_other_workspace}"}),
    C("GET", "/t/<int:thread_id>/rename", AUTHOR, args={"thread_id": "own_thread"}, variant="own thread"),
    C("POST", "/t/<int:thread_id>/rename", AUTHOR, args={"thread_id": "own_thread"},
      body={"title": "Uusi otsikko"}, variant="own thread"),
    C("GET", "/t/<int:thread_id>/rename", MODERATOR, variant="someone else's thread"),
    C("POST", "/t/<int:thread_id>/rename", MODERATOR, body={"title": "Uusi otsikko"},
      variant="someone else's thread"),
    C("POST", "/t/<int:thread_id>/purge", ADMIN),
    C("GET", "/p/<int:post_id>", READ, ok=REDIRECT),
    C("GET", "/p/<int:post_id>/history", READ),
    C("GET", "/p/<int:post_id>/edit", AUTHOR, args={"post_id": "own_post"}, variant="own post"),
    C("POST", "/p/<int:post_id>/edit", AUTHOR, args={"post_id": "own_post"}, body={"body": "Korjattu"},
      variant="own post"),
    C("GET", "/p/<int:post_id>/edit", NOBODY, variant="someone else's post"),
    C("POST", "/p/<int:post_id>/delete", AUTHOR, args={"post_id": "own_post"}, variant="own post"),
    C("POST", "/p/<int:post_id>/delete", MODERATOR, variant="someone else's post"),
    C("POST", "/p/<int:post_id>/react", MEMBER, body={"emoji": "👍"}),
    C("GET", "/p/<int:post_id>/flag", IN_WORKSPACE),
    C("POST", "/p/<int:post_id>/flag", IN_WORKSPACE, body={"reason": "spam", "text": ""}),
    C("POST", "/flags/<int:flag_id>/dismiss", MODERATOR, reveal="need"),
    C("GET", "/p/<int:post_id>/hide", MODERATOR),
    C("POST", "/p/<int:post_id>/hide", MODERATOR, body={"reason": "Asiaton"}),
    C("POST", "/p/<int:post_id>/restore", MODERATOR, args={"post_id": "hidden_post"}),
    C("POST", "/p/<int:post_id>/approve", MODERATOR, args={"post_id": "pending_post"}, reveal="need"),
    C("GET", "/p/<int:post_id>/reject", MODERATOR, args={"post_id": "pending_post"}, reveal="need"),
    C("POST", "/p/<int:post_id>/reject", MODERATOR, args={"post_id": "pending_post"}, body={"reason": ""},
      reveal="need"),
    C("POST", "/p/<int:post_id>/purge", ADMIN),
    C("POST", "/p/<int:post_id>/attachments", AUTHOR, args={"post_id": "own_post"}, upload=True),
    # --- documents and files ---
    unscoped("GET", "/good-practices", ANYONE),
    unscoped("GET", "/good-practices.csv", ANYONE),
    C("GET", "/w/<slug>/documents", READ),
    C("GET", "/w/<slug>/documents/new", MEMBER),
    C("POST", "/w/<slug>/documents/new", MEMBER, body={"kind": "page", "title": "Uusi sivu", "body": "Teksti"}),
    C("GET", "/d/<int:document_id>", READ),
    C("POST", "/d/<int:document_id>/comments", MEMBER, body={"body": "Kommentti"}),
    C("GET", "/d/<int:document_id>/edit", MEMBER),
    C("POST", "/d/<int:document_id>/edit", MEMBER,
      body={"title": "Sivu", "body": "Kolmas versio", "base_revision": "2", "summary": ""}),
    C("GET", "/d/<int:document_id>/history", READ),
    C("GET", "/d/<int:document_id>/revisions/<int:number>", READ),
    C("GET", "/d/<int:document_id>/diff", READ, query="?from=1&to=2"),
    C("POST", "/d/<int:document_id>/revisions/<int:number>/restore", MEMBER),
    C("GET", "/d/<int:document_id>/export.md", READ),
    C("GET", "/d/<int:document_id>/print", READ),
    C("POST", "/d/<int:document_id>/attachments", MEMBER, upload=True),
    # A file answers 404 to everyone who may not see it, signed in or not (no sign-in page).
    C("GET", "/attachments/<int:attachment_id>", READ, anonymous=404),
    C("GET", "/attachments/<int:attachment_id>/thumbnail", READ, args={"attachment_id": "picture"}, anonymous=404),
]


# --- the socket events -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Event:
    """A Socket.IO event: refused ones answer {ok: false, error: not_found} to those who may not view
    the workspace, and {ok: false, error: forbidden} to those who see it but may not act."""

    name: str
    need: Need
    payload: Mapping[str, Any] = field(default_factory=dict)
    token: bool = False  # connect with the person's API token instead of the page's session
    variant: str = ""
    refusal: str = ""  # the error everyone refused gets, when it is not about the workspace

    @property
    def label(self) -> str:
        return self.name + (f" [{self.variant}]" if self.variant else "")


EVENTS: list[Event] = [
    # Anonymous readers may connect (for public workspaces); a dead session connects as anonymous.
    Event("connect", ANYONE),
    Event("connect", SIGNED_IN, token=True, variant="with an API token"),
    Event("disconnect", ANYONE),
    Event("subscribe", READ, {"workspace": "{slug}", "since": None}),
    Event("unsubscribe", ANYONE, {"workspace": "{slug}"}),
    Event("sync", ANYONE),
    Event("watch_thread", READ, {"thread": "{thread}"}),
    Event("unwatch_thread", ANYONE, {"thread": "{thread}"}),
    Event("typing", MEMBER, {"thread": "{thread}"}),
    # What a message nested too deeply to parse becomes (app/sockets/packets.py): refused for all.
    Event("malformed", NOBODY, refusal="bad_request"),
]

# --- the world: one workspace with a person of each kind -----------------------------------------------

ARG_KINDS = {
    "slug": "slug", "thread_id": "thread", "post_id": "post", "document_id": "document", "number": "one",
    "flag_id": "flag", "request_id": "join_request", "invitation_id": "invitation", "attachment_id": "attachment",
    "code": "english", "filename": "stylesheet",
}
# Targets that are things inside the workspace: replaced by missing ones to compare 404 answers.
SCOPE_KINDS = {"slug", "thread", "own_thread", "post", "own_post", "hidden_post", "pending_post", "document",
               "flag", "join_request", "invitation", "attachment", "picture"}
MISSING_SLUG = "ei-ole-olemassa"
MISSING_ID = 987_654_321
_serial = itertools.count(1)


@transactional
def _set(obj: object, **values: Any) -> None:
    for name, value in values.items():
        setattr(obj, name, value)


def flushed(row: Any) -> Any:
    """The row with its id: inside one transaction, actions do not always write before they return."""
    db.session.flush()
    return row


def new_user(name: str, email: str | None = None) -> User:
    return flushed(make_user(name, email=email))


@transactional
def _insert(row: object) -> Any:
    db.session.add(row)
    db.session.flush()
    return row


class World:
    """A workspace of one visibility: its owner, a moderator, a facilitator, a member, someone banned
    and someone suspended (both members before; the suspended one still is, so only the dead session
    and token keep them out), an outsider (a member once), an admin who is not a member, and the
    author of its content. Each person has an API token and a page session, made before the ban and
    the suspension. Targets are made afresh for each person by make(kind, actor)."""

    def __init__(self, app: Flask, visibility: str, own_content: bool) -> None:
        self.app, self.visibility = app, visibility
        self.made: dict[tuple[str, str], Any] = {}
        self._build(own_content)

    @transactional
    def _build(self, own_content: bool) -> None:
        """Everything in one transaction: the actions below join it (and it is much quicker)."""
        visibility, n = self.visibility, next(_serial)
        self.users: dict[str, User | None] = {"anonymous": None}
        for actor in ACTORS[1:]:
            self.users[actor] = make_user(f"{actor.title()} Testaaja", email=f"{actor}.{n}@example.fi",
                                          admin=actor == "admin")
        self.author = make_user("Kirsi Kirjoittaja", email=f"author.{n}@example.fi")
        owner = self.user("owner")
        self.ws = make_workspace(owner, visibility=visibility, name=f"Energia {visibility} {n}")
        self.slug = self.ws.slug
        for actor in ("moderator", "facilitator", "member", "banned", "suspended", "outsider"):
            add_member(self.ws, self.user(actor), ROLES.get(actor, Role.MEMBER))
        add_member(self.ws, self.author)
        self.thread, self.post = make_thread(self.author, self.ws, "Yhteinen ketju", "Ensimmäinen viesti")
        self.own: dict[str, tuple[int, int]] = {}
        if own_content:  # written while they still belonged
            for actor in ACTORS[1:]:
                thread, post = make_thread(self.user(actor), self.ws, f"{actor} aloitti", "Oma viesti")
                self.own[actor] = (thread.id, post.id)
        self.tokens = {actor: accounts.do_create_token(self.user(actor), "matrix")[0] for actor in ACTORS[1:]}
        self.session_keys = {actor: accounts.do_start_session(self.user(actor)) for actor in ACTORS[1:]}
        self._remove("outsider")
        membership.do_ban(owner, self.slug, self.user("banned").id, "Häirintä")
        admin_actions.do_suspend(self.user("admin"), self.user("suspended").id, "Roskapostia")

    def _remove(self, actor: str) -> None:
        membership.do_remove_member(self.user("owner"), self.slug, self.user(actor).id)

    def user(self, actor: str) -> User:
        found = self.users[actor]
        assert found is not None
        return found

    # --- targets ---

    def make(self, kind: str, actor: str) -> Any:
        """The target of this kind for this person, made once per person."""
        if (kind, actor) not in self.made:
            self.made[kind, actor] = getattr(self, f"_make_{kind}")(actor)
        return self.made[kind, actor]

    def _make_slug(self, actor: str) -> str:
        return self.slug

    def _make_ws_name(self, actor: str) -> str:
        return self.ws.name

    def _make_visibility(self, actor: str) -> str:
        return self.visibility

    def _make_one(self, actor: str) -> int:
        return 1

    def _make_english(self, actor: str) -> str:
        return "en"

    def _make_stylesheet(self, actor: str) -> str:
        return "css/app.css"

    def _make_thread(self, actor: str) -> int:
        return make_thread(self.author, self.ws, f"Ketju {next(_serial)}", "Teksti")[0].id

    def _make_post(self, actor: str) -> int:
        return reply(self.author, self.thread, f"Vastaus {next(_serial)}").id

    def _make_own_thread(self, actor: str) -> int:
        return self.own[actor][0] if actor in self.own else self._make_thread(actor)

    def _make_own_post(self, actor: str) -> int:
        return self.own[actor][1] if actor in self.own else self._make_post(actor)

    def _make_hidden_post(self, actor: str) -> int:
        post_id = self._make_post(actor)
        moderation.do_hide_post(self.user("owner"), post_id, "Asiaton")
        return post_id

    def _make_pending_post(self, actor: str) -> int:
        post_id = self._make_post(actor)
        _set(db.session.get(Post, post_id), pending=True)
        return post_id

    def _make_document(self, actor: str) -> int:
        document = documents.do_create_document(self.author, self.slug, f"Sivu {next(_serial)}", "Teksti")
        documents.do_save_document(self.author, document.id, "Toinen versio", 1)
        return document.id

    def _make_attachment(self, actor: str) -> int:
        upload = io.BytesIO(b"Tiedoston sisalto\n")
        return do_attach_to_post(self.author, self._make_post(actor), upload, "liite.txt").id

    def _make_picture(self, actor: str) -> int:
        """An attached image, which gets a thumbnail."""
        png = io.BytesIO()
        Image.new("RGB", (40, 30), (40, 120, 80)).save(png, "PNG")
        png.seek(0)
        return do_attach_to_post(self.author, self._make_post(actor), png, "kuva.png").id

    def _make_flag(self, actor: str) -> int:
        return moderation.do_flag_post(self.user("member"), self._make_post(actor), "spam").id

    def _make_fresh_user(self, actor: str) -> int:
        return new_user(f"Uusi {next(_serial)}").id

    def _make_fresh_member(self, actor: str) -> int:
        person = new_user(f"Uusi jäsen {next(_serial)}")
        add_member(self.ws, person)
        return person.id

    def _make_fresh_banned(self, actor: str) -> int:
        person_id = self._make_fresh_user(actor)
        membership.do_ban(self.user("owner"), self.slug, person_id, "Häirintä")
        return person_id

    def _make_suspended_user(self, actor: str) -> int:
        person_id = self._make_fresh_user(actor)
        admin_actions.do_suspend(self.user("admin"), person_id, "Roskapostia")
        return person_id

    def _make_join_request(self, actor: str) -> int:
        person_id = self._make_fresh_user(actor)
        request = Membership(workspace_id=self.ws.id, user_id=person_id, state=MembershipState.REQUESTED,
                             role=Role.MEMBER, note="Saisinko liittyä?")
        return int(_insert(request).id)

    def _make_invitation(self, actor: str) -> int:
        invitation, _link = invitations.do_invite(self.user("owner"), self.slug, email=self._make_new_email(actor))
        return invitation.id

    def _make_new_invitation(self, actor: str) -> str:
        _invitation, token = invitations.do_invite(self.user("owner"), self.slug, email=self._make_new_email(actor))
        return token

    def _make_my_invitation(self, actor: str) -> str:
        """A link naming this person's account (for anonymous people: someone else's account). Made
        by hand: the invite action refuses members and banned people, who may still hold an older link."""
        person = self.users[actor] or self.author
        token = f"matrix-{next(_serial)}-{actor}"
        _insert(Invitation(workspace_id=self.ws.id, inviter_id=self.user("owner").id, user_id=person.id, email="",
                           role=Role.MEMBER, token_hash=invitations._token_hash(token),
                           expires_at=utcnow() + timedelta(days=7)))
        return token

    def _make_new_email(self, actor: str) -> str:
        return f"uusi{next(_serial)}@example.fi"

    def _make_new_name(self, actor: str) -> str:
        return f"Uusi tila {next(_serial)}"

    def _make_account_email(self, actor: str) -> str:
        return new_user(f"Tili {next(_serial)}", email=self._make_new_email(actor)).email

    def _make_author_id(self, actor: str) -> int:
        return self.author.id

    def _make_reset_token(self, actor: str) -> str:
        return accounts.make_reset_token(new_user(f"Unohtaja {next(_serial)}"))

    def _make_own_token(self, actor: str) -> int:
        person = self.users[actor] or self.author
        return flushed(accounts.do_create_token(person, f"oma {next(_serial)}")[1]).id

    def _make_others_token(self, actor: str) -> int:
        return flushed(accounts.do_create_token(self.author, f"toisen {next(_serial)}")[1]).id

    def _make_my_other_workspace(self, actor: str) -> str:
        """A workspace this person owns (for those who cannot make one: the owner's), to move into."""
        creator = self.users[actor] if signed_in(actor) else self.user("owner")
        return make_workspace(creator, name=f"Kohde {next(_serial)}").slug

    def _make_upload(self, actor: str) -> Any:
        return (io.BytesIO(b"Liitteen teksti\n"), "liite.txt")


# --- asking the app ----------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(\w+)\}")
RULE_ARG = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


@dataclass
class Answer:
    status: int
    location: str = ""
    body: bytes = b""


def fill(case: Case, world: World, actor: str, missing: bool = False) -> tuple[str, Any]:
    """The request's path and body for this person (missing=True: every workspace thing replaced by
    one that does not exist)."""

    def value(kind: str) -> Any:
        if missing and kind in SCOPE_KINDS:
            return MISSING_SLUG if kind == "slug" else MISSING_ID
        return world.make(kind, actor)

    path = RULE_ARG.sub(lambda m: str(value(case.args.get(m.group(1), ARG_KINDS.get(m.group(1), "?")))), case.rule)
    body: Any = None
    if case.body is not None:
        body = {}
        for name, template in case.body.items():
            whole = PLACEHOLDER.fullmatch(template) if isinstance(template, str) else None
            body[name] = value(whole.group(1)) if whole else template
    if case.upload:
        body = {"file": world.make("upload", actor) if not missing else (io.BytesIO(b"x\n"), "liite.txt")}
    return path + case.query, body


class Clients:
    """The person's way in: an API token, or a browser session (with its CSRF token)."""

    def __init__(self, app: Flask, world: World) -> None:
        self.app, self.world = app, world
        self._web: dict[str, tuple[Any, str, str]] = {}

    def api(self, case: Case, actor: str, path: str, body: Any) -> Answer:
        headers = {"Authorization": f"Bearer {self.world.tokens[actor]}"} if actor != "anonymous" else {}
        client = self.app.test_client()
        if case.upload:
            response = client.open(path, method=case.method, data=body, headers=headers,
                                   content_type="multipart/form-data")
        else:
            response = client.open(path, method=case.method, json=body, headers=headers)
        return Answer(response.status_code, response.headers.get("Location", ""), response.get_data())

    def browser(self, actor: str) -> tuple[Any, str]:
        """The person's browser, with their session put back before every request: a refused or
        dead session may have been cleared by the answer before."""
        if actor not in self._web:
            with self.app.app_context(), self.app.test_request_context():  # a `g` of its own
                token = generate_csrf()
                raw = session["csrf_token"]
            self._web[actor] = (self.app.test_client(), token, raw)
        client, token, raw = self._web[actor]
        with client.session_transaction() as cookie:
            cookie["csrf_token"] = raw
            if actor != "anonymous":
                cookie["_user_id"] = self.world.session_keys[actor]
                cookie["_fresh"] = True
        return client, token

    def follow(self, actor: str, location: str) -> bytes:
        """The page a redirect leads to (with the flashed messages the answer left)."""
        client, _token, _raw = self._web[actor]
        where = urlsplit(location)
        return bytes(client.get(where.path + (f"?{where.query}" if where.query else "")).get_data())

    def page(self, case: Case, actor: str, path: str, body: Any) -> Answer:
        client, token = self.browser(actor)
        if case.method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={**(body or {}), "csrf_token": token})
        return Answer(response.status_code, response.headers.get("Location", ""), response.get_data())


CSRF_VALUE = re.compile(rb'((?:name="csrf-token" content|value)=")[^"]*')


def same_page(body: bytes, path: str) -> bytes:
    """The answer without its per-request CSRF tokens and form values, and without the path it was
    asked for (the sign-in link names it), to compare two pages."""
    return CSRF_VALUE.sub(rb"\1", body).replace(path.partition("?")[0].encode(), b"{path}")


def excerpt(body: bytes) -> str:
    text = body.decode(errors="replace")
    found = re.search(r"<h1>.*?</p>", text, re.S) or re.search(r"\{.*\}", text, re.S)
    return repr((found.group(0) if found else text)[:200])


def excerpt_flash(page: bytes) -> str:
    found = re.search(rb'<p class="flash flash--error">(.*?)</p>', page, re.S)
    return found.group(1).decode() if found else "?"


def sign_in_page(answer: Answer) -> bool:
    return answer.status in (302, 303) and urlsplit(answer.location).path == "/sign-in"


# --- what the answer should be ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Expect:
    allowed: bool
    status: int | None = None  # for refusals (and business answers): the exact status
    why: str = ""
    sign_in: bool = False  # pages: the sign-in page


def expect(case: Case, actor: str, visibility: str) -> Expect:
    """The independent rule applied to one person: allowed, or refused and how."""
    if case.api and actor == "suspended" and not case.rule.endswith("/openapi.json"):
        return Expect(False, 401, "a suspended account's token is refused before anything else")
    as_who = "anonymous" if actor == "suspended" else actor  # pages: the dead session is dropped
    if case.need.allows(as_who, visibility):
        if as_who in case.business:
            status, why = case.business[as_who]
            return Expect(True, status, why)
        return Expect(True)
    if not signed_in(as_who):
        if case.anonymous is not None and not case.api:
            return Expect(False, case.anonymous, "the page's answer to people not signed in")
        if case.need.signs_in:
            return Expect(False, 401, "sign in first", sign_in=not case.api)
        if not case.api and case.method == "GET":
            return Expect(False, 404, "asked to sign in: alike for missing and hidden", sign_in=True)
        return Expect(False, 404, "not visible without signing in")
    knows = {"read": reads(as_who, visibility), "all": True, "need": False}[case.reveal]
    if not knows:
        return Expect(False, 404, "may not know it exists")
    return Expect(False, case.refused, "sees it, may not act")


def verdict(case: Case, want: Expect, got: Answer) -> str | None:
    """None when the answer is what the rule says; otherwise what went wrong."""
    if want.sign_in:
        return None if sign_in_page(got) else f"expected the sign-in page, got {got.status} {got.location}"
    if want.status is not None:
        return None if got.status == want.status else f"expected {want.status} ({want.why}), got {got.status}"
    if case.api:
        return None if 200 <= got.status < 300 else f"expected 2xx, got {got.status}"
    ok = case.ok or (GET_PAGE if case.method == "GET" else REDIRECT)
    if got.status not in ok:
        return f"expected {sorted(ok)}, got {got.status} {got.location}"
    if sign_in_page(got) and case.need.signs_in:
        return "allowed, but sent to the sign-in page"
    return None


@transactional
def prepare(case: Case, world: World) -> None:
    """Make every person's targets up front, in one transaction (the factories' actions join it)."""
    for actor in ACTORS:
        fill(case, world, actor)


def ask(case: Case, world: World, clients: Clients, actor: str) -> tuple[Expect, Answer, str | None]:
    want = expect(case, actor, world.visibility)
    path, body = fill(case, world, actor)
    got = (clients.api if case.api else clients.page)(case, actor, path, body)
    problem = verdict(case, want, got)
    if problem is None and want.allowed and want.status is None and not case.api and got.status in REDIRECT:
        # A form that was refused for its content also redirects; the page after it says so.
        shown = clients.follow(actor, got.location)
        if b"flash--error" in shown:
            problem = f"allowed, but the form was refused: {excerpt_flash(shown)}"
    if problem is None and not want.allowed and got.status == 404:
        # A private thing answers exactly as a missing one does.
        twin_path, body = fill(case, world, actor, missing=True)
        twin = (clients.api if case.api else clients.page)(case, actor, twin_path, body)
        if (twin.status, same_page(twin.body, twin_path)) != (got.status, same_page(got.body, path)):
            problem = f"404 differs from a missing thing's: {excerpt(got.body)} vs {twin.status} {excerpt(twin.body)}"
    return want, got, problem


# --- the tests ----------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_db(app: Flask) -> Iterator[Flask]:
    """One request context for the module; the database is wiped at its end, as after any test."""
    with app.test_request_context():
        yield app
        db.session.remove()
        wipe_database()


@pytest.fixture
def fresh(matrix_db: Flask) -> Iterator[Flask]:
    """A session of its own for each case (the data stays: each case's world has its own names)."""
    yield matrix_db
    db.session.remove()



def registered_routes(app: Flask) -> set[tuple[str, str]]:
    return {(method, rule.rule) for rule in app.url_map.iter_rules()
            for method in rule.methods - {"HEAD", "OPTIONS"}}


def test_every_route_has_an_entry(app: Flask) -> None:
    covered = {case.key for case in TABLE}
    missing = sorted(registered_routes(app) - covered)
    assert not missing, f"routes without an entry in the permission matrix: {missing}"


def test_the_table_names_only_real_routes(app: Flask) -> None:
    stale = sorted({case.key for case in TABLE} - registered_routes(app))
    assert not stale, f"entries for routes that no longer exist: {stale}"


def test_every_socket_event_has_an_entry(app: Flask) -> None:
    handlers = set(socketio.server.handlers.get("/", {}))
    covered = {event.name for event in EVENTS}
    assert handlers - covered == set(), f"socket events without an entry: {sorted(handlers - covered)}"
    assert covered - handlers == set(), f"entries for events that no longer exist: {sorted(covered - handlers)}"


def _params() -> list[Any]:
    params = []
    for case in TABLE:
        for visibility in VISIBILITIES if case.scoped else ("network",):
            params.append(pytest.param(case, visibility, id=f"{case.name} · {visibility if case.scoped else '-'}"))
    return params


def report(problems: dict[str, str]) -> None:
    """Every person's mismatch with the rule, all at once: a wrong answer is a bug to fix, never a
    known exception to carry."""
    lines = [f"  {actor}: {problem}" for actor, problem in problems.items()]
    assert not lines, "\n" + "\n".join(lines)


@pytest.mark.parametrize(("case", "visibility"), _params())
def test_route(app: Flask, fresh: Flask, case: Case, visibility: str) -> None:
    own = any(kind in ("own_post", "own_thread") for kind in case.args.values())
    world = World(app, visibility, own_content=own)
    prepare(case, world)
    clients = Clients(app, world)
    problems = {}
    for actor in ACTORS:
        _want, _got, problem = ask(case, world, clients, actor)
        if problem:
            problems[actor] = problem
    report(problems)


# --- the socket events, per person ---------------------------------------------------------------------------


def _event_params() -> list[Any]:
    return [pytest.param(event, visibility, id=f"{event.label} · {visibility}")
            for event in EVENTS for visibility in VISIBILITIES]


def socket_for(app: Flask, world: World, clients: Clients, event: Event, actor: str) -> Any:
    """A socket of this person: through the page's session, or with their API token (anonymous
    people: a token that is not one)."""
    if event.token:
        token = world.tokens.get(actor, "vk_not-a-real-token")
        return socketio.test_client(app, auth={"token": token})
    browser, _csrf = clients.browser(actor)
    return socketio.test_client(app, flask_test_client=browser)


def payload_for(event: Event, world: World, actor: str, missing: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, template in event.payload.items():
        whole = PLACEHOLDER.fullmatch(template) if isinstance(template, str) else None
        if whole and missing:
            data[name] = MISSING_SLUG if whole.group(1) == "slug" else MISSING_ID
        else:
            data[name] = world.make(whole.group(1), actor) if whole else template
    return data


def socket_problem(app: Flask, world: World, clients: Clients, event: Event, actor: str) -> str | None:
    as_who = "anonymous" if actor == "suspended" and not event.token else actor
    allowed = event.need.allows(as_who, world.visibility)
    payload, twin_payload = payload_for(event, world, actor), payload_for(event, world, actor, missing=True)
    # As on the server, the handlers run in an app context of their own (and so a `g` of their own).
    with app.app_context():
        client = socket_for(app, world, clients, event, actor)
        try:
            if event.name == "connect":
                connected = client.is_connected()
                return None if connected == allowed else f"expected {'a' if allowed else 'no'} connection"
            assert client.is_connected(), "could not connect"
            if event.name == "disconnect":
                client.disconnect()
                return None if not client.is_connected() else "still connected after disconnecting"
            ack = client.emit(event.name, payload, callback=True)
            if allowed:
                return None if isinstance(ack, dict) and ack.get("ok") is True else f"expected ok, got {ack}"
            code = event.refusal or ("not_found" if not reads(as_who, world.visibility) else "forbidden")
            if not isinstance(ack, dict) or ack.get("ok") is not False or ack.get("error") != code:
                return f"expected error {code}, got {ack}"
            if code == "not_found":
                twin = client.emit(event.name, twin_payload, callback=True)
                if twin != ack:
                    return f"not_found differs from a missing thing's: {ack} vs {twin}"
            return None
        finally:
            if client.is_connected():
                client.disconnect()


@pytest.mark.parametrize(("event", "visibility"), _event_params())
def test_socket_event(app: Flask, fresh: Flask, event: Event, visibility: str) -> None:
    world = World(app, visibility, own_content=False)
    clients = Clients(app, world)
    problems = {}
    for actor in ACTORS:
        problem = socket_problem(app, world, clients, event, actor)
        if problem:
            problems[actor] = problem
    report(problems)
