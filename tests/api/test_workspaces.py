"""Workspaces over /api/v1: the directory, creating, reading with my_role, joining and leaving."""

from __future__ import annotations

from app.models import Membership, Thread, Workspace
from tests.api.expect import assert_error, assert_invalid, assert_utc_timestamp
from tests.factories import make_workspace

WORKSPACE_FIELDS = {"slug", "name", "description", "themes", "visibility", "join_policy", "member_count"}
NEW_WORKSPACE = {
    "name": "Kiertotalous",
    "description": "Materiaalit kiertoon",
    "themes": ["kiertotalous", "hankinnat"],
    "visibility": "network",
    "join_policy": "request",
}


def member_ids(api, slug: str) -> set[int]:
    response = api.get(f"/workspaces/{slug}/members")
    assert response.status_code == 200
    return {m["user"]["id"] for m in response.get_json()["items"]}


# --- the directory -----------------------------------------------------------------------------


def test_directory_is_a_list_page(api_as, member, workspace):
    body = api_as(member).get("/workspaces").get_json()
    assert set(body) == {"items", "next"}
    assert body["next"] is None


def test_outsider_sees_network_workspace_but_not_private_one(api_as, outsider, workspace, private_workspace):
    response = api_as(outsider).get("/workspaces")
    assert response.status_code == 200
    slugs = {ws["slug"] for ws in response.get_json()["items"]}
    assert workspace.slug in slugs
    assert private_workspace.slug not in slugs


def test_member_sees_private_workspace_in_directory_with_role(api_as, member, private_workspace):
    items = api_as(member).get("/workspaces").get_json()["items"]
    mine = [ws for ws in items if ws["slug"] == private_workspace.slug]
    assert [ws["my_role"] for ws in mine] == ["member"]


def test_anonymous_directory_shows_only_public_workspaces(api_as, workspace, private_workspace, public_workspace):
    response = api_as(None).get("/workspaces")
    assert response.status_code == 200
    assert [ws["slug"] for ws in response.get_json()["items"]] == [public_workspace.slug]


# --- one workspace -----------------------------------------------------------------------------


def test_workspace_carries_contract_fields(api_as, member, workspace):
    response = api_as(member).get(f"/workspaces/{workspace.slug}")
    assert response.status_code == 200
    ws = response.get_json()
    assert set(ws) >= WORKSPACE_FIELDS
    assert ws["slug"] == workspace.slug
    assert ws["name"] == "Energia network"
    assert ws["themes"] == ["ilmasto"]
    assert ws["visibility"] == "network"
    assert ws["join_policy"] == "open"
    assert ws["member_count"] == 4
    assert_utc_timestamp(ws["created_at"])


def test_workspace_shows_my_role_to_owner(api_as, owner, workspace):
    assert api_as(owner).get(f"/workspaces/{workspace.slug}").get_json()["my_role"] == "owner"


def test_workspace_shows_my_role_to_moderator(api_as, moderator, workspace):
    assert api_as(moderator).get(f"/workspaces/{workspace.slug}").get_json()["my_role"] == "moderator"


def test_workspace_shows_no_role_to_outsider(api_as, outsider, workspace):
    response = api_as(outsider).get(f"/workspaces/{workspace.slug}")
    assert response.status_code == 200
    assert response.get_json()["my_role"] is None


def test_anonymous_reads_public_workspace(api_as, public_workspace):
    response = api_as(None).get(f"/workspaces/{public_workspace.slug}")
    assert response.status_code == 200
    assert response.get_json()["my_role"] is None


def test_anonymous_cannot_see_network_workspace(api_as, workspace):
    assert_error(api_as(None).get(f"/workspaces/{workspace.slug}"), 404, "not_found")


# --- creating ----------------------------------------------------------------------------------


def test_member_creates_workspace_and_owns_it(api_as, member, rows):
    response = api_as(member).post("/workspaces", json=NEW_WORKSPACE)
    assert response.status_code == 201
    ws = response.get_json()
    assert ws["slug"] == "kiertotalous"
    assert ws["themes"] == ["kiertotalous", "hankinnat"]
    assert ws["join_policy"] == "request"
    assert ws["member_count"] == 1
    assert ws["my_role"] == "owner"
    assert rows(Workspace) == 1


def test_created_workspace_is_readable_at_its_slug(api_as, member):
    api = api_as(member)
    api.post("/workspaces", json={**NEW_WORKSPACE, "slug": "kierto-2030"})
    response = api.get("/workspaces/kierto-2030")
    assert response.status_code == 200
    assert response.get_json()["name"] == "Kiertotalous"


