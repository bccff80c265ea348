"""Space Go TLEs (seed 000, "Tle"): the spacecraft's current element set, and uploads that join the
satellite's history (never overwritten) and become current when their epoch is the newest.

Two routers because two functions serve them: reading needs no orbit core, uploading parses the set.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from shared.domain.identity import Principal
from shared.http import IdPath, caller
from shared.surfaces.catalog_service import Catalog
from shared.surfaces.openapi import error_responses
from shared.surfaces.spacego.views import Tle, tle_view
from shared.timefmt import iso_ms, utcnow
from shared.wiring import ledger as ledger_wiring

view_router = APIRouter()
upload_router = APIRouter()


class TleUpload(BaseModel):
    """Seed 000 ``TLE`` as a request body."""

    model_config = ConfigDict(extra="forbid")

    line1: str = Field(min_length=1, max_length=80)
    line2: str = Field(min_length=1, max_length=80)


class TleAccepted(BaseModel):
    """The seed documents no 201 body; Groundlink answers the stored set and what storing it did."""

    line1: str
    line2: str
    epoch: str
    current: bool
    duplicate: bool


class CurrentTle(Tle):
    """Seed 000 ``TLE``, with its epoch and age (beyond the seed)."""

    tle_epoch: str = Field(description="Epoch of this element set")
    tle_age_days: float = Field(description="Its age now, in days")
    tle_warning: str | None = Field(default=None, description="Present when it is older than the warning threshold")


@view_router.get("/api/v1/spacecraft/{spacecraft_id}/tle", response_model=CurrentTle, response_model_exclude_none=True,
                 responses=error_responses("spacego", 400, 401, 403, 404), tags=["Tle"],
                 summary="Get the current TLE for the spacecraft", operation_id="get_tle")
def get_spacecraft_tle(spacecraft_id: IdPath, catalog: Catalog,
                       principal: Annotated[Principal, caller("tle.view")]) -> dict[str, object]:
    es = catalog.current_element_set(spacecraft_id, principal)
    fresh = catalog.freshness.of(es.epoch, utcnow())
    return {**tle_view(es), "tle_epoch": fresh.epoch_iso, "tle_age_days": fresh.age_days_rounded,
            "tle_warning": fresh.warning}


@upload_router.post("/api/v1/spacecraft/{spacecraft_id}/tle", status_code=201, response_model=TleAccepted,
                    responses=error_responses("spacego", 400, 401, 403), tags=["Tle"],
                    summary="Upload a TLE to be use for the spacecraft contacts", operation_id="upload_tle")
def upload_tle(spacecraft_id: IdPath, body: TleUpload, catalog: Catalog,
               principal: Annotated[Principal, caller("tle.upload")]) -> dict[str, object]:
    done = catalog.upload_tle(spacecraft_id, body.line1, body.line2, principal)
    if done.outcome == "current" and done.norad_id is not None:
        # the satellite's future reservations, predicted again from the new set (bounded; see README "Lifecycle")
        ledger_wiring.recheck_after_new_elements([done.norad_id])
    return {"line1": done.line1, "line2": done.line2, "epoch": iso_ms(done.epoch),
            "current": done.outcome == "current", "duplicate": done.outcome == "duplicate"}
