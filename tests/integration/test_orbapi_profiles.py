"""orbapi mission profiles (seed 001 "Mission Profiles") over the demo catalogue in moto."""

from __future__ import annotations

import json
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_profiles.app import app
from shared.identity_tokens import create_api_token
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
SCOPE = "mission-profile:create"
ISS = 25544
HUBBLE = 20580
TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
RADIO = {"radio": {"frequencyHz": 437000000, "modulation": "GMSK", "baud": 9600}}


@pytest.fixture(autouse=True)
def _demo(demo):
    return demo


def auth(subject: str, scopes: str = SCOPE, **kwargs) -> dict[str, str]:
    return bearer(subject, scopes, **kwargs)


def create(subject: str, body, norad: int = ISS, **kwargs):
    return client.post(f"/orbapi/satellites/id/{norad}/profiles", json=body, headers=auth(subject, **kwargs))


def test_create_list_get_delete_round_trip():
    # Given a caller with the mission-profile scope
    before = datetime.now(UTC) - timedelta(seconds=1)
    # When it creates a profile with the wrapper
    r = create("client_rt", {"name": "Primary data profile", "profile": RADIO})
    # Then the response is seed 001's shape
    assert r.status_code == 201
    body = r.json()
    assert set(body) == {"status", "profile"} and body["status"] == "success"
    created = body["profile"]
    pid = created["id"]
    assert isinstance(pid, int) and pid >= 1
    assert created == {
        "id": pid,
        "satelliteNoradId": ISS,
        "name": "Primary data profile",
        "profile": RADIO,
        "createdBy": "client_rt",
        "createdByType": "user",
        "createdAt": created["createdAt"],
        "updatedAt": created["createdAt"],
    }
    assert TS.match(created["createdAt"])
    stamp = datetime.strptime(created["createdAt"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC) + timedelta(seconds=1)

    # When it lists the satellite's profiles, it gets exactly that one
    listed = client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth("client_rt"))
    assert listed.status_code == 200
    assert listed.json() == {"noradId": ISS, "profiles": [created]}

    # And fetching by id returns the same record
    got = client.get(f"/orbapi/satellites/profiles/{pid}", headers=auth("client_rt"))
    assert (got.status_code, got.json()) == (200, {"profile": created})

    # When it deletes it
    deleted = client.delete(f"/orbapi/satellites/profiles/{pid}", headers=auth("client_rt"))
    assert (deleted.status_code, deleted.json()) == (
        200,
        {"status": "success", "message": "Mission profile deleted successfully", "profileId": pid},
    )
    # Then it is gone everywhere, and a second delete is a 404
    gone = client.get(f"/orbapi/satellites/profiles/{pid}", headers=auth("client_rt"))
    assert (gone.status_code, gone.json()) == (404, {"error": f"mission profile {pid} not found"})
    again = client.delete(f"/orbapi/satellites/profiles/{pid}", headers=auth("client_rt"))
    assert (again.status_code, again.json()) == (404, {"error": f"mission profile {pid} not found"})
    assert client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth("client_rt")).json() == {
        "noradId": ISS,
        "profiles": [],
    }


def test_without_wrapper_the_full_body_is_the_profile():
    body = {"name": "flat", "radio": {"baud": 1200}, "notes": None, "gain": 1.0, "tags": ["a", None]}
    r = create("client_flat", body)
    assert r.status_code == 201
    stored = r.json()["profile"]
    # JSON comes back verbatim: nulls kept, 1.0 stays a float
    assert stored["name"] == "flat"
    assert stored["profile"] == {"name": "flat", "radio": {"baud": 1200}, "notes": None, "gain": 1.0,
                                 "tags": ["a", None]}
    raw = client.get(f"/orbapi/satellites/profiles/{stored['id']}", headers=auth("client_flat")).text
    assert '"gain":1.0' in raw.replace(" ", "") and '"notes":null' in raw.replace(" ", "")


@pytest.mark.parametrize(
    ("body", "stored"),
    [
        ({"radio": {"frequencyHz": 437000000, "baud": 9600}}, {"radio": {"frequencyHz": 437000000, "baud": 9600}}),
        ({}, {}),
        ({"profile": {"radio": {}}}, {"radio": {}}),
    ],
    ids=["flat-body", "empty-body", "wrapper-without-name"],
)
def test_name_is_optional_and_a_nameless_flat_body_is_stored_as_the_profile(body, stored):
    owner = f"client_nameless_{len(json.dumps(body))}"
    r = create(owner, body)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["status"] == "success"
    assert created["profile"]["name"] is None and created["profile"]["profile"] == stored
    fetched = client.get(f"/orbapi/satellites/profiles/{created['profile']['id']}", headers=auth(owner))
    assert fetched.status_code == 200 and fetched.json() == {"profile": created["profile"]}
    listed = client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth(owner)).json()
    assert [p["name"] for p in listed["profiles"]] == [None]


