"""Login throttling: a failed-login counter per account and per client address, and its lock-out."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel


class LoginCounter(BaseModel):
    """Failures counted for one key within a window; ``locked_until`` set once the limit was reached."""

    key: str
    count: int
    expires_at: datetime
    locked_until: datetime | None = None


def account_key(email_key: str) -> str:
    return f"account:{email_key}"


def address_key(address: str) -> str:
    return f"address:{address}"
