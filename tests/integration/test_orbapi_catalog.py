"""orbapi reference data (seed 001) over the demo catalogue in moto."""

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_catalog.app import app
from tests.integration.conftest import bearer

client = TestClient(app, raise_server_exceptions=False)
AUTH = bearer("demo", "passes:read")


@pytest.fixture(autouse=True)
def _demo(demo):
    return demo


def get(path: str, **kwargs):
    return client.get(path, headers=kwargs.pop("headers", AUTH), **kwargs)


def test_ground_stations_in_seed_shape_with_paging_and_total():
    r = get("/orbapi/gs")
    assert r.status_code == 200
    body = r.json()
    assert body["total"] == 14 and len(body["data"]) == 14
    esrange = next(s for s in body["data"] if s["id"] == "3")
    assert esrange == {
        "id": "3",
        "description": "SSC Esrange 13 m S/X-band",
        "latitude": 67.89335,
        "longitude": 21.064341,
        "altitude": 341,
    }
    page = get("/orbapi/gs?start=2&limit=3").json()
    assert page["total"] == 14 and [s["id"] for s in page["data"]] == ["3", "4", "5"]
    assert get("/orbapi/gs?start=20").json() == {"data": [], "total": 14}


def test_station_by_id_and_by_description():
    assert get("/orbapi/gs/id/1").json()["data"][0]["description"].startswith("KSAT SvalSat")
    found = get("/orbapi/gs/description/ssc").json()
    assert found["total"] == len(found["data"]) >= 4
    assert all("SSC" in s["description"] for s in found["data"])
    r = get("/orbapi/gs/id/9999")
    assert (r.status_code, r.json()) == (404, {"error": "ground station 9999 not found"})


def test_satellites_and_tles_use_the_import_and_the_catalogue():
    sats = get("/orbapi/satellites?limit=1000").json()
    assert sats["total"] == 35
    iss = get("/orbapi/satellites/id/25544").json()
    assert iss["total"] == 1
    assert iss["data"][0]["norad_cat_id"] == 25544 and iss["data"][0]["names"] == "ISS (ZARYA)"
    assert iss["data"][0]["status"] == "alive" and iss["data"][0]["name"]
    tle = get("/orbapi/tles/id/25544").json()["data"][0]
    assert tle["id"] == 25544 and tle["tle0"] == "ISS (ZARYA)"
    assert tle["tle1"].startswith("1 25544U") and tle["tle2"].startswith("2 25544 ")
    by_name = get("/orbapi/tles/name/zarya").json()
    assert [t["id"] for t in by_name["data"]] == [25544]
    assert get("/orbapi/satellites/name/goes").json()["total"] >= 1
    assert get("/orbapi/satellites/name/no-such-thing").json() == {"data": [], "total": 0}


def test_transmitter_variants():
    everything = get("/orbapi/transmitters?limit=1000").json()
    assert everything["total"] == 13
    assert set(everything["data"][0]) >= {"uuid", "description", "mode", "mode_id", "gs_id", "status"}
    iss = get("/orbapi/transmitters/id/25544").json()
    assert iss["total"] == 3 and all(t["norad_cat_id"] == 25544 and t["gs_id"] is None for t in iss["data"])
    lora = get("/orbapi/transmitters/mode/lora").json()
    assert lora["total"] == 2 and {t["mode"] for t in lora["data"]} == {"LoRa"}
    assert get("/orbapi/transmitters/mode/89").json()["total"] == 2
    assert get("/orbapi/transmitters/id/25544/mode/fm").json()["total"] == 1
    gs = get("/orbapi/transmitters/gs/3").json()
    assert [t["uuid"] for t in gs["data"]] == ["glk-demo-gs-esr-lora"]
    assert get("/orbapi/transmitters/gs/3/mode/LoRa").json()["total"] == 1
    assert get("/orbapi/transmitters/gs/3/mode/fm").json() == {"data": [], "total": 0}
    one = get("/orbapi/transmitters/uuid/PjfcFc4PZ8M8n3thuyA6x9").json()
    assert one["total"] == 1 and one["data"][0]["description"] == "ISS Mode V/V FM"
    assert get("/orbapi/transmitters/uuid/nope").status_code == 404
    assert get("/orbapi/transmitters/gs/404404").json() == {"error": "ground station 404404 not found"}


def test_transmitters_of_a_norad_id_the_catalogue_lacks_are_listed_not_404():
    from shared.adapters.memory.catalog import InMemoryCatalogStore
    from shared.domain.catalog.service import CatalogService
    from shared.wiring.catalog import catalog_service

    service = CatalogService(InMemoryCatalogStore())
    service.import_transmitters([
        {"uuid": "tx-orphan", "description": "Beacon", "mode": "LoRa", "mode_id": 89, "norad_cat_id": 99001},
    ])
    app.dependency_overrides[catalog_service] = lambda: service
    try:
        r = get("/orbapi/transmitters/id/99001")
        assert r.status_code == 200
        assert r.json() == {"data": [{"uuid": "tx-orphan", "norad_cat_id": 99001, "description": "Beacon",
                                      "mode": "LoRa", "mode_id": 89, "gs_id": None, "status": "active",
                                      "downlink_low_hz": None, "uplink_low_hz": None}],
                            "total": 1}
        assert get("/orbapi/transmitters/id/99001/mode/lora").json()["total"] == 1
        r = get("/orbapi/transmitters/id/99002")
        assert (r.status_code, r.json()) == (404, {"error": "satellite 99002 not found"})
    finally:
        app.dependency_overrides.pop(catalog_service, None)


@pytest.mark.parametrize(
    ("query", "param"),
    [("start=-1", "start"), ("limit=abc", "limit"), ("start=x", "start"), ("limit=0", "limit")],
)
def test_bad_paging_is_400_naming_the_parameter(query, param):
    r = get(f"/orbapi/satellites?{query}")
    assert r.status_code == 400
    assert f"query parameter '{param}'" in r.json()["error"]


def test_non_numeric_norad_id_is_400():
    r = get("/orbapi/satellites/id/ISS")
    assert r.status_code == 400 and "path parameter 'noradId'" in r.json()["error"]


def test_missing_or_bad_token_is_401_in_orbapi_format():
    r = client.get("/orbapi/gs")
    assert (r.status_code, r.json()) == (401, {"error": "missing Authorization header (expected 'Bearer <token>')"})
    r = client.get("/orbapi/gs", headers={"Authorization": "Bearer dsn_live_unknown"})
    assert (r.status_code, r.json()) == (401, {"error": "the API token is unknown or revoked"})
    r = client.get("/orbapi/gs", headers=bearer("demo", "passes:read", ttl_s=-5))
    assert (r.status_code, r.json()) == (401, {"error": "the token has expired"})


def test_api_tokens_work_and_revocation_is_immediate():
    from shared.adapters.dynamo.identity import identity_repository
    from shared.identity_tokens import create_api_token

    token, record = create_api_token("client_1", ["passes:read"], "ci")
    headers = {"Authorization": f"Bearer {token}"}
    assert get("/orbapi/gs/id/2", headers=headers).json()["data"][0]["id"] == "2"
    identity_repository().revoke_api_token(record.token_id)
    assert get("/orbapi/gs/id/2", headers=headers).status_code == 401


def test_over_long_ids_are_400_before_reaching_the_database():
    r = get("/orbapi/gs/id/" + "x" * 65)
    assert r.status_code == 400 and "path parameter 'id'" in r.json()["error"]
    r = get("/orbapi/transmitters/gs/" + "9" * 65)
    assert r.status_code == 400 and "path parameter 'gsId'" in r.json()["error"]
