"""Fixtures for the action tests: more roles, and the orders sent to open sockets."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from app.live import control
from app.models import Role, User, Workspace
from tests.factories import add_member, make_user


@pytest.fixture
def facilitator(ctx: Flask, workspace: Workspace) -> User:
    user = make_user("Fiia Fasilitaattori", email="facilitator@example.fi")
    add_member(workspace, user, Role.FACILITATOR)
    return user


@pytest.fixture
def socket_orders(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """The orders the actions send to open sockets (leave rooms, disconnect), as sent after commit."""
    sent: list[dict[str, Any]] = []
    monkeypatch.setattr(control.control, "send", sent.append)
    return sent
