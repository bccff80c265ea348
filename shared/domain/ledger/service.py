"""The ledger's use cases, written once for both APIs: reserve windows inside passes (an orbapi booking of
one or more slots, a Space Go contact of one), list and read what the caller owns, cancel by a surface's
policy, the free time of a site, and time and orbit changes moving reservations (``tick``, ``recheck_orbits``;
the rules are in ``lifecycle.py`` and ``orbits.py``)."""

from __future__ import annotations

import builtins
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.domain.catalog.freshness import STRICT, Freshness, FreshnessPolicy
from shared.domain.catalog.models import Satellite, Spacecraft, Station
from shared.domain.errors import Conflict, InvalidField, InvalidRequest, NotFound
from shared.domain.files.models import FileRecord, key_problem
from shared.domain.identity import Principal
from shared.domain.ledger.lifecycle import Lifecycle
from shared.domain.ledger.models import (
    NOT_STARTED,
    Booking,
    ContactPart,
    ServiceRef,
    Slot,
    Source,
    Window,
    contact_state,
)
from shared.domain.ledger.orbits import RECHECKABLE, SlotCheck, check_slot, revised
from shared.domain.ledger.policy import PREDICTION_HORIZON, SPACEGO_CANCEL, CancelPolicy, booking_horizon
from shared.domain.ledger.ports import (
    CatalogReader,
    Change,
    FileMatcher,
    LedgerStore,
    PassPredictor,
    SpacecraftDirectory,
    StationRules,
)
from shared.domain.scheduling import EDGE_TOLERANCE_S, PassWindow, containing_pass, free_intervals
from shared.timefmt import ceil_minute, floor_minute, iso_minute, iso_ms, utcnow

CONTACT_EDGE_S = 60.0  # contact edges are whole minutes: they may reach up to a minute past a pass edge
AVAILABILITY_SPAN = timedelta(days=7)


@dataclass(frozen=True)
class SlotRequest:
    gs_id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class UplinkRequest:
    key: str
    sha256: str | None


@dataclass(frozen=True)
class BookingRequest:
    """An orbapi booking: windows of one satellite at one or more stations."""

    norad_id: int
    type: str
    slots: Sequence[SlotRequest]
    uplink: UplinkRequest | None = None


@dataclass(frozen=True)
class ContactRequest:
    """A Space Go contact: one window of a registered spacecraft at one of its sites (minute edges)."""

    spacecraft_id: str
    site_id: str
    service_id: str
    start: datetime
    end: datetime
    customizations: dict[str, Any] | None = None


@dataclass(frozen=True)
class ContactFilter:
    start: datetime
    end: datetime
    spacecraft_ids: frozenset[str] = frozenset()
    site_ids: frozenset[str] = frozenset()
    states: frozenset[str] = frozenset()
    updated_since: datetime | None = None

    def admits(self, b: Booking) -> bool:
        slot, contact = b.slots[0], b.contact
        if contact is None or not (slot.start < self.end and self.start < slot.end):
            return False
        if self.spacecraft_ids and contact.spacecraft_id not in self.spacecraft_ids:
            return False
        if self.site_ids and slot.gs_id not in self.site_ids:
            return False
        if self.states and contact_state(b) not in self.states:
            return False
        return not (self.updated_since and b.updated_at < self.updated_since)


@dataclass(frozen=True)
class PostContactReport:
    contact: Booking
    spacecraft: Spacecraft | None
    site: Station | None
    aborted: bool


@dataclass
class TickReport:
    moved: int = 0  # reservations time moved
    seen: int = 0  # reservations the time index named as due


@dataclass
class RecheckReport:
    checked: int = 0  # future reservations of the satellites predicted again
    review: list[int] = field(default_factory=list)  # moved to Review
    confirmed: list[int] = field(default_factory=list)  # back from Review
    unchecked: int = 0  # left for lack of time (the deadline passed)


@dataclass(frozen=True)
class Availability:
    status: str  # available | partial | unavailable
    best: Window | None
    freshness: Freshness | None = None  # of the element set the passes were predicted from


def _now() -> datetime:
    return utcnow()  # looked up at each call: tests move the clock by patching this module's utcnow


