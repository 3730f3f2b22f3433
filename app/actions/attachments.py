"""Attaching files to documents and posts (the bytes go through app.storage)."""

from __future__ import annotations

import re
from typing import IO

from flask import current_app
from flask_babel import gettext as _

from app import policy
from app.access import WorkspaceAccess, access_document, access_post
from app.actions.threads import audience_for
from app.actions.unit import transactional
from app.errors import Forbidden, Invalid, TooLarge
from app.extensions import db
from app.live.log import record_event
from app.models import Attachment, User, utcnow
from app.schemas.documents import AttachmentSchema
from app.storage import StoredFile, UploadRefused, store
from app.validation import FieldErrors

NAME_MAX = 255
# C1 controls, and the direction marks and overrides that make "txt.exe" look like "exe.txt".
_NAME_BAD = re.compile("[\x80-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_ATTACHMENT = AttachmentSchema()


def check_file_name(name: object) -> str:
    """A file name as given, if it is safe to show and to offer as a download name: no path
    separators, no control characters (C0, C1), no marks that reverse the text's direction."""
    errors = FieldErrors()
    clean = errors.text("file", name, max_length=NAME_MAX)
    if clean and ("/" in clean or "\\" in clean or clean in (".", "..")):
        errors.add("file", _("The file name may not contain / or \\."))
    if clean and _NAME_BAD.search(clean):
        errors.add("file", _("Contains control characters that are not allowed."))
    if not clean and "file" not in errors.fields:
        errors.add("file", _("Choose a file to upload."))
    errors.raise_if_any()
    return clean


def _store(stream: IO[bytes] | None, name: str) -> StoredFile:
    if stream is None:
        raise Invalid(_("Choose a file to upload."), fields={"file": _("Choose a file to upload.")})
    config = current_app.config
    try:
        return store(stream, config["UPLOAD_DIR"], config["UPLOAD_MAX_BYTES"], name)
    except UploadRefused as refused:
        if refused.too_large:
            raise TooLarge(refused.message) from None
        raise Invalid(refused.message, fields={"file": refused.message}) from None


def _attach(actor: User, seen: WorkspaceAccess, stream: IO[bytes] | None, name: object,
            document_id: int | None = None, post_id: int | None = None, audience: str = "all") -> Attachment:
    clean_name = check_file_name(name)
    stored = _store(stream, clean_name)
    attachment = Attachment(
        workspace_id=seen.workspace.id, document_id=document_id, post_id=post_id, sha256=stored.sha256,
        name=clean_name, content_type=stored.content_type, size=stored.size, has_thumbnail=stored.has_thumbnail,
        uploader_id=actor.id, created_at=utcnow(),
    )
    db.session.add(attachment)
    db.session.flush()
    record_event(seen.workspace, "attachment.added",
                 {"document_id": document_id, "post_id": post_id, "attachment": _ATTACHMENT.dump(attachment)},
                 audience=audience)
    return attachment


@transactional
def do_attach_to_document(actor: User, document_id: int, stream: IO[bytes] | None, name: object) -> Attachment:
    """Add a file to a document (members who may edit it)."""
    seen = access_document(actor, document_id)
    if not policy.can_edit_documents(actor, seen.workspace, seen.membership):
        raise Forbidden(_("Join the workspace to add files to its documents."))
    return _attach(actor, seen, stream, name, document_id=document_id)


@transactional
def do_attach_to_post(actor: User, post_id: int, stream: IO[bytes] | None, name: object) -> Attachment:
    """Add a file to one's own post; while the post awaits approval, only moderators hear of it."""
    seen = access_post(actor, post_id)
    if not policy.can_attach_to_post(actor, seen.post, seen.membership):
        raise Forbidden(_("You can add files only to your own posts."))
    return _attach(actor, seen, stream, name, post_id=post_id, audience=audience_for(seen.post, seen.thread))
