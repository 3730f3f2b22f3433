"""Pages of a workspace's documents: the list, writing a new one, reading it with its discussion,
and editing it, with a merge view when someone else saved meanwhile."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from flask_wtf.csrf import generate_csrf
from werkzeug.wrappers import Response

from app import policy
from app.access import DocumentAccess, WorkspaceAccess, access_document, access_workspace
from app.actions import documents as actions
from app.actions import threads as thread_actions
from app.actions.documents import DocumentConflict
from app.errors import Invalid
from app.identity import current_actor, require_actor
from app.merging import diff_text
from app.models import REACTIONS, Document, DocumentKind, Post, User
from app.queries.documents import document_attachments, list_documents, post_attachments
from app.queries.reactions import my_reactions, reaction_counts
from app.queries.threads import list_posts_page, page_count
from app.ratelimits import per_actor_limit
from app.web.document_forms import (
    KIND_NAMES,
    SDG_NAMES,
    STATUS_NAMES,
    DocumentForm,
    EditDocumentForm,
    NewDocumentForm,
)
from app.web.forms import PostForm, show_errors

bp = Blueprint("documents", __name__)


@bp.app_context_processor
def document_words() -> dict[str, object]:
    """The names of kinds, statuses and goals, for every page that shows a document."""
    return {"kind_names": KIND_NAMES, "status_names": STATUS_NAMES, "sdg_names": SDG_NAMES}


def _form_errors(form: DocumentForm, error: Invalid) -> None:
    """Field messages beside their fields; those of hidden or absent fields above the form."""
    hidden = {name for name in error.fields if name in ("base_revision", "fields", "kind")}
    show_errors(form, Invalid(error.message, {k: v for k, v in error.fields.items() if k not in hidden}))
    form.form_errors.extend(error.fields[name] for name in sorted(hidden))


def _practice_fields(form: DocumentForm, kind: str) -> dict[str, Any] | None:
    return form.practice_fields() if kind == DocumentKind.GOOD_PRACTICE else None


@bp.route("/w/<slug>/documents")
def index(slug: str) -> str:
    seen = access_workspace(current_actor(), slug)
    kind = request.args.get("kind") if request.args.get("kind") in KIND_NAMES else None
    page = list_documents(seen.workspace, request.args.get("cursor"), None, kind=kind, default=30)
    return render_template("documents/index.html", ws=seen.workspace, membership=seen.membership, page=page,
                           kind=kind)


@bp.route("/w/<slug>/documents/new", methods=["GET", "POST"])
@login_required
def create(slug: str) -> str | Response | tuple[str, int]:
    user = require_actor()
    seen = access_workspace(user, slug)
    if not policy.can_edit_documents(user, seen.workspace, seen.membership):
        abort(403)
    form = NewDocumentForm()
    if not form.validate_on_submit():
        return _new_page(seen, form)
    if request.form.get("preview"):
        return _preview(form, lambda preview: _new_page(seen, form, preview))
    try:
        document = actions.do_create_document(user, slug, form.title.data, form.body.data, form.kind.data,
                                              _practice_fields(form, form.kind.data or ""))
    except Invalid as error:
        _form_errors(form, error)
        return _new_page(seen, form), 422
    flash(_("The document was created."), "success")
    return redirect(url_for("documents.show", document_id=document.id))


def _new_page(seen: WorkspaceAccess, form: NewDocumentForm, preview: str | None = None) -> str:
    return render_template("documents/new.html", ws=seen.workspace, membership=seen.membership, form=form,
                           preview=preview)


def _preview(form: DocumentForm, page: Callable[[str], str]) -> str | tuple[str, int]:
    """The editor's page with the text rendered as it would be saved; a text too long to save is
    refused the same way (422, the message in the preview and beside the text)."""
    try:
        return page(actions.preview_body(form.body.data))
    except Invalid as error:
        _form_errors(form, error)
        return page(""), 422


def _quote(post: Post) -> str:
    author = post.author.display_name if post.author else _("A former member")
    lines = "\n".join(f"> {line}" for line in post.body.splitlines())
    return f"> **{author}:**\n>\n{lines}\n\n"


def _discussion(seen: DocumentAccess, user: User | None, form: PostForm | None) -> dict[str, Any]:
    """What the comments under a document need: one page of its thread's posts and the reply form."""
    thread, document_id = seen.thread, seen.document.id
    if thread is None:
        return {"thread": None, "posts": [], "form": form or PostForm(), "page_csrf": generate_csrf()}
    per_page = int(current_app.config["POSTS_PER_PAGE"])
    pages = page_count(thread, per_page)
    page = request.args.get("page", default=1, type=int) or 1
    if not 1 <= page <= pages:
        abort(404)
    posts = list_posts_page(thread, page, per_page, viewer=user, moderator=policy.is_moderator(user, seen.membership))
    if form is None:
        form = PostForm()
        quoted = next((p for p in posts if p.id == request.args.get("quote", type=int)), None)
        if quoted is not None and policy.can_see_post_body(user, quoted, seen.membership):
            form.body.data, form.reply_to.data = _quote(quoted), str(quoted.id)
    post_ids = [p.id for p in posts]
    page_arg = page if page > 1 else None
    return {
        "thread": thread, "posts": posts, "page": page, "pages": pages, "form": form, "choices": REACTIONS,
        "reactions": reaction_counts(post_ids), "mine": my_reactions(user, post_ids),
        "post_files": post_attachments(post_ids), "page_csrf": generate_csrf(),
        "page_url": url_for("documents.show", document_id=document_id, page=page_arg),
        "quote_url": url_for("documents.show", document_id=document_id, page=page_arg, quote=0)[:-1],
    }


