"""The migration that gives every revision its stored HTML fills it for revisions saved before it.

On a database of its own (an SQLite file), so that going down and up again touches no other test:
documents are written at the newest schema, the schema is taken back to before the column, and the
upgrade must render each existing revision exactly as a save renders it now.
"""

from __future__ import annotations

from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import select

from app.actions import documents
from app.extensions import db
from app.models import DocumentRevision
from app.text import render_markdown
from tests.conftest import build_app
from tests.factories import make_user, make_workspace

BEFORE_THE_COLUMN = "a8dd36ef1b9b"
BODIES = ["# Otsikko\n\n*Eka*", "| a | b |\n|---|---|\n| 1 | 2 |", "[linkki](javascript:alert(1)) ja **toka**"]


def test_upgrade_renders_the_html_of_existing_revisions(tmp_path: Path) -> None:
    app = build_app(f"sqlite:///{tmp_path / 'migrate.db'}", tmp_path / "uploads")
    with app.test_request_context():
        upgrade()
        owner = make_user("Historian Kirjoittaja")
        ws = make_workspace(owner)
        document = documents.do_create_document(owner, ws.slug, "Historia", BODIES[0])
        for number, body in enumerate(BODIES[1:], start=1):
            documents.do_save_document(owner, document.id, body, number)
        db.session.remove()

        downgrade(revision=BEFORE_THE_COLUMN)
        upgrade()

        stored = db.session.scalars(select(DocumentRevision).order_by(DocumentRevision.number)).all()
        assert [r.body for r in stored] == BODIES
        assert [r.html for r in stored] == [render_markdown(body).html for body in BODIES]
        assert 'rel="nofollow ugc noopener"' not in stored[2].html  # the javascript: link stayed text
        db.session.remove()
        db.engine.dispose()