def test_wrapper_with_extra_fields_is_rejected_naming_them():
    r = create("client_x", {"name": "n", "profile": {}, "radio": {}})
    assert r.status_code == 400
    assert "'radio'" in r.json()["error"]


def test_profiles_are_invisible_across_owners_and_listing_is_per_owner_and_satellite():
    a1 = create("alice", {"name": "a-iss", "profile": {"k": 1}}).json()["profile"]
    a2 = create("alice", {"name": "a-hubble", "profile": {"k": 2}}, norad=HUBBLE).json()["profile"]
    b1 = create("bob", {"name": "b-iss", "profile": {"k": 3}}).json()["profile"]
    a3 = create("alice", {"name": "a-iss-2", "profile": {"k": 4}}).json()["profile"]

    alice = client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth("alice")).json()
    assert alice["noradId"] == ISS
    assert [p["id"] for p in alice["profiles"]] == [a1["id"], a3["id"]]
    assert [p["name"] for p in alice["profiles"]] == ["a-iss", "a-iss-2"]
    bob = client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth("bob")).json()
    assert bob == {"noradId": ISS, "profiles": [b1]}
    hubble = client.get(f"/orbapi/satellites/id/{HUBBLE}/profiles", headers=auth("alice")).json()
    assert hubble == {"noradId": HUBBLE, "profiles": [a2]}

    # Someone else's id is "not found" on GET and DELETE, never 403
    for method in ("get", "delete"):
        r = getattr(client, method)(f"/orbapi/satellites/profiles/{a1['id']}", headers=auth("bob"))
        assert (r.status_code, r.json()) == (404, {"error": f"mission profile {a1['id']} not found"})
    # ... and bob's failed delete did not remove alice's profile
    still = client.get(f"/orbapi/satellites/profiles/{a1['id']}", headers=auth("alice"))
    assert still.status_code == 200 and still.json()["profile"] == a1

    # Admins and services see every profile of the satellite
    svc = client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth("svc", kind="service")).json()
    ids = [p["id"] for p in svc["profiles"]]
    assert {a1["id"], b1["id"], a3["id"]} <= set(ids) and a2["id"] not in ids and ids == sorted(ids)


def test_service_token_deletes_any_profile():
    mine = create("carol", {"name": "c", "profile": {}}).json()["profile"]
    headers = auth("svc", kind="service")
    got = client.get(f"/orbapi/satellites/profiles/{mine['id']}", headers=headers)
    assert got.status_code == 200 and got.json()["profile"]["createdBy"] == "carol"
    r = client.delete(f"/orbapi/satellites/profiles/{mine['id']}", headers=headers)
    assert r.json() == {"status": "success", "message": "Mission profile deleted successfully", "profileId": mine["id"]}
    r = client.get(f"/orbapi/satellites/profiles/{mine['id']}", headers=auth("carol"))
    assert r.status_code == 404


