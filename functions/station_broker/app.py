"""Station command broker (``/stations/v1``) and the orbapi station status (seed 001)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from functions.station_broker.logic import Broker
from functions.station_broker.models import ContactResult
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.files import file_repository
from shared.adapters.dynamo.ledger import ledger_repository
from shared.adapters.dynamo.stations import station_repository
from shared.aws import client
from shared.domain.identity import Principal
from shared.http import IdPath, caller, create_app
from shared.settings import get_settings

app = create_app("orbapi", "Groundlink station command broker")

BookingId = Annotated[int, Path(ge=1, le=10**12, description="booking id")]


def broker() -> Broker:
    settings = get_settings()
    return Broker(catalog_repository(), ledger_repository(), station_repository(), file_repository(), client("s3"),
                  settings.uplink_bucket, settings.presigned_url_ttl_s)


@app.get("/stations/v1/commands")
def commands(principal: Principal = caller()) -> dict:
    return broker().commands(principal)


@app.post("/stations/v1/contacts/{bookingId}/result")
def contact_result(bookingId: BookingId, result: ContactResult,  # noqa: N803
                   principal: Principal = caller()) -> dict:
    return broker().report(bookingId, result, principal)


@app.get("/orbapi/gs/id/{id}/status")
def station_status(id: IdPath, principal: Principal = caller()) -> dict:  # noqa: A002
    return broker().status(id, get_settings().station_online_threshold_s)
