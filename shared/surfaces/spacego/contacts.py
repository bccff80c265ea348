"""Space Go contacts, availability and post-contact reports (seed 000)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared.domain.catalog.freshness import Freshness
from shared.domain.errors import Conflict, InvalidRequest
from shared.domain.files.models import FileRecord
from shared.domain.files.service import FileService
from shared.domain.identity import Principal
from shared.domain.ledger.models import CONTACT_STATES, Booking, ContactState, contact_state
from shared.domain.ledger.policy import SPACEGO_CANCEL
from shared.domain.ledger.service import AVAILABILITY_SPAN, ContactFilter, ContactRequest, LedgerService
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.surfaces.spacego.params import query_lists
from shared.surfaces.spacego.views import ContactServiceConfiguration, TimeSlot
from shared.timefmt import UtcDateTime, ceil_minute, floor_minute, iso_minute, iso_ms, parse_query_time, utcnow
from shared.wiring import ledger as wiring

router = APIRouter(tags=["Contacts"])

DEFAULT_WINDOW = timedelta(days=7)
Ledger = Annotated[LedgerService, Depends(wiring.ledger_service)]
Files = Annotated[FileService, Depends(wiring.file_service)]
ContactIdPath = Annotated[str, Path(min_length=1, max_length=64, description="Contact id")]


# -- schemas (seed 000 "Data Models") ------------------------------------------------------------------
class TimeRange(BaseModel):
    start_time: UtcDateTime | None = None
    end_time: UtcDateTime | None = None


class RfCustomization(BaseModel):
    model_config = ConfigDict(extra="forbid")

    uplink_polarization: str | None = Field(default=None, max_length=32)
    downlink_polarization: str | None = Field(default=None, max_length=32)
    recording_times: TimeRange | None = None


class ContactCustomizations(BaseModel):
    model_config = ConfigDict(extra="forbid")

    s_band: RfCustomization | None = None
    x_band: RfCustomization | None = None


class ContactCreateRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    spacecraft_id: str = Field(min_length=1, max_length=64)
    start: UtcDateTime = Field(description="Minutes accuracy, rounding down the seconds. Not in the past.")
    end: UtcDateTime = Field(description="Minutes accuracy, rounding up the seconds. After `start`, at most "
                             "24 hours after it, and within the spacecraft's booking horizon (its contact service "
                             "configuration's `booking_horizon`; at most 14 days from now).")
    site_id: str = Field(min_length=1, max_length=64)
    service: ContactServiceConfiguration
    customizations: ContactCustomizations | None = None

    @field_validator("start", mode="after")
    @classmethod
    def _start_minute(cls, value: datetime) -> datetime:
        return floor_minute(value)  # "minutes accuracy rounding down the seconds"

    @field_validator("end", mode="after")
    @classmethod
    def _end_minute(cls, value: datetime) -> datetime:
        return ceil_minute(value)  # "minutes accuracy rounding up the seconds"

    @model_validator(mode="after")
    def _ordered(self) -> ContactCreateRequest:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        return self


class TleFreshness(BaseModel):
    """The element set an answer was computed from (beyond seed 000)."""

    tle_epoch: str | None = Field(default=None, description="Epoch of the spacecraft's current element set, which "
                                  "the passes were predicted from")
    tle_age_days: float | None = Field(default=None, description="Its age at the time of the answer, in days")
    tle_warning: str | None = Field(default=None, description="Present when it is older than the warning "
                                    "threshold")

    @classmethod
    def of(cls, fresh: Freshness | None) -> dict[str, Any]:
        if fresh is None:
            return {}
        return {"tle_epoch": fresh.epoch_iso, "tle_age_days": fresh.age_days_rounded, "tle_warning": fresh.warning}


class ContactId(TleFreshness):
    contact_id: str


class Contact(BaseModel):
    id: str
    spacecraft_id: str
    start: str
    end: str
    site_id: str
    service: ContactServiceConfiguration
    state: ContactState
    customizations: ContactCustomizations | None = None
    state_msg: str | None = None
    last_updated: str


class GetAvailabilityResponse(TleFreshness):
    availability_status: str
    available_time_slot: TimeSlot | None = None


class DataProductsSummary(BaseModel):
    data_products_created_count: int = 0
    data_products_delivered_count: int = 0
    data_products: list[dict[str, Any]] = Field(default_factory=list)


def data_products_summary(products: list[FileRecord]) -> DataProductsSummary:
    """A contact's downlinked files as seed 000's data products (``DataProductStatus``)."""
    return DataProductsSummary(
        data_products_created_count=len(products),
        data_products_delivered_count=sum(f.status == "delivered" for f in products),
        data_products=[{"id": str(f.id), "name": f.s3_key, "status": f.status,
                        "transfer_successful": f.status == "delivered",
                        "last_transfer_attempt_at": iso_ms(f.updated_at)} for f in products],
    )


class PostContactReport(BaseModel):
    contact_id: str
    mission_id: str
    mission_name: str | None
    spacecraft_id: str
    spacecraft_name: str | None
    site_name: str | None
    site_id: str
    contact_service_config_id: str
    contact_service_config_name: str | None
    contact_service_config_description: str | None
    start: str
    end: str
    channels: list[dict[str, Any]]
    antenna_metrics: list[Any]
    aborted: bool
    data_products_summary: DataProductsSummary


def contact_view(b: Booking) -> Contact:
    slot, c = b.slots[0], b.contact
    assert c is not None, "a Space Go contact has its contact part"
    return Contact(
        id=str(b.id), spacecraft_id=c.spacecraft_id, start=iso_minute(slot.start), end=iso_minute(slot.end),
        site_id=slot.gs_id, service=ContactServiceConfiguration(**c.service.model_dump()), state=contact_state(b),
        customizations=ContactCustomizations.model_validate(c.customizations) if c.customizations else None,
        state_msg=b.state_msg, last_updated=iso_ms(b.updated_at),
    )


def _contact_id(raw: str) -> int:
    """Contact ids are the ledger's integer ids; anything else names no contact."""
    if not raw.isdigit() or len(raw) > 12:
        raise SPACEGO_CANCEL.not_found(raw)
    return int(raw)


