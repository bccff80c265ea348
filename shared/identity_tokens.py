"""Creating ``dsn_live_`` API tokens from operator code (CLI, local runtime, tests): the domain's
``ApiTokens.create`` over the DynamoDB store. The rules live in ``shared.domain.identity.tokens``."""

from __future__ import annotations

from collections.abc import Sequence

from shared.auth import api_tokens
from shared.domain.identity.tokens import ApiTokenRecord, NewApiToken

# The request's former name (the admin surface's body schema derives from it).
CreateApiTokenRequest = NewApiToken


def create_api_token(owner: str, scopes: Sequence[str], name: str = "") -> tuple[str, ApiTokenRecord]:
    """Returns the plaintext token (shown once) and the stored record; a request the rules refuse raises
    ``InvalidRequest`` with the message the admin API gives."""
    issued = api_tokens().create(owner, scopes, name)
    return issued.token, issued.record
