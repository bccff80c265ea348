"""orbapi bookings (seed 001)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Header, Path, Request

from functions.orbapi_bookings.logic import Bookings
from functions.orbapi_bookings.models import BookingRequest
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.ledger import ledger_repository
from shared.domain.identity import Principal
from shared.http import caller, create_app
from shared.idempotency import run_idempotent

app = create_app("orbapi", "Groundlink orbapi bookings")

BookingId = Annotated[int, Path(ge=1, le=10**12, description="booking id")]


def bookings() -> Bookings:
    return Bookings(catalog_repository(), ledger_repository())


@app.post("/orbapi/bookings", status_code=201)
def create_booking(
    request: BookingRequest,
    http: Request,
    principal: Principal = caller("bookings:create"),
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> dict:
    return run_idempotent("orbapi-bookings", idempotency_key, principal.subject, request.model_dump(mode="json"),
                          lambda: bookings().create(request, principal), http.scope.get("aws.context"))


@app.get("/orbapi/bookings")
def list_bookings(principal: Principal = caller()) -> dict:
    return bookings().list(principal)


@app.delete("/orbapi/bookings/{bookingId}")
def cancel_booking(bookingId: BookingId, principal: Principal = caller("bookings:cancel")) -> dict:  # noqa: N803
    return bookings().cancel(bookingId, principal)
