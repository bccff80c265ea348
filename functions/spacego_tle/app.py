"""Space Go TLE upload (seed 000): the element set joins the satellite's history (never overwritten) and
becomes current when its epoch is the newest."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from functions.spacego_catalog.logic import SpaceGoCatalog
from shared.adapters.dynamo.catalog import catalog_repository
from shared.catalog.importer import element_set_record
from shared.domain.errors import InvalidRequest
from shared.domain.identity import Principal
from shared.http import IdPath, caller, create_app
from shared.timefmt import iso_ms

app = create_app("spacego", "Groundlink Space Go TLE upload")


class TleUpload(BaseModel):
    model_config = ConfigDict(extra="forbid")

    line1: str = Field(min_length=1, max_length=80)
    line2: str = Field(min_length=1, max_length=80)


@app.post("/api/v1/spacecraft/{spacecraft_id}/tle", status_code=201)
def upload_tle(spacecraft_id: IdPath, body: TleUpload, principal: Principal = caller("tle.upload")) -> dict:
    from groundlink_orbit import ElementSetError, parse_tle

    repo = catalog_repository()
    sc = SpaceGoCatalog(repo).spacecraft(spacecraft_id, principal)
    try:
        es = parse_tle(body.line1, body.line2)
    except ElementSetError as exc:
        raise InvalidRequest(f"TLE {exc}") from None
    if sc.norad_id is not None and es.norad_id != sc.norad_id:
        raise InvalidRequest(f"line1: catalogue number {es.norad_id} is not spacecraft '{spacecraft_id}' "
                         f"(NORAD {sc.norad_id})")
    outcome = repo.add_element_set(element_set_record(es, source="spacego-upload", uploaded_by=principal.subject))
    return {"line1": es.line1, "line2": es.line2, "epoch": iso_ms(es.epoch_utc), "current": outcome == "current",
            "duplicate": outcome == "duplicate"}
