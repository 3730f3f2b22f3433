"""The operators' commands, run through Flask's CLI as an operator (or `make run`) runs them:
`prune-events` keeps what EVENT_RETENTION_DAYS / EVENT_RETENTION_COUNT promise, `prune-files` never
deletes a file an attachment still names, and `seed-demo` fills an empty database once."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy import create_engine, func, select, text, update

from app.actions import attachments
from app.actions.unit import transactional
from app.extensions import db
from app.models import Event, User, Workspace, utcnow
from app.storage import blob_path, store
from config import normalise_database_url
from tests.factories import make_thread, make_workspace, reply
from tests.server import ROOT, recreate_postgres_database, server_database_url, settings_free_env

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def flask_cli(app: Flask, *args: str) -> str:
    """`flask ARGS` through the app's real command line; the output, after checking it succeeded."""
    result = app.test_cli_runner().invoke(args=list(args))
    assert result.exception is None and result.exit_code == 0, result.output
    db.session.rollback()  # see what the command committed
    return result.output


@transactional
def _age_events(workspace: Workspace, days: int) -> None:
    db.session.execute(update(Event).where(Event.workspace_id == workspace.id)
                       .values(created_at=utcnow() - timedelta(days=days)))


def seqs(workspace: Workspace) -> list[int]:
    return list(db.session.scalars(select(Event.seq).where(Event.workspace_id == workspace.id).order_by(Event.seq)))


def busy_workspace(owner: User, name: str, replies: int) -> Workspace:
    ws = make_workspace(owner, name=name)
    thread, _ = make_thread(owner, ws)
    for n in range(replies):
        reply(owner, thread, f"Viesti {n}")
    return ws


# --- prune-events -----------------------------------------------------------------------------------------


def test_prune_events_keeps_recent_days_and_each_workspaces_newest_count(
        app: Flask, owner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "EVENT_RETENTION_DAYS", 7)
    monkeypatch.setitem(app.config, "EVENT_RETENTION_COUNT", 2)
    old = busy_workspace(owner, "Vanha keskustelu", replies=5)
    recent = busy_workspace(owner, "Tuore keskustelu", replies=4)
    _age_events(old, 30)  # all past the days: only the newest two stay
    _age_events(recent, 3)  # all within the days: every one stays, however many
    old_seqs, recent_seqs = seqs(old), seqs(recent)
    assert len(old_seqs) > 2 and len(recent_seqs) > 2

    output = flask_cli(app, "prune-events")

    assert seqs(old) == old_seqs[-2:]
    assert seqs(recent) == recent_seqs
    assert f"Removed {len(old_seqs) - 2} events (kept 7 days or 2 per workspace)." in output


def test_prune_events_options_override_the_settings(app: Flask, owner: User, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(app.config, "EVENT_RETENTION_DAYS", 365)
    monkeypatch.setitem(app.config, "EVENT_RETENTION_COUNT", 1000)
    first = busy_workspace(owner, "Ensimmäinen", replies=3)
    second = busy_workspace(owner, "Toinen", replies=1)
    newest = (seqs(first)[-1], seqs(second)[-1])

    flask_cli(app, "prune-events", "--days", "0", "--keep", "1")

    assert (seqs(first), seqs(second)) == ([newest[0]], [newest[1]])


# --- prune-files ------------------------------------------------------------------------------------------


def _age_file(root: str, sha256: str, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(blob_path(root, sha256), (then, then))


def test_prune_files_keeps_attached_files_and_fresh_uploads(
        app: Flask, member: User, workspace: Workspace, web_as, tmp_path: Path,  # type: ignore[no-untyped-def]
        monkeypatch: pytest.MonkeyPatch) -> None:
    root = str(tmp_path / "uploads")
    monkeypatch.setitem(app.config, "UPLOAD_DIR", root)
    _, post = make_thread(member, workspace)
    attached = attachments.do_attach_to_post(member, post.id, io.BytesIO(PDF), "raportti.pdf")
    orphan = store(io.BytesIO(b"vanha muistio\n"), root, 1024, "muistio.txt")
    fresh = store(io.BytesIO("juuri ladattu, vielä tallentumassa\n".encode()), root, 1024, "uusi.txt")
    for sha in (attached.sha256, orphan.sha256):
        _age_file(root, sha, 2 * 3600)  # past the hour's grace

    output = flask_cli(app, "prune-files")

    assert "Removed 1 unused files." in output
    assert not blob_path(root, orphan.sha256).exists()
    assert blob_path(root, fresh.sha256).exists()
    download = web_as(member).get(f"/attachments/{attached.id}")
    assert download.status_code == 200 and download.data == PDF


# --- seed-demo, as `make run` runs it -----------------------------------------------------------------------


def _flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300, check=False)
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    assert result.returncode == 0, f"flask {' '.join(args)}:\n{result.stdout}\n{result.stderr}"
    return result


def _counts(url: str) -> dict[str, int]:
    engine = create_engine(normalise_database_url(url))  # psycopg2, as the app itself uses
    try:
        with engine.connect() as conn:
            tables = ("users", "workspaces", "threads", "posts", "documents", "memberships", "events")
            return {t: int(conn.execute(select(func.count()).select_from(text(t))).scalar_one()) for t in tables}
    finally:
        engine.dispose()


@pytest.mark.server
def test_seed_demo_fills_an_empty_database_once(tmp_path: Path) -> None:
    url = server_database_url(tmp_path, "seed_demo")
    if url.startswith("postgresql"):
        recreate_postgres_database(url)
    env = {**settings_free_env(), "FLASK_CONFIG": "development", "DATABASE_URL": url,
           "UPLOAD_DIR": str(tmp_path / "uploads")}
    _flask(env, "db", "upgrade")

    first = _flask(env, "seed-demo")
    seeded = _counts(url)
    second = _flask(env, "seed-demo")

    assert "Demo network created." in first.stdout and "admin: admin@example.fi" in first.stdout
    assert all(seeded[t] > 0 for t in ("workspaces", "threads", "posts", "documents", "memberships")), seeded
    assert seeded["users"] > 1
    assert "already has users" in second.stdout
    assert _counts(url) == seeded
