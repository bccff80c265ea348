"""The command broker: stations poll it for their upcoming contacts (the poll is the heartbeat) and report each
contact's result; orbapi reads the heartbeat as the station status (seed 001 ``GET /orbapi/gs/id/:id/status``).

A station authenticates with an API token of scope ``station`` whose owner is ``station-<gs_id>``.
"""

from __future__ import annotations

from datetime import timedelta

from functions.orbapi_files.logic import FileService
from functions.station_broker.models import ContactResult
from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.files import FileRepository
from shared.adapters.dynamo.ledger import LedgerRepository
from shared.adapters.dynamo.stations import StationRepository
from shared.domain.catalog.models import Station
from shared.domain.errors import Conflict, NotFound, NotPermitted
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking
from shared.timefmt import iso_ms, utcnow

STATION_SCOPE = "station"
STATION_OWNER_PREFIX = "station-"
HORIZON = timedelta(days=14)  # as far ahead as bookings may be made
FINAL = ("Completed", "Failed")
OUTCOME_STATUS = {"completed": "Completed", "partial": "Completed", "failed": "Failed"}


class Broker:
    def __init__(self, catalog: CatalogRepository, ledger: LedgerRepository, stations: StationRepository,
                 files: FileRepository, s3, uplink_bucket: str, url_ttl_s: int) -> None:
        self.catalog = catalog
        self.ledger = ledger
        self.stations = stations
        self.files = FileService(files, ledger)
        self.s3 = s3
        self.uplink_bucket = uplink_bucket
        self.url_ttl_s = url_ttl_s

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

    def _upcoming(self, gs_id: str) -> list[tuple[Booking, object]]:
        """(booking, slot) of the station's reservations not yet over and not yet reported, in start order."""
        now = utcnow()
        out = []
        cache: dict[int, Booking | None] = {}
        for r in self.stations.reservations(gs_id, now, now + HORIZON):
            if r.booking_id not in cache:
                cache[r.booking_id] = self.ledger.get_booking(r.booking_id)
            b = cache[r.booking_id]
            if b is None or b.status == "Cancelled":
                continue
            slot = next((s for s in b.slots if s.id == r.slot_id), None)
            if slot is not None and slot.status not in FINAL and slot.status != "Cancelled":
                out.append((b, slot))
        return out

    # -- station side -------------------------------------------------------------------------------
    def commands(self, principal: Principal) -> dict:
        station = self.station_of(principal)
        now = utcnow()
        self.stations.heartbeat(station.id, now)
        commands = []
        for b, slot in self._upcoming(station.id):
            sat = self.catalog.get_satellite(b.norad_id)
            files = [f for f in self.files.listing(b, "uplink") if f.status == "available"]
            commands.append({
                "type": "contact",
                "bookingId": b.id,
                "missionId": b.id,
                "slotId": slot.id,
                "source": b.source,
                "missionType": b.type,
                "satellite": {"noradId": str(b.norad_id), "name": sat.name if sat else None},
                "start": iso_ms(slot.start),
                "end": iso_ms(slot.end),
                "status": slot.status,
                "uplinkFiles": [self._download(f) for f in files],
            })
        return {"groundStation": {"id": station.id, "description": station.description or station.name},
                "serverTime": iso_ms(now), "commands": commands}

    def _download(self, f) -> dict:
        params = {"Bucket": self.uplink_bucket, "Key": f.s3_key}
        if f.version_id:
            params["VersionId"] = f.version_id  # exactly the verified bytes
        url = self.s3.generate_presigned_url("get_object", Params=params, ExpiresIn=self.url_ttl_s)
        return {"id": f.id, "s3Key": f.s3_key, "sha256": f.actual_sha256, "size": f.size, "url": url,
                "expiresAt": iso_ms(utcnow() + timedelta(seconds=self.url_ttl_s))}

    def report(self, booking_id: int, result: ContactResult, principal: Principal) -> dict:
        station = self.station_of(principal)
        final = OUTCOME_STATUS[result.status]

        def finish(current: Booking) -> Booking | None:
            mine = [s for s in current.slots if s.gs_id == station.id]
            if not mine:
                raise NotFound(f"booking {booking_id} has no contact at ground station {station.id}")
            if current.status == "Cancelled" or all(s.status == "Cancelled" for s in mine):
                raise Conflict(f"booking {booking_id} was cancelled")
            first = min(s.start for s in mine if s.status != "Cancelled")
            if result.status != "failed" and first > utcnow():  # a station may call a contact off beforehand
                raise Conflict(f"booking {booking_id}'s contact at ground station {station.id} starts at "
                               f"{iso_ms(first)}: a result can only be reported once it has begun")
            done = current.details.get("stationResults", {}).get(station.id)
            if done is not None:
                if done["status"] == result.status:
                    return None  # a retried report changes nothing
                raise Conflict(f"booking {booking_id} was already reported {done['status']} by ground station "
                               f"{station.id}")
            now = utcnow()
            slots = [s.model_copy(update={"status": final}) if s.gs_id == station.id and s.status != "Cancelled"
                     else s for s in current.slots]
            live = [s for s in slots if s.status != "Cancelled"]
            status = current.status
            if all(s.status in FINAL for s in live):
                status = "Completed" if any(s.status == "Completed" for s in live) else "Failed"
            details = {**current.details, "stationResults": {
                **current.details.get("stationResults", {}),
                station.id: {"status": result.status, "reportedAt": iso_ms(now), "message": result.message,
                             "metrics": result.metrics, "channels": result.channels}}}
            if current.source == "spacego":  # the contact's final state and its post-contact report
                details.update({"state": "COMPLETED" if final == "Completed" else "FAILED",
                                "channels": result.channels or [],
                                "antenna_metrics": result.metrics if isinstance(result.metrics, list) else []})
                if result.message:
                    details["state_msg"] = result.message
            return current.model_copy(update={"status": status, "slots": slots, "details": details,
                                              "updated_at": now})

        booking = self.stations.update_booking(booking_id, finish)
        if booking is None:
            raise NotFound(f"booking {booking_id} not found")
        return {"status": "success", "bookingId": booking.id, "missionId": booking.id, "gsId": station.id,
                "result": result.status, "bookingStatus": booking.status,
                "slots": [{"id": s.id, "gsId": s.gs_id, "status": s.status} for s in booking.slots
                          if s.gs_id == station.id]}

    # -- orbapi side ---------------------------------------------------------------------------------
    def status(self, gs_id: str, threshold_s: float) -> dict:
        station = self.catalog.get_station(gs_id)
        if station is None:
            raise NotFound(f"ground station {gs_id} not found")
        seen = self.stations.last_seen(station.id)
        age_ms = max(0, int((utcnow() - seen).total_seconds() * 1000)) if seen else None
        online = age_ms is not None and age_ms <= threshold_s * 1000
        return {
            "groundStation": {"id": station.id, "description": station.description or station.name},
            "host": station.id,
            "online": online,
            "status": "online" if online else "offline",
            "lastSeenAt": iso_ms(seen) if seen else None,
            "lastSeenAgeMs": age_ms,
            "queueDepth": len(self._upcoming(station.id)),
        }
