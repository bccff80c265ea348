"""Administration of orbapi ``dsn_live_`` API tokens: create (plaintext shown once), list, revoke.

Only the SHA-256 of a token is stored; no response ever carries the hash, and the plaintext only in the
create response.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.auth import Principal
from shared.dal.identity import ApiTokenRecord, IdentityRepository
from shared.errors import Forbidden, NotFound
from shared.identity_tokens import create_api_token
from shared.timefmt import iso_ms

SCOPE_PATTERN = r"^[a-z][a-z0-9-]*([.:][a-z0-9-]+)*$"


class CreateApiTokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str = Field(min_length=1, max_length=200, description="subject the token authenticates as")
    scopes: list[str] = Field(min_length=1, max_length=50)
    name: str = Field(default="", max_length=200)

    @field_validator("owner")
    @classmethod
    def _owner_not_blank(cls, v: str) -> str:
        if v != v.strip() or not v:
            raise ValueError("must not be blank or have leading/trailing whitespace")
        return v

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if len(s) > 100 or not re.fullmatch(SCOPE_PATTERN, s)]
        if bad:
            raise ValueError(f"invalid scope(s) {bad}: each must match {SCOPE_PATTERN} (at most 100 characters)")
        return list(dict.fromkeys(v))


def require_admin(principal: Principal) -> Principal:
    if not principal.is_admin:
        raise Forbidden("the token does not grant the required scope 'admin'", code="NOT-AUTHORIZED")
    return principal


def _iso(ts: datetime | None) -> str | None:
    return None if ts is None else iso_ms(ts)


def token_view(record: ApiTokenRecord) -> dict[str, Any]:
    return {
        "tokenId": record.token_id,
        "owner": record.owner,
        "scopes": list(record.scopes),
        "name": record.name,
        "createdAt": _iso(record.created_at),
        "revoked": record.revoked,
        "revokedAt": _iso(record.revoked_at),
    }


class TokenAdmin:
    def __init__(self, identity: IdentityRepository) -> None:
        self.identity = identity

    def create(self, request: CreateApiTokenRequest) -> dict[str, Any]:
        token, record = create_api_token(request.owner, request.scopes, request.name)
        view = token_view(record)
        return {"token": token, **{k: view[k] for k in ("tokenId", "owner", "scopes", "name", "createdAt")}}

    def list(self, owner: str | None) -> list[dict[str, Any]]:
        return [token_view(r) for r in self.identity.list_api_tokens(owner)]

    def revoke(self, token_id: str) -> dict[str, Any]:
        """Idempotent: revoking a revoked token changes nothing (the first ``revokedAt`` is kept)."""
        if self.identity.revoke_api_token(token_id) is None:
            raise NotFound(f"API token {token_id} not found")
        return {"status": "success", "tokenId": token_id, "revoked": True}
