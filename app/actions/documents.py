"""Documents: create, save (never losing a concurrent edit), restore, and their discussion thread."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select

from app import policy
from app.access import DocumentAccess, access_document, access_workspace
from app.actions.unit import transactional
from app.errors import Conflict, Forbidden, NotFound
from app.extensions import db
from app.live.log import record_event
from app.merging import merge_fields, merge_text, merge_value
from app.models import Document, DocumentFacet, DocumentKind, DocumentRevision, Thread, User, utcnow
from app.schemas.documents import DocumentEventSchema
from app.text import MAX_SOURCE, render_markdown
from app.validation import FieldErrors, check_themes

TITLE_MAX = 200
BODY_MAX = MAX_SOURCE  # the longest text the renderer takes
SUMMARY_MAX = 300
STATUSES = ("planned", "ongoing", "completed", "ended")
SDGS = range(1, 18)
_EVENT = DocumentEventSchema()


class DocumentConflict(Conflict):
    """Two saves changed the same lines (or the same title or field): nothing was saved.

    `details` carries what a merge view needs: the current revision, theirs and mine.
    """


def check_good_practice(errors: FieldErrors, fields: object) -> dict[str, Any]:
    """A good practice's structured fields, cleaned: organisation, themes, sdgs, status, results, contact."""
    if fields is None:
        fields = {}
    if not isinstance(fields, dict):
        errors.add("fields", _("Must be an object of fields."))
        return {}
    unknown = set(fields) - {"organisation", "themes", "sdgs", "status", "results", "contact"}
    for name in unknown:
        errors.add(name, _("This field is not known."))
    clean: dict[str, Any] = {
        "organisation": errors.text("organisation", fields.get("organisation"), max_length=120, min_length=0),
        "results": errors.text("results", fields.get("results"), max_length=5000, min_length=0, multiline=True),
        "contact": errors.text("contact", fields.get("contact"), max_length=200, min_length=0),
        "status": errors.choice("status", fields.get("status") or "ongoing", list(STATUSES), "ongoing"),
        "themes": check_themes(errors, fields.get("themes")),
        "sdgs": _check_sdgs(errors, fields.get("sdgs")),
    }
    return clean


def _check_sdgs(errors: FieldErrors, sdgs: object) -> list[int]:
    if sdgs in (None, ""):
        return []
    if isinstance(sdgs, str):
        sdgs = [s.strip() for s in sdgs.split(",") if s.strip()]
    if not isinstance(sdgs, list):
        errors.add("sdgs", _("Choose goals between 1 and 17."))
        return []
    try:
        numbers = sorted({int(str(s)) for s in sdgs})
    except ValueError:
        numbers = [0]
    if any(n not in SDGS for n in numbers):
        errors.add("sdgs", _("Choose goals between 1 and 17."))
        return []
    return numbers


def _check_content(errors: FieldErrors, title: object, body: object) -> tuple[str, str]:
    return (
        errors.text("title", title, max_length=TITLE_MAX, min_length=1),
        errors.text("body", body, max_length=BODY_MAX, min_length=0, multiline=True),
    )


def preview_body(body: object) -> str:
    """The HTML a document's text would be saved with, for the editor's preview (nothing is written).

    The text is checked as a save checks it, so a preview cannot render more than a document may hold.
    """
    errors = FieldErrors()
    clean_body = errors.text("body", body, max_length=BODY_MAX, min_length=0, multiline=True)
    errors.raise_if_any()
    return render_markdown(clean_body).html


def _set_facets(document: Document) -> None:
    """Rewrite the good practice's filterable values (themes, SDGs, organisation)."""
    db.session.execute(delete(DocumentFacet).where(DocumentFacet.document_id == document.id))
    if document.kind != DocumentKind.GOOD_PRACTICE:
        return
    fields = document.fields or {}
    values = {("theme", t) for t in fields.get("themes", [])} | {("sdg", str(n)) for n in fields.get("sdgs", [])}
    if fields.get("organisation"):
        values.add(("organisation", str(fields["organisation"]).lower()))
    for facet, value in values:
        db.session.add(DocumentFacet(document_id=document.id, facet=facet, value=value[:120]))


