"""Fill an empty database with the demo network of app.demo_content, through the real actions."""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import func, select, update

from app.actions import accounts, documents, moderation, threads, workspaces
from app.actions.unit import transactional
from app.demo_content import USERS, WORKSPACES, DemoThread, DemoUser
from app.demo_documents import DOCUMENTS
from app.extensions import db
from app.models import Post, Thread, User, Workspace, utcnow

ADMIN_EMAIL = "admin@example.fi"


def database_is_empty() -> bool:
    return not db.session.scalar(select(func.count()).select_from(User))


@transactional
def seed_demo() -> tuple[str, str]:
    """Create the demo people, workspaces and threads; return (admin email, password).

    Every demo member shares one generated password, printed with the admin's.
    """
    member_password = secrets.token_urlsafe(9)
    people = {u["handle"]: _demo_user(u, member_password) for u in USERS}
    admin_password = secrets.token_urlsafe(12)
    admin = accounts.do_register(ADMIN_EMAIL, admin_password, "Ylläpitäjä", "Virtuaalikortteli")
    admin.is_admin = True
    for spec in WORKSPACES:
        ws = workspaces.do_create_workspace(
            people[spec["owner"]], spec["name"], spec["description"], spec["themes"],
            spec["visibility"], spec["join_policy"], spec["slug"],
        )
        for handle, role in spec["members"]:
            if handle != spec["owner"]:
                workspaces.do_add_member(ws, people[handle], role)
        for age, thread in enumerate(spec["threads"]):
            _demo_thread(ws, thread, people, days_ago=2 + 5 * age)
        latest = select(func.max(Thread.last_activity_at)).where(Thread.workspace_id == ws.id).scalar_subquery()
        db.session.execute(update(Workspace).where(Workspace.id == ws.id).values(last_activity_at=latest))
    _demo_moderation(people)
    _demo_documents(people)
    return ADMIN_EMAIL, f"{admin_password}\n  demo members (e.g. {USERS[0]['email']}): {member_password}"


def _demo_moderation(people: dict[str, User]) -> None:
    """Something in the moderators' queues: a request to join a workspace that takes requests, and
    a report on a post in the first workspace (whose owner is the demo's example member)."""
    asking = next(spec for spec in WORKSPACES if spec["join_policy"] == "request")
    inside = {handle for handle, _role in asking["members"]}
    newcomer = next(user for handle, user in people.items() if handle not in inside)
    workspaces.do_join_workspace(newcomer, asking["slug"], REQUEST_MESSAGE)
    first = WORKSPACES[0]
    post = db.session.scalars(
        select(Post).join(Thread, Thread.id == Post.thread_id)
        .join(Workspace, Workspace.id == Thread.workspace_id)
        .where(Workspace.slug == first["slug"], Post.number > 1).order_by(Post.id)
    ).first()
    if post is None:
        return
    members = [people[handle] for handle, _role in first["members"]]
    reporter = next(user for user in members if user.id != post.author_id and user.handle != first["owner"])
    moderation.do_flag_post(reporter, post.id, "off_topic", FLAG_TEXT)


REQUEST_MESSAGE = ("Hei! Vastaan kaupunkimme hyvinvointialueyhteistyöstä ja haluaisin seurata "
                   "sosiaalisen kestävyyden keskusteluja.")
FLAG_TEXT = "Tämä sopisi paremmin omaan ketjuunsa, nyt keskustelu harhautuu aiheesta."


def _demo_documents(people: dict[str, User]) -> None:
    """Good practices and a page, each edited once so that history and differences show."""
    for spec in DOCUMENTS:
        doc = documents.do_create_document(people[spec["author"]], spec["workspace"], spec["title"], spec["body"],
                                           spec["kind"], spec["fields"] or None)
        editor, addition, summary = spec["edit"]
        documents.do_save_document(people[editor], doc.id, spec["body"] + addition, 1, summary=summary)


def _demo_user(spec: DemoUser, password: str) -> User:
    user = accounts.do_register(spec["email"], password, spec["display_name"], spec["organisation"],
                                spec["title"], spec["language"])
    user.handle = spec["handle"]
    return user


def _demo_thread(ws: Workspace, spec: DemoThread, people: dict[str, User], days_ago: int) -> None:
    """Post a thread through the actions, then spread its posts over the days before today."""
    first, *rest = spec["posts"]
    thread, post = threads.do_create_thread(people[first["author"]], ws.slug, spec["title"], first["body"])
    posts = [post]
    for reply in rest:
        quoted = posts[reply["reply_to"]].id if "reply_to" in reply else None
        posts.append(threads.do_post_reply(people[reply["author"]], thread.id, reply["body"], quoted))
    start = utcnow() - timedelta(days=days_ago, hours=3)
    for n, p in enumerate(posts):
        db.session.execute(update(Post).where(Post.id == p.id).values(created_at=start + timedelta(hours=5 * n)))
    last = start + timedelta(hours=5 * (len(posts) - 1))
    db.session.execute(
        update(Thread).where(Thread.id == thread.id).values(created_at=start, last_activity_at=last,
                                                              pinned=spec.get("pinned", False))
    )
