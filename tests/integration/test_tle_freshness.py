"""Element-set freshness on every answer and at every booking, through the routers on moto: a fresh set (the
demo NOAA 20 set with its epoch rewritten) is booked with no warning, an old one with a warning, and a set
past the limit is refused with the exact body on both booking APIs; the demo relaxation keeps booking."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from functions.orbapi_bookings.app import app as bookings_app
from functions.orbapi_passes.app import app as passes_app
from functions.spacego_catalog.app import app as tle_app
from functions.spacego_contacts.app import app as contacts_app
from functions.ssa_position.app import app as position_app
from shared.adapters.dynamo.catalog import catalog_repository
from shared.catalog.demo import DEMO_DIR, seed_demo
from shared.domain.catalog.models import ElementSetRecord
from shared.domain.catalog.service import CatalogService
from shared.settings import get_settings
from tests.integration.conftest import bearer

bookings = TestClient(bookings_app, raise_server_exceptions=False)
passes = TestClient(passes_app, raise_server_exceptions=False)
contacts = TestClient(contacts_app, raise_server_exceptions=False)
positions = TestClient(position_app, raise_server_exceptions=False)
tles = TestClient(tle_app, raise_server_exceptions=False)
DEMO = bearer("demo", "contacts spacecraft.view tle.view passes bookings ssa")
NOAA20 = 43013
DRIFT = "SGP4 predictions drift by roughly 1-3 km a day along-track in low Earth orbit; import a current element set"
DEMO_LIMIT = "GROUNDLINK_TLE_DEMO_MAX_AGE_DAYS"


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def checksum(line: str) -> int:
    return sum(int(c) if c.isdigit() else c == "-" for c in line[:68]) % 10


def with_epoch(line1: str, epoch: datetime) -> str:
    """Line 1 of an element set with its epoch field (columns 19-32, ``YYDDD.DDDDDDDD``) rewritten, and its
    checksum recomputed."""
    day = 1 + (epoch - datetime(epoch.year, 1, 1, tzinfo=UTC)).total_seconds() / 86_400
    body = f"{line1[:18]}{epoch.year % 100:02d}{day:012.8f}{line1[32:68]}"
    return body + str(checksum(body))


def demo_lines(norad_id: int) -> tuple[str, str]:
    lines = (DEMO_DIR / "satellites.tle").read_text().splitlines()
    i = next(i for i, line in enumerate(lines) if line.startswith(f"1 {norad_id}"))
    return lines[i], lines[i + 1]


def test_the_rewritten_line_is_valid_and_keeps_the_elements():
    line1, _ = demo_lines(NOAA20)
    epoch = datetime(2026, 4, 17, 6, tzinfo=UTC)
    rewritten = with_epoch(line1, epoch)
    assert rewritten[18:32] == "26107.25000000" and rewritten[32:68] == line1[32:68]
    assert int(rewritten[68]) == checksum(rewritten) and len(rewritten) == 69


@pytest.fixture
def catalogue(aws):
    """The demo catalogue in a fresh account (each test changes NOAA 20's current set)."""
    seed_demo(catalog_repository())


@pytest.fixture
def now(monkeypatch) -> datetime:
    """The ledger's, the pass search's and the Space Go TLE view's clock, fixed to the current minute."""
    fixed = datetime.now(UTC).replace(second=0, microsecond=0)
    monkeypatch.setattr("shared.surfaces.spacego.tle.utcnow", lambda: fixed)
    monkeypatch.setattr("shared.domain.ledger.service.utcnow", lambda: fixed)
    monkeypatch.setattr("shared.domain.scheduling.search.utcnow", lambda: fixed)
    return fixed


@pytest.fixture
def strict():
    """A deployment's limits: the demo relaxation of tests/integration/conftest.py lifted for one test."""
    relaxed = os.environ.pop(DEMO_LIMIT, None)
    get_settings.cache_clear()
    yield
    if relaxed is not None:
        os.environ[DEMO_LIMIT] = relaxed
    get_settings.cache_clear()


def store_set_aged(days: float, now: datetime) -> ElementSetRecord:
    """NOAA 20's demo set with its epoch moved to ``days`` before ``now`` (on a 6-hour boundary, exact in a
    TLE's eight decimals of a day), stored as its current set."""
    epoch = now - timedelta(days=days)
    epoch = epoch.replace(hour=epoch.hour - epoch.hour % 6, minute=0, second=0, microsecond=0)
    line1, line2 = demo_lines(NOAA20)
    report = CatalogService(catalog_repository()).import_tle_text(f"NOAA 20\n{with_epoch(line1, epoch)}\n{line2}\n")
    assert (report.stored, report.current, report.errors) == (1, 1, [])
    current = catalog_repository().get_satellite(NOAA20).tle
    assert current.epoch == epoch
    return current


def age(epoch: datetime, at: datetime) -> float:
    return round((at - epoch).total_seconds() / 86_400, 3)


def next_passes(now: datetime) -> list[dict]:
    body = passes.post("/orbapi/passes/search", headers=DEMO,
                       json={"noradId": NOAA20, "days": 1, "groundStationIds": ["1"], "minElevationDeg": 10}).json()
    future = [p for p in body["passes"] if parse(p["rise_time"]) > now + timedelta(minutes=15)]
    assert len(future) >= 2
    return future


def book_orbapi(p: dict):
    return bookings.post("/orbapi/bookings", headers=DEMO, json={
        "norad_cat_id": NOAA20, "type": "data",
        "slots": [{"start": p["rise_time"], "end": p["set_time"], "gs_id": p["groundStationId"]}]})


def minutes_inside(p: dict) -> tuple[str, str]:
    start = (parse(p["rise_time"]) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    end = (parse(p["set_time"]) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    return start, end


def book_contact(start: str, end: str):
    return contacts.post("/api/v1/contacts", headers=DEMO, json={
        "spacecraft_id": "sc-noaa20", "start": start, "end": end, "site_id": "1", "service": {"id": "svc-noaa20-hrd"}})


def availability(p: dict) -> dict:
    start, end = minutes_inside(p)
    r = contacts.get(f"/api/v1/contacts/availability?spacecraft_id=sc-noaa20&site_id=1&"
                     f"service_config_id=svc-noaa20-hrd&start={start}&end={end}", headers=DEMO)
    assert r.status_code == 200, r.text
    return r.json()


def search(now: datetime) -> dict:
    r = passes.post("/orbapi/passes/search", headers=DEMO, json={"noradId": NOAA20, "days": 1,
                                                                 "groundStationIds": ["1"]})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["generated_at"] == iso(now)
    return body


def position() -> dict:
    r = positions.post("/v1/get_current_position", headers=DEMO, json={"norad_ids": [NOAA20]})
    assert r.status_code == 200, r.text
    body = r.json()
    [entry] = body["positions"]
    return {**entry, "timestamp": body["timestamp"]}


def test_a_fresh_set_is_named_on_every_answer_and_booked_without_a_warning(catalogue, now, strict):
    tle = store_set_aged(0.5, now)
    expected_age = age(tle.epoch, now)
    assert 0.5 <= expected_age <= 0.75

    body = search(now)
    assert (body["tleEpoch"], body["tleAgeDays"]) == (iso(tle.epoch), expected_age)
    assert "tleWarning" not in body and "warnings" not in body

    upcoming = next_passes(now)
    created = book_orbapi(upcoming[0])
    assert created.status_code == 201, created.text
    assert {k: created.json()[k] for k in ("tleEpoch", "tleAgeDays", "tleWarning")} == {
        "tleEpoch": iso(tle.epoch), "tleAgeDays": expected_age, "tleWarning": None}

    a = availability(upcoming[1])
    assert a["availability_status"] == "available"
    assert (a["tle_epoch"], a["tle_age_days"]) == (iso(tle.epoch), expected_age) and "tle_warning" not in a
    contact = book_contact(*minutes_inside(upcoming[1]))
    assert contact.status_code == 201, contact.text
    assert contact.json() == {"contact_id": contact.json()["contact_id"], "tle_epoch": iso(tle.epoch),
                              "tle_age_days": expected_age}

    where = position()
    assert where["epoch"] == iso(tle.epoch) and "tle_warning" not in where
    assert where["tle_age_days"] == age(tle.epoch, parse(where["timestamp"]))

    current = tles.get("/api/v1/spacecraft/sc-noaa20/tle", headers=DEMO).json()
    assert current == {"line1": tle.line1, "line2": tle.line2, "tle_epoch": iso(tle.epoch),
                       "tle_age_days": expected_age}


def test_an_old_set_is_booked_with_a_warning_naming_its_epoch_and_age(catalogue, now, strict):
    tle = store_set_aged(5, now)
    expected_age = age(tle.epoch, now)
    warning = (f"the element set's epoch {iso(tle.epoch)} is {(now - tle.epoch).total_seconds() / 86_400:.1f} days "
               f"old (more than 3 days): {DRIFT}")

    body = search(now)
    assert (body["tleEpoch"], body["tleAgeDays"], body["tleWarning"]) == (iso(tle.epoch), expected_age, warning)
    assert warning in body["warnings"]

    upcoming = next_passes(now)
    created = book_orbapi(upcoming[0])
    assert created.status_code == 201, created.text
    assert (created.json()["tleEpoch"], created.json()["tleAgeDays"], created.json()["tleWarning"]) == (
        iso(tle.epoch), expected_age, warning)

    a = availability(upcoming[1])
    assert (a["tle_epoch"], a["tle_age_days"], a["tle_warning"]) == (iso(tle.epoch), expected_age, warning)
    contact = book_contact(*minutes_inside(upcoming[1]))
    assert contact.status_code == 201, contact.text
    assert contact.json()["tle_warning"] == warning

    where = position()
    assert where["epoch"] == iso(tle.epoch) and where["tle_warning"].startswith(
        f"the element set's epoch {iso(tle.epoch)} is 5.")
    current = tles.get("/api/v1/spacecraft/sc-noaa20/tle", headers=DEMO).json()
    assert (current["tle_epoch"], current["tle_age_days"], current["tle_warning"]) == (
        iso(tle.epoch), expected_age, warning)


def test_a_set_past_the_limit_is_refused_on_both_booking_apis_with_the_epoch_and_the_limit(catalogue, now, strict):
    demo_set = catalog_repository().get_satellite(NOAA20).tle  # the demo snapshot: months old
    days = (now - demo_set.epoch).total_seconds() / 86_400
    assert days > 14
    start = (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:00Z")
    end = (now + timedelta(hours=1, minutes=10)).strftime("%Y-%m-%dT%H:%M:00Z")
    reason = (f"the current element set of {{}} has epoch {iso(demo_set.epoch)}, {days:.1f} days old: older "
              "than the 14-day limit for bookings; import a current element set first")

    refused = bookings.post("/orbapi/bookings", headers=DEMO, json={
        "norad_cat_id": NOAA20, "type": "data", "slots": [{"start": start, "end": end, "gs_id": "1"}]})
    assert refused.status_code == 400
    assert refused.json() == {"error": "norad_cat_id: " + reason.format(f"satellite {NOAA20}")}

    refused = book_contact(start, end)
    assert refused.status_code == 400
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json() == {"title": "Bad Request", "trace_id": refused.headers["x-request-id"],
                              "detail": "spacecraft_id: " + reason.format(f"spacecraft 'sc-noaa20' (NORAD {NOAA20})")}
    assert bookings.get("/orbapi/bookings", headers=DEMO).json() == {"bookings": []}
    assert contacts.get("/api/v1/contacts", headers=DEMO).json() == []

    # the answers that only read still come, and say why bookings are refused
    body = search(now)
    assert body["tleEpoch"] == iso(demo_set.epoch) and body["tleAgeDays"] == age(demo_set.epoch, now)
    assert body["tleWarning"].endswith(f"{DRIFT}; bookings are refused beyond 14 days")
    where = position()
    assert where["tle_age_days"] == age(demo_set.epoch, parse(where["timestamp"]))
    assert where["tle_warning"].endswith("; bookings are refused beyond 14 days")


def test_the_demo_relaxation_keeps_the_demo_catalogue_bookable_and_says_so(catalogue, now):
    assert os.environ[DEMO_LIMIT] == "3650"  # tests/integration/conftest.py, as `make run`
    demo_set = catalog_repository().get_satellite(NOAA20).tle
    relaxed = f"{DRIFT}; the booking limit is relaxed to 3650 days for the demo catalogue"
    body = search(now)
    assert body["tleEpoch"] == iso(demo_set.epoch) and body["tleWarning"].endswith(relaxed)

    upcoming = next_passes(now)
    created = book_orbapi(upcoming[0])
    assert created.status_code == 201, created.text
    assert created.json()["tleEpoch"] == iso(demo_set.epoch) and created.json()["tleWarning"].endswith(relaxed)
    contact = book_contact(*minutes_inside(upcoming[1]))
    assert contact.status_code == 201, contact.text
    assert contact.json()["tle_warning"].endswith(relaxed)
    assert position()["tle_warning"].endswith(relaxed)


def _response_schema(document: dict, method: str, path: str) -> dict:
    responses = document["paths"][path][method]["responses"]
    status = next(s for s in responses if s.startswith("2"))
    ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
    return document["components"]["schemas"][ref.rsplit("/", 1)[1]]


@pytest.mark.parametrize(("surface", "method", "path", "fields"), [
    ("orbapi", "post", "/orbapi/passes/search", {"tleEpoch", "tleAgeDays", "tleWarning"}),
    ("orbapi", "post", "/orbapi/bookings", {"tleEpoch", "tleAgeDays", "tleWarning"}),
    ("spacego", "get", "/contacts/availability", {"tle_epoch", "tle_age_days", "tle_warning"}),
    ("spacego", "post", "/contacts", {"tle_epoch", "tle_age_days", "tle_warning"}),
    ("spacego", "get", "/spacecraft/{spacecraft_id}/tle", {"tle_epoch", "tle_age_days", "tle_warning"}),
    ("pipeline", "post", "/pipeline/pass-analysis/retrieve", {"tleEpoch", "tleAgeDays", "tleWarning"}),
])
def test_the_openapi_documents_declare_the_element_set_fields(surface, method, path, fields):
    from shared.surfaces.openapi import surface_document

    document = surface_document(surface)
    assert fields <= set(_response_schema(document, method, path)["properties"])
    description = document["info"]["description"]  # the policy and why, in the surface's own field names
    assert all(f"`{name}`" in description for name in fields) and "roughly 1-3 km a day" in description


def test_the_ssa_documents_declare_the_age_of_each_position_and_of_each_analysed_set():
    from shared.surfaces.openapi import surface_document

    document = surface_document("ssa")
    body = document["components"]["schemas"]["SatellitePositionBody"]["properties"]
    assert {"epoch", "tle_age_days", "tle_warning"} <= set(body)
    status = document["components"]["schemas"]["TaskStatus"]["properties"]["result"]
    assert all(f"`{name}`" in status["description"] for name in ("tle_epoch", "tle_age_days", "tle_warning"))
    assert {"tle_epoch", "tle_age_days", "tle_warning"} <= set(status["properties"])
