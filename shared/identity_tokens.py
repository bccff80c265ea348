"""Creating, listing and revoking ``dsn_live_`` API tokens (only the hash is stored)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from shared.adapters.dynamo.identity import ApiTokenRecord, identity_repository
from shared.auth import hash_api_token, new_api_token

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
        if not re.fullmatch(r"[A-Za-z0-9_.@-]+", v):
            raise ValueError("may contain only letters, digits and _ . @ - (it names the owner's S3 prefix)")
        if v.startswith("user-"):
            raise ValueError("'user-' owners are SSA accounts: API tokens cannot be issued for them")
        return v

    @model_validator(mode="after")
    def _stations(self) -> CreateApiTokenRequest:
        if self.owner.startswith("station-") and self.scopes != ["station"]:
            raise ValueError("a 'station-<gs_id>' owner is a ground station: its token has exactly the scope 'station'")
        if "station" in self.scopes and not self.owner.startswith("station-"):
            raise ValueError("the 'station' scope is only for 'station-<gs_id>' owners")
        return self

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if len(s) > 100 or not re.fullmatch(SCOPE_PATTERN, s)]
        if bad:
            raise ValueError(f"invalid scope(s) {bad}: each must match {SCOPE_PATTERN} (at most 100 characters)")
        return list(dict.fromkeys(v))


def create_api_token(owner: str, scopes: list[str], name: str = "") -> tuple[str, ApiTokenRecord]:
    """Returns the plaintext token (shown once) and the stored record. The same validation applies
    whichever way a token is created (admin endpoint or CLI); a bad request raises BadRequest."""
    try:
        request = CreateApiTokenRequest(owner=owner, scopes=list(scopes), name=name)
    except ValidationError as exc:
        from shared.domain.errors import InvalidRequest
        from shared.errors import describe_validation

        raise InvalidRequest(describe_validation([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()])) from None
    token = new_api_token()
    record = ApiTokenRecord(
        token_id=uuid.uuid4().hex[:16],
        token_hash=hash_api_token(token),
        owner=request.owner,
        name=request.name,
        scopes=request.scopes,
        created_at=datetime.now(UTC),
    )
    identity_repository().put_api_token(record)
    return token, record
