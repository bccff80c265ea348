"""The station registry's model and rules: mask validation and interpolation, band check, window overlap, and
the registry service holding reservations for Review through the ledger (events in the outbox)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError

from shared.adapters.memory.files import MemoryFileStore
from shared.adapters.memory.ledger import MemoryLedgerStore
from shared.adapters.memory.profiles import MemoryProfileStore
from shared.adapters.memory.stations import MemoryStationRegistry
from shared.domain.catalog.models import Transmitter
from shared.domain.errors import Conflict, InvalidField, NotFound
from shared.domain.files.service import FileService
from shared.domain.ledger.lifecycle import Lifecycle
from shared.domain.ledger.models import contact_state
from shared.domain.ledger.service import BookingRequest, ContactRequest, LedgerService, SlotRequest
from shared.domain.profiles.models import MissionProfile
from shared.domain.stations.registry import (
    Antenna,
    Band,
    MaskPoint,
    RegistryEntry,
    UnavailabilityWindow,
    band_refusal,
    mask_elevation,
)
from shared.domain.stations.registry_rules import StationRules
from shared.domain.stations.registry_service import StationRegistryService
from tests.unit.domain.ledger.test_ledger_service import ALICE, NOW, PASS, Catalog, OnePass, Registrations

S_BAND = Band(name="S", min_mhz=2200, max_mhz=2300, direction="downlink")
X_BAND = Band(name="X", min_mhz=8025, max_mhz=8400, direction="downlink")
VHF = Band(name="VHF", min_mhz=144, max_mhz=146, direction="downlink")
S_UP = Band(name="S", min_mhz=2025, max_mhz=2110, direction="uplink")


# -- the model ------------------------------------------------------------------------------------------
def test_mask_interpolates_linearly_and_wraps_at_360():
    az, el = [0.0, 90.0, 270.0], [10.0, 30.0, 2.0]
    assert mask_elevation(az, el, 45.0) == pytest.approx(20.0)
    assert mask_elevation(az, el, 90.0) == pytest.approx(30.0)
    assert mask_elevation(az, el, 180.0) == pytest.approx(16.0)
    assert mask_elevation(az, el, 315.0) == pytest.approx(6.0)  # between 270 (2°) and 360 = 0 (10°)
    assert mask_elevation(az, el, 360.0) == pytest.approx(10.0)
    assert mask_elevation([100.0, 200.0], [4.0, 8.0], 10.0) == pytest.approx(8.0 - 4.0 * 170 / 260)  # 200 → 460
    assert mask_elevation([42.0], [7.5], 300.0) == 7.5


@pytest.mark.parametrize(("points", "needle"), [
    ([(10, 5), (10, 6)], "sorted and unique"),
    ([(20, 5), (10, 6)], "sorted and unique"),
    ([(360, 5)], "less than 360"),
    ([(-1, 5)], "greater than or equal to 0"),
    ([(0, -6)], "greater than or equal to -5"),
    ([(0, 91)], "less than or equal to 90"),
])
def test_mask_points_are_validated(points, needle):
    with pytest.raises(ValidationError) as info:
        RegistryEntry(gs_id="4", horizon_mask=[MaskPoint(azimuth_deg=a, min_elevation_deg=e) if 0 <= a < 360
                                               and -5 <= e <= 90 else {"azimuth_deg": a, "min_elevation_deg": e}
                                               for a, e in points])
    assert needle in str(info.value)


def test_bands_windows_and_antennas_are_validated():
    with pytest.raises(ValidationError, match="min_mhz .* must be below max_mhz"):
        Band(name="S", min_mhz=2300, max_mhz=2200, direction="downlink")
    with pytest.raises(ValidationError, match="end must be after start"):
        UnavailabilityWindow(id="w", start=NOW, end=NOW, reason="x")
    with pytest.raises(ValidationError, match="time zone"):
        UnavailabilityWindow(id="w", start=NOW.replace(tzinfo=None), end=NOW + timedelta(hours=1), reason="x")
    with pytest.raises(ValidationError, match="antenna ids must be unique"):
        RegistryEntry(gs_id="4", antennas=[Antenna(id="a", bands=[S_BAND]), Antenna(id="a", bands=[X_BAND])])


def test_window_overlap_is_half_open():
    w = UnavailabilityWindow(id="w1", start=NOW, end=NOW + timedelta(hours=1), reason="radome repair")
    assert w.overlaps(NOW - timedelta(minutes=5), NOW + timedelta(minutes=1))
    assert w.overlaps(NOW + timedelta(minutes=10), NOW + timedelta(minutes=20))
    assert not w.overlaps(NOW - timedelta(minutes=5), NOW)  # ends where the window starts
    assert not w.overlaps(NOW + timedelta(hours=1), NOW + timedelta(hours=2))
    assert "w1" in w.describe() and "radome repair" in w.describe()


def test_band_check_names_the_frequency_and_the_bands():
    entry = RegistryEntry(gs_id="4", antennas=[Antenna(id="11m", bands=[S_BAND, X_BAND, S_UP])])
    assert band_refusal(entry, [(2_245_000_000.0, "S TLM")]) is None
    assert band_refusal(entry, [(145_800_000.0, "VHF"), (8_212_500_000.0, "X HRD")]) is None  # one is enough
    why = band_refusal(entry, [(145_800_000.0, "transmitter ISS FM")])
    assert why is not None and "145.800 MHz (transmitter ISS FM)" in why
    assert "S downlink 2200–2300 MHz (antenna 11m)" in why and "X downlink 8025–8400 MHz" in why
    assert "uplink" not in why  # an uplink band does not receive
    assert band_refusal(entry, [(2_050_000_000.0, "in the uplink band")]) is not None
    assert band_refusal(RegistryEntry(gs_id="4"), [(145_800_000.0, "x")]) is None  # no antennas: not checked
    assert band_refusal(entry, []) is None  # nothing known to check


# -- rules and the registry service over the ledger --------------------------------------------------------
class Transmitters:
    def __init__(self, items):
        self.items = items

    def list_transmitters(self):
        return self.items


ISS_FM = Transmitter(uuid="t-iss", description="ISS FM", mode="FM", norad_cat_id=25544, downlink_low_hz=145_800_000)


@pytest.fixture
def world():
    class Clock:
        now = NOW

        def __call__(self):
            return self.now

    clock = Clock()
    catalog = Catalog()
    files = MemoryFileStore()
    store = MemoryLedgerStore(files)
    registry = MemoryStationRegistry()
    profiles = MemoryProfileStore()
    rules = StationRules(registry, Transmitters([ISS_FM]), profiles)
    ledger = LedgerService(store, catalog, OnePass(), Registrations(catalog), FileService(files, store, clock), clock,
                           lifecycle=Lifecycle(), rules=rules)
    service = StationRegistryService(registry, catalog, ledger, clock)
    return ledger, store, service, rules, profiles


def book(ledger, gs="1", a=PASS[0] + timedelta(minutes=1), b=PASS[1] - timedelta(minutes=1)):
    return ledger.book(BookingRequest(25544, "data", [SlotRequest(gs, a, b)]), ALICE)[0]


def test_a_station_without_an_entry_works_as_before(world):
    ledger, store, service, rules, _ = world
    assert service.show("1") == RegistryEntry(gs_id="1")
    assert book(ledger).status == "Pending"
    with pytest.raises(NotFound, match="ground station 9 not found"):
        service.show("9")


def test_a_station_without_a_band_for_the_satellite_refuses_the_booking(world):
    ledger, store, service, rules, profiles = world
    service.replace("1", [Antenna(id="11m", bands=[S_BAND, X_BAND])], [], None, [])
    with pytest.raises(InvalidField) as info:
        book(ledger)
    assert info.value.field == "slots.0.gs_id"
    assert "145.800 MHz (transmitter t-iss ISS FM)" in info.value.message
    assert "S downlink 2200–2300 MHz (antenna 11m)" in info.value.message
    with pytest.raises(InvalidField) as contact:
        ledger.book_contact(ContactRequest("sc-iss", "1", "svc-s", PASS[0], PASS[1]), ALICE)
    assert contact.value.field == "site_id"
    # the owner's mission profile states an S-band frequency: that is what the contact receives
    profiles.put(MissionProfile(id=1, satellite_norad_id=25544, profile={"radio": {"frequencyHz": 2_250_000_000,
                                                                                  "modulation": "BPSK"}},
                                created_by="alice", created_by_type="api_client", created_at=NOW, updated_at=NOW))
    assert book(ledger, a=PASS[0], b=PASS[0] + timedelta(minutes=2)).status == "Pending"
    service.replace("1", [Antenna(id="yagi", bands=[VHF])], [], None, [])
    profiles.delete(1)
    assert book(ledger, a=PASS[0] + timedelta(minutes=3), b=PASS[0] + timedelta(minutes=4)).status == "Pending"


def test_maintenance_refuses_new_reservations_and_availability(world):
    ledger, store, service, rules, _ = world
    change = service.set_status("1", "maintenance")
    assert change.entry.status == "maintenance" and change.entry.version == 1
    with pytest.raises(Conflict, match="ground station 1 is in maintenance"):
        book(ledger)
    av = ledger.availability("sc-iss", "1", "svc-s", PASS[0] - timedelta(minutes=5), PASS[1], ALICE)
    assert (av.status, av.best) == ("unavailable", None)
    service.set_status("1", "testing")
    assert book(ledger).status == "Pending"  # a station in testing takes reservations
    assert service.set_status("1", "testing").entry.version == 2  # the same status again: no write


def test_a_window_blocks_availability_and_new_bookings_naming_its_reason(world):
    ledger, store, service, rules, _ = world
    mid = PASS[0] + timedelta(minutes=5)
    service.add_window("1", mid, mid + timedelta(minutes=2), "feed swap", "w-feed")
    with pytest.raises(Conflict) as info:
        book(ledger)
    assert "unavailability window w-feed" in info.value.message and "feed swap" in info.value.message
    av = ledger.availability("sc-iss", "1", "svc-s", PASS[0], PASS[1], ALICE)
    assert av.status == "partial" and av.best is not None
    assert av.best.end <= mid or av.best.start >= mid + timedelta(minutes=2)
    assert book(ledger, a=PASS[0], b=mid).status == "Pending"  # right up to the window


def test_adding_a_window_moves_reservations_inside_it_to_review_with_events(world):
    ledger, store, service, rules, _ = world
    inside, other_station = book(ledger, gs="1"), book(ledger, gs="2")
    change, window = service.add_window("1", PASS[0], PASS[1], "antenna maintenance", "w-1")
    assert change.moved_to_review == [inside.id] and window.id == "w-1"
    held = store.get(inside.id)
    assert (held.status, contact_state(held), held.slots[0].status) == ("Review", "REVIEW", "Review")
    assert "ground station 1 is unavailable" in held.state_msg and "antenna maintenance" in held.state_msg
    assert store.get(other_station.id).status == "Pending"
    states = sorted((str(e.detail["previousState"]), e.detail["state"]) for e in store.outbox.pending(100)
                    if e.detail["bookingId"] == inside.id)  # both written at the same instant: no order between them
    assert states == [("CONFIRMED", "REVIEW"), ("None", "CONFIRMED")]

    again, _ = service.add_window("1", PASS[0], PASS[1], "antenna maintenance", "w-1")  # a retry
    assert again.moved_to_review == [] and again.entry.version == change.entry.version
    with pytest.raises(Conflict, match="already has a window w-1"):
        service.add_window("1", PASS[0], PASS[1], "another reason", "w-1")

    # an orbit recheck leaves it held: the registry decides
    assert ledger.recheck_orbits([25544], NOW).confirmed == []
    assert store.get(inside.id).status == "Review"

    released = service.remove_window("1", "w-1")
    assert released.confirmed_again == [inside.id] and released.entry.windows == []
    assert store.get(inside.id).status == "Confirmed"
    with pytest.raises(NotFound, match="no unavailability window w-1"):
        service.remove_window("1", "w-1")


def test_a_reservation_that_has_begun_is_not_moved(world):
    ledger, store, service, rules, _ = world
    b = book(ledger)
    ledger.clock.now = PASS[0] + timedelta(minutes=2)  # its window has begun
    change, _ = service.add_window("1", PASS[0], PASS[1], "storm", "w-storm")
    assert change.moved_to_review == [] and store.get(b.id).status != "Review"


def test_replace_validates_the_whole_entry(world):
    _, _, service, _, _ = world
    with pytest.raises(InvalidField) as info:
        service.replace("1", [], [MaskPoint(azimuth_deg=90, min_elevation_deg=5),
                                  MaskPoint(azimuth_deg=10, min_elevation_deg=5)], None, [])
    assert info.value.field == "entry" and "sorted and unique" in info.value.message
