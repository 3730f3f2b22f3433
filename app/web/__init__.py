"""The server-rendered HTML pages, one blueprint per domain."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from flask_babel import format_timedelta, get_locale

from app import policy
from app.identity import current_actor
from app.models import utcnow
from app.queries.moderation import count_review_items, unread_count
from app.web import (
    admin,
    auth,
    documents,
    exports,
    files,
    invitations,
    library,
    membership,
    moderation,
    notifications,
    revisions,
    threads,
    users,
    workspaces,
)
from app.web.forms import ActionForm


def install_web(app: Flask) -> None:
    for module in (auth, workspaces, threads, users, membership, invitations, moderation, notifications, admin):
        app.register_blueprint(module.bp)
    for module in (documents, revisions, exports, files, library):
        app.register_blueprint(module.bp)

    @app.template_filter("timedeltaformat_since")
    def since(moment: datetime) -> str:
        """"3 days ago" in the reader's language."""
        return format_timedelta(moment - utcnow(), add_direction=True, threshold=1.1)

    @app.template_filter("compact")
    def compact(attributes: dict[str, object]) -> dict[str, object]:
        """Drop unset attributes: WTForms would otherwise render them as the text "None"."""
        return {name: value for name, value in attributes.items() if value not in (None, False, "")}

    @app.context_processor
    def template_helpers() -> dict[str, object]:
        # Templates ask the policy what to show; they never decide permissions themselves.
        return {
            "policy": policy,
            "me": current_actor(),
            "post_url": threads.post_url,
            "action_form": ActionForm,
            "languages": app.config["LANGUAGES"],
            "get_locale": get_locale,
            # Called only where shown (the header, a moderator's tabs): one count query each.
            "unread_notifications": lambda: unread_count(me) if (me := current_actor()) else 0,
            "review_count": count_review_items,
        }
