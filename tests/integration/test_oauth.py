"""OAuth 2.0 client credentials (RFC 6749 §4.4): clients registered by an admin (and the CLI), tokens from
POST /oauth2/token (form body or HTTP Basic), used on Space Go and orbapi within their scopes; RFC 6749
§5.2 errors; revocation. In moto."""

from __future__ import annotations

import base64
import json
import re

import pytest
from fastapi.testclient import TestClient

from functions.admin_tokens.app import app
from functions.orbapi_catalog.app import app as orbapi_app
from functions.spacego_catalog.app import app as spacego_app
from shared.auth import decode_jwt
from shared.aws import client as aws_client
from shared.cli import main
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
spacego = TestClient(spacego_app, raise_server_exceptions=False)
orbapi = TestClient(orbapi_app, raise_server_exceptions=False)
ADMIN = bearer("root", "admin")
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(autouse=True)
def _demo(demo):
    return demo


def register(scopes: list[str], name: str = "mission-ops") -> dict:
    r = client.post("/admin/oauth-clients", json={"scopes": scopes, "name": name}, headers=ADMIN)
    assert r.status_code == 201, r.text
    return r.json()


def token(data: dict, headers: dict | None = None):
    return client.post("/oauth2/token", data=data, headers=headers or {})


def basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def test_register_then_obtain_a_token_and_use_it_on_space_go_and_orbapi():
    created = register(["sites.view", "passes:read"])
    assert set(created) == {"clientId", "clientSecret", "name", "scopes", "createdAt", "tokenUrl"}
    assert created["clientId"].startswith("oauth-") and len(created["clientSecret"]) >= 40
    assert (created["scopes"], created["name"], created["tokenUrl"]) == (["sites.view", "passes:read"],
                                                                         "mission-ops", "/oauth2/token")
    # the secret is stored as a digest only
    items = aws_client("dynamodb").scan(TableName="groundlink-identity")["Items"]
    assert created["clientSecret"] not in json.dumps(items)

    r = token({"grant_type": "client_credentials", "client_id": created["clientId"],
               "client_secret": created["clientSecret"]})
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store" and r.headers["pragma"] == "no-cache"
    body = r.json()
    assert body == {"access_token": body["access_token"], "token_type": "Bearer", "expires_in": 3600,
                    "scope": "sites.view passes:read"}
    claims = decode_jwt(body["access_token"])
    assert (claims["sub"], claims["scope"], claims["kind"]) == (created["clientId"], "sites.view passes:read",
                                                                "api_token")
    auth = {"Authorization": f"Bearer {body['access_token']}"}

    sites = spacego.get("/api/v1/sites", headers=auth)
    assert sites.status_code == 200 and isinstance(sites.json(), list) and sites.json()
    # a scope the token does not carry: Space Go's 403 problem
    denied = spacego.get("/api/v1/spacecraft", headers=auth)
    assert denied.status_code == 403 and denied.headers["content-type"] == "application/problem+json"
    assert "spacecraft.view" in denied.json()["detail"]
    stations = orbapi.get("/orbapi/gs?limit=1", headers=auth)
    assert stations.status_code == 200 and stations.json()["total"] > 0


def test_http_basic_client_authentication_and_a_narrowed_scope():
    created = register(["sites.view", "passes"])
    r = token({"grant_type": "client_credentials", "scope": "passes:read"},
              basic(created["clientId"], created["clientSecret"]))
    assert r.status_code == 200
    assert r.json()["scope"] == "passes:read"  # 'passes' grants 'passes:read' (seed 004's rule)
    auth = {"Authorization": f"Bearer {r.json()['access_token']}"}
    denied = spacego.get("/api/v1/sites", headers=auth)
    assert denied.status_code == 403 and "sites.view" in denied.json()["detail"]


@pytest.mark.parametrize(
    ("form", "auth", "status", "error", "fragment"),
    [
        ({"grant_type": "password", "username": "a", "password": "b"}, False, 400, "unsupported_grant_type",
         "'password' is not supported"),
        ({"client_id": "x", "client_secret": "y"}, False, 400, "invalid_request", "grant_type is required"),
        ({"grant_type": "client_credentials", "scope": "contacts.create"}, True, 400, "invalid_scope",
         "contacts.create not allowed"),
        ({"grant_type": "client_credentials", "client_id": "oauth-nobody", "client_secret": "y"}, False, 401,
         "invalid_client", "client authentication failed"),
        ({"grant_type": "client_credentials", "client_id": "ID", "client_secret": "wrong"}, False, 401,
         "invalid_client", "client authentication failed"),
        ({"grant_type": "client_credentials"}, False, 401, "invalid_client", "client authentication is required"),
        ({"grant_type": "client_credentials", "client_secret": "SECRET"}, True, 400, "invalid_request",
         "one client authentication method"),
    ],
)
def test_errors_are_rfc_6749_section_5_2(form, auth, status, error, fragment):
    created = register(["sites.view"])
    form = {k: created["clientId"] if v == "ID" else created["clientSecret"] if v == "SECRET" else v
            for k, v in form.items()}
    r = token(form, basic(created["clientId"], created["clientSecret"]) if auth else None)
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error", "error_description"} and body["error"] == error
    assert fragment in body["error_description"]
    assert r.headers["cache-control"] == "no-store"
    if status == 401:
        assert r.headers["www-authenticate"] == 'Basic realm="groundlink"'