class LedgerService:
    def __init__(self, store: LedgerStore, catalog: CatalogReader, passes: PassPredictor,
                 spacecraft: SpacecraftDirectory | None = None, files: FileMatcher | None = None,
                 clock: Callable[[], datetime] | None = None, freshness: FreshnessPolicy = STRICT,
                 lifecycle: Lifecycle | None = None, rules: StationRules | None = None) -> None:
        self.store = store
        self.rules = rules  # the station registry's rules; None: every station by its flat mask
        self.catalog = catalog
        self.passes = passes
        self.spacecraft_directory = spacecraft
        self.files = files
        self.clock = clock or _now
        self.freshness = freshness
        self.lifecycle = lifecycle or Lifecycle()

    def _bookable(self, sat: Satellite, field: str, subject: str) -> Freshness | None:
        """A booking needs a current element set no older than the policy's limit (``InvalidField(field)``);
        a satellite without one is refused where its passes are predicted."""
        if sat.tle is None:
            return None
        return self.freshness.require_bookable(sat.tle.epoch, self.clock(), field=field, subject=subject)

    def element_set_freshness(self, norad_id: int) -> Freshness | None:
        """The freshness, now, of the satellite's current element set (None without one)."""
        sat = self.catalog.get_satellite(norad_id)
        return self.freshness.of(sat.tle.epoch, self.clock()) if sat is not None and sat.tle is not None else None

    # -- the one booking use case -------------------------------------------------------------------
    def _reserve(self, principal: Principal, *, norad_id: int, type: str, source: Source,
                 windows: Sequence[SlotRequest], passes: Sequence[PassWindow], state_msg: str,
                 contact: ContactPart | None = None,
                 uplink: UplinkRequest | None = None) -> tuple[Booking, FileRecord | None]:
        """Allocate ids, build the record (and its uplink file), reserve it all in one write with its event."""
        now = self.clock()
        [booking_id] = self.store.next_ids("booking")
        slot_ids = self.store.next_ids("slot", len(windows))
        booking = Booking(
            id=booking_id, owner=principal.subject, owner_type=principal.owner_type, norad_id=norad_id, type=type,
            source=source, requested_at=now, updated_at=now, contact=contact, state_msg=state_msg,
            slots=[Slot(id=i, gs_id=w.gs_id, start=w.start, end=w.end,
                        pass_start=datetime.fromtimestamp(p.rise_unix_s, UTC),
                        pass_end=datetime.fromtimestamp(p.set_unix_s, UTC))
                   for i, w, p in zip(slot_ids, windows, passes, strict=True)],
        )
        change = self.lifecycle.settle(None, booking, now)
        booking = change.booking
        file = None
        if uplink is not None:
            [file_id] = self.store.next_ids("file")
            file = FileRecord(id=file_id, booking_id=booking_id, owner=principal.subject, direction="uplink",
                              s3_key=uplink.key, sha256=uplink.sha256.lower() if uplink.sha256 else None,
                              created_at=now, updated_at=now)
        self.store.reserve(booking, [file] if file else [], change.events)
        if file is not None and self.files is not None:
            file = self.files.match(file)  # its object may have arrived before the booking
        return booking, file

    def _passes(self, satellite: Satellite, station: Station, start: datetime, end: datetime) -> list[PassWindow]:
        return self.passes.passes_over(satellite, station, start, end)

    def _above(self, station: Station) -> str:
        """The mask passes are predicted above, in words."""
        if self.rules is not None and self.rules.mask(station.id) is not None:
            return "above the station's horizon mask"
        return f"above {station.min_elevation_deg:g}°"

    def _check_station(self, station: Station, norad_id: int, principal: Principal, start: datetime,
                       end: datetime, field: str) -> None:
        if self.rules is not None:
            self.rules.check_reservation(station.id, norad_id, principal.subject, start, end, field)

    def _blocked(self, gs_id: str, start: datetime, end: datetime) -> builtins.list[tuple[datetime, datetime, str]]:
        return self.rules.blocked(gs_id, start, end) if self.rules is not None else []

    # -- orbapi bookings ------------------------------------------------------------------------------
    def book(self, req: BookingRequest, principal: Principal) -> tuple[Booking, FileRecord | None]:
        if req.uplink is not None:
            problem = key_problem(req.uplink.key, principal.subject)
            if problem:
                raise InvalidRequest(f"uplinkFile.{problem}")
        sat = self.catalog.get_satellite(req.norad_id)
        if sat is None:
            raise NotFound(f"satellite {req.norad_id} not found")
        self._bookable(sat, "norad_cat_id", f"satellite {req.norad_id}")
        now = self.clock()
        horizon = booking_horizon(now)
        found: list[PassWindow] = []
        for i, slot in enumerate(req.slots):
            if slot.start < now:
                raise InvalidRequest(f"slots: slot {iso_ms(slot.start)}–{iso_ms(slot.end)} starts in the past")
            if slot.end > horizon:
                raise InvalidRequest(f"slots: slot {iso_ms(slot.start)}–{iso_ms(slot.end)} ends beyond the booking "
                                     f"horizon of {PREDICTION_HORIZON.days} days ({iso_ms(horizon)}): predictions "
                                     "that far ahead are not reliable")
            station = self.catalog.get_station(slot.gs_id)
            if station is None:
                raise NotFound(f"ground station {slot.gs_id} not found")
            self._check_station(station, req.norad_id, principal, slot.start, slot.end, f"slots.{i}.gs_id")
            windows = self._passes(sat, station, slot.start, slot.end)
            inside = containing_pass(windows, slot.start.timestamp(), slot.end.timestamp())
            if inside is None:
                start_s = slot.start.timestamp()
                near = min(windows, key=lambda w: abs(w.rise_unix_s - start_s), default=None)
                hint = (f"; the nearest pass is {iso_ms(near.rise_unix_s)}–{iso_ms(near.set_unix_s)}"
                        if near else "; there is no pass within 3 hours")
                raise Conflict(
                    f"slot {iso_ms(slot.start)}–{iso_ms(slot.end)} at ground station {slot.gs_id} is not inside a "
                    f"predicted pass of satellite {req.norad_id} {self._above(station)}{hint}"
                )
            found.append(inside)
        stations = ", ".join(sorted({s.gs_id for s in req.slots}))
        return self._reserve(principal, norad_id=req.norad_id, type=req.type, source="orbapi", windows=req.slots,
                             passes=found, state_msg=f"reserved at ground station {stations}", uplink=req.uplink)

    # -- Space Go contacts ---------------------------------------------------------------------------------
    def _spacecraft(self, spacecraft_id: str, principal: Principal, field: str) -> Spacecraft:
        if self.spacecraft_directory is None:
            raise RuntimeError("contacts need a spacecraft directory")
        try:
            return self.spacecraft_directory.spacecraft(spacecraft_id, principal)
        except NotFound:
            raise InvalidField(field, f"spacecraft '{spacecraft_id}' does not exist") from None

    def _site_and_service(self, sc: Spacecraft, site_id: str, service_id: str,
                          service_field: str) -> tuple[Station, ServiceRef]:
        if site_id not in sc.sites:
            raise InvalidField("site_id", f"site '{site_id}' is not a valid site for spacecraft '{sc.spacecraft_id}'")
        site = self.catalog.get_station(site_id)
        if site is None:
            raise InvalidField("site_id", f"site '{site_id}' does not exist")
        service = next((s for s in sc.services if s.id == service_id and s.type == "contact"), None)
        if service is None:
            raise InvalidField(service_field, f"service configuration '{service_id}' is not configured for "
                                              f"spacecraft '{sc.spacecraft_id}'")
        return site, ServiceRef(id=service.id, name=service.name, description=service.description)

    def _satellite_of(self, sc: Spacecraft) -> Satellite:
        sat = self.catalog.get_satellite(sc.norad_id) if sc.norad_id is not None else None
        if sat is None or sat.tle is None:
            raise InvalidField("spacecraft_id", f"no TLE is available for spacecraft '{sc.spacecraft_id}'")
        return sat

    def book_contact(self, req: ContactRequest, principal: Principal) -> Booking:
        sc = self._spacecraft(req.spacecraft_id, principal, "spacecraft_id")
        site, service = self._site_and_service(sc, req.site_id, req.service_id, "service.id")
        now = self.clock()
        horizon = booking_horizon(now, sc.booking_horizon_days)
        if req.start < floor_minute(now):
            raise InvalidField("start", f"{iso_minute(req.start)} is in the past")
        if req.end > ceil_minute(horizon):
            days = (horizon - now).days
            raise InvalidField("end", f"{iso_minute(req.end)} is beyond the booking horizon of {days} days "
                                      f"({iso_minute(horizon)}): the spacecraft's registered horizon, at most "
                                      f"{PREDICTION_HORIZON.days} days (see booking_horizon in its contact service "
                                      "configuration)")
        sat = self._satellite_of(sc)
        self._bookable(sat, "spacecraft_id", f"spacecraft '{sc.spacecraft_id}' (NORAD {sat.norad_id})")
        self._check_station(site, sat.norad_id, principal, req.start, req.end, "site_id")
        windows = self._passes(sat, site, req.start, req.end)
        inside = containing_pass(windows, req.start.timestamp(), req.end.timestamp(), CONTACT_EDGE_S)
        if inside is None:
            raise Conflict(f"the contact {iso_minute(req.start)}–{iso_minute(req.end)} at site '{site.id}' is not "
                           f"inside a visibility pass of spacecraft '{sc.spacecraft_id}' {self._above(site)} "
                           "(use /contacts/availability)")
        assert sc.norad_id is not None  # _satellite_of found its satellite
        contact = ContactPart(spacecraft_id=sc.spacecraft_id, service=service, customizations=req.customizations)
        booking, _ = self._reserve(principal, norad_id=sc.norad_id, type="contact", source="spacego",
                                   windows=[SlotRequest(site.id, req.start, req.end)], passes=[inside],
                                   state_msg=f"site {site.id} reserved", contact=contact)
        return booking

    def availability(self, spacecraft_id: str, site_id: str, service_id: str, start: datetime, end: datetime,
                     principal: Principal) -> Availability:
        """Whole minutes of [start, end] inside a pass of the spacecraft over the site and outside every
        reservation: ``available`` (all of it), ``partial`` (with the longest free sub-slot) or ``unavailable``."""
        if end <= start:
            raise InvalidField("end", "must be after start", location="query")
        if end - start > AVAILABILITY_SPAN:
            raise InvalidField("end", f"the time range may span at most {AVAILABILITY_SPAN.days} days",
                               location="query")
        sc = self._spacecraft(spacecraft_id, principal, "query parameter 'spacecraft_id'")
        site, _ = self._site_and_service(sc, site_id, service_id, "query parameter 'service_config_id'")
        sat = self._satellite_of(sc)
        assert sat.tle is not None  # _satellite_of refused a satellite without one
        freshness = self.freshness.of(sat.tle.epoch, self.clock())
        windows = self._passes(sat, site, start, end)
        taken = [(r.start.timestamp(), r.end.timestamp()) for r in self.store.reservations(site.id, start, end)]
        taken += [(a.timestamp(), b.timestamp()) for a, b, _ in self._blocked(site.id, start, end)]
        free = []
        for a, b in free_intervals(windows, taken, start.timestamp(), end.timestamp()):
            lo = ceil_minute(datetime.fromtimestamp(a, UTC))
            hi = floor_minute(datetime.fromtimestamp(b, UTC))
            if lo < hi:
                free.append(Window(gs_id=site.id, start=lo, end=hi))
        if not free:
            return Availability("unavailable", None, freshness)
        whole = len(free) == 1 and free[0].start <= ceil_minute(start) and free[0].end >= floor_minute(end)
        best = max(free, key=lambda w: (w.end - w.start, -w.start.timestamp()))
        return Availability("available" if whole else "partial", best, freshness)

    def contacts(self, principal: Principal, which: ContactFilter) -> list[Booking]:
        """The caller's contacts admitted by ``which``, in start order."""
        out = [b for b in self.list(principal, "spacego") if which.admits(b)]
        return sorted(out, key=lambda b: (b.slots[0].start, b.id))

    def post_contact_report(self, contact_id: int, principal: Principal) -> PostContactReport:
        """An aborted (cancelled) contact's report at once; an ended one's once it is over."""
        b = self.owned(contact_id, principal, "spacego")
        if b is None or b.contact is None:
            raise SPACEGO_CANCEL.not_found(contact_id)
        slot = b.slots[0]
        aborted = b.status == "Cancelled"
        if not aborted and slot.end > self.clock():
            raise NotFound(f"no post-contact report for contact '{contact_id}' yet: the contact ends at "
                           f"{iso_minute(slot.end)}")
        return PostContactReport(contact=b, spacecraft=self.catalog.get_spacecraft(b.contact.spacecraft_id),
                                 site=self.catalog.get_station(slot.gs_id), aborted=aborted)

    # -- reading what the caller owns -----------------------------------------------------------------
    def owned(self, booking_id: int, principal: Principal, source: Source | None = None) -> Booking | None:
        """The booking if the caller may see it (and it was made through ``source``), else None: callers
        answer 404 for someone else's, never 403."""
        b = self.store.get(booking_id)
        if b is None or (source is not None and b.source != source) or not principal.can_see(b.owner):
            return None
        return b

    def list(self, principal: Principal, source: Source) -> list[Booking]:
        return [b for b in self.store.list_by_owner(principal.subject) if b.source == source]

    # -- cancelling -----------------------------------------------------------------------------------------
    def cancel(self, booking_id: int, principal: Principal, policy: CancelPolicy) -> Booking:
        """Cancel by ``policy``: every window freed and the booking ``Cancelled`` in one write, with its event.
        A reservation that has begun, ended or failed is refused, naming its state (the clock decides, even
        before the timer moved it). A retried cancel changes nothing."""
        if self.owned(booking_id, principal, policy.source) is None:
            raise policy.not_found(booking_id)
        noun = policy.name(booking_id)

        def cancelled(current: Booking) -> Change | None:
            if current.status == "Cancelled":
                return None
            now = self.clock()
            moved = self.lifecycle.advance(current, now) or current
            refusal = policy.refusal(moved, now)
            if refusal is not None:
                began = (f": it started at {iso_minute(moved.first_start)}" if moved.first_start <= now else "")
                raise policy.refused(f"{noun} is {policy.state(moved)}{began} and can no longer be {policy.verb}")
            after = current.model_copy(update={
                "status": "Cancelled", "updated_at": now, "state_msg": f"{policy.verb} by {principal.subject}",
                "slots": [s.model_copy(update={"status": "Cancelled"}) for s in current.slots],
            })
            return self.lifecycle.settle(current, after, now)

        stored = self.store.update(booking_id, cancelled)
        if stored is None:
            raise policy.not_found(booking_id)
        return stored

    # -- time and orbits ---------------------------------------------------------------------------------
    def _uplinks(self, b: Booking) -> builtins.list[FileRecord]:
        return self.files.listing(b, "uplink") if self.files is not None else []

    def advance(self, booking_id: int, now: datetime | None = None) -> Booking | None:
        """Move one reservation by the clock: a conditional write of every step due by ``now``; a late or
        repeated call finds nothing due and changes nothing. Returns the stored booking (None if unknown)."""
        at = now or self.clock()

        def moved(current: Booking) -> Change | None:
            after = self.lifecycle.advance(current, at)
            if after is None:
                due = self.lifecycle.due(current)  # nothing due (the grace setting changed): re-index only
                return None if due == current.due_at else Change(current.model_copy(update={"due_at": due}))
            return self.lifecycle.settle(current, after, at, self._uplinks(after))

        return self.store.update(booking_id, moved)

    def tick(self, now: datetime | None = None, limit: int = 500) -> TickReport:
        """Every reservation due by ``now`` (the time index), moved: the sweep's one use case."""
        at = now or self.clock()
        report = TickReport()
        for b in self.store.scheduled(until=at, limit=limit):
            report.seen += 1
            after = self.advance(b.id, at)
            if after is not None and (after.status != b.status or after.slots != b.slots):
                report.moved += 1
        return report

    def recheck_orbits(self, norad_ids: Iterable[int], now: datetime | None = None,
                       deadline_s: float | None = None) -> RecheckReport:
        """Predict every future reservation of these satellites again from their current element sets (one
        read of the time index, filtered by satellite): windows no longer inside a pass go to Review, reviewed
        ones inside passes again are Confirmed; the others are left as they were. Stops once ``deadline_s``
        seconds have passed, counting what it left."""
        ids = set(norad_ids)
        at = now or self.clock()
        report = RecheckReport()
        if not ids:
            return report
        started = time.monotonic()
        future = [b for b in self.store.scheduled(since=at)
                  if b.norad_id in ids and b.status in RECHECKABLE and b.first_start > at]
        satellites: dict[int, Satellite | None] = {}
        stations: dict[str, Station | None] = {}
        for n, b in enumerate(future):
            if deadline_s is not None and time.monotonic() - started > deadline_s:
                report.unchecked = len(future) - n
                break
            if b.norad_id not in satellites:
                satellites[b.norad_id] = self.catalog.get_satellite(b.norad_id)
            sat = satellites[b.norad_id]
            if sat is None or sat.tle is None:
                continue
            if any(self._blocked(s.gs_id, s.start, s.end) for s in b.live_slots()):
                continue  # held for an unavailability window or a station in maintenance: the registry decides
            checks = []
            for slot in b.live_slots():
                if slot.gs_id not in stations:
                    stations[slot.gs_id] = self.catalog.get_station(slot.gs_id)
                station = stations[slot.gs_id]
                if station is None:
                    continue
                edge = CONTACT_EDGE_S if b.source == "spacego" else EDGE_TOLERANCE_S
                checks.append(check_slot(slot, self._passes(sat, station, slot.start, slot.end), edge))
            report.checked += 1
            moved_to = self._revise(b.id, checks, sat, at)
            if moved_to == "Review":
                report.review.append(b.id)
            elif moved_to is not None:
                report.confirmed.append(b.id)
        return report

    def _revise(self, booking_id: int, checks: builtins.list[SlotCheck], sat: Satellite,
                at: datetime) -> str | None:
        """The status the recheck moved the booking to, or None when it left it as it was."""
        epoch = sat.tle.epoch if sat.tle is not None else None
        written: builtins.list[Booking] = []

        def revise(current: Booking) -> Change | None:
            after = revised(current, checks, epoch, at)
            if after is None:
                return None
            change = self.lifecycle.settle(current, after, at)
            written.append(change.booking)
            return change

        stored = self.store.update(booking_id, revise)
        return stored.status if stored is not None and written and stored == written[-1] else None

    # -- station unavailability ------------------------------------------------------------------------------
    def hold_for_window(self, gs_id: str, window: Any, now: datetime | None = None) -> builtins.list[int]:
        """Move the station's reservations not yet begun that overlap ``window`` (``start``, ``end``, ``describe()``)
        to Review, naming the window and its reason, each in one write with its event; a reservation already held
        for it changes nothing. Returns the ids moved."""
        at = now or self.clock()
        why = f"ground station {gs_id} is unavailable: {window.describe()}"
        moved: builtins.list[int] = []
        ids = sorted({r.booking_id for r in self.store.reservations(gs_id, window.start, window.end)})

        def hold(current: Booking) -> Change | None:
            if current.status not in NOT_STARTED or current.first_start <= at:
                return None
            hit = {s.id for s in current.live_slots() if s.gs_id == gs_id and s.start < window.end
                   and window.start < s.end}
            if not hit:
                return None
            slots = [s.model_copy(update={"status": "Review"}) if s.id in hit else s for s in current.slots]
            after = current.model_copy(update={"status": "Review", "slots": slots, "state_msg": why,
                                               "updated_at": at})
            return self.lifecycle.settle(current, after, at)

        for booking_id in ids:
            before = self.store.get(booking_id)
            stored = self.store.update(booking_id, hold)
            if stored is not None and before is not None and before.status != "Review" and stored.status == "Review":
                moved.append(booking_id)
        return moved

    def release_window(self, gs_id: str, window: Any, now: datetime | None = None) -> builtins.list[int]:
        """A removed window: the reservations under review at the station inside it are predicted again (the
        orbit recheck: Confirmed when every window is inside a pass and nothing else blocks it). Returns the ids
        confirmed again."""
        at = now or self.clock()
        held = [b for b in (self.store.get(r.booking_id)
                            for r in self.store.reservations(gs_id, window.start, window.end)) if b is not None
                and b.status == "Review"]
        if not held:
            return []
        report = self.recheck_orbits({b.norad_id for b in held}, now=at)
        ids = {b.id for b in held}
        return [i for i in report.confirmed if i in ids]
