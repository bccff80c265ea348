from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from shared.domain.identity import Principal
from shared.http import IdPath, caller
from shared.surfaces.openapi import error_responses

router = APIRouter(prefix="/api/v1", tags=["Scheduling"])


class ContactId(BaseModel):
    contact_id: str


class ContactCreateRequest(BaseModel):
    spacecraft_id: str
    site_id: str


@router.get("/contacts/{contact_id}", response_model=ContactId, summary="Get contact",
            responses=error_responses("spacego", 400, 401, 403, 404))
def get_contact(contact_id: IdPath, principal: Principal = caller("contacts.view")) -> ContactId:
    return ContactId(contact_id=contact_id)


@router.post("/contacts", status_code=201, response_model=ContactId, summary="Request a contact",
             responses=error_responses("spacego", 401, 403))
def create_contact(body: ContactCreateRequest, principal: Principal = caller("contacts.create")) -> ContactId:
    return ContactId(contact_id="1")
