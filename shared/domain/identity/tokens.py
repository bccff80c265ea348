"""Scoped API tokens (``dsn_live_…``): the stored record and the rules a new token must satisfy.

Only the SHA-256 of a token is stored (``token_hash``); the plaintext exists once, in the answer to its
creation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCOPE_PATTERN = r"^[a-z][a-z0-9-]*([.:][a-z0-9-]+)*$"
USER_OWNER_PREFIX = "user-"
STATION_OWNER_PREFIX = "station-"
OAUTH_OWNER_PREFIX = "oauth-"
STATION_SCOPE = "station"


class ApiTokenRecord(BaseModel):
    """A stored API token (never its plaintext)."""

    token_id: str
    token_hash: str
    owner: str
    name: str = ""
    scopes: list[str]
    created_at: datetime
    revoked: bool = False
    revoked_at: datetime | None = None


class NewApiToken(BaseModel):
    """What a new token must be: an owner that cannot pass for someone else, well-formed scopes, and the
    station rule (a ``station-<gs_id>`` owner has exactly the scope ``station``, and only it)."""

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
        if v.startswith(USER_OWNER_PREFIX):
            raise ValueError("'user-' owners are SSA accounts: API tokens cannot be issued for them")
        if v.startswith(OAUTH_OWNER_PREFIX):
            raise ValueError("'oauth-' owners are OAuth clients: API tokens cannot be issued for them")
        return v

    @model_validator(mode="after")
    def _stations(self) -> NewApiToken:
        if self.owner.startswith(STATION_OWNER_PREFIX) and self.scopes != [STATION_SCOPE]:
            raise ValueError("a 'station-<gs_id>' owner is a ground station: its token has exactly the scope 'station'")
        if STATION_SCOPE in self.scopes and not self.owner.startswith(STATION_OWNER_PREFIX):
            raise ValueError("the 'station' scope is only for 'station-<gs_id>' owners")
        return self

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if len(s) > 100 or not re.fullmatch(SCOPE_PATTERN, s)]
        if bad:
            raise ValueError(f"invalid scope(s) {bad}: each must match {SCOPE_PATTERN} (at most 100 characters)")
        return list(dict.fromkeys(v))


def describe_errors(errors: Sequence[Any]) -> str:
    """pydantic errors of a ``NewApiToken`` as one sentence, worded like the API's request validation
    (``field 'owner': must not be blank ...``)."""
    out = []
    for err in errors:
        msg = str(err.get("msg", "invalid")).removeprefix("Value error, ")
        loc = ".".join(str(p) for p in err.get("loc", ()))
        out.append(f"field '{loc}': {msg}" if loc else f"request body: {msg}")
    return "; ".join(out) or "invalid request"
