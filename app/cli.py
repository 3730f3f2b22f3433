"""Commands for operators: `flask --app wsgi seed-demo`, `create-admin EMAIL`, `prune-events`,
`prune-files`."""

from __future__ import annotations

import secrets

import click
from flask import Flask
from sqlalchemy import select

from app.actions import accounts
from app.actions.unit import transactional
from app.demo import database_is_empty, seed_demo
from app.extensions import db
from app.live.retention import prune_events
from app.models import Attachment
from app.storage import prune_files


@transactional
def _make_admin(email: str) -> str | None:
    """Make the account an admin, creating it first if needed; return a new password, if made."""
    user = accounts.find_user_by_email(email)
    password = None
    if user is None:
        password = secrets.token_urlsafe(12)
        user = accounts.do_register(email, password, email.split("@", maxsplit=1)[0], "")
    user.is_admin = True
    return password


def register_cli(app: Flask) -> None:
    @app.cli.command("seed-demo")
    def seed_demo_command() -> None:
        """Fill an empty database with the demo network (does nothing if there are users)."""
        if not database_is_empty():
            click.echo("The database already has users; demo content not added.")
            return
        email, password = seed_demo()
        click.echo(f"Demo network created.\n  admin: {email}\n  password: {password}")

    @app.cli.command("prune-events")
    @click.option("--days", type=int, default=None, help="keep events newer than this (EVENT_RETENTION_DAYS)")
    @click.option("--keep", type=int, default=None, help="keep each workspace's newest N (EVENT_RETENTION_COUNT)")
    def prune_events_command(days: int | None, keep: int | None) -> None:
        """Drop old events from the live log; clients further behind are told to reload."""
        days = app.config["EVENT_RETENTION_DAYS"] if days is None else days
        keep = app.config["EVENT_RETENTION_COUNT"] if keep is None else keep
        click.echo(f"Removed {prune_events(days, keep)} events (kept {days} days or {keep} per workspace).")

    @app.cli.command("create-admin")
    @click.argument("email")
    def create_admin_command(email: str) -> None:
        """Make the account with EMAIL a site admin (creating it, with a printed password)."""
        password = _make_admin(email)
        if password:
            click.echo(f"Created admin {email} with password: {password}")
        else:
            click.echo(f"{email} is now a site admin.")

    @app.cli.command("prune-files")
    def prune_files_command() -> None:
        """Delete uploaded files that no attachment refers to any more (older than an hour)."""
        in_use = set(db.session.scalars(select(Attachment.sha256).distinct()))
        click.echo(f"Removed {prune_files(app.config['UPLOAD_DIR'], in_use)} unused files.")
