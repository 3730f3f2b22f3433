"""The OpenAPI document at /api/v1/openapi.json: valid OpenAPI 3, and true to the routes."""

from __future__ import annotations

import re

import pytest
from openapi_spec_validator import validate

API_PREFIX = "/api/v1"
SPEC_PATH = f"{API_PREFIX}/openapi.json"
IGNORED_METHODS = {"HEAD", "OPTIONS"}

# The core of the public API contract, which integrations rely on: these paths must stay
# (parameters named as in the contract).
CORE_CONTRACT = [
    ("POST", "/auth/register"),
    ("POST", "/auth/tokens"),
    ("DELETE", "/auth/tokens/current"),
    ("GET", "/me"),
    ("GET", "/users/{id}"),
    ("GET", "/workspaces"),
    ("POST", "/workspaces"),
    ("GET", "/workspaces/{slug}"),
    ("POST", "/workspaces/{slug}/join"),
    ("POST", "/workspaces/{slug}/leave"),
    ("GET", "/workspaces/{slug}/threads"),
    ("POST", "/workspaces/{slug}/threads"),
    ("GET", "/threads/{id}"),
    ("GET", "/threads/{id}/posts"),
    ("POST", "/threads/{id}/posts"),
    ("PATCH", "/posts/{id}"),
    ("DELETE", "/posts/{id}"),
    ("POST", "/posts/{id}/reactions"),
]


def openapi_path(rule: str) -> str:
    """Flask's /threads/<int:thread_id> as OpenAPI's /threads/{thread_id}."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def any_parameter(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "{}", path)


def operations(spec: dict) -> set[tuple[str, str]]:
    methods = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
    return {(method.upper(), path) for path, item in spec["paths"].items() for method in item if method in methods}


def api_routes(app) -> set[tuple[str, str]]:
    found = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(API_PREFIX + "/") and rule.rule != SPEC_PATH:
            found |= {(method, openapi_path(rule.rule)) for method in rule.methods - IGNORED_METHODS}
    return found


@pytest.fixture
def spec(api_as) -> dict:
    response = api_as(None).get("/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()


def test_spec_is_valid_openapi_3(spec):
    assert spec["openapi"].startswith("3.")
    validate(spec)


def test_spec_is_public(api_as):
    assert api_as(None).get("/openapi.json").status_code == 200


def test_every_api_route_is_documented(app, spec):
    missing = api_routes(app) - operations(spec)
    assert not missing, f"routes missing from the OpenAPI document: {sorted(missing)}"


def test_every_documented_operation_is_a_route(app, spec):
    extra = operations(spec) - api_routes(app)
    assert not extra, f"documented operations without a route: {sorted(extra)}"


def test_route_scan_sees_the_api(app):
    assert len(api_routes(app)) >= len(CORE_CONTRACT)


@pytest.mark.parametrize(("method", "path"), CORE_CONTRACT, ids=[f"{m} {p}" for m, p in CORE_CONTRACT])
def test_core_contract_operation_is_documented(spec, method, path):
    documented = {(m, any_parameter(p)) for m, p in operations(spec)}
    assert (method, any_parameter(API_PREFIX + path)) in documented


def test_documented_operations_declare_their_answers(spec):
    undocumented = [
        f"{method} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if isinstance(operation, dict) and not operation.get("responses")
    ]
    assert not undocumented
