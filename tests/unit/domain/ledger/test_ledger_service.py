"""The ledger's use cases on the in-memory stores, with a scripted pass predictor and a fixed clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from shared.adapters.memory.files import MemoryFileStore
from shared.adapters.memory.ledger import MemoryLedgerStore
from shared.domain.catalog.models import ElementSetRecord, Satellite, ServiceConfig, Spacecraft, Station
from shared.domain.errors import Conflict, InvalidField, InvalidRequest, NotFound
from shared.domain.files.models import ObjectState
from shared.domain.files.service import FileService
from shared.domain.identity import Principal
from shared.domain.ledger.errors import SlotTaken
from shared.domain.ledger.models import contact_state
from shared.domain.ledger.policy import ORBAPI_CANCEL, SPACEGO_CANCEL
from shared.domain.ledger.service import (
    BookingRequest,
    ContactFilter,
    ContactRequest,
    LedgerService,
    SlotRequest,
    UplinkRequest,
)
from shared.domain.scheduling import PassWindow

NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)
PASS = (NOW + timedelta(hours=2), NOW + timedelta(hours=2, minutes=10))  # the one pass, over every station
ALICE, BOB = Principal("alice"), Principal("bob")
ADMIN = Principal("ops", scopes=("admin",))


class Catalog:
    def __init__(self) -> None:
        tle = ElementSetRecord(norad_id=25544, line1="1", line2="2", epoch=NOW, uploaded_at=NOW)
        self.satellites = {25544: Satellite(norad_id=25544, name="ISS", tle=tle)}
        self.stations = {gs: Station(id=gs, name=f"Station {gs}", acronym=gs, latitude=0, longitude=0, altitude=0)
                         for gs in ("1", "2")}
        self.spacecraft = {"sc-iss": Spacecraft(spacecraft_id="sc-iss", norad_id=25544, name="ISS", acronym="ISS",
                                                owner="alice", sites=["1"], booking_horizon_days=30,
                                                services=[ServiceConfig(id="svc-s", name="S-band")])}

    def get_satellite(self, norad_id: int) -> Satellite | None:
        return self.satellites.get(norad_id)

    def get_station(self, gs_id: str) -> Station | None:
        return self.stations.get(gs_id)

    def get_spacecraft(self, spacecraft_id: str) -> Spacecraft | None:
        return self.spacecraft.get(spacecraft_id)


class Registrations:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def spacecraft(self, spacecraft_id: str, principal: Principal) -> Spacecraft:
        sc = self.catalog.spacecraft.get(spacecraft_id)
        if sc is None or not principal.can_see(sc.owner):
            raise NotFound(f"spacecraft '{spacecraft_id}' does not exist")
        return sc


class OnePass:
    def passes_over(self, satellite, station, start, end):
        return [PassWindow(PASS[0].timestamp(), PASS[1].timestamp(), 45.0)]


@pytest.fixture
def clock():
    class Clock:
        now = NOW

        def __call__(self) -> datetime:
            return self.now

    return Clock()


@pytest.fixture
def ledger(clock) -> LedgerService:
    catalog = Catalog()
    files = MemoryFileStore()
    store = MemoryLedgerStore(files)
    return LedgerService(store, catalog, OnePass(), Registrations(catalog), FileService(files, store, clock), clock)


def slot(gs="1", a=PASS[0], b=PASS[1]) -> SlotRequest:
    return SlotRequest(gs, a, b)


def contact(start=PASS[0], end=PASS[1], site="1", service="svc-s", sc="sc-iss") -> ContactRequest:
    return ContactRequest(spacecraft_id=sc, site_id=site, service_id=service, start=start, end=end)


def test_a_booking_inside_a_pass_is_reserved_with_its_file(ledger):
    b, f = ledger.book(BookingRequest(25544, "data", [slot("1"), slot("2")],
                                      UplinkRequest("clients/alice/u.bin", "A" * 64)), ALICE)
    assert [s.gs_id for s in b.slots] == ["1", "2"] and b.status == "Pending" and b.owner == "alice"
    assert f is not None and f.sha256 == "a" * 64 and f.status == "pending"
    assert ledger.store.get(b.id) == b and ledger.list(ALICE, "orbapi") == [b] and ledger.list(BOB, "orbapi") == []


def test_a_booking_file_whose_object_came_first_is_verified_at_once(ledger):
    ledger.files.files.record_object(ObjectState(bucket="uplink", key="clients/alice/u.bin", order="S1",
                                                 sha256="a" * 64, size=1))
    _, f = ledger.book(BookingRequest(25544, "data", [slot()], UplinkRequest("clients/alice/u.bin", "a" * 64)), ALICE)
    assert f is not None and f.status == "available"


@pytest.mark.parametrize(("req", "error", "text"), [
    (BookingRequest(1, "data", [slot()]), NotFound, "satellite 1 not found"),
    (BookingRequest(25544, "data", [slot(a=NOW - timedelta(minutes=1))]), InvalidRequest, "starts in the past"),
    (BookingRequest(25544, "data", [slot(a=NOW + timedelta(days=14), b=NOW + timedelta(days=14, minutes=5))]),
     InvalidRequest, "beyond the booking horizon of 14 days"),
    (BookingRequest(25544, "data", [slot("9")]), NotFound, "ground station 9 not found"),
    (BookingRequest(25544, "data", [slot(b=PASS[1] + timedelta(minutes=1))]), Conflict,
     "is not inside a predicted pass of satellite 25544"),
    (BookingRequest(25544, "data", [slot()], UplinkRequest("clients/bob/u.bin", None)), InvalidRequest,
     "uplinkFile.key: must name an object under clients/alice/"),
])
def test_a_booking_is_refused_with_the_reason(ledger, req, error, text):
    with pytest.raises(error, match=text):
        ledger.book(req, ALICE)
    assert ledger.list(ALICE, "orbapi") == []


def test_both_apis_share_one_ledger(ledger):
    ledger.book(BookingRequest(25544, "data", [slot("1")]), BOB)
    with pytest.raises(SlotTaken, match="ground station 1 is already reserved"):
        ledger.book_contact(contact(), ALICE)


def test_a_contact_is_one_typed_reservation_with_a_derived_state(ledger):
    c = ledger.book_contact(contact(), ALICE)
    assert c.source == "spacego" and c.contact is not None and c.contact.spacecraft_id == "sc-iss"
    assert c.contact.service.name == "S-band" and contact_state(c) == "CONFIRMED"
    assert ledger.contacts(ALICE, ContactFilter(start=NOW, end=NOW + timedelta(days=1))) == [c]
    failed_only = ContactFilter(start=NOW, end=NOW + timedelta(days=1), states=frozenset({"FAIL"}))
    assert ledger.contacts(ALICE, failed_only) == []


@pytest.mark.parametrize(("req", "field", "text"), [
    (contact(sc="sc-nope"), "spacecraft_id", "spacecraft 'sc-nope' does not exist"),
    (contact(site="2"), "site_id", "is not a valid site"),
    (contact(service="svc-x"), "service.id", "is not configured"),
    (contact(start=NOW - timedelta(minutes=5), end=NOW), "start", "is in the past"),
    (contact(start=NOW + timedelta(days=15), end=NOW + timedelta(days=15, minutes=5)), "end",
     "beyond the booking horizon"),
])
def test_a_contact_is_refused_naming_the_field(ledger, req, field, text):
    with pytest.raises(InvalidField, match=text) as refused:
        ledger.book_contact(req, ALICE)
    assert refused.value.field == field


def test_someone_elses_spacecraft_does_not_exist_for_the_caller(ledger):
    with pytest.raises(InvalidField, match="spacecraft 'sc-iss' does not exist"):
        ledger.book_contact(contact(), BOB)


def test_contact_horizon_is_the_registration_capped_by_the_prediction_horizon(ledger):
    """The spacecraft registers 30 days; predictions are reliable for 14: contacts end within 14."""
    with pytest.raises(InvalidField, match="beyond the booking horizon"):
        ledger.book_contact(contact(start=NOW + timedelta(days=20), end=NOW + timedelta(days=20, minutes=5)), ALICE)


def test_a_contact_outside_a_pass_is_a_conflict(ledger):
    with pytest.raises(Conflict, match="not inside a visibility pass"):
        ledger.book_contact(contact(start=PASS[0] - timedelta(minutes=5), end=PASS[1]), ALICE)


def test_cancel_policies_differ_by_api(ledger, clock):
    b, _ = ledger.book(BookingRequest(25544, "data", [slot("2")]), ALICE)
    c = ledger.book_contact(contact(), ALICE)
    with pytest.raises(NotFound, match=f"contact '{b.id}' does not exist"):  # another API's reservation
        ledger.cancel(b.id, ALICE, SPACEGO_CANCEL)
    with pytest.raises(NotFound, match=f"booking {c.id} not found"):
        ledger.cancel(c.id, BOB, ORBAPI_CANCEL)
    clock.now = PASS[0] + timedelta(minutes=1)  # both have begun
    # Space Go refuses with 400 (InvalidRequest), orbapi with 409 (Conflict), both naming the state
    with pytest.raises(InvalidRequest, match=r"contact '\d+' is ONGOING: it started at .* can no longer be deleted"):
        ledger.cancel(c.id, ALICE, SPACEGO_CANCEL)
    with pytest.raises(Conflict, match=r"booking \d+ is InProgress: it started at .* can no longer be cancelled"):
        ledger.cancel(b.id, ALICE, ORBAPI_CANCEL)
    assert ledger.store.get(b.id).status == "Pending"  # a refusal writes nothing
    clock.now = PASS[0] - timedelta(minutes=1)
    done = ledger.cancel(b.id, ALICE, ORBAPI_CANCEL)
    assert done.status == "Cancelled" and all(s.status == "Cancelled" for s in done.slots)
    assert ledger.store.reservations("2", PASS[0], PASS[1]) == []
    assert ledger.cancel(b.id, ALICE, ORBAPI_CANCEL) == done  # a retried cancel changes nothing


def test_deleting_a_contact_frees_it_and_says_who(ledger):
    c = ledger.book_contact(contact(), ALICE)
    gone = ledger.cancel(c.id, ADMIN, SPACEGO_CANCEL)  # admin callers see everyone's
    assert contact_state(gone) == "CANCELLED" and gone.state_msg == "deleted by ops"
    assert ledger.availability("sc-iss", "1", "svc-s", PASS[0], PASS[1], ALICE).status == "available"


def test_availability_reports_the_longest_free_part(ledger):
    mid = PASS[0] + timedelta(minutes=4)
    ledger.book(BookingRequest(25544, "data", [slot("1", PASS[0], mid)]), BOB)
    a = ledger.availability("sc-iss", "1", "svc-s", PASS[0], PASS[1], ALICE)
    assert a.status == "partial" and a.best is not None and (a.best.start, a.best.end) == (mid, PASS[1])
    ledger.book(BookingRequest(25544, "data", [slot("1", mid, PASS[1])]), BOB)
    assert ledger.availability("sc-iss", "1", "svc-s", PASS[0], PASS[1], ALICE).status == "unavailable"
    with pytest.raises(InvalidField, match="at most 7 days"):
        ledger.availability("sc-iss", "1", "svc-s", NOW, NOW + timedelta(days=8), ALICE)


def test_a_post_contact_report_exists_once_the_contact_ended_or_was_aborted(ledger, clock):
    c = ledger.book_contact(contact(), ALICE)
    with pytest.raises(NotFound, match="yet"):
        ledger.post_contact_report(c.id, ALICE)
    clock.now = PASS[1] + timedelta(minutes=1)
    r = ledger.post_contact_report(c.id, ALICE)
    assert not r.aborted and r.spacecraft is not None and r.site is not None and r.site.id == "1"
    with pytest.raises(NotFound):
        ledger.post_contact_report(c.id, BOB)


def test_a_satellite_whose_current_set_is_past_the_limit_is_not_booked_through_either_api(ledger, clock):
    from shared.domain.catalog.freshness import FreshnessPolicy

    ledger.catalog.satellites[25544].tle.epoch = NOW - timedelta(days=14, hours=12)  # 14.5 days at NOW
    with pytest.raises(InvalidField) as orbapi:
        ledger.book(BookingRequest(25544, "data", [slot()]), ALICE)
    assert orbapi.value.field == "norad_cat_id" and orbapi.value.message == (
        "norad_cat_id: the current element set of satellite 25544 has epoch 2027-02-15T00:00:00.000Z, 14.5 days old: "
        "older than the 14-day limit for bookings; import a current element set first")
    with pytest.raises(InvalidField) as spacego:
        ledger.book_contact(contact(), ALICE)
    assert spacego.value.field == "spacecraft_id" and spacego.value.reason.startswith(
        "the current element set of spacecraft 'sc-iss' (NORAD 25544) has epoch 2027-02-15T00:00:00.000Z, 14.5 days")
    assert ledger.store.reservations("1", PASS[0], PASS[1]) == []

    # reading still answers, naming the set; a relaxed limit books it
    a = ledger.availability("sc-iss", "1", "svc-s", PASS[0], PASS[1], ALICE)
    assert a.status == "available" and a.freshness is not None and a.freshness.age_days == 14.5
    assert a.freshness.warning is not None and a.freshness.warning.endswith("bookings are refused beyond 14 days")
    ledger.freshness = FreshnessPolicy.configured(3, 14, demo_max_age_days=30)
    booking, _ = ledger.book(BookingRequest(25544, "data", [slot()]), ALICE)
    fresh = ledger.element_set_freshness(booking.norad_id)
    assert fresh is not None and fresh.warning is not None and fresh.warning.endswith(
        "the booking limit is relaxed to 30 days for the demo catalogue")