@transactional
def do_create_document(actor: User, slug: str, title: object, body: object, kind: object = DocumentKind.PAGE,
                       fields: object = None) -> Document:
    """Create a document with its first revision and its discussion thread; emits document.created.

    Like every document action, it answers the document as this action left it (see _as_saved).
    """
    seen = access_workspace(actor, slug)
    if not policy.can_edit_documents(actor, seen.workspace, seen.membership):
        raise Forbidden(_("Join the workspace to write documents."))
    errors = FieldErrors()
    clean_title, clean_body = _check_content(errors, title, body)
    clean_kind = errors.choice("kind", kind, [k.value for k in DocumentKind], DocumentKind.PAGE)
    clean_fields = check_good_practice(errors, fields) if clean_kind == DocumentKind.GOOD_PRACTICE else {}
    if clean_kind != DocumentKind.GOOD_PRACTICE and fields:
        errors.add("fields", _("Only good practices have these fields."))
    errors.raise_if_any()
    now, html = utcnow(), render_markdown(clean_body).html
    document = Document(
        workspace_id=seen.workspace.id, kind=clean_kind, title=clean_title, body=clean_body,
        html=html, fields=clean_fields, revision=1,
        created_by_id=actor.id, created_at=now, updated_by_id=actor.id, updated_at=now,
    )
    db.session.add(document)
    db.session.flush()
    db.session.add(DocumentRevision(document_id=document.id, number=1, title=clean_title, body=clean_body,
                                    html=html, fields=clean_fields, author_id=actor.id, created_at=now))
    db.session.add(Thread(workspace_id=seen.workspace.id, author_id=actor.id, title=clean_title,
                          document_id=document.id, created_at=now, last_activity_at=now))
    _set_facets(document)
    db.session.flush()
    record_event(seen.workspace, "document.created", {**_EVENT.dump(document), "summary": ""})
    return _as_saved(document)


def _check_base(errors: FieldErrors, document: Document, base_revision: object) -> int:
    if isinstance(base_revision, bool) or not isinstance(base_revision, int | str):
        errors.add("base_revision", _("Give the number of the revision you edited."))
        return 0
    try:
        number = int(base_revision)
    except ValueError:
        number = 0
    if not 1 <= number <= document.revision:
        errors.add("base_revision", _("There is no such revision of this document."))
    return number


@transactional
def do_save_document(actor: User, document_id: int, body: object, base_revision: object,
                     title: object = None, summary: object = "", fields: object = None) -> tuple[Document, bool]:
    """Save a new revision made on `base_revision`. Answers (document, merged).

    Made on the current revision, it is saved as it is. Made on an older one, it is merged with
    what was saved since; if both changed the same lines, title or field, nothing is saved and
    DocumentConflict says what clashed. The document row is locked, so concurrent saves queue up.
    A title left out, and each good-practice field left out of `fields`, counts as unchanged since
    `base_revision` (so what others changed meanwhile stays); a page has no fields.
    """
    seen = access_document(actor, document_id, for_update=True)
    document = seen.document
    if not policy.can_edit_documents(actor, seen.workspace, seen.membership):
        raise Forbidden(_("Join the workspace to edit its documents."))
    errors = FieldErrors()
    base_number = _check_base(errors, document, base_revision)
    base = _revision(document.id, base_number) if "base_revision" not in errors.fields else None
    unchanged_title = base.title if base else document.title
    clean_title, clean_body = _check_content(errors, unchanged_title if title is None else title, body)
    note = errors.text("summary", summary, max_length=SUMMARY_MAX, min_length=0)
    clean_fields = _check_saved_fields(errors, document, base, fields)
    errors.raise_if_any()
    assert base is not None  # a bad base_revision was raised just above
    merged = base.number != document.revision
    if merged:
        clean_title, clean_body, clean_fields = _merge_with_current(document, base, clean_title, clean_body,
                                                                    clean_fields)
    if (clean_title, clean_body, clean_fields) != (document.title, document.body, document.fields or {}):
        _write_revision(actor, seen, clean_title, clean_body, clean_fields, note, merged=merged)
    return _as_saved(document), merged


