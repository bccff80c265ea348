"""OAuth 2.0 clients (RFC 6749 §4.4, client-credentials grant): the stored client and what a new one must
be. Only the SHA-256 of a client secret is stored; the plaintext exists once, in the answer to its
registration. A client's ``client_id`` is also the subject of the tokens it obtains (``oauth-…``)."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from shared.domain.identity.tokens import SCOPE_PATTERN, STATION_SCOPE

OAUTH_CLIENT_PREFIX = "oauth-"

# RFC 6749 §5.2 error codes, carried as the domain errors' ``code``.
INVALID_REQUEST = "invalid_request"
INVALID_CLIENT = "invalid_client"
INVALID_SCOPE = "invalid_scope"
UNSUPPORTED_GRANT_TYPE = "unsupported_grant_type"


class OAuthClientRecord(BaseModel):
    """A registered client (never its secret)."""

    client_id: str
    secret_hash: str
    name: str = ""
    scopes: list[str]
    created_at: datetime
    revoked: bool = False
    revoked_at: datetime | None = None


class NewOAuthClient(BaseModel):
    """A client as asked for: a name and the scopes it may be granted (1-50, well-formed, not ``station``)."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(default="", max_length=200, description="what the client is, for operators")
    scopes: list[str] = Field(min_length=1, max_length=50,
                              description="the scopes the client may request (it gets all of them by default)")

    @field_validator("scopes")
    @classmethod
    def _scopes(cls, v: list[str]) -> list[str]:
        bad = [s for s in v if len(s) > 100 or not re.fullmatch(SCOPE_PATTERN, s)]
        if bad:
            raise ValueError(f"invalid scope(s) {bad}: each must match {SCOPE_PATTERN} (at most 100 characters)")
        if STATION_SCOPE in v:
            raise ValueError("the 'station' scope is only for station API tokens")
        return list(dict.fromkeys(v))
