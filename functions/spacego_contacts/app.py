"""Space Go contacts, availability and post-contact reports (seed 000)."""

from __future__ import annotations

from fastapi import Request, Response

from functions.spacego_catalog.app import query_lists
from functions.spacego_contacts.logic import Contacts
from functions.spacego_contacts.models import ContactCreateRequest
from shared.adapters.dynamo.catalog import catalog_repository
from shared.adapters.dynamo.ledger import ledger_repository
from shared.domain.identity import Principal
from shared.http import caller, create_app

app = create_app("spacego", "Groundlink Space Go contacts")


def contacts() -> Contacts:
    return Contacts(catalog_repository(), ledger_repository())


@app.get("/api/v1/contacts")
def list_contacts(request: Request, principal: Principal = caller("contacts.view")) -> list[dict]:
    return contacts().list(query_lists(request), principal)


@app.post("/api/v1/contacts", status_code=201)
def create_contact(body: ContactCreateRequest, principal: Principal = caller("contacts.create")) -> dict:
    return contacts().create(body, principal)


@app.get("/api/v1/contacts/availability")
def availability(request: Request, principal: Principal = caller("contacts.view")) -> dict:
    return contacts().availability(query_lists(request), principal)


@app.get("/api/v1/contacts/{contact_id}")
def get_contact(contact_id: str, principal: Principal = caller("contacts.view")) -> dict:
    return contacts().get(contact_id, principal)


@app.delete("/api/v1/contacts/{contact_id}", status_code=204)
def delete_contact(contact_id: str, principal: Principal = caller("contacts.cancel")) -> Response:
    contacts().delete(contact_id, principal)
    return Response(status_code=204)


@app.get("/api/v1/post-contact-reports/{contact_id}")
def post_contact_report(contact_id: str, principal: Principal = caller("contacts.view")) -> dict:
    return contacts().post_contact_report(contact_id, principal)
