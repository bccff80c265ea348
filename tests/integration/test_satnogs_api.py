"""The SatNOGS-compatible station API on moto: jobs as satnogs-client reads them (the poll is the heartbeat), radio
settings from a mission profile or the transmitter, uploads into the downlink path and on to the client's delivery
prefix, the payload completing the contact; every refusal in SatNOGS's ``{"detail": ...}`` body."""

from __future__ import annotations

import itertools
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient

from functions.satnogs_api.app import app as satnogs_app
from functions.spacego_contacts.app import app as contacts_app
from functions.station_broker.app import app as broker_app
from shared.adapters.dynamo.ledger import ledger_store
from shared.adapters.dynamo.profiles import profiles_repository
from shared.domain.ledger.models import Booking, ContactPart, ServiceRef, Slot
from shared.domain.profiles.models import MissionProfile
from shared.domain.stations.satnogs import observation_id
from shared.http import body_limit_of
from shared.identity_tokens import create_api_token
from shared.resources import DELIVERY, DOWNLINK
from shared.timefmt import iso_ms, utcnow
from tests.integration.conftest import bearer
from tests.integration.test_files_support import start_platform

_platform = pytest.fixture(scope="module", name="platform")(start_platform)

api = TestClient(satnogs_app, raise_server_exceptions=False)
broker = TestClient(broker_app, raise_server_exceptions=False)
ISS = 25544
ISS_FIRST_TX = ("4Yp5mRhdNPURqAuVn77NMk", 145800000, "AFSK")  # ISS's active transmitters by uuid: the first
_hours = itertools.count(1)


def station_token(gs_id: str) -> dict[str, str]:
    token, _ = create_api_token(owner=f"station-{gs_id}", scopes=["station"], name=f"satnogs {gs_id}")
    return {"Authorization": f"Token {token}"}


def book(owner: str, *, gs_ids: tuple[str, ...] = ("3",), norad_id: int = ISS,
         starts_in: timedelta | None = None, contact: ContactPart | None = None) -> Booking:
    """A booking stored straight in the ledger (no pass check), one 10-minute slot per station."""
    ledger = ledger_store()
    now = utcnow()
    start = now + (starts_in if starts_in is not None else timedelta(hours=next(_hours)))
    [booking_id] = ledger.next_ids("booking")
    slot_ids = ledger.next_ids("slot", len(gs_ids))
    booking = Booking(id=booking_id, owner=owner, owner_type="api_token", norad_id=norad_id,
                      type="contact" if contact else "data", source="spacego" if contact else "orbapi",
                      contact=contact, requested_at=now, updated_at=now,
                      slots=[Slot(id=i, gs_id=gs, start=start + timedelta(minutes=15 * n),
                                  end=start + timedelta(minutes=15 * n + 10))
                             for n, (i, gs) in enumerate(zip(slot_ids, gs_ids, strict=True))])
    ledger.reserve(booking, [])
    return booking


def during(monkeypatch, b: Booking, position: int = 1) -> None:
    """Move the stations' clock 30 s into the booking's slot."""
    import shared.domain.stations.service as stations

    monkeypatch.setattr(stations, "utcnow", lambda: b.slots[position - 1].start + timedelta(seconds=30))


