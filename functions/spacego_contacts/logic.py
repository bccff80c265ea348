"""Space Go contacts (seed 000): a contact is one reservation of one site on the shared antenna-time
ledger, the same ledger orbapi bookings use."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from functions.spacego_catalog.logic import SpaceGoCatalog
from functions.spacego_contacts.models import BOOKING_STATES, ContactCreateRequest
from shared.adapters.dynamo.catalog import CatalogRepository
from shared.adapters.dynamo.ledger import LedgerRepository
from shared.domain.catalog.models import Spacecraft
from shared.domain.errors import Conflict, InvalidRequest, NotFound
from shared.domain.identity import Principal
from shared.domain.ledger.models import Booking, Slot, Window
from shared.scheduling.passes import containing_pass, element_set_of, free_intervals, passes_over
from shared.timefmt import ceil_minute, floor_minute, iso_minute, iso_ms, parse_query_time, utcnow

DEFAULT_WINDOW = timedelta(days=7)
DELETABLE = ("NEW", "PENDING", "CONFIRMED")
MINUTE_S = 60.0  # contact edges are whole minutes: they may reach up to a minute past a pass edge


def contact_view(b: Booking) -> dict:
    slot = b.slots[0]
    d = b.details
    view = {
        "id": str(b.id),
        "spacecraft_id": d["spacecraft_id"],
        "start": iso_minute(slot.start),
        "end": iso_minute(slot.end),
        "site_id": slot.gs_id,
        "service": d["service"],
        "state": d.get("state", "UNKNOWN"),
        "last_updated": iso_ms(b.updated_at),
    }
    if d.get("customizations"):
        view["customizations"] = d["customizations"]
    if d.get("state_msg"):
        view["state_msg"] = d["state_msg"]
    return view


class Contacts:
    def __init__(self, catalog: CatalogRepository, ledger: LedgerRepository) -> None:
        self.catalog = catalog
        self.ledger = ledger
        self.spacego = SpaceGoCatalog(catalog)

    # -- shared checks ------------------------------------------------------------------------------
    def _spacecraft(self, spacecraft_id: str, principal: Principal, field: str) -> Spacecraft:
        try:
            return self.spacego.spacecraft(spacecraft_id, principal)
        except NotFound:
            raise InvalidRequest(f"{field}: spacecraft '{spacecraft_id}' does not exist") from None

    def _check_site_and_service(self, sc: Spacecraft, site_id: str, service_id: str, service_field: str):
        if site_id not in sc.sites:
            raise InvalidRequest(f"site_id: site '{site_id}' is not a valid site for spacecraft '{sc.spacecraft_id}'")
        site = self.catalog.get_station(site_id)
        if site is None:
            raise InvalidRequest(f"site_id: site '{site_id}' does not exist")
        service = next((s for s in sc.services if s.id == service_id and s.type == "contact"), None)
        if service is None:
            raise InvalidRequest(f"{service_field}: service configuration '{service_id}' is not configured for "
                             f"spacecraft '{sc.spacecraft_id}'")
        return site, service

    def _passes(self, sc: Spacecraft, site, start: datetime, end: datetime):
        sat = self.catalog.get_satellite(sc.norad_id) if sc.norad_id is not None else None
        if sat is None or sat.tle is None:
            raise InvalidRequest(f"spacecraft_id: no TLE is available for spacecraft '{sc.spacecraft_id}'")
        return passes_over(element_set_of(sat), site, start.timestamp(), end.timestamp())

    # -- operations ---------------------------------------------------------------------------------
    def create(self, req: ContactCreateRequest, principal: Principal) -> dict:
        sc = self._spacecraft(req.spacecraft_id, principal, "spacecraft_id")
        site, service = self._check_site_and_service(sc, req.site_id, req.service.id, "service.id")
        now = utcnow()
        horizon_end = now + timedelta(days=sc.booking_horizon_days)
        if req.start < floor_minute(now):
            raise InvalidRequest(f"start: {iso_minute(req.start)} is in the past")
        if req.end > ceil_minute(horizon_end):
            raise InvalidRequest(f"end: {iso_minute(req.end)} is beyond the booking horizon "
                                 f"({iso_minute(horizon_end)})")
        windows = self._passes(sc, site, req.start, req.end)
        if containing_pass(windows, req.start.timestamp(), req.end.timestamp(), MINUTE_S) is None:
            raise Conflict(f"the contact {iso_minute(req.start)}–{iso_minute(req.end)} at site '{site.id}' is not "
                           f"inside a visibility pass of spacecraft '{sc.spacecraft_id}' above "
                           f"{site.min_elevation_deg:g}° (use /contacts/availability)")
        [contact_id] = self.ledger.next_ids("booking")
        [slot_id] = self.ledger.next_ids("slot")
        booking = Booking(
            id=contact_id, owner=principal.subject, owner_type=principal.owner_type,
            norad_id=sc.norad_id, type="contact", source="spacego", requested_at=now, updated_at=now,
            slots=[Slot(id=slot_id, gs_id=site.id, start=req.start, end=req.end)],
            details={
                "spacecraft_id": sc.spacecraft_id,
                "service": {"id": service.id, "name": service.name, "description": service.description},
                "customizations": req.customizations.model_dump(mode="json", exclude_none=True)
                if req.customizations else None,
                "state": "CONFIRMED",
                "state_msg": f"site {site.id} reserved",
            },
        )
        self.ledger.reserve(booking)
        return {"contact_id": str(contact_id)}

    def _owned(self, contact_id: str, principal: Principal) -> Booking:
        b = self.ledger.get_booking(int(contact_id)) if contact_id.isdigit() and len(contact_id) <= 12 else None
        if b is None or b.source != "spacego" or not principal.can_see(b.owner):
            raise NotFound(f"contact '{contact_id}' does not exist")
        return b

    def get(self, contact_id: str, principal: Principal) -> dict:
        return contact_view(self._owned(contact_id, principal))

    def list(self, params: dict[str, list[str]], principal: Principal) -> list[dict]:
        allowed = {"spacecraft_id", "site_id", "state", "start", "end", "last_updated"}
        unknown = sorted(set(params) - allowed)
        if unknown:
            raise InvalidRequest(f"unknown query parameter '{unknown[0]}'")
        single = {k: v[-1] for k, v in params.items() if k in ("start", "end", "last_updated")}
        states = set(params.get("state", []))
        bad = sorted(states - set(BOOKING_STATES))
        if bad:
            raise InvalidRequest(f"query parameter 'state': '{bad[0]}' is not one of {', '.join(BOOKING_STATES)}")
        now = utcnow()
        start = parse_query_time("start", single.get("start")) or now
        end = parse_query_time("end", single.get("end")) or start + DEFAULT_WINDOW
        if end <= start:
            raise InvalidRequest("query parameter 'end': must be after start")
        since = parse_query_time("last_updated", single.get("last_updated"))
        spacecraft, sites = set(params.get("spacecraft_id", [])), set(params.get("site_id", []))
        out = []
        for b in self.ledger.list_bookings(principal.subject):
            if b.source != "spacego":
                continue
            slot, d = b.slots[0], b.details
            if not (slot.start < end and start < slot.end):
                continue
            if spacecraft and d["spacecraft_id"] not in spacecraft or sites and slot.gs_id not in sites:
                continue
            if states and d.get("state") not in states or since and b.updated_at < since:
                continue
            out.append(b)
        out.sort(key=lambda b: (b.slots[0].start, b.id))
        return [contact_view(b) for b in out]

    def delete(self, contact_id: str, principal: Principal) -> None:
        b = self._owned(contact_id, principal)

        def cancelled(current: Booking) -> Booking | None:
            state = current.details.get("state")
            if state == "CANCELLED":
                return None  # a retried delete changes nothing
            if state not in DELETABLE:
                raise InvalidRequest(f"contact '{contact_id}' is {state} and can no longer be deleted")
            if current.slots[0].start <= utcnow():
                raise InvalidRequest(f"contact '{contact_id}' started at {iso_minute(current.slots[0].start)} and can "
                                 "no longer be deleted")
            return current.model_copy(update={
                "status": "Cancelled", "updated_at": utcnow(),
                "slots": [s.model_copy(update={"status": "Cancelled"}) for s in current.slots],
                "details": {**current.details, "state": "CANCELLED", "state_msg": f"deleted by {principal.subject}"},
            })

        self.ledger.cancel(b.id, cancelled)

    def availability(self, params: dict[str, list[str]], principal: Principal) -> dict:
        required = ("spacecraft_id", "site_id", "service_config_id", "start", "end")
        for name in required:
            if not params.get(name) or not params[name][-1].strip():
                raise InvalidRequest(f"query parameter '{name}' is required")
        start, end = parse_query_time("start", params["start"][-1]), parse_query_time("end", params["end"][-1])
        if end <= start:
            raise InvalidRequest("query parameter 'end': must be after start")
        if end - start > timedelta(days=7):
            raise InvalidRequest("query parameter 'end': the time range may span at most 7 days")
        sc = self._spacecraft(params["spacecraft_id"][-1], principal, "query parameter 'spacecraft_id'")
        site, _ = self._check_site_and_service(sc, params["site_id"][-1], params["service_config_id"][-1],
                                               "query parameter 'service_config_id'")
        windows = self._passes(sc, site, start, end)
        taken = [(w.start.timestamp(), w.end.timestamp()) for w in self.ledger.reservations(site.id, start, end)]
        free = []
        for a, b in free_intervals(windows, taken, start.timestamp(), end.timestamp()):
            lo = ceil_minute(datetime.fromtimestamp(a, UTC))
            hi = floor_minute(datetime.fromtimestamp(b, UTC))
            if lo < hi:
                free.append(Window(gs_id=site.id, start=lo, end=hi))
        if not free:
            return {"availability_status": "unavailable"}
        whole = len(free) == 1 and free[0].start <= ceil_minute(start) and free[0].end >= floor_minute(end)
        best = max(free, key=lambda w: (w.end - w.start, -w.start.timestamp()))
        return {
            "availability_status": "available" if whole else "partial",
            "available_time_slot": {"start": iso_minute(best.start), "end": iso_minute(best.end)},
        }

    def post_contact_report(self, contact_id: str, principal: Principal) -> dict:
        b = self._owned(contact_id, principal)
        slot, d = b.slots[0], b.details
        aborted = d.get("state") == "CANCELLED"
        if not aborted and slot.end > utcnow():
            raise NotFound(f"no post-contact report for contact '{contact_id}' yet: the contact ends at "
                           f"{iso_minute(slot.end)}")
        sc = self.catalog.get_spacecraft(d["spacecraft_id"])
        site = self.catalog.get_station(slot.gs_id)
        return {
            "contact_id": str(b.id),
            "mission_id": str(b.id),
            "mission_name": sc.name if sc else None,
            "spacecraft_id": d["spacecraft_id"],
            "spacecraft_name": sc.name if sc else None,
            "site_name": site.name if site else None,
            "site_id": slot.gs_id,
            "contact_service_config_id": d["service"]["id"],
            "contact_service_config_name": d["service"].get("name"),
            "contact_service_config_description": d["service"].get("description"),
            "start": iso_minute(slot.start),
            "end": iso_minute(slot.end),
            "channels": [] if aborted else d.get("channels", []),
            "antenna_metrics": d.get("antenna_metrics", []),
            "aborted": aborted,
            "data_products_summary": d.get("data_products_summary", {
                "data_products_created_count": 0, "data_products_delivered_count": 0, "data_products": []}),
        }
