"""Pages of a document's history: every revision, one revision, the changes between two, restore."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app.access import access_document
from app.actions import documents as actions
from app.errors import Conflict
from app.identity import current_actor, require_actor
from app.merging import diff_text
from app.models import Document, DocumentRevision
from app.queries.documents import get_revision, list_revisions
from app.web.document_forms import PRACTICE_FIELDS
from app.web.forms import ActionForm

bp = Blueprint("revisions", __name__)


def _revision_or_404(document: Document, number: int | None) -> DocumentRevision:
    found = get_revision(document, number) if number is not None and number > 0 else None
    if found is None:
        abort(404)
    return found


@bp.route("/d/<int:document_id>/history")
def history(document_id: int) -> str:
    seen = access_document(current_actor(), document_id)
    return render_template("documents/history.html", ws=seen.workspace, membership=seen.membership,
                           document=seen.document, revisions=list_revisions(seen.document))


@bp.route("/d/<int:document_id>/revisions/<int:number>")
def revision(document_id: int, number: int) -> str:
    seen = access_document(current_actor(), document_id)
    found = _revision_or_404(seen.document, number)
    return render_template("documents/revision.html", ws=seen.workspace, membership=seen.membership,
                           document=seen.document, revision=found, html=found.html)


def _field_text(value: Any) -> str:
    return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value or "")


def field_changes(old: DocumentRevision, new: DocumentRevision) -> list[dict[str, Any]]:
    """The good-practice fields that differ between two revisions, each with its word-level diff."""
    before, after = old.fields or {}, new.fields or {}
    return [
        {"name": name, "diff": diff_text(_field_text(before.get(name)), _field_text(after.get(name)))}
        for name in PRACTICE_FIELDS if before.get(name) != after.get(name)
    ]


@bp.route("/d/<int:document_id>/diff")
def diff(document_id: int) -> str:
    seen = access_document(current_actor(), document_id)
    old = _revision_or_404(seen.document, request.args.get("from", type=int))
    new = _revision_or_404(seen.document, request.args.get("to", type=int))
    if old.number > new.number:
        old, new = new, old
    return render_template(
        "documents/diff.html", ws=seen.workspace, membership=seen.membership, document=seen.document,
        old=old, new=new, title_diff=diff_text(old.title, new.title) if old.title != new.title else None,
        fields=field_changes(old, new), body_diff=diff_text(old.body, new.body),
    )


@bp.route("/d/<int:document_id>/revisions/<int:number>/restore", methods=["POST"])
@login_required
def restore(document_id: int, number: int) -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        document = actions.do_restore_revision(require_actor(), document_id, number)
    except Conflict:
        flash(_("Revision %(number)d is already the current one.", number=number), "info")
        return redirect(url_for("documents.show", document_id=document_id))
    flash(_("Revision %(old)d was restored as revision %(new)d.", old=number, new=document.revision), "success")
    return redirect(url_for("documents.show", document_id=document_id))
