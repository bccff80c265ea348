"""OAuth client administration (``/admin/oauth-clients``): Groundlink's own endpoints, not in a seed, in the
style of ``/admin/api-tokens`` (orbapi error body ``{"error": "..."}``; ``admin`` scope or a service caller).

A client's secret is shown once, in the answer to its registration; only its SHA-256 is stored."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path
from pydantic import BaseModel

from shared.domain.identity import Principal
from shared.domain.identity.oauth import NewOAuthClient, OAuthClientRecord
from shared.domain.identity.service import OAuthClients, RegisteredClient, require_admin
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.timefmt import iso_ms
from shared.wiring.identity import oauth_clients_service


def _admin(principal: Annotated[Principal, caller()]) -> Principal:
    return require_admin(principal)


router = APIRouter(tags=["OAuth client administration"], dependencies=[Depends(_admin)])

ClientsService = Annotated[OAuthClients, Depends(oauth_clients_service)]


class CreateOAuthClientRequest(NewOAuthClient):
    """``scopes`` the client may be granted (1-50; not ``station``), optional ``name``."""


class OAuthClientCreated(BaseModel):
    clientId: str  # noqa: N815 (wire name)
    clientSecret: str  # noqa: N815
    name: str
    scopes: list[str]
    createdAt: str  # noqa: N815
    tokenUrl: str  # noqa: N815


class OAuthClientOut(BaseModel):
    clientId: str  # noqa: N815
    name: str
    scopes: list[str]
    createdAt: str | None  # noqa: N815
    revoked: bool
    revokedAt: str | None  # noqa: N815


class OAuthClientList(BaseModel):
    clients: list[OAuthClientOut]


class OAuthClientRevoked(BaseModel):
    status: str
    clientId: str  # noqa: N815
    revoked: bool


TOKEN_PATH = "/oauth2/token"


def _iso(ts: datetime | None) -> str | None:
    return None if ts is None else iso_ms(ts)


def client_view(record: OAuthClientRecord) -> OAuthClientOut:
    return OAuthClientOut(clientId=record.client_id, name=record.name, scopes=list(record.scopes),
                          createdAt=_iso(record.created_at), revoked=record.revoked, revokedAt=_iso(record.revoked_at))


def created_view(registered: RegisteredClient) -> OAuthClientCreated:
    r = registered.record
    return OAuthClientCreated(clientId=r.client_id, clientSecret=registered.client_secret, name=r.name,
                              scopes=list(r.scopes), createdAt=iso_ms(r.created_at), tokenUrl=TOKEN_PATH)


@router.post("/admin/oauth-clients", status_code=201, response_model=OAuthClientCreated,
             summary="Register OAuth client", operation_id="create_oauth_client",
             description="The secret is in this answer only; exchange it at `POST /oauth2/token` "
                         "(client-credentials grant).",
             responses=error_responses("orbapi", 400, 401, 403))
def create_client(body: CreateOAuthClientRequest, clients: ClientsService) -> OAuthClientCreated:
    return created_view(clients.register(body.scopes, body.name))


@router.get("/admin/oauth-clients", response_model=OAuthClientList, summary="List OAuth clients",
            operation_id="list_oauth_clients", responses=error_responses("orbapi", 401, 403))
def list_clients(clients: ClientsService) -> OAuthClientList:
    return OAuthClientList(clients=[client_view(r) for r in clients.list_clients()])


@router.delete("/admin/oauth-clients/{clientId}", response_model=OAuthClientRevoked, summary="Revoke OAuth client",
               operation_id="revoke_oauth_client",
               description="The client obtains no more tokens; tokens already issued expire on their own.",
               responses=error_responses("orbapi", 400, 401, 403, 404))
def revoke_client(clientId: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: N803 (wire name)
                  clients: ClientsService) -> OAuthClientRevoked:
    clients.revoke(clientId)
    return OAuthClientRevoked(status="success", clientId=clientId, revoked=True)
