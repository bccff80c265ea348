"""Creating, listing and revoking ``dsn_live_`` API tokens (only the hash is stored)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.auth import hash_api_token, new_api_token
from shared.dal.identity import ApiTokenRecord, identity_repository


def create_api_token(owner: str, scopes: list[str], name: str = "") -> tuple[str, ApiTokenRecord]:
    """Returns the plaintext token (shown once) and the stored record."""
    token = new_api_token()
    record = ApiTokenRecord(
        token_id=uuid.uuid4().hex[:16],
        token_hash=hash_api_token(token),
        owner=owner,
        name=name,
        scopes=list(scopes),
        created_at=datetime.now(UTC),
    )
    identity_repository().put_api_token(record)
    return token, record