@bp.route("/d/<int:document_id>")
def show(document_id: int, form: PostForm | None = None) -> str:
    user = current_actor()
    seen = access_document(user, document_id)
    return render_template(
        "documents/show.html", ws=seen.workspace, membership=seen.membership, document=seen.document,
        files=document_attachments(document_id), **_discussion(seen, user, form),
    )


@bp.route("/d/<int:document_id>/comments", methods=["POST"])
@login_required
@per_actor_limit("RATELIMIT_POSTING")
def comment(document_id: int) -> str | Response | tuple[str, int]:
    """A reply in the document's discussion thread; back to the document, at the new comment."""
    user = require_actor()
    seen = access_document(user, document_id)
    if seen.thread is None:
        abort(404)
    form = PostForm()
    if form.validate_on_submit():
        try:
            post = thread_actions.do_post_reply(user, seen.thread.id, form.body.data, form.reply_to.data)
        except Invalid as error:
            show_errors(form, error)
        else:
            return redirect(_comment_url(document_id, post))
    return show(document_id, form=form), 422


def _comment_url(document_id: int, post: Post) -> str:
    page = (post.number - 1) // int(current_app.config["POSTS_PER_PAGE"]) + 1
    return url_for("documents.show", document_id=document_id, page=page if page > 1 else None) + f"#post-{post.id}"


def _fill(form: EditDocumentForm, document: Document) -> None:
    form.title.data, form.body.data, form.base_revision.data = document.title, document.body, str(document.revision)
    form.fill_practice(document.fields or {})


@bp.route("/d/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(document_id: int) -> str | Response | tuple[str, int]:
    user = require_actor()
    seen = access_document(user, document_id)
    if not policy.can_edit_documents(user, seen.workspace, seen.membership):
        abort(403)
    form = EditDocumentForm()
    if not form.is_submitted():
        _fill(form, seen.document)
        return _edit_page(seen, form)
    if not form.validate():
        abort(400)
    if request.form.get("preview"):
        return _preview(form, lambda preview: _edit_page(seen, form, preview=preview))
    try:
        document, merged = actions.do_save_document(
            user, document_id, form.body.data, form.base_revision.data, form.title.data, form.summary.data,
            _practice_fields(form, seen.document.kind))
    except DocumentConflict as conflict:
        form.base_revision.data = str(conflict.details["current_revision"])
        return _edit_page(seen, form, merge=merge_view(conflict.details)), 409
    except Invalid as error:
        _form_errors(form, error)
        return _edit_page(seen, form), 422
    _flash_saved(document, merged, form.base_revision.data)
    return redirect(url_for("documents.show", document_id=document_id))


def _flash_saved(document: Document, merged: bool, base: str | None) -> None:
    if merged:
        flash(_("Someone saved meanwhile; your changes were merged with theirs (revision %(number)d).",
                number=document.revision), "success")
    elif str(document.revision) == base:
        flash(_("Nothing was changed, so no new revision was saved."), "info")
    else:
        flash(_("Saved as revision %(number)d.", number=document.revision), "success")


def _edit_page(seen: DocumentAccess, form: EditDocumentForm, preview: str | None = None,
               merge: dict[str, Any] | None = None) -> str:
    return render_template("documents/edit.html", ws=seen.workspace, membership=seen.membership,
                           document=seen.document, form=form, preview=preview, merge=merge)


def mark_regions(text: str, regions: list[str]) -> list[tuple[bool, str]]:
    """`text` cut into (is_marked, piece), marking each region where it occurs, in order."""
    pieces: list[tuple[bool, str]] = []
    start = 0
    for region in regions:
        found = text.find(region, start) if region.strip() else -1
        if found < 0:
            continue
        # A region is whole lines, shown as a block: the block ends the line, so its newline goes.
        pieces += [(False, text[start:found]), (True, region.removesuffix("\n"))]
        start = found + len(region)
    pieces.append((False, text[start:]))
    return [piece for piece in pieces if piece[1]]


def merge_view(details: dict[str, Any]) -> dict[str, Any]:
    """What the merge view shows of a DocumentConflict: both versions with the clashing lines
    marked, the changes from theirs to mine, and the fields both changed."""
    theirs, mine, conflicts = details["theirs"], details["mine"], details["conflicts"]
    clashing = [
        {"name": name,
         "theirs": theirs["title"] if name == "title" else (theirs.get("fields") or {}).get(name),
         "mine": mine["title"] if name == "title" else (mine.get("fields") or {}).get(name)}
        for name in details["conflicting_fields"]
    ]
    return {
        "revision": details["current_revision"], "base": details["base_revision"], "author": theirs["author"],
        "theirs": mark_regions(theirs["body"], [c["theirs"] for c in conflicts]),
        "mine": mark_regions(mine["body"], [c["mine"] for c in conflicts]),
        "conflicts": conflicts, "fields": clashing, "diff": diff_text(theirs["body"], mine["body"]),
    }
