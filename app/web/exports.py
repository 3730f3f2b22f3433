"""A document taken out of the site: as a Markdown file, and as a clean page for printing."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Blueprint, render_template
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from app.access import access_document
from app.identity import current_actor
from app.models import Document, DocumentKind
from app.queries.documents import document_attachments
from app.web.document_forms import SDG_NAMES, STATUS_NAMES

bp = Blueprint("exports", __name__)


def file_name(title: str, suffix: str) -> str:
    """A plain ASCII file name made from a title ("Koulujen lämpö" -> "koulujen-lampo.md")."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:80].rstrip("-")
    return f"{stem or 'document'}{suffix}"


def practice_lines(fields: dict[str, Any]) -> list[str]:
    """A good practice's fields as a Markdown list, in the reader's language."""
    sdgs = [f"{n} {SDG_NAMES[n]}" for n in fields.get("sdgs") or [] if n in SDG_NAMES]
    status = fields.get("status")
    rows = [
        (_("Organisation"), fields.get("organisation")),
        (_("Themes"), ", ".join(fields.get("themes") or [])),
        (_("Sustainable Development Goals"), "; ".join(sdgs)),
        (_("Status"), STATUS_NAMES.get(str(status), status) if status else ""),
        (_("Results"), fields.get("results")),
        (_("Contact person"), fields.get("contact")),
    ]
    return [f"- **{label}:** {str(value).replace(chr(10), ' ')}" for label, value in rows if value]


def markdown_of(document: Document) -> str:
    parts = [f"# {document.title}", ""]
    if document.kind == DocumentKind.GOOD_PRACTICE:
        parts += [*practice_lines(document.fields or {}), ""]
    parts.append(document.body)
    return "\n".join(parts).rstrip("\n") + "\n"


@bp.route("/d/<int:document_id>/export.md")
def markdown(document_id: int) -> Response:
    seen = access_document(current_actor(), document_id)
    response = Response(markdown_of(seen.document), mimetype="text/markdown")
    response.headers.set("Content-Disposition", "attachment", filename=file_name(seen.document.title, ".md"))
    return response


@bp.route("/d/<int:document_id>/print")
def printable(document_id: int) -> str:
    seen = access_document(current_actor(), document_id)
    return render_template("documents/print.html", ws=seen.workspace, document=seen.document,
                           files=document_attachments(document_id))