def _check_saved_fields(errors: FieldErrors, document: Document, base: DocumentRevision | None,
                        fields: object) -> dict[str, Any]:
    """A save's good-practice fields: those given, over those of the revision the edit began from."""
    if document.kind != DocumentKind.GOOD_PRACTICE:
        if fields:
            errors.add("fields", _("Only good practices have these fields."))
        return {}
    if fields is not None and not isinstance(fields, dict):
        errors.add("fields", _("Must be an object of fields."))
        return {}
    return check_good_practice(errors, {**((base.fields or {}) if base else {}), **(fields or {})})


def _merge_with_current(document: Document, base: DocumentRevision, title: str, body: str,
                        fields: dict[str, Any]) -> tuple[str, str, dict[str, Any]]:
    text = merge_text(base.body, body, document.body)
    new_title, title_clash = merge_value(base.title, title, document.title)
    new_fields, field_clashes = merge_fields(base.fields or {}, fields, document.fields or {})
    if text.clean and not title_clash and not field_clashes:
        return new_title, text.text, new_fields
    raise DocumentConflict(
        _("Someone saved this document while you were editing, and your changes overlap theirs."),
        details={
            "current_revision": document.revision,
            "base_revision": base.number,
            "theirs": {"title": document.title, "body": document.body, "fields": document.fields or {},
                       "author": document.updated_by.display_name if document.updated_by else None},
            "mine": {"title": title, "body": body, "fields": fields},
            "conflicts": [{"base": c.base, "mine": c.mine, "theirs": c.theirs} for c in text.conflicts],
            "conflicting_fields": (["title"] if title_clash else []) + field_clashes,
        },
    )


def _revision(document_id: int, number: int) -> DocumentRevision:
    found = db.session.scalar(select(DocumentRevision).where(
        DocumentRevision.document_id == document_id, DocumentRevision.number == number))
    if found is None:
        raise NotFound(_("There is no such revision of this document."))
    return found


def _write_revision(actor: User, seen: DocumentAccess, title: str, body: str, fields: dict[str, Any], summary: str,
                    merged: bool = False, restored_from: int | None = None) -> None:
    document, now = seen.document, utcnow()
    document.revision += 1
    document.title, document.body, document.fields = title, body, fields
    document.html = render_markdown(body).html
    document.updated_by_id, document.updated_at = actor.id, now
    db.session.add(DocumentRevision(
        document_id=document.id, number=document.revision, title=title, body=body, html=document.html,
        fields=fields,
        author_id=actor.id, summary=summary, created_at=now, merged=merged, restored_from=restored_from,
    ))
    if seen.thread is not None and seen.thread.title != title:
        seen.thread.title = title
    _set_facets(document)
    db.session.flush()
    db.session.refresh(document, ["updated_by"])
    record_event(seen.workspace, "document.updated", {**_EVENT.dump(document), "summary": summary})


@transactional
def do_restore_revision(actor: User, document_id: int, number: int) -> Document:
    """Make an old revision current again, as a new revision (history is never rewritten)."""
    seen = access_document(actor, document_id, for_update=True)
    if not policy.can_edit_documents(actor, seen.workspace, seen.membership):
        raise Forbidden(_("Join the workspace to edit its documents."))
    old = _revision(seen.document.id, number)
    if number == seen.document.revision:
        raise Conflict(_("This revision is already the current one."))
    summary = _("Restored revision %(number)d", number=number)
    _write_revision(actor, seen, old.title, old.body, dict(old.fields or {}), summary, restored_from=number)
    return _as_saved(seen.document)


def _as_saved(document: Document) -> Document:
    """The document as this action left it, taken out of the session: the commit would otherwise
    expire it and its next use would load whatever was saved last, so a caller could answer "saved
    as revision 6" for a save that made revision 5, and a client editing on from 6 would undo 6."""
    _loaded = (document.workspace, document.created_by, document.updated_by)  # what callers show
    db.session.expunge(document)
    return document
