"""The network's good-practice library: every good practice the reader may see, filtered, and as CSV."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from flask import Blueprint, render_template, request
from werkzeug.wrappers import Response

from app.identity import current_actor
from app.links import public_url_for
from app.models import Document, User
from app.queries.documents import facet_values, list_good_practices

bp = Blueprint("library", __name__)

CSV_COLUMNS = ("title", "workspace", "organisation", "themes", "sdgs", "status", "results", "contact", "url",
               "updated_at")


def _filters() -> dict[str, Any]:
    """The filters of the query string, each None when not given (or not a goal's number)."""
    sdg = request.args.get("sdg", type=int)
    return {
        "theme": request.args.get("theme") or None,
        "sdg": sdg if sdg is not None and 1 <= sdg <= 17 else None,
        "organisation": request.args.get("organisation") or None,
    }


@bp.route("/good-practices")
def index() -> str:
    user, filters = current_actor(), _filters()
    page = list_good_practices(user, cursor=request.args.get("cursor"), default=24, **filters)
    return render_template(
        "library/index.html", page=page, filters=filters, themes=facet_values(user, "theme"),
        organisations=facet_values(user, "organisation"),
    )


def _all_practices(user: User | None, filters: dict[str, Any]) -> Iterator[Document]:
    cursor: str | None = None
    while True:
        page = list_good_practices(user, cursor=cursor, limit=100, **filters)
        yield from page.items
        if page.next is None:
            return
        cursor = page.next


def _cell(value: object) -> str:
    """Text that a spreadsheet will show, never run: a leading =, +, - or @ would start a formula."""
    text = str(value or "")
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_row(document: Document) -> list[str]:
    fields = document.fields or {}
    return [
        *map(_cell, (document.title, document.workspace.name, fields.get("organisation"),
                     ", ".join(fields.get("themes", [])))),
        ", ".join(str(n) for n in fields.get("sdgs", [])), fields.get("status", ""),
        _cell(fields.get("results")), _cell(fields.get("contact")),
        public_url_for("documents.show", document_id=document.id), document.updated_at.isoformat(),
    ]


@bp.route("/good-practices.csv")
def export_csv() -> Response:
    """The filtered library as CSV, UTF-8 with a byte-order mark so that Excel reads ä and ö right."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for document in _all_practices(current_actor(), _filters()):
        writer.writerow(csv_row(document))
    response = Response(out.getvalue(), mimetype="text/csv")
    response.headers.set("Content-Disposition", "attachment", filename="good-practices.csv")
    return response
