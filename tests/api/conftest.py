"""Fixtures for the JSON API tests: a thread with its first post, row counts."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select

from app.extensions import db
from app.models import Post, Thread, User, Workspace
from tests.factories import make_thread


@pytest.fixture
def started(member: User, workspace: Workspace) -> tuple[Thread, Post]:
    """A thread that the member started in the network workspace, with its first post."""
    return make_thread(member, workspace, "Lämpöpumput kouluihin", "Onko kokemuksia?")


@pytest.fixture
def thread(started: tuple[Thread, Post]) -> Thread:
    return started[0]


@pytest.fixture
def post(started: tuple[Thread, Post]) -> Post:
    """The member's first post of `thread`."""
    return started[1]


@pytest.fixture
def rows(ctx: Flask) -> Callable[[type], int]:
    """rows(Model) -> how many rows the table holds now, as committed by the requests."""

    def count(model: type) -> int:
        db.session.rollback()  # end the test's own snapshot, so the count sees every commit
        return int(db.session.scalar(select(func.count()).select_from(model)) or 0)

    return count