def test_workspace_creation_refuses_unknown_visibility(api_as, member, rows):
    response = api_as(member).post("/workspaces", json={**NEW_WORKSPACE, "visibility": "secret"})
    assert_invalid(response, "visibility")
    assert rows(Workspace) == 0


def test_workspace_creation_refuses_taken_slug(api_as, member, workspace, rows):
    response = api_as(member).post("/workspaces", json={**NEW_WORKSPACE, "slug": workspace.slug})
    assert_invalid(response, "slug")
    assert rows(Workspace) == 1


def test_workspace_creation_refuses_slug_with_capitals(api_as, member, rows):
    response = api_as(member).post("/workspaces", json={**NEW_WORKSPACE, "slug": "Kierto Talous"})
    assert_invalid(response, "slug")
    assert rows(Workspace) == 0


def test_workspace_creation_needs_sign_in(api_as, rows):
    assert_error(api_as(None).post("/workspaces", json=NEW_WORKSPACE), 401, "unauthenticated")
    assert rows(Workspace) == 0


# --- joining -----------------------------------------------------------------------------------


def test_outsider_joins_open_workspace_at_once(api_as, outsider, workspace):
    api = api_as(outsider)
    response = api.post(f"/workspaces/{workspace.slug}/join", json={})
    assert response.status_code == 200
    membership = response.get_json()
    assert membership["state"] == "active"
    assert membership["role"] == "member"
    assert membership["workspace"] == workspace.slug
    assert membership["user"]["id"] == outsider.id
    assert outsider.id in member_ids(api, workspace.slug)


def test_join_without_a_body_is_accepted(api_as, outsider, workspace):
    assert api_as(outsider).post(f"/workspaces/{workspace.slug}/join").status_code == 200


def test_joining_counts_the_new_member(api_as, outsider, workspace):
    api = api_as(outsider)
    api.post(f"/workspaces/{workspace.slug}/join", json={})
    ws = api.get(f"/workspaces/{workspace.slug}").get_json()
    assert ws["member_count"] == 5
    assert ws["my_role"] == "member"


def test_joining_request_workspace_sends_a_request(api_as, owner, outsider):
    ws = make_workspace(owner, join_policy="request")
    response = api_as(outsider).post(f"/workspaces/{ws.slug}/join", json={"message": "Saisinko liittyä?"})
    assert response.status_code == 202
    assert response.get_json()["state"] == "requested"
    assert outsider.id not in member_ids(api_as(owner), ws.slug)


def test_requester_cannot_post_before_approval(api_as, owner, outsider, rows):
    ws = make_workspace(owner, join_policy="request")
    api = api_as(outsider)
    api.post(f"/workspaces/{ws.slug}/join", json={})
    response = api.post(f"/workspaces/{ws.slug}/threads", json={"title": "Hei kaikki", "body": "Olen uusi"})
    assert_error(response, 403, "forbidden")
    assert rows(Thread) == 0


def test_invite_only_workspace_refuses_join(api_as, owner, outsider, rows):
    ws = make_workspace(owner, join_policy="invite")
    before = rows(Membership)
    assert_error(api_as(outsider).post(f"/workspaces/{ws.slug}/join", json={}), 403, "forbidden")
    assert rows(Membership) == before


def test_member_joining_again_is_a_conflict(api_as, member, workspace, rows):
    before = rows(Membership)
    assert_error(api_as(member).post(f"/workspaces/{workspace.slug}/join", json={}), 409, "conflict")
    assert rows(Membership) == before


# --- leaving -----------------------------------------------------------------------------------


def test_member_leaves_workspace(api_as, member, owner, workspace):
    response = api_as(member).post(f"/workspaces/{workspace.slug}/leave")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert member.id not in member_ids(api_as(owner), workspace.slug)


def test_member_who_left_cannot_start_thread(api_as, member, workspace):
    api = api_as(member)
    api.post(f"/workspaces/{workspace.slug}/leave")
    response = api.post(f"/workspaces/{workspace.slug}/threads", json={"title": "Vielä yksi", "body": "Hei"})
    assert_error(response, 403, "forbidden")


def test_last_owner_cannot_leave(api_as, owner, workspace):
    api = api_as(owner)
    assert_error(api.post(f"/workspaces/{workspace.slug}/leave"), 409, "conflict")
    assert owner.id in member_ids(api, workspace.slug)


def test_outsider_leaving_is_a_conflict(api_as, outsider, workspace):
    assert_error(api_as(outsider).post(f"/workspaces/{workspace.slug}/leave"), 409, "conflict")