def _contact_filter(params: dict[str, list[str]]) -> ContactFilter:
    allowed = {"spacecraft_id", "site_id", "state", "start", "end", "last_updated"}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise InvalidRequest(f"unknown query parameter '{unknown[0]}'")
    single = {k: v[-1] for k, v in params.items() if k in ("start", "end", "last_updated")}
    states = set(params.get("state", []))
    bad = sorted(states - set(CONTACT_STATES))
    if bad:
        raise InvalidRequest(f"query parameter 'state': '{bad[0]}' is not one of {', '.join(CONTACT_STATES)}")
    start = parse_query_time("start", single.get("start")) or utcnow()
    end = parse_query_time("end", single.get("end")) or start + DEFAULT_WINDOW
    if end <= start:
        raise InvalidRequest("query parameter 'end': must be after start")
    return ContactFilter(start=start, end=end, spacecraft_ids=frozenset(params.get("spacecraft_id", [])),
                         site_ids=frozenset(params.get("site_id", [])), states=frozenset(states),
                         updated_since=parse_query_time("last_updated", single.get("last_updated")))


# -- routes ----------------------------------------------------------------------------------------------
@router.get("/api/v1/contacts", response_model=list[Contact], response_model_exclude_none=True,
            summary="Get contacts with optional filtering",
            description="Query parameters: `spacecraft_id`, `site_id`, `state` (repeatable), `start` and `end` "
                        f"(ISO 8601 UTC; `start` defaults to now, `end` to `start` + {DEFAULT_WINDOW.days} days), "
                        "`last_updated` (only contacts updated since). Any other parameter is refused with 400.",
            responses=error_responses("spacego", 400, 401, 403))
def list_contacts(request: Request, ledger: Ledger, principal: Principal = caller("contacts.view")) -> list[Contact]:
    return [contact_view(b) for b in ledger.contacts(principal, _contact_filter(query_lists(request)))]


@router.post("/api/v1/contacts", status_code=201, response_model=ContactId, response_model_exclude_none=True,
             summary="Request a contact",
             description="The contact must lie inside one visibility pass of the spacecraft over the site, free of "
                         "other reservations (see `/contacts/availability`), last at most 24 hours and end within "
                         "the spacecraft's booking horizon (at most 14 days from now), and the spacecraft's current "
                         "element set must be no older than the deployment's limit (`GROUNDLINK_TLE_MAX_AGE_DAYS`, "
                         "14 days by default); otherwise 400 naming the limit. The answer names that set's epoch "
                         "and age (`tle_epoch`, `tle_age_days`) and warns past 3 days (`tle_warning`).",
             responses=error_responses("spacego", 400, 401, 403))
