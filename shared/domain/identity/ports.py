"""What the identity use cases need from the outside world (implemented in ``shared.adapters``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.domain.identity.accounts import User
from shared.domain.identity.tokens import ApiTokenRecord


class AccountStore(Protocol):
    """SSA user accounts. Emails and names are unique, case-insensitively."""

    def create_user(self, user: User) -> User:
        """Store a new user under a fresh id (the ``id`` passed in is ignored) and return it with that id.
        Raises ``Conflict`` when the email or the name is taken."""
        ...

    def get_user(self, user_id: int) -> User | None: ...

    def find_by_email(self, email: str) -> User | None:
        """Case-insensitive."""
        ...

    def set_active(self, user_id: int, active: bool) -> None: ...


class ApiTokenStore(Protocol):
    """API-token records, found by the hash of the presented token."""

    def find_api_token(self, token_hash: str) -> ApiTokenRecord | None: ...

    def put_api_token(self, record: ApiTokenRecord) -> None: ...

    def list_api_tokens(self, owner: str | None = None) -> list[ApiTokenRecord]:
        """Oldest first; only ``owner``'s when given."""
        ...

    def revoke_api_token(self, token_id: str) -> ApiTokenRecord | None:
        """Mark revoked (idempotent: the first ``revoked_at`` is kept); ``None`` when unknown."""
        ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...

    def verify(self, password: str, stored: str) -> bool: ...

    def burn(self, password: str) -> None:
        """The work of one verification, for unknown accounts (the answer time does not reveal them)."""
        ...


@dataclass(frozen=True)
class RefreshClaims:
    """What a valid refresh token says: its subject."""

    subject: str


class TokenIssuer(Protocol):
    """Signed session tokens (JWT access and refresh tokens)."""

    @property
    def access_ttl_s(self) -> int: ...

    def access_token(self, subject: str, scopes: Sequence[str], user_id: int) -> str: ...

    def refresh_token(self, subject: str, user_id: int) -> str: ...

    def read_refresh_token(self, token: str) -> RefreshClaims:
        """Raises ``NotAuthenticated`` when the token is expired, forged or not a refresh token."""
        ...


class ApiTokenSecrets(Protocol):
    """Fresh API-token plaintexts and the one-way digest under which they are stored."""

    def new_token(self) -> str: ...

    def digest(self, token: str) -> str: ...


class Clock(Protocol):
    def now(self) -> datetime:
        """Aware UTC."""
        ...
