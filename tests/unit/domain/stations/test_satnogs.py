"""The SatNOGS station use cases on the in-memory stores with a fixed clock: observation ids, radio settings,
the jobs a station is offered, and the rules of uploads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.catalog import InMemoryCatalogStore
from shared.adapters.memory.files import MemoryFileStore
from shared.adapters.memory.ledger import MemoryLedgerStore
from shared.adapters.memory.profiles import MemoryProfileStore
from shared.adapters.memory.stations import MemoryDownlinkDrop, MemoryHeartbeatStore
from shared.domain.catalog.models import ElementSetRecord, Satellite, Station, Transmitter
from shared.domain.errors import Conflict, InvalidField, NotFound, NotPermitted
from shared.domain.files.service import FileService
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking, Slot, StationResult
from shared.domain.profiles.models import MissionProfile
from shared.domain.stations.satnogs import (
    ObservationFile,
    SatnogsStations,
    observation_id,
    observation_of,
    profile_radio,
)
from shared.domain.stations.service import StationService

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
STATION_1 = Principal("station-1", scopes=("station",), kind="api_token")
STATION_2 = Principal("station-2", scopes=("station",), kind="api_token")


class World:
    def __init__(self) -> None:
        self.clock = NOW
        self.catalog = InMemoryCatalogStore()
        for gs in ("1", "2"):
            self.catalog.put_station(Station(id=gs, name=f"Station {gs}", acronym=gs, latitude=0, longitude=0,
                                             altitude=0))
        tle = ElementSetRecord(norad_id=25544, name="ISS (ZARYA)", line1="1 25544U", line2="2 25544",
                               epoch=NOW, uploaded_at=NOW)
        self.catalog.upsert_satellite(Satellite(norad_id=25544, name="ISS"))
        self.catalog.add_element_set(tle)
        self.catalog.upsert_satellite(Satellite(norad_id=99999, name="NO TLE"))
        for uuid, mode, freq, status in (("b-fm", "FM", 145_800_000, "active"), ("a-dead", "CW", 1, "inactive"),
                                         ("c-aprs", "AFSK", 145_825_000, "active")):
            self.catalog.put_transmitter(Transmitter(uuid=uuid, mode=mode, norad_cat_id=25544, status=status,
                                                     downlink_low_hz=freq))
        self.ledger = MemoryLedgerStore()
        self.heartbeats = MemoryHeartbeatStore()
        self.profiles = MemoryProfileStore()
        self.drop = MemoryDownlinkDrop()
        stations = StationService(self.catalog, self.ledger, self.heartbeats,
                                  FileService(MemoryFileStore(), self.ledger), clock=lambda: self.clock)
        self.service = SatnogsStations(stations, self.catalog, self.profiles, self.drop)

    def book(self, owner: str = "ann", *, gs_ids: tuple[str, ...] = ("1",), norad_id: int = 25544,
             starts_in: timedelta = timedelta(hours=1)) -> Booking:
        [bid] = self.ledger.next_ids("booking")
        ids = self.ledger.next_ids("slot", len(gs_ids))
        start = NOW + starts_in
        b = Booking(id=bid, owner=owner, owner_type="api_token", norad_id=norad_id, type="data", requested_at=NOW,
                    updated_at=NOW, slots=[Slot(id=i, gs_id=gs, start=start + timedelta(minutes=20 * n),
                                                end=start + timedelta(minutes=20 * n + 10))
                                           for n, (i, gs) in enumerate(zip(ids, gs_ids, strict=True))])
        self.ledger.reserve(b, [])
        return b

    def profile(self, owner: str, body: dict) -> int:
        pid = self.profiles.next_id()
        self.profiles.put(MissionProfile(id=pid, satellite_norad_id=25544, profile=body, created_by=owner,
                                         created_by_type="api_client", created_at=NOW, updated_at=NOW))
        return pid


@pytest.fixture
def world() -> World:
    return World()


def test_observation_ids_name_the_booking_and_the_slot_position():
    assert observation_id(42, 3) == 42003 and observation_of(42003) == (42, 3)
    assert observation_of(42000) is None and observation_of(999) is None and observation_of(0) is None


@pytest.mark.parametrize("body", [
    {"radio": {"frequencyHz": True, "modulation": "FM"}},
    {"radio": {"frequencyHz": 0, "modulation": "FM"}},
    {"radio": {"frequencyHz": 145e6, "modulation": " "}},
    {"radio": "FM 145.8"},
    {"frequencyHz": 145e6},
])
def test_a_profile_without_usable_radio_settings_states_none(body):
    p = MissionProfile(id=1, satellite_norad_id=1, profile=body, created_by="a", created_by_type="user",
                       created_at=NOW, updated_at=NOW)
    assert profile_radio(p) is None


def test_jobs_are_the_station_slots_with_the_first_active_transmitter_and_the_poll_is_a_heartbeat(world):
    b = world.book(gs_ids=("2", "1"))
    station, jobs = world.service.jobs(STATION_1, "1")
    assert station.id == "1"
    [job] = jobs
    assert job.observation_id == observation_id(b.id, 2) and job.slot == b.slots[1]
    assert (job.radio.frequency_hz, job.radio.mode, job.radio.transmitter, job.radio.baud) == (
        145_800_000, "FM", "b-fm", None)
    assert job.element_set.line1 == "1 25544U"
    assert world.heartbeats.last_seen("1") == NOW and world.heartbeats.last_seen("2") is None


def test_the_owner_newest_profile_with_radio_settings_wins(world):
    world.profile("ann", {"radio": {"frequencyHz": 437_000_000, "modulation": "GMSK", "baud": 9600}})
    newest = world.profile("ann", {"radio": {"frequencyHz": 436_000_000, "mode": "BPSK", "baud": 1200}})
    world.profile("ann", {"notes": "no radio"})
    world.profile("bob", {"radio": {"frequencyHz": 1, "modulation": "X"}})
    world.book()
    [job] = world.service.jobs(STATION_1)[1]
    assert (job.radio.frequency_hz, job.radio.mode, job.radio.baud, job.radio.transmitter) == (
        436_000_000, "BPSK", 1200.0, f"profile-{newest}")


def test_no_element_set_or_no_radio_means_no_job(world):
    world.book(norad_id=99999)  # no element set
    world.catalog.upsert_satellite(Satellite(norad_id=25545, name="QUIET"))
    world.catalog.add_element_set(ElementSetRecord(norad_id=25545, line1="1", line2="2", epoch=NOW, uploaded_at=NOW))
    world.book(norad_id=25545, starts_in=timedelta(hours=2))  # no transmitter, no profile
    assert world.service.jobs(STATION_1)[1] == []


def test_another_station_jobs_and_non_station_callers_are_refused(world):
    with pytest.raises(NotFound, match="ground station 2 not found"):
        world.service.jobs(STATION_1, "2")
    with pytest.raises(NotPermitted):
        world.service.jobs(Principal("ann", scopes=("bookings",)))
    assert world.heartbeats.last_seen("1") is None


def audio(obs: int) -> ObservationFile:
    return ObservationFile("payload", f"satnogs_{obs}_2027-03-01T13-00-00.ogg", b"OggS", "audio/ogg")


def test_upload_stores_under_the_downlink_path_and_the_payload_completes_the_station_part(world):
    b = world.book(gs_ids=("1", "2"))
    obs = observation_id(b.id, 1)
    world.clock = b.slots[0].start + timedelta(minutes=1)
    up = world.service.upload(STATION_1, obs, [ObservationFile("waterfall", "waterfall_1.dat", b"w")])
    assert [f.key for f in up.files] == [f"downlink/{b.id}/satnogs-{obs}/waterfall_1.dat"]
    assert up.booking.status == "Pending" and world.drop.objects[up.files[0].key] == (b"w", None)
    up = world.service.upload(STATION_1, obs, [audio(obs)])
    assert up.slot.status == "Completed" and up.booking.station_results["1"].status == "completed"
    assert up.booking.status == "InProgress"  # under way: station 2's part is not over (the reservation lifecycle)
    again = world.service.upload(STATION_1, obs, [audio(obs)])
    assert again.booking == up.booking


def test_upload_refusals(world):
    b = world.book(gs_ids=("1", "2"))
    obs, theirs = observation_id(b.id, 1), observation_id(b.id, 2)
    with pytest.raises(Conflict, match="once it has begun"):
        world.service.upload(STATION_1, obs, [audio(obs)])
    world.clock = b.slots[1].start + timedelta(minutes=1)
    for unknown in (theirs, observation_id(b.id, 3), observation_id(b.id + 1, 1), b.id * 1000):
        with pytest.raises(NotFound, match=f"observation {unknown} not found"):
            world.service.upload(STATION_1, unknown, [audio(unknown)])
    with pytest.raises(InvalidField, match="^payload: the file is empty$"):
        world.service.upload(STATION_1, obs, [ObservationFile("payload", "a.ogg", b"")])
    with pytest.raises(InvalidField, match="^demoddata: file name '..' is not a plain file name"):
        world.service.upload(STATION_1, obs, [ObservationFile("demoddata", "..", b"x")])
    with pytest.raises(InvalidField, match="^request body: no file"):
        world.service.upload(STATION_1, obs, [])
    # A station that reported the contact failed cannot then complete it by uploading audio
    world.ledger.update(b.id, lambda cur: cur.model_copy(update={"station_results": {
        "1": StationResult(status="failed", reported_at=NOW)}}))
    with pytest.raises(Conflict, match="already reported failed"):
        world.service.upload(STATION_1, obs, [audio(obs)])
    assert world.drop.objects == {}
    world.service.upload(STATION_2, theirs, [ObservationFile("demoddata", "data_1", b"frame")])
    assert list(world.drop.objects) == [f"downlink/{b.id}/satnogs-{theirs}/data_1"]
