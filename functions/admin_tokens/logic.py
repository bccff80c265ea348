"""Administration of orbapi ``dsn_live_`` API tokens: create (plaintext shown once), list, revoke.

Only the SHA-256 of a token is stored; no response ever carries the hash, and the plaintext only in the
create response.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from shared.adapters.dynamo.identity import ApiTokenRecord, IdentityRepository
from shared.domain.errors import NotFound, NotPermitted
from shared.domain.identity import Principal
from shared.identity_tokens import CreateApiTokenRequest, create_api_token  # noqa: F401 (re-exported)
from shared.timefmt import iso_ms


def require_admin(principal: Principal) -> Principal:
    if not principal.is_admin:
        raise NotPermitted("the token does not grant the required scope 'admin'", code="NOT-AUTHORIZED")
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
