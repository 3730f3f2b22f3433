"""Files attached to documents and posts: uploading them from the pages, and serving them safely."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from app.access import access_attachment, access_post
from app.actions import attachments as actions
from app.errors import Invalid, TooLarge
from app.identity import current_actor, require_actor
from app.models import Attachment
from app.ratelimits import per_actor_limit
from app.storage import send_stored
from app.web.forms import ActionForm
from app.web.threads import post_url

bp = Blueprint("files", __name__)


@bp.route("/attachments/<int:attachment_id>")
def download(attachment_id: int) -> Response:
    """The file, to those who may see its document or post; 404 to everyone else."""
    found = access_attachment(current_actor(), attachment_id)
    return send_stored(current_app.config["UPLOAD_DIR"], found.sha256, found.content_type, found.name)


@bp.route("/attachments/<int:attachment_id>/thumbnail")
def thumbnail(attachment_id: int) -> Response:
    found = access_attachment(current_actor(), attachment_id)
    if not found.has_thumbnail:
        abort(404)
    return send_stored(current_app.config["UPLOAD_DIR"], found.sha256, found.content_type, found.name,
                       thumbnail=True)


def _upload(attach: str, target_id: int) -> Attachment | None:
    """Send the form's `file` to the action; a refused file becomes a message, not an error page."""
    if not ActionForm().validate_on_submit():
        abort(400)
    upload = request.files.get("file")
    stream, name = (upload.stream, upload.filename) if upload and upload.filename else (None, None)
    action = actions.do_attach_to_document if attach == "document" else actions.do_attach_to_post
    try:
        attachment = action(require_actor(), target_id, stream, name)
    except (TooLarge, Invalid) as refused:
        flash(_("The file was not added: %(reason)s", reason=refused.fields.get("file") or refused.message), "error")
        return None
    flash(_("The file %(name)s was added.", name=attachment.name), "success")
    return attachment


@bp.route("/d/<int:document_id>/attachments", methods=["POST"])
@login_required
@per_actor_limit("RATELIMIT_POSTING")
def attach_to_document(document_id: int) -> Response:
    added = _upload("document", document_id)
    # A refusal is told at the top of the page; a new file is shown where the files are.
    return redirect(url_for("documents.show", document_id=document_id) + ("#files" if added else ""))


@bp.route("/p/<int:post_id>/attachments", methods=["POST"])
@login_required
@per_actor_limit("RATELIMIT_POSTING")
def attach_to_post(post_id: int) -> Response:
    added = _upload("post", post_id)
    url = post_url(access_post(current_actor(), post_id).post)
    return redirect(url if added else url.partition("#")[0])