def test_created_by_type_follows_the_principal_kind():
    token, _ = create_api_token("client_123", [SCOPE], "ci")
    r = client.post(
        f"/orbapi/satellites/id/{ISS}/profiles",
        json={"name": "via token", "profile": RADIO},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 201
    assert (r.json()["profile"]["createdBy"], r.json()["profile"]["createdByType"]) == ("client_123", "api_client")
    svc = create("svc-x", {"name": "svc", "profile": {}}, kind="service").json()["profile"]
    assert (svc["createdBy"], svc["createdByType"]) == ("svc-x", "service")
    # The hierarchical rule: the parent permission grants the scope
    parent = create("dave", {"name": "parent scope", "profile": {}}, scopes="mission-profile")
    assert parent.status_code == 201 and parent.json()["profile"]["createdByType"] == "user"


def test_missing_scope_is_403_and_missing_token_is_401():
    for method, path in (
        ("post", f"/orbapi/satellites/id/{ISS}/profiles"),
        ("get", f"/orbapi/satellites/id/{ISS}/profiles"),
        ("get", "/orbapi/satellites/profiles/1"),
        ("delete", "/orbapi/satellites/profiles/1"),
    ):
        kwargs = {"json": {"name": "x"}} if method == "post" else {}
        r = getattr(client, method)(path, headers=auth("eve", "passes:read bookings:create"), **kwargs)
        assert r.status_code == 403, path
        assert r.json() == {"error": f"the token does not grant the required scope '{SCOPE}'"}
        r = getattr(client, method)(path, **kwargs)
        assert r.status_code == 401 and set(r.json()) == {"error"} and "Authorization" in r.json()["error"]
        r = getattr(client, method)(path, headers={"Authorization": "Bearer dsn_live_nope"}, **kwargs)
        assert r.status_code == 401 and r.json() == {"error": "the API token is unknown or revoked"}


@pytest.mark.parametrize(
    ("method", "path", "param"),
    [
        ("get", "/orbapi/satellites/profiles/abc", "profileId"),
        ("delete", "/orbapi/satellites/profiles/1.5", "profileId"),
        ("get", "/orbapi/satellites/profiles/0", "profileId"),
        ("get", "/orbapi/satellites/id/iss/profiles", "noradId"),
        ("post", "/orbapi/satellites/id/-3/profiles", "noradId"),
    ],
)
def test_bad_ids_are_400_naming_the_parameter(method, path, param):
    kwargs = {"json": {"name": "x"}} if method == "post" else {}
    r = getattr(client, method)(path, headers=auth("frank"), **kwargs)
    assert r.status_code == 400
    assert set(r.json()) == {"error"} and f"'{param}'" in r.json()["error"]


def test_unknown_satellite_is_404():
    r = create("gina", {"name": "nowhere", "profile": {}}, norad=99999)
    assert (r.status_code, r.json()) == (404, {"error": "satellite 99999 not found"})
    r = client.get("/orbapi/satellites/id/99999/profiles", headers=auth("gina"))
    assert (r.status_code, r.json()) == (404, {"error": "satellite 99999 not found"})


def test_unknown_profile_is_404():
    r = client.get("/orbapi/satellites/profiles/987654321", headers=auth("gina"))
    assert (r.status_code, r.json()) == (404, {"error": "mission profile 987654321 not found"})


@pytest.mark.parametrize(
    ("content", "field"),
    [
        ("[1, 2]", "body"),
        ('"just a string"', "body"),
        ("{not json", "body"),
        ('{"name": "x", "v": NaN}', "body"),
        ("", "body"),
        ('{"name": "", "profile": {}}', "name"),
        ('{"name": "   "}', "name"),
        ('{"name": 42, "profile": {}}', "name"),
        ('{"name": "' + "n" * 201 + '"}', "name"),
        ('{"name": "x", "profile": [1]}', "profile"),
        ('{"name": "x", "profile": "text"}', "profile"),
    ],
)
def test_invalid_bodies_are_400_naming_the_field(content, field):
    r = client.post(
        f"/orbapi/satellites/id/{ISS}/profiles",
        content=content,
        headers={**auth("hank"), "Content-Type": "application/json"},
    )
    assert r.status_code == 400, r.text
    named = "request body" if field == "body" else f"'{field}'"
    assert set(r.json()) == {"error"} and named in r.json()["error"]


def test_name_of_200_characters_is_accepted():
    r = create("hank", {"name": "n" * 200, "profile": {}})
    assert r.status_code == 201 and r.json()["profile"]["name"] == "n" * 200


def test_oversized_profile_is_413_with_a_clear_message():
    r = create("ivan", {"name": "big", "profile": {"blob": "x" * (64 * 1024)}})
    assert r.status_code == 413
    assert r.json()["error"].startswith("field 'profile': ") and "65536" in r.json()["error"]
    huge = json.dumps({"name": "huge", "blob": "x" * (300 * 1024)})
    r = client.post(
        f"/orbapi/satellites/id/{ISS}/profiles",
        content=huge,
        headers={**auth("ivan"), "Content-Type": "application/json"},
    )
    assert r.status_code == 413 and "request body exceeds" in r.json()["error"]
    assert client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth("ivan")).json()["profiles"] == []


def test_concurrent_creates_get_distinct_increasing_ids():
    def one(i: int) -> int:
        r = create("judy", {"name": f"p{i}", "profile": {"i": i}})
        assert r.status_code == 201, r.text
        return r.json()["profile"]["id"]

    with ThreadPoolExecutor(max_workers=20) as pool:
        ids = list(pool.map(one, range(20)))
    assert len(set(ids)) == 20
    listed = client.get(f"/orbapi/satellites/id/{ISS}/profiles", headers=auth("judy")).json()["profiles"]
    assert [p["id"] for p in listed] == sorted(ids)
    assert {p["name"]: p["profile"]["i"] for p in listed} == {f"p{i}": i for i in range(20)}


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ('{"name": "x", "profile": {"a": "\\ud800"}}', "not valid Unicode"),
        ("[" * 100000 + "]" * 100000, "nested too deeply"),
        ('{"name": "x", "profile": ', "invalid JSON"),
    ],
)
def test_hostile_bodies_are_400_not_500(raw, fragment):
    r = client.post(f"/orbapi/satellites/id/{ISS}/profiles", content=raw.encode(),
                    headers={**auth("client_x"), "Content-Type": "application/json"})
    assert r.status_code == 400 and fragment in r.json()["error"], r.text
