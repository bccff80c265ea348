"""Token administration (/admin/api-tokens): create → use → list → revoke, in moto."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from functions.admin_tokens.app import app
from functions.orbapi_catalog.app import app as catalog_app
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
catalog = TestClient(catalog_app, raise_server_exceptions=False)
ADMIN = bearer("root", "admin")
SERVICE = bearer("ops", "", kind="service")
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
VIEW_KEYS = {"tokenId", "owner", "scopes", "name", "createdAt", "revoked", "revokedAt"}


@pytest.fixture(autouse=True)
def _aws(aws):
    return aws


def create(body, headers=ADMIN):
    return client.post("/admin/api-tokens", json=body, headers=headers)


def test_create_use_list_revoke_round_trip():
    # Given an admin creates a token for a client
    r = create({"owner": "client_123", "scopes": ["passes:read", "bookings"], "name": "ci"})
    assert r.status_code == 201
    body = r.json()
    token = body["token"]
    assert token.startswith("dsn_live_") and len(token) > 40
    assert body == {
        "token": token,
        "tokenId": body["tokenId"],
        "owner": "client_123",
        "scopes": ["passes:read", "bookings"],
        "name": "ci",
        "createdAt": body["createdAt"],
    }
    assert TS.match(body["createdAt"]) and body["tokenId"]

    # Then the token authenticates against orbapi
    use = catalog.get("/orbapi/gs", headers={"Authorization": f"Bearer {token}"})
    assert (use.status_code, use.json()) == (200, {"data": [], "total": 0})

    # And the listing shows it without the token or its hash
    listed = client.get("/admin/api-tokens", params={"owner": "client_123"}, headers=ADMIN)
    assert listed.status_code == 200
    expected = {
        "tokenId": body["tokenId"],
        "owner": "client_123",
        "scopes": ["passes:read", "bookings"],
        "name": "ci",
        "createdAt": body["createdAt"],
        "revoked": False,
        "revokedAt": None,
    }
    assert listed.json() == {"tokens": [expected]}
    assert token not in listed.text and "hash" not in listed.text.lower()

    # When it is revoked
    rv = client.delete(f"/admin/api-tokens/{body['tokenId']}", headers=ADMIN)
    assert (rv.status_code, rv.json()) == (200, {"status": "success", "tokenId": body["tokenId"], "revoked": True})
    # Then the token no longer works
    denied = catalog.get("/orbapi/gs", headers={"Authorization": f"Bearer {token}"})
    assert (denied.status_code, denied.json()) == (401, {"error": "the API token is unknown or revoked"})
    # And the listing records the revocation
    after = client.get("/admin/api-tokens", params={"owner": "client_123"}, headers=ADMIN).json()["tokens"]
    assert len(after) == 1 and after[0]["revoked"] is True and TS.match(after[0]["revokedAt"])

    # Revoking again is idempotent: 200, and nothing changes
    again = client.delete(f"/admin/api-tokens/{body['tokenId']}", headers=SERVICE)
    assert again.status_code == 200
    assert again.json() == {"status": "success", "tokenId": body["tokenId"], "revoked": True}
    assert client.get("/admin/api-tokens", params={"owner": "client_123"}, headers=ADMIN).json()["tokens"] == after


def test_listing_filters_by_owner_and_never_leaks_secrets():
    tokens = [create({"owner": o, "scopes": ["passes"]}).json() for o in ("a", "b", "a")]
    every = client.get("/admin/api-tokens", headers=SERVICE)
    assert every.status_code == 200
    listed = every.json()["tokens"]
    assert {t["tokenId"] for t in listed} == {t["tokenId"] for t in tokens}
    assert all(set(t) == VIEW_KEYS for t in listed)
    assert all(t["name"] == "" for t in listed)
    for t in tokens:
        assert t["token"] not in every.text
    a = client.get("/admin/api-tokens?owner=a", headers=ADMIN).json()["tokens"]
    assert sorted(t["tokenId"] for t in a) == sorted(t["tokenId"] for t in tokens if t["owner"] == "a")
    assert client.get("/admin/api-tokens?owner=nobody", headers=ADMIN).json() == {"tokens": []}


def test_duplicate_scopes_are_collapsed_in_order():
    r = create({"owner": "c", "scopes": ["bookings:create", "passes", "bookings:create"]})
    assert r.status_code == 201 and r.json()["scopes"] == ["bookings:create", "passes"]


def test_unknown_token_id_is_404():
    r = client.delete("/admin/api-tokens/0123456789abcdef", headers=ADMIN)
    assert (r.status_code, r.json()) == (404, {"error": "API token 0123456789abcdef not found"})


def test_non_admin_is_403_and_missing_token_is_401():
    user = bearer("mallory", "passes bookings mission-profile")
    token = create({"owner": "mallory", "scopes": ["passes"]}).json()["token"]
    api_token = {"Authorization": f"Bearer {token}"}
    for headers in (user, api_token):
        for r in (
            create({"owner": "mallory", "scopes": ["admin"]}, headers=headers),
            client.get("/admin/api-tokens", headers=headers),
            client.delete("/admin/api-tokens/0123456789abcdef", headers=headers),
        ):
            assert (r.status_code, r.json()) == (403, {"error": "the token does not grant the required scope 'admin'"})
    for r in (
        client.post("/admin/api-tokens", json={"owner": "x", "scopes": ["passes"]}),
        client.get("/admin/api-tokens"),
        client.delete("/admin/api-tokens/0123456789abcdef"),
    ):
        assert r.status_code == 401 and set(r.json()) == {"error"}
    # Mallory's failed attempt created nothing for her beyond the admin-made token
    assert len(client.get("/admin/api-tokens?owner=mallory", headers=ADMIN).json()["tokens"]) == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"owner": "x", "scopes": []}, "scopes"),
        ({"owner": "x", "scopes": ["Passes"]}, "scopes"),
        ({"owner": "x", "scopes": ["passes read"]}, "scopes"),
        ({"owner": "x", "scopes": ["passes:"]}, "scopes"),
        ({"owner": "x", "scopes": ["1passes"]}, "scopes"),
        ({"owner": "x", "scopes": "passes"}, "scopes"),
        ({"owner": "x"}, "scopes"),
        ({"scopes": ["passes"]}, "owner"),
        ({"owner": "", "scopes": ["passes"]}, "owner"),
        ({"owner": " x", "scopes": ["passes"]}, "owner"),
        ({"owner": "x", "scopes": ["passes"], "name": 5}, "name"),
        ({"owner": "x", "scopes": ["passes"], "token": "dsn_live_mine"}, "token"),
    ],
)
def test_invalid_create_bodies_are_400_naming_the_field(body, field):
    r = create(body)
    assert r.status_code == 400, r.text
    assert set(r.json()) == {"error"} and f"'{field}'" in r.json()["error"]
    assert client.get("/admin/api-tokens", headers=ADMIN).json() == {"tokens": []}


@pytest.mark.parametrize(
    ("owner", "scopes", "fragment"),
    [("alice/x", ["passes:read"], "may contain only"), ("user-1", ["passes:read"], "SSA accounts"),
     ("station-3", ["station", "bookings"], "exactly the scope 'station'"), ("alice", ["station"], "only for")],
)
def test_owners_that_would_impersonate_are_refused(owner, scopes, fragment):
    from shared.domain.errors import InvalidRequest
    from shared.identity_tokens import create_api_token

    with pytest.raises(InvalidRequest, match=fragment):
        create_api_token(owner, scopes)