def create_contact(body: ContactCreateRequest, ledger: Ledger,
                   principal: Principal = caller("contacts.create")) -> ContactId:
    customizations = body.customizations.model_dump(mode="json", exclude_none=True) if body.customizations else None
    request = ContactRequest(spacecraft_id=body.spacecraft_id, site_id=body.site_id, service_id=body.service.id,
                             start=body.start, end=body.end, customizations=customizations)
    try:
        booking = ledger.book_contact(request, principal)
    except Conflict as refused:
        # seed 000 documents 201/400/401/403 for this operation: a window already reserved or outside every
        # visibility pass is an invalid request here (orbapi answers the same refusals with 409)
        raise InvalidRequest(refused.message) from None
    return ContactId(contact_id=str(booking.id), **TleFreshness.of(ledger.element_set_freshness(booking.norad_id)))


@router.get("/api/v1/contacts/availability", response_model=GetAvailabilityResponse,
            response_model_exclude_none=True,
            summary="Get the availability for a specific spacecraft and service, site and time range",
            description="Required query parameters: `spacecraft_id`, `site_id`, `service_config_id`, `start` and "
                        f"`end` (ISO 8601 UTC). The range `start`–`end` may span at most {AVAILABILITY_SPAN.days} "
                        "days (400 otherwise). The answer names the epoch and age of the element set the passes "
                        "were predicted from (`tle_epoch`, `tle_age_days`; `tle_warning` past 3 days).",
            responses=error_responses("spacego", 400, 401, 403))
def availability(request: Request, ledger: Ledger,
                 principal: Principal = caller("contacts.view")) -> GetAvailabilityResponse:
    params = query_lists(request)
    for name in ("spacecraft_id", "site_id", "service_config_id", "start", "end"):
        if not params.get(name) or not params[name][-1].strip():
            raise InvalidRequest(f"query parameter '{name}' is required")
    start, end = parse_query_time("start", params["start"][-1]), parse_query_time("end", params["end"][-1])
    assert start is not None and end is not None
    if end <= start:
        raise InvalidRequest("query parameter 'end': must be after start")
    a = ledger.availability(params["spacecraft_id"][-1], params["site_id"][-1], params["service_config_id"][-1],
                            start, end, principal)
    slot = TimeSlot(start=iso_minute(a.best.start), end=iso_minute(a.best.end)) if a.best else None
    return GetAvailabilityResponse(availability_status=a.status, available_time_slot=slot,
                                   **TleFreshness.of(a.freshness))


@router.get("/api/v1/contacts/{contact_id}", response_model=Contact, response_model_exclude_none=True,
            summary="Get contact", responses=error_responses("spacego", 400, 401, 403, 404))
def get_contact(contact_id: ContactIdPath, ledger: Ledger, principal: Principal = caller("contacts.view")) -> Contact:
    b = ledger.owned(_contact_id(contact_id), principal, "spacego")
    if b is None:
        raise SPACEGO_CANCEL.not_found(contact_id)
    return contact_view(b)


@router.delete("/api/v1/contacts/{contact_id}", status_code=204, response_class=Response,
               summary="Deletes a contact", responses=error_responses("spacego", 400, 401, 403))
def delete_contact(contact_id: ContactIdPath, ledger: Ledger,
                   principal: Principal = caller("contacts.cancel")) -> Response:
    ledger.cancel(_contact_id(contact_id), principal, SPACEGO_CANCEL)
    return Response(status_code=204)


@router.get("/api/v1/post-contact-reports/{contact_id}", response_model=PostContactReport,
            summary="Get a complete post contact report by contact ID",
            responses=error_responses("spacego", 400, 401, 403, 404))
def post_contact_report(contact_id: ContactIdPath, ledger: Ledger, files: Files,
                        principal: Principal = caller("contacts.view")) -> PostContactReport:
    r = ledger.post_contact_report(_contact_id(contact_id), principal)
    products = files.listing(r.contact, "downlink")  # what the station downlinked, delivered to the client
    b, c, slot = r.contact, r.contact.contact, r.contact.slots[0]
    assert c is not None
    name = r.spacecraft.name if r.spacecraft else None
    return PostContactReport(
        contact_id=str(b.id), mission_id=str(b.id), mission_name=name, spacecraft_id=c.spacecraft_id,
        spacecraft_name=name, site_name=r.site.name if r.site else None, site_id=slot.gs_id,
        contact_service_config_id=c.service.id, contact_service_config_name=c.service.name,
        contact_service_config_description=c.service.description, start=iso_minute(slot.start),
        end=iso_minute(slot.end), channels=[] if r.aborted else c.channels, antenna_metrics=c.antenna_metrics,
        aborted=r.aborted, data_products_summary=data_products_summary(products),
    )
