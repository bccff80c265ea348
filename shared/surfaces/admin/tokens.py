"""Token administration (``/admin/api-tokens``): Groundlink's own endpoints, not in a seed. They answer
errors with the orbapi body ``{"error": "..."}`` and need the ``admin`` scope or a service caller.

Only the SHA-256 of a token is stored; no response carries the hash, and the plaintext only the create
response."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel

from shared.domain.identity import Principal
from shared.domain.identity.service import ApiTokens, IssuedToken, require_admin
from shared.domain.identity.tokens import ApiTokenRecord, NewApiToken
from shared.http import caller
from shared.surfaces.openapi import error_responses
from shared.timefmt import iso_ms
from shared.wiring.identity import api_tokens_service


def _admin(principal: Annotated[Principal, caller()]) -> Principal:
    return require_admin(principal)


router = APIRouter(tags=["API token administration"], dependencies=[Depends(_admin)])


TokensService = Annotated[ApiTokens, Depends(api_tokens_service)]


class CreateApiTokenRequest(NewApiToken):
    """``owner`` (letters, digits, ``_ . @ -``; not ``user-…``; ``station-<gs_id>`` only with the scope
    ``station``), ``scopes`` (1-50), optional ``name``."""


class ApiTokenCreated(BaseModel):
    token: str
    tokenId: str  # noqa: N815 (wire name)
    owner: str
    scopes: list[str]
    name: str
    createdAt: str  # noqa: N815


class ApiTokenOut(BaseModel):
    tokenId: str  # noqa: N815
    owner: str
    scopes: list[str]
    name: str
    createdAt: str | None  # noqa: N815
    revoked: bool
    revokedAt: str | None  # noqa: N815


class ApiTokenList(BaseModel):
    tokens: list[ApiTokenOut]


class ApiTokenRevoked(BaseModel):
    status: str
    tokenId: str  # noqa: N815
    revoked: bool


def _iso(ts: datetime | None) -> str | None:
    return None if ts is None else iso_ms(ts)


def token_view(record: ApiTokenRecord) -> ApiTokenOut:
    return ApiTokenOut(tokenId=record.token_id, owner=record.owner, scopes=list(record.scopes), name=record.name,
                       createdAt=_iso(record.created_at), revoked=record.revoked, revokedAt=_iso(record.revoked_at))


def created_view(issued: IssuedToken) -> ApiTokenCreated:
    r = issued.record
    return ApiTokenCreated(token=issued.token, tokenId=r.token_id, owner=r.owner, scopes=list(r.scopes), name=r.name,
                           createdAt=iso_ms(r.created_at))


@router.post("/admin/api-tokens", status_code=201, response_model=ApiTokenCreated, summary="Create API token",
             operation_id="create_api_token", responses=error_responses("orbapi", 400, 401, 403))
def create_token(body: CreateApiTokenRequest, tokens: TokensService) -> ApiTokenCreated:
    return created_view(tokens.create(body.owner, body.scopes, body.name))


@router.get("/admin/api-tokens", response_model=ApiTokenList, summary="List API tokens",
            operation_id="list_api_tokens", responses=error_responses("orbapi", 400, 401, 403))
def list_tokens(tokens: TokensService,
                owner: Annotated[str | None, Query(min_length=1, max_length=200)] = None) -> ApiTokenList:
    return ApiTokenList(tokens=[token_view(r) for r in tokens.list_tokens(owner)])


@router.delete("/admin/api-tokens/{tokenId}", response_model=ApiTokenRevoked, summary="Revoke API token",
               operation_id="revoke_api_token", responses=error_responses("orbapi", 400, 401, 403, 404))
def revoke_token(tokenId: Annotated[str, Path(min_length=1, max_length=64)],  # noqa: N803 (wire name)
                 tokens: TokensService) -> ApiTokenRevoked:
    tokens.revoke(tokenId)
    return ApiTokenRevoked(status="success", tokenId=tokenId, revoked=True)