def test_wrong_basic_credentials_are_401_with_www_authenticate():
    created = register(["sites.view"])
    r = token({"grant_type": "client_credentials"}, basic(created["clientId"], "nope"))
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")
    assert r.headers["www-authenticate"] == 'Basic realm="groundlink"'


def test_a_json_body_or_a_repeated_parameter_is_invalid_request():
    r = client.post("/oauth2/token", json={"grant_type": "client_credentials"})
    assert (r.status_code, r.json()["error"]) == (400, "invalid_request")
    assert "application/x-www-form-urlencoded" in r.json()["error_description"]
    r = client.post("/oauth2/token", content=b"grant_type=client_credentials&grant_type=client_credentials",
                    headers=FORM)
    assert r.json() == {"error": "invalid_request", "error_description": "parameter(s) grant_type given more than once"}


def test_list_and_revoke_clients():
    created = register(["sites.view"], "ci")
    listed = client.get("/admin/oauth-clients", headers=ADMIN)
    assert listed.status_code == 200
    [view] = [c for c in listed.json()["clients"] if c["clientId"] == created["clientId"]]
    assert view == {"clientId": created["clientId"], "name": "ci", "scopes": ["sites.view"],
                    "createdAt": created["createdAt"], "revoked": False, "revokedAt": None}
    r = client.delete(f"/admin/oauth-clients/{created['clientId']}", headers=ADMIN)
    assert (r.status_code, r.json()) == (200, {"status": "success", "clientId": created["clientId"], "revoked": True})
    r = token({"grant_type": "client_credentials", "client_id": created["clientId"],
               "client_secret": created["clientSecret"]})
    assert (r.status_code, r.json()["error"]) == (401, "invalid_client")
    [view] = [c for c in client.get("/admin/oauth-clients", headers=ADMIN).json()["clients"]
              if c["clientId"] == created["clientId"]]
    assert view["revoked"] is True and re.match(r"^\d{4}-\d\d-\d\dT.*Z$", view["revokedAt"])
    missing = client.delete("/admin/oauth-clients/oauth-nobody", headers=ADMIN)
    assert (missing.status_code, missing.json()) == (404, {"error": "OAuth client oauth-nobody not found"})


def test_administration_needs_admin_and_validates_in_orbapi_format():
    r = client.post("/admin/oauth-clients", json={"scopes": ["sites.view"]}, headers=bearer("someone", "sites.view"))
    assert r.status_code == 403 and set(r.json()) == {"error"}
    r = client.get("/admin/oauth-clients")
    assert r.status_code == 401 and set(r.json()) == {"error"}
    r = client.post("/admin/oauth-clients", json={"scopes": ["station"]}, headers=ADMIN)
    assert r.status_code == 400 and "station" in r.json()["error"]
    r = client.post("/admin/oauth-clients", json={"scopes": []}, headers=ADMIN)
    assert r.status_code == 400 and "scopes" in r.json()["error"]


def test_cli_create_list_revoke(capsys, monkeypatch):
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "test")
    assert main(["oauth-client", "create", "--scopes", "contacts.view sites.view", "--name", "ops"]) == 0
    created = json.loads(capsys.readouterr().out)
    assert created["clientId"].startswith("oauth-") and created["clientSecret"]
    assert created["scopes"] == ["contacts.view", "sites.view"] and created["tokenUrl"] == "/oauth2/token"
    r = token({"grant_type": "client_credentials"}, basic(created["clientId"], created["clientSecret"]))
    assert r.status_code == 200 and r.json()["scope"] == "contacts.view sites.view"
    assert main(["oauth-client", "list"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [c["clientId"] for c in listed if c["clientId"] == created["clientId"]] and all(
        "clientSecret" not in c for c in listed)
    assert main(["oauth-client", "revoke", created["clientId"]]) == 0
    assert json.loads(capsys.readouterr().out)["revoked"] is True
    assert main(["oauth-client", "revoke", "oauth-nobody"]) == 1


def test_the_documents_name_the_real_token_endpoint():
    from shared.surfaces.openapi import surface_document

    scheme = surface_document("spacego")["components"]["securitySchemes"]["oAuth2"]
    assert scheme["flows"]["clientCredentials"]["tokenUrl"] == "/oauth2/token"
    assert "POST /oauth2/token" in scheme["description"]
    operation = surface_document("orbapi")["paths"]["/oauth2/token"]["post"]
    assert {"200", "400", "401"} <= set(operation["responses"])
    assert "application/x-www-form-urlencoded" in operation["requestBody"]["content"]
