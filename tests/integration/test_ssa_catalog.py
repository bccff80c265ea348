"""SSA catalogue (seed 002, "Satellite Operations") over the demo catalogue in moto."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from groundlink_orbit import parse_tle_text

from functions.ssa_catalog.app import app
from shared.domain.catalog.models import Satellite
from shared.domain.catalog.orbital import EARTH_RADIUS_KM, orbital_numbers
from shared.domain.catalog.service import CatalogService, satellite_type
from shared.surfaces.ssa.catalog import AVAILABLE_ATTRIBUTES, LIST_FIELDS
from shared.wiring.catalog import catalog_service
from tests.integration.conftest import bearer

ROOT = Path(__file__).resolve().parents[2]
DEMO = json.loads((ROOT / "shared/demo_data/satellite_catalog.json").read_text())
DEMO_TLES = (ROOT / "shared/demo_data/satellites.tle").read_text()

client = TestClient(app, raise_server_exceptions=False)
SSA = bearer("user-1", "ssa")


def ids_where(predicate) -> list[int]:
    return sorted(s["norad_id"] for s in DEMO if predicate(s))


def post(path: str, body: dict, **kwargs):
    return client.post(path, json=body, headers=SSA, **kwargs)


# --- orbital numbers (plain math) against the orbit core ------------------------------------------------
def test_orbital_numbers_agree_with_the_orbit_core_for_every_demo_element_set():
    # Given every demo element set, parsed by the orbit core
    sets = parse_tle_text(DEMO_TLES).element_sets
    assert len(sets) == 35
    for es in sets:
        # When the catalogue derives its numbers from line 2 alone
        got = orbital_numbers(es.line2)
        # Then they agree with the orbit core's ElementSet: semi-major axis within 20 m (WGS-72 vs
        # WGS-84 gravitational parameter), period within 0.01 s, elements to rounding
        assert got["semi_major_axis_km"] == pytest.approx(es.semi_major_axis_km, abs=0.02), es.name
        assert got["period_minutes"] == pytest.approx(es.period_min, abs=1e-4 / 60 + 5e-5), es.name
        assert got["eccentricity"] == pytest.approx(es.eccentricity, abs=1e-12)
        assert got["inclination_degrees"] == pytest.approx(es.inclination_deg, abs=1e-9)
        a, e = es.semi_major_axis_km, es.eccentricity
        assert got["apogee_km"] == pytest.approx(a * (1 + e) - EARTH_RADIUS_KM, abs=0.02)
        assert got["perigee_km"] == pytest.approx(a * (1 - e) - EARTH_RADIUS_KM, abs=0.02)


def test_orbital_numbers_of_a_missing_or_unreadable_line_are_null():
    assert set(orbital_numbers(None).values()) == {None}
    assert set(orbital_numbers("2 25544  51.6328 242.0950 0006547 316.4598  43.5873 xx.48795320562295").values()) == {
        None}


def test_catalogue_function_does_not_load_numpy():
    code = "import sys, functions.ssa_catalog.handler; print('numpy' in sys.modules, 'groundlink_orbit' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


# --- satellite types ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("purpose", "detailed", "expected"),
    [
        ("Earth Observation", "Optical imaging", "EO"),
        ("Earth Observation", "Meteorology", "EO"),
        ("Earth Observation", "Radar imaging", "SAR"),
        ("Earth Observation", "SAR", "SAR"),
        ("Military", "Signals Intelligence", "ELINT"),
        ("Military", "ELINT", "ELINT"),
        ("Earth Observation/Military", "SIGINT / radar", "ELINT"),
        ("Communications", "Amateur radio", "Unknown sensor"),
        ("Communications", "Search and rescue (SARSAT)", "Unknown sensor"),
        (None, None, "Unknown sensor"),
    ],
)
def test_satellite_type_mapping(purpose, detailed, expected):
    sat = Satellite(norad_id=1, name="X", purpose=purpose, detailed_purpose=detailed)
    assert satellite_type(sat) == expected


# --- authentication -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/satellites/"), ("POST", "/v1/norad_db"), ("POST", "/v1/search"), ("POST", "/v1/get_constellation"),
     ("POST", "/v1/get_detailed_purpose"), ("POST", "/v1/get_satellite_types")],
)
def test_every_route_needs_a_token(demo, method, path):
    r = client.request(method, path, json={"country_operator": ["USA"]})
    assert r.status_code == 401
    assert r.json() == {"detail": "missing Authorization header (expected 'Bearer <token>')", "status_code": 401}


def test_an_ssa_token_will_do_but_a_forged_one_will_not(demo):
    assert client.get("/v1/satellites/", headers=SSA).status_code == 200
    forged = {"Authorization": SSA["Authorization"][:-4] + "AAAA"}
    r = client.get("/v1/satellites/", headers=forged)
    assert r.status_code == 401 and r.json()["status_code"] == 401


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/v1/satellites/"), ("POST", "/v1/norad_db"), ("POST", "/v1/search"), ("POST", "/v1/get_constellation"),
     ("POST", "/v1/get_detailed_purpose"), ("POST", "/v1/get_satellite_types")],
)
@pytest.mark.parametrize("scopes", ["", "passes:read", "contacts spacecraft sites tle passes bookings pipeline"])
def test_a_token_without_the_ssa_permission_is_403(demo, method, path, scopes):
    # Given a valid token that does not carry the ssa permission (a station's, an orbapi reader's)
    r = client.request(method, path, json={"country_operator": ["USA"]}, headers=bearer("station-1", scopes))
    # Then the SSA surface refuses it in its own format
    assert r.status_code == 403
    assert r.json() == {"detail": "the token does not grant the required scope 'ssa'", "status_code": 403}


def test_station_and_orbapi_api_tokens_are_403(demo):
    # Given a ground station's API token and an orbapi reader's (dsn_live_ tokens, as the CLI issues them)
    from shared.auth import api_tokens

    station = api_tokens().create("station-3", ["station"]).token
    reader = api_tokens().create("client_123", ["passes:read"]).token
    for token in (station, reader):
        r = client.get("/v1/satellites/", headers={"Authorization": f"Bearer {token}"})
        # Then the SSA catalogue refuses both in SSA's format
        assert r.status_code == 403
        assert r.json() == {"detail": "the token does not grant the required scope 'ssa'", "status_code": 403}
    ssa_token = api_tokens().create("client_ssa", ["ssa"]).token
    assert client.get("/v1/satellites/", headers={"Authorization": f"Bearer {ssa_token}"}).status_code == 200


# --- GET /v1/satellites/ ------------------------------------------------------------------------------
def test_list_satellites_defaults_and_item_shape(demo):
    r = client.get("/v1/satellites/", headers=SSA)
    assert r.status_code == 200
    body = r.json()
    assert (body["total_count"], body["limit"], body["offset"]) == (35, 100, 0)
    assert [s["norad_id"] for s in body["satellites"]] == ids_where(lambda s: True)
    iss = next(s for s in body["satellites"] if s["norad_id"] == 25544)
    assert list(iss) == list(LIST_FIELDS)
    assert iss == {
        "norad_id": 25544, "cospar_id": "1998-067A", "constellation_name": None,
        "satellite_name_official": "ISS (ZARYA)", "country_org_un_registry": None,
        "country_operator": "Multinational", "operator": "NASA / Roscosmos / ESA / JAXA / CSA", "users": None,
        "class_of_orbit": "LEO", "type_of_orbit": None, "purpose": "Space Science",
        "detailed_purpose": "Crewed space station", "date_of_launch": "1998-11-20", "known_mass": None,
        "expected_lifetime": None,
    }  # fmt: skip


def test_list_satellites_without_the_trailing_slash_is_the_same(demo):
    assert client.get("/v1/satellites", headers=SSA).json() == client.get(
        "/v1/satellites/", headers=SSA).json()


def test_list_satellites_pages(demo):
    every = ids_where(lambda s: True)
    body = client.get("/v1/satellites/?limit=10&offset=30", headers=SSA).json()
    assert (body["total_count"], body["limit"], body["offset"]) == (35, 10, 30)
    assert [s["norad_id"] for s in body["satellites"]] == every[30:]
    second = client.get("/v1/satellites/", params={"limit": 10, "offset": 10}, headers=SSA).json()
    assert [s["norad_id"] for s in second["satellites"]] == every[10:20]
    past = client.get("/v1/satellites/?offset=500", headers=SSA).json()
    assert past["satellites"] == [] and past["total_count"] == 35


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"search": "zarya"}, [25544]),
        ({"search": "ISS"}, [25544]),
        ({"search": "25544"}, [25544]),
        ({"search": "7530"}, [7530]),  # exact id (AO-7)
        ({"search": "sentinel"}, [39634, 41335, 42063, 42969]),
        ({"search": "glonass"}, [39620, 45358]),  # matches the full name "COSMOS 2545 [GLONASS-M]"
        ({"constellation": "gps"}, [39741, 41019, 43873]),
        ({"constellation": "Copernicus", "search": "sentinel-1"}, [39634]),
        ({"country": "russia"}, [39620, 45358]),
        ({"country": "eumetsat"}, [38552, 38771, 43689]),  # operator country or operator
        ({"country": "USA", "constellation": "eos"}, [25994, 27424]),
        ({"country": "Atlantis"}, []),
    ],
)
def test_list_satellites_filters(demo, params, expected):
    body = client.get("/v1/satellites/", params=params, headers=SSA).json()
    assert [s["norad_id"] for s in body["satellites"]] == expected
    assert body["total_count"] == len(expected)


@pytest.mark.parametrize(
    ("query", "field", "kind"),
    [("limit=0", "limit", "greater_than_equal"), ("limit=1001", "limit", "less_than_equal"),
     ("offset=-1", "offset", "greater_than_equal"), ("limit=ten", "limit", "int_parsing")],
)
def test_list_satellites_rejects_bad_paging_naming_the_parameter(demo, query, field, kind):
    r = client.get(f"/v1/satellites/?{query}", headers=SSA)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["query", field] and err["type"] == kind and err["msg"]


# --- POST /v1/norad_db --------------------------------------------------------------------------------
def test_norad_db_filters_and_selects_attributes(demo):
    # Given the seed's own example request
    r = post("/v1/norad_db", {
        "country_operator": ["USA", "RUSSIA"],
        "detailed_purpose": ["Earth Observation", "Navigation", "global positioning"],
        "constellation_name": ["GPS", "GLONASS"],
        "attributes": ["norad_id", "cospar_id", "satellite_name", "country_operator"],
    })
    assert r.status_code == 200
    body = r.json()
    assert body["total_count"] == 5
    assert (body["message"], body["status"]) == ("NORAD database search completed successfully", "success")
    names = {39620: "COSMOS 2492 [GLONASS-M]", 39741: "NAVSTAR 70 (USA 251)", 41019: "NAVSTAR 75 (USA 265)",
             43873: "NAVSTAR 77 (USA 289)", 45358: "COSMOS 2545 [GLONASS-M]"}
    cospar = {s["norad_id"]: s["cospar_id"] for s in DEMO}
    assert body["data"] == [
        {"norad_id": n, "cospar_id": cospar[n], "satellite_name": name,
         "country_operator": "Russia" if "COSMOS" in name else "USA"}
        for n, name in names.items()
    ]


def test_norad_db_matches_each_item_exactly_and_case_insensitively(demo):
    body = post("/v1/norad_db", {"country_operator": ["usa"], "detailed_purpose": ["METEOROLOGY"],
                                 "attributes": ["norad_id", "detailed_purpose"]}).json()
    assert [d["norad_id"] for d in body["data"]] == ids_where(
        lambda s: s["country_operator"] == "USA" and s["detailed_purpose"] == "Meteorology") == [37849, 41866, 43013]
    # "ESA" is not "ESA / EU": exact, not substring
    assert post("/v1/norad_db", {"country_operator": ["ESA"]}).json()["total_count"] == 1  # CRYOSAT 2


def test_norad_db_default_attributes_are_all_available_ones_with_derived_orbit(demo):
    body = post("/v1/norad_db", {"country_operator": ["Multinational"]}).json()
    assert body["total_count"] == 2
    iss = next(d for d in body["data"] if d["norad_id"] == 25544)
    assert list(iss) == list(AVAILABLE_ATTRIBUTES)
    es = next(e for e in parse_tle_text(DEMO_TLES).element_sets if e.norad_id == 25544)
    assert iss["id"] == 25544 and iss["current_official_name_of_satellite"] == "ISS (ZARYA)"
    assert iss["inclination_degrees"] == 51.6328 and iss["eccentricity"] == 0.0006547
    assert iss["period_minutes"] == pytest.approx(es.period_min, abs=1e-4)
    assert iss["apogee_km"] == pytest.approx(es.semi_major_axis_km * (1 + es.eccentricity) - 6378.137, abs=0.02)
    assert iss["perigee_km"] == pytest.approx(es.semi_major_axis_km * (1 - es.eccentricity) - 6378.137, abs=0.02)
    assert 400 < iss["perigee_km"] < iss["apogee_km"] < 440
    assert iss["dry_mass_kg"] is None and iss["sensor_swath_km"] is None and iss["longitude_of_geo_degrees"] is None


def test_norad_db_unknown_attribute_is_a_422_naming_it(demo):
    r = post("/v1/norad_db", {"country_operator": ["USA"], "attributes": ["norad_id", "colour"]})
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == ["body", "attributes", 1] and err["type"] == "value_error"
    assert "unknown attribute 'colour'" in err["msg"] and "sensor_swath_km" in err["msg"]


@pytest.mark.parametrize(
    ("body", "loc", "kind"),
    [
        ({}, ["body", "country_operator"], "missing"),
        ({"country_operator": []}, ["body", "country_operator"], "too_short"),
        ({"country_operator": "USA"}, ["body", "country_operator"], "list_type"),
        ({"country_operator": ["USA", " "]}, ["body", "country_operator", 1], "string_too_short"),
        ({"country_operator": ["USA"], "constellation_name": "GPS"}, ["body", "constellation_name"], "list_type"),
    ],
)
def test_norad_db_validation_names_the_field(demo, body, loc, kind):
    r = post("/v1/norad_db", body)
    assert r.status_code == 422
    assert [(e["loc"], e["type"]) for e in r.json()["detail"]] == [(loc, kind)]


# --- POST /v1/search ----------------------------------------------------------------------------------
def test_search_seed_example(demo):
    r = post("/v1/search", {"search_text": "GPS", "search_field": "constellation_name",
                            "attributes": ["norad_id", "satellite_name", "country_operator"]})
    assert r.status_code == 200
    assert r.json() == {
        "data": [
            {"norad_id": 39741, "satellite_name": "NAVSTAR 70 (USA 251)", "country_operator": "USA"},
            {"norad_id": 41019, "satellite_name": "NAVSTAR 75 (USA 265)", "country_operator": "USA"},
            {"norad_id": 43873, "satellite_name": "NAVSTAR 77 (USA 289)", "country_operator": "USA"},
        ],
        "total_count": 3,
        "message": "Search completed successfully",
        "status": "success",
    }


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        ("esa", "country_operator", ids_where(lambda s: "esa" in s["country_operator"].casefold())),
        ("amsat", "operator", ids_where(lambda s: "amsat" in (s["operator"] or "").casefold())),
        ("radar", "detailed_purpose", [39634]),
        ("2017-", "date_of_launch", ids_where(lambda s: s["date_of_launch"].startswith("2017-"))),
        ("255", "norad_id", [25544]),
        ("1998-067", "cospar_id", [25544]),
        ("zarya", "current_official_name_of_satellite", [25544]),
        ("gps biii", "current_official_name_of_satellite", [43873]),  # the short name counts too
        ("geo", "class_of_orbit", ids_where(lambda s: s["class_of_orbit"] == "GEO")),
        ("anything", "contractor", []),  # unknown everywhere in the demo data
    ],
)
def test_search_substring_on_the_field(demo, text, field, expected):
    body = post("/v1/search", {"search_text": text, "search_field": field, "attributes": ["norad_id"]}).json()
    assert [d["norad_id"] for d in body["data"]] == expected and body["total_count"] == len(expected)


def test_search_without_attributes_returns_all_available_ones(demo):
    body = post("/v1/search", {"search_text": "hubble", "search_field": "current_official_name_of_satellite"}).json()
    assert body["total_count"] == 1 and list(body["data"][0]) == list(AVAILABLE_ATTRIBUTES)
    assert body["data"][0]["norad_id"] == 20580 and body["data"][0]["purpose"] == "Space Science"


@pytest.mark.parametrize(
    ("body", "loc", "needle"),
    [
        ({"search_text": "x", "search_field": "colour"}, ["body", "search_field"], "unknown search field 'colour'"),
        ({"search_text": "x", "search_field": "apogee_km"}, ["body", "search_field"], "'apogee_km'"),
        ({"search_text": "", "search_field": "purpose"}, ["body", "search_text"], "at least 1 character"),
        ({"search_text": "x", "search_field": "purpose", "attributes": ["bogus"]}, ["body", "attributes", 0],
         "unknown attribute 'bogus'"),
        ({"search_field": "purpose"}, ["body", "search_text"], "required"),
    ],
)
def test_search_validation_names_the_field(demo, body, loc, needle):
    r = post("/v1/search", body)
    assert r.status_code == 422
    (err,) = r.json()["detail"]
    assert err["loc"] == loc and needle in err["msg"]


# --- per-country distinct values ----------------------------------------------------------------------
def test_get_constellation(demo):
    r = post("/v1/get_constellation", {"country_operator": ["USA", "RUSSIA"]})
    assert r.status_code == 200
    assert r.json() == {"data": ["EOS", "Fox", "GLONASS", "GOES", "GPS", "JPSS", "Landsat"],
                        "message": "Constellations retrieved successfully", "status": "success"}


def test_get_detailed_purpose(demo):
    body = post("/v1/get_detailed_purpose", {"country_operator": ["esa / eu"]}).json()
    assert body == {"data": ["Atmospheric chemistry", "Global positioning", "Oceanography", "Optical imaging",
                             "Radar imaging"],
                    "message": "Detailed purposes retrieved successfully", "status": "success"}


def test_get_satellite_types(demo):
    assert post("/v1/get_satellite_types", {"country_operator": ["ESA / EU"]}).json() == {
        "data": ["EO", "SAR", "Unknown sensor"], "message": "Satellite types retrieved successfully",
        "status": "success"}
    assert post("/v1/get_satellite_types", {"country_operator": ["Russia"]}).json()["data"] == ["Unknown sensor"]
    assert post("/v1/get_satellite_types", {"country_operator": ["Atlantis"]}).json()["data"] == []


@pytest.mark.parametrize("path", ["/v1/get_constellation", "/v1/get_detailed_purpose", "/v1/get_satellite_types"])
def test_country_lists_are_required(demo, path):
    r = post(path, {"country_operator": []})
    assert r.status_code == 422
    assert [e["loc"] for e in r.json()["detail"]] == [["body", "country_operator"]]


# --- the catalogue's descriptive fields, as a catalogue import stores them ------------------------------
class OneSatelliteRepository:
    """The catalogue holding one satellite, stored and read back the way DynamoDB items are."""

    def __init__(self, item: dict) -> None:
        from shared.adapters.dynamo.base import deserialize, serialize

        sat = Satellite.model_validate(item)
        self.sat = Satellite.model_validate(deserialize(serialize(sat.model_dump(exclude_none=True))))

    def list_satellites(self) -> list[Satellite]:
        return [self.sat]


def test_stored_descriptive_fields_are_returned(monkeypatch):
    repo = OneSatelliteRepository({
        "norad_id": 25544, "name": "ISS", "satellite_name_official": "International Space Station",
        "country_org_un_registry": "United States", "users": "Government", "type_of_orbit": "ISS",
        "known_mass": 419725, "expected_lifetime": "2030", "country_operator": "United States",
        "dry_mass_kg": 419725.5, "contractor": "Boeing",
    })  # fmt: skip
    monkeypatch.setitem(client.app.dependency_overrides, catalog_service, lambda: CatalogService(repo))
    listed = client.get("/v1/satellites/?search=international", headers=SSA).json()["satellites"]
    assert [(s["satellite_name_official"], s["users"], s["type_of_orbit"], s["known_mass"],
             s["expected_lifetime"], s["country_org_un_registry"]) for s in listed] == [
        ("International Space Station", "Government", "ISS", "419725", "2030", "United States")]
    found = post("/v1/search", {"search_text": "boe", "search_field": "contractor",
                                "attributes": ["norad_id", "dry_mass_kg", "apogee_km"]}).json()
    assert found == {"data": [{"norad_id": 25544, "dry_mass_kg": 419725.5, "apogee_km": None}], "total_count": 1,
                     "message": "Search completed successfully", "status": "success"}
    by_registry = client.get("/v1/satellites/?country=united%20states", headers=SSA).json()
    assert by_registry["total_count"] == 1


def test_non_ascii_digits_are_text_not_ids(demo):
    r = client.get("/v1/satellites/?search=%C2%B2", headers=SSA)  # "²" is a digit to str.isdigit()
    assert r.status_code == 200 and r.json()["total_count"] == 0