def jobs_of(headers: dict, **params) -> list[dict]:
    r = api.get("/satnogs/api/jobs/", headers=headers, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_jobs_are_the_station_upcoming_observations_in_the_client_shape_and_the_poll_is_the_heartbeat(platform):
    # Given a booking of the ISS with a slot at station 3 and one at station 4
    b = book("ann", gs_ids=("4", "3"))
    headers = station_token("3")
    # When station 3 polls as satnogs-client does
    jobs = jobs_of(headers, ground_station="3", lat=67.89, lon=21.06, alt=341)
    # Then its observation is there with the slot's times, the ISS's current element set and a transmitter
    [job] = [j for j in jobs if j["booking_id"] == b.id]
    slot = b.slots[1]
    assert job == {
        "id": observation_id(b.id, 2), "start": iso_ms(slot.start), "end": iso_ms(slot.end), "ground_station": 3,
        "tle0": "ISS (ZARYA)", "tle1": "1 25544U 98067A   26107.16713328  .00006923  00000+0  13461-3 0  9994",
        "tle2": "2 25544  51.6328 242.0950 0006547 316.4598  43.5873 15.48795320562295",
        "frequency": ISS_FIRST_TX[1], "mode": ISS_FIRST_TX[2], "transmitter": ISS_FIRST_TX[0], "baud": None,
        "norad_cat_id": ISS, "booking_id": b.id, "slot_id": slot.id,
    }
    assert [j["start"] for j in jobs] == sorted(j["start"] for j in jobs)
    # And the poll was station 3's heartbeat
    status = broker.get("/orbapi/gs/id/3/status", headers=bearer("ops", "passes")).json()
    assert status["online"] is True and 0 <= status["lastSeenAgeMs"] < 60_000
    # And station 4 sees only its own slot of the booking
    [other] = [j for j in jobs_of(station_token("4")) if j["booking_id"] == b.id]
    assert other["id"] == observation_id(b.id, 1) and other["ground_station"] == 4


def test_radio_settings_come_from_the_owner_newest_mission_profile_that_states_them(platform):
    now = utcnow()
    store = profiles_repository()

    def profile(owner: str, body: dict) -> int:
        pid = store.next_id()
        store.put(MissionProfile(id=pid, satellite_norad_id=ISS, profile=body, created_by=owner,
                                 created_by_type="api_client", created_at=now, updated_at=now))
        return pid

    radio = profile("bea", {"radio": {"frequencyHz": 437_800_000, "modulation": "GMSK", "baud": 9600}})
    profile("bea", {"notes": "no radio here"})  # newer, but states no radio: skipped
    profile("cid", {"radio": {"frequencyHz": 145_000_000, "modulation": "FM"}})  # someone else's
    b = book("bea", gs_ids=("5",))
    [job] = [j for j in jobs_of(station_token("5")) if j["booking_id"] == b.id]
    assert (job["frequency"], job["mode"], job["baud"], job["transmitter"]) == (
        437_800_000, "GMSK", 9600.0, f"profile-{radio}")


def test_a_satellite_without_radio_settings_is_not_offered(platform):
    b = book("ann", gs_ids=("6",), norad_id=43013)  # NOAA 20: no transmitter in the catalogue, no profile
    assert [j for j in jobs_of(station_token("6")) if j["booking_id"] == b.id] == []


def test_jobs_refusals(platform):
    headers = station_token("7")
    r = api.get("/satnogs/api/jobs/", headers=headers, params={"ground_station": "8"})
    assert (r.status_code, r.json()) == (404, {"detail": "ground station 8 not found"})
    r = api.get("/satnogs/api/jobs/", headers=headers, params={"lat": "95"})
    assert r.status_code == 400 and r.json()["detail"].startswith("query parameter 'lat': ")
    r = api.get("/satnogs/api/jobs/")
    assert (r.status_code, r.json()) == (401, {"detail": "Authentication credentials were not provided."})
    r = api.get("/satnogs/api/jobs/", headers={"Authorization": "Basic abc"})
    assert r.status_code == 401 and "Token <station API token>" in r.json()["detail"]
    r = api.get("/satnogs/api/jobs/", headers={"Authorization": "Token dsn_live_unknown"})
    assert r.status_code == 401 and set(r.json()) == {"detail"}
    client_token, _ = create_api_token(owner="ann", scopes=["bookings:create"])
    r = api.get("/satnogs/api/jobs/", headers={"Authorization": f"Token {client_token}"})
    assert r.status_code == 403 and set(r.json()) == {"detail"}


def put(obs: int | str, headers: dict, files: dict | None = None, **kwargs):
    return api.put(f"/satnogs/api/observations/{obs}/", headers=headers, files=files, **kwargs)


def test_uploads_reach_the_client_delivery_prefix_and_the_payload_completes_the_contact(platform, monkeypatch):
    b = book("ann", gs_ids=("9",))
    obs = observation_id(b.id, 1)
    headers = station_token("9")
    during(monkeypatch, b)
    # When the client uploads the waterfall, then frames, then the audio (one part per request, as it does)
    waterfall = f"waterfall_{obs}_2026-12-02T08-00-00.dat"
    r = put(obs, headers, {"waterfall": (waterfall, b"\x00\x01" * 4096)})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "Pending" and r.json()["uploaded"] == [
        {"part": "waterfall", "filename": waterfall, "key": f"downlink/{b.id}/satnogs-{obs}/{waterfall}",
         "size": 8192}]
    frames = f"data_{obs}_2026-12-02T08-00-01"
    assert put(obs, headers, {"demoddata": (frames, b"\x8a\x00frame")}).status_code == 200
    audio = f"satnogs_{obs}_2026-12-02T08-00-00.ogg"
    r = put(obs, headers, {"payload": (audio, b"OggS" + b"\x00" * 2000)})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["id"] == obs and body["booking_id"] == b.id and body["status"] == "Completed"
    assert body["ground_station"] == 9 and body["norad_cat_id"] == ISS
    # Then the booking is completed through the station's result
    stored = ledger_store().get(b.id)
    assert stored.status == "Completed" and stored.station_results["9"].status == "completed"
    # And every file is in the downlink bucket and, once the S3 events are handled, in the client's prefix
    platform.deliver()
    for name, size in ((waterfall, 8192), (frames, 7), (audio, 2004)):
        source = platform.s3.get_object(Bucket=DOWNLINK.local_name, Key=f"downlink/{b.id}/satnogs-{obs}/{name}")
        assert source["ContentLength"] == size
        delivered = platform.s3.get_object(Bucket=DELIVERY.local_name,
                                           Key=f"clients/ann/downlink/booking-{b.id}/satnogs-{obs}/{name}")
        assert delivered["Body"].read() == source["Body"].read()
    # And the same audio again changes nothing (a retried upload)
    again = put(obs, headers, {"payload": (audio, b"OggS" + b"\x00" * 2000)})
    assert again.status_code == 200 and ledger_store().get(b.id) == stored
    # And the observation is no longer among the station's jobs
    assert obs not in [j["id"] for j in jobs_of(headers)]


def test_upload_before_the_observation_begins_is_a_conflict(platform):
    b = book("ann", gs_ids=("10",))
    obs = observation_id(b.id, 1)
    r = put(obs, station_token("10"), {"payload": (f"satnogs_{obs}_x.ogg", b"OggS")})
    assert r.status_code == 409 and r.json() == {
        "detail": f"observation {obs} starts at {iso_ms(b.slots[0].start)}: its data can be uploaded once it has "
                  "begun"}


def test_unknown_someone_elses_and_cancelled_observations_are_404(platform, monkeypatch):
    b = book("ann", gs_ids=("11", "12"))
    during(monkeypatch, b)
    mine, theirs = observation_id(b.id, 1), observation_id(b.id, 2)
    headers = station_token("11")
    part = {"payload": ("satnogs_1_x.ogg", b"OggS")}
    for obs in (theirs, observation_id(b.id, 3), observation_id(10**9, 1), b.id * 1000, "abc", "-5"):
        r = put(obs, headers, part)
        assert r.status_code == 404 and r.json()["detail"].startswith("observation "), (obs, r.text)
        assert r.json()["detail"].endswith("not found"), r.text
    during(monkeypatch, b, 2)
    assert put(theirs, station_token("12"), {"waterfall": ("waterfall_1_x.dat", b"w")}).status_code == 200
    # A cancelled booking's observation is gone, as SatNOGS deletes one
    ledger_store().update(b.id, lambda cur: cur.model_copy(update={
        "status": "Cancelled", "slots": [s.model_copy(update={"status": "Cancelled"}) for s in cur.slots]}))
    r = put(mine, headers, part)
    assert (r.status_code, r.json()) == (404, {"detail": f"observation {mine} not found: its reservation was "
                                                          "cancelled"})


def test_malformed_uploads_are_400_naming_the_part(platform, monkeypatch):
    b = book("ann", gs_ids=("13",))
    during(monkeypatch, b)
    obs = observation_id(b.id, 1)
    headers = station_token("13")

    def detail(r) -> str:
        assert r.status_code == 400, r.text
        return r.json()["detail"]

    assert detail(put(obs, headers, {"payload": ("satnogs.ogg", b"")})) == "payload: the file is empty"
    assert detail(put(obs, headers, {"client_metadata": ("m.json", b"{}")}, data={"payload": "not a file"})) == \
        "payload: must be a file part (a Content-Disposition with a filename)"
    assert detail(put(obs, headers, {"demoddata": ("bad name!.bin", b"x")})).startswith(
        "demoddata: file name 'bad name!.bin' is not a plain file name")
    assert detail(put(obs, headers, {"other": ("x.bin", b"x")})) == \
        "request body: no file: send one of the parts payload, waterfall, demoddata"
    as_json = api.put(f"/satnogs/api/observations/{obs}/", content=b"{}",
                      headers={**headers, "Content-Type": "application/json"})
    assert detail(as_json) == "request body: must be multipart/form-data with a file part payload, waterfall, demoddata"
    broken = api.put(f"/satnogs/api/observations/{obs}/", content=b"--x\r\nnot a part",
                     headers={**headers, "Content-Type": "multipart/form-data"})
    assert detail(broken).startswith("request body: malformed multipart/form-data (")
    # Nothing was stored and the contact is still open
    assert ledger_store().get(b.id).status == "Pending"
    assert platform.s3.list_objects_v2(Bucket=DOWNLINK.local_name, Prefix=f"downlink/{b.id}/").get("KeyCount") == 0
    # A path in the file name is cut to its base name
    r = put(obs, headers, {"waterfall": ("../../waterfall_1_x.dat", b"w")})
    assert r.status_code == 200 and r.json()["uploaded"][0]["key"] == f"downlink/{b.id}/satnogs-{obs}/waterfall_1_x.dat"


def test_oversized_upload_is_413(platform):
    b = book("ann", gs_ids=("14",))
    limit = body_limit_of("satnogs")
    assert limit == 64 * 1024 * 1024
    r = put(observation_id(b.id, 1), station_token("14"),
            {"payload": ("satnogs_1_x.ogg", b"\x00" * (limit + 1))})
    assert r.status_code == 413 and r.json() == {"detail": f"request body exceeds the limit of {limit} bytes"}


def test_a_space_go_contact_flown_by_a_satnogs_station_reports_the_uploads_as_data_products(platform, monkeypatch):
    import shared.domain.ledger.service as ledger

    contact = ContactPart(spacecraft_id="sc-iss", service=ServiceRef(id="svc-vhf", name="VHF"))
    b = book("dee", gs_ids=("1",), contact=contact)
    obs = observation_id(b.id, 1)
    during(monkeypatch, b)
    headers = station_token("1")
    audio, waterfall = f"satnogs_{obs}_t.ogg", f"waterfall_{obs}_t.dat"
    assert put(obs, headers, {"waterfall": (waterfall, b"w" * 64)}).status_code == 200
    assert put(obs, headers, {"payload": (audio, b"OggS" * 64)}).status_code == 200
    platform.deliver()
    monkeypatch.setattr(ledger, "utcnow", lambda: b.slots[0].end + timedelta(minutes=1))
    r = TestClient(contacts_app).get(f"/api/v1/post-contact-reports/{b.id}", headers=bearer("dee", "contacts.view"))
    assert r.status_code == 200, r.text
    summary = r.json()["data_products_summary"]
    prefix = f"clients/dee/downlink/booking-{b.id}/satnogs-{obs}/"
    assert (summary["data_products_created_count"], summary["data_products_delivered_count"]) == (2, 2)
    assert sorted(p["name"] for p in summary["data_products"]) == [prefix + audio, prefix + waterfall]
    assert {(p["status"], p["transfer_successful"]) for p in summary["data_products"]} == {("delivered", True)}


def test_the_document_states_the_paths_the_token_scheme_and_the_upload_bounds():
    from shared.surfaces.openapi import surface_document

    doc = surface_document("satnogs")
    assert set(doc["paths"]) == {"/satnogs/api/jobs/", "/satnogs/api/observations/{id}/"}
    assert doc["components"]["securitySchemes"]["stationToken"]["in"] == "header"
    upload = doc["paths"]["/satnogs/api/observations/{id}/"]["put"]
    assert set(upload["requestBody"]["content"]["multipart/form-data"]["schema"]["properties"]) == {
        "payload", "waterfall", "demoddata"}
    assert {"400", "401", "404", "409", "413"} <= set(upload["responses"])
    assert "64 MiB" in upload["description"] and "10 MB" in upload["description"]
    assert upload["security"] == [{"stationToken": ["station"]}]
    jobs = doc["paths"]["/satnogs/api/jobs/"]["get"]
    assert [p["name"] for p in jobs["parameters"]] == ["ground_station", "lat", "lon", "alt"]
    assert jobs["responses"]["404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/SatnogsError"}
