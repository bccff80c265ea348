"""The command broker: stations poll it for their upcoming contacts (the poll is the heartbeat) and report each
contact's result; operators read the heartbeat as the station's status.

A station authenticates with an API token of scope ``station`` whose owner is ``station-<gs_id>``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from shared.domain.catalog.models import Station
from shared.domain.errors import Conflict, NotFound, NotPermitted
from shared.domain.files.models import FileRecord
from shared.domain.files.ports import PayloadStorage
from shared.domain.files.service import FileService
from shared.domain.identity import Principal
from shared.domain.ledger.lifecycle import Lifecycle, aggregate
from shared.domain.ledger.models import FINAL, Booking, BookingStatus, Outcome, Slot, StationResult
from shared.domain.ledger.policy import PREDICTION_HORIZON
from shared.domain.ledger.ports import CatalogReader, Change, LedgerStore
from shared.domain.stations.ports import HeartbeatStore
from shared.timefmt import iso_ms, utcnow

STATION_SCOPE = "station"
STATION_OWNER_PREFIX = "station-"
OUTCOME_STATUS: dict[Outcome, BookingStatus] = {"completed": "Completed", "partial": "Completed",
                                                "failed": "Failed"}


@dataclass(frozen=True)
class Download:
    file: FileRecord
    url: str
    expires_at: datetime


@dataclass(frozen=True)
class Command:
    """One upcoming contact of the polling station."""

    booking: Booking
    slot: Slot
    satellite_name: str | None
    uplink_files: list[Download]


@dataclass(frozen=True)
class ContactReport:
    status: Outcome
    message: str | None = None
    metrics: Any = None
    channels: list[dict[str, Any]] | None = None


@dataclass(frozen=True)
class StationStatus:
    station: Station
    last_seen: datetime | None
    age_ms: int | None
    online: bool
    queue_depth: int


def _now() -> datetime:
    return utcnow()  # looked up at each call: tests move the clock by patching this module's utcnow


class StationService:
    def __init__(self, catalog: CatalogReader, ledger: LedgerStore, heartbeats: HeartbeatStore, files: FileService,
                 storage: PayloadStorage | None = None, online_threshold_s: float = 120.0,
                 clock: Callable[[], datetime] | None = None, lifecycle: Lifecycle | None = None) -> None:
        self.catalog = catalog
        self.ledger = ledger
        self.heartbeats = heartbeats
        self.files = files
        self.storage = storage
        self.online_threshold_s = online_threshold_s
        self.clock = clock or _now
        self.lifecycle = lifecycle or Lifecycle()

    # -- who is calling -----------------------------------------------------------------------------
    def station_of(self, principal: Principal) -> Station:
        principal.require(STATION_SCOPE)
        if not principal.subject.startswith(STATION_OWNER_PREFIX):
            raise NotPermitted(f"a station token's owner is '{STATION_OWNER_PREFIX}<ground station id>'")
        gs_id = principal.subject[len(STATION_OWNER_PREFIX):]
        station = self.catalog.get_station(gs_id)
        if station is None:
            raise NotFound(f"ground station {gs_id} not found")
        return station

    def upcoming(self, gs_id: str) -> list[tuple[Booking, Slot]]:
        """The station's contacts not yet over and not yet reported, in start order."""
        return self._upcoming(gs_id)

    def _upcoming(self, gs_id: str) -> list[tuple[Booking, Slot]]:
        """(booking, slot) of the station's reservations not yet over and not yet reported, in start order,
        up to the ledger's horizon (every reservation that can exist)."""
        now = self.clock()
        out = []
        cache: dict[int, Booking | None] = {}
        for r in self.ledger.reservations(gs_id, now, now + PREDICTION_HORIZON):
            if r.booking_id not in cache:
                cache[r.booking_id] = self.ledger.get(r.booking_id)
            b = cache[r.booking_id]
            if b is None or b.status in ("Cancelled", "Review"):  # under review: the window is outside every pass
                continue
            slot = next((s for s in b.slots if s.id == r.slot_id), None)
            if slot is not None and slot.status not in FINAL and slot.status != "Cancelled":
                out.append((b, slot))
        return out

    # -- station side -------------------------------------------------------------------------------
    def commands(self, principal: Principal) -> tuple[Station, datetime, list[Command]]:
        """The polling station's upcoming contacts; the poll is recorded as its heartbeat."""
        station = self.station_of(principal)
        now = self.clock()
        self.heartbeats.heartbeat(station.id, now)
        commands = []
        for b, slot in self._upcoming(station.id):
            sat = self.catalog.get_satellite(b.norad_id)
            files = [f for f in self.files.listing(b, "uplink") if f.status == "available"]
            commands.append(Command(booking=b, slot=slot, satellite_name=sat.name if sat else None,
                                    uplink_files=[self._download(f) for f in files]))
        return station, now, commands

    def _download(self, f: FileRecord) -> Download:
        if self.storage is None:
            raise RuntimeError("the command broker needs the payload storage to hand out uplink files")
        url, ttl_s = self.storage.download_url(f.s3_key, f.version_id)  # exactly the verified bytes
        return Download(file=f, url=url, expires_at=self.clock() + timedelta(seconds=ttl_s))

    def report(self, booking_id: int, report: ContactReport, principal: Principal) -> tuple[Booking, Station]:
        """A station's result of its part of a booking: its slots become final (the booking too once every
        live slot is: SUCCESS / PARTIAL_SUCCESS / FAIL, its uplink files consumed or failed), a contact gets its
        post-contact data. The clock moves the booking first, so a report after the grace period finds it
        failed and is refused, whichever of the two is written first. A retried report changes nothing; a
        different second report is refused."""
        station = self.station_of(principal)
        final = OUTCOME_STATUS[report.status]

        def finish(stored: Booking) -> Change | None:
            now = self.clock()
            current = self.lifecycle.advance(stored, now) or stored
            mine = [s for s in current.slots if s.gs_id == station.id]
            if not mine:
                raise NotFound(f"booking {booking_id} has no contact at ground station {station.id}")
            if current.status == "Cancelled" or all(s.status == "Cancelled" for s in mine):
                raise Conflict(f"booking {booking_id} was cancelled")
            done = current.station_results.get(station.id)
            if done is not None:
                if done.status == report.status:
                    return None  # a retried report changes nothing
                raise Conflict(f"booking {booking_id} was already reported {done.status} by ground station "
                               f"{station.id}")
            if any(s.status in FINAL for s in mine if s.status != "Cancelled"):
                raise Conflict(f"booking {booking_id}'s contact at ground station {station.id} is already "
                               f"{current.status}: {current.state_msg}")
            if current.status == "Review" and report.status != "failed":
                raise Conflict(f"booking {booking_id} is under review and was not attempted: {current.state_msg}")
            first = min(s.start for s in mine if s.status != "Cancelled")
            if report.status != "failed" and first > now:  # a station may call a contact off beforehand
                raise Conflict(f"booking {booking_id}'s contact at ground station {station.id} starts at "
                               f"{iso_ms(first)}: a result can only be reported once it has begun")
            slots = [s.model_copy(update={"status": final}) if s.gs_id == station.id and s.status != "Cancelled"
                     else s for s in current.slots]
            results = {**current.station_results, station.id: StationResult(
                status=report.status, reported_at=now, message=report.message, metrics=report.metrics,
                channels=report.channels)}
            contact = current.contact
            if contact is not None:  # the contact's post-contact report
                contact = contact.model_copy(update={
                    "channels": report.channels or [],
                    "antenna_metrics": report.metrics if isinstance(report.metrics, list) else [],
                })
            why = report.message or f"ground station {station.id} reported the contact {report.status}"
            after = current.model_copy(update={"status": aggregate(current.status, slots), "slots": slots,
                                               "station_results": results, "contact": contact, "updated_at": now,
                                               "state_msg": why})
            return self.lifecycle.settle(stored, after, now, self.files.listing(after, "uplink"))

        booking = self.ledger.update(booking_id, finish)
        if booking is None:
            raise NotFound(f"booking {booking_id} not found")
        return booking, station

    # -- operator side --------------------------------------------------------------------------------
    def status(self, gs_id: str) -> StationStatus:
        station = self.catalog.get_station(gs_id)
        if station is None:
            raise NotFound(f"ground station {gs_id} not found")
        seen = self.heartbeats.last_seen(station.id)
        age_ms = max(0, int((self.clock() - seen).total_seconds() * 1000)) if seen else None
        online = age_ms is not None and age_ms <= self.online_threshold_s * 1000
        return StationStatus(station=station, last_seen=seen, age_ms=age_ms, online=online,
                             queue_depth=len(self._upcoming(station.id)))
