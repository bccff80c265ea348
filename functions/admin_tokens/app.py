"""Token administration endpoints (``/admin/api-tokens``); orbapi error format; ``admin`` scope or a service
caller required."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Path, Query

from functions.admin_tokens.logic import CreateApiTokenRequest, TokenAdmin, require_admin
from shared.adapters.dynamo.identity import identity_repository
from shared.domain.identity import Principal
from shared.http import caller, create_app

app = create_app("orbapi", "Groundlink API token administration")


def _admin(principal: Annotated[Principal, caller()]) -> Principal:
    return require_admin(principal)


Admin = Depends(_admin)


def admin() -> TokenAdmin:
    return TokenAdmin(identity_repository())


@app.post("/admin/api-tokens", status_code=201, dependencies=[Admin])
def create_token(body: CreateApiTokenRequest) -> dict:
    return admin().create(body)


@app.get("/admin/api-tokens", dependencies=[Admin])
def list_tokens(owner: Annotated[str | None, Query(min_length=1, max_length=200)] = None) -> dict:
    return {"tokens": admin().list(owner)}


@app.delete("/admin/api-tokens/{tokenId}", dependencies=[Admin])
def revoke_token(tokenId: Annotated[str, Path(min_length=1, max_length=64)]) -> dict:  # noqa: N803
    return admin().revoke(tokenId)
