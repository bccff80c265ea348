"""What the identity use cases need from the outside world (implemented in ``shared.adapters``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.domain.identity.accounts import User
from shared.domain.identity.oauth import OAuthClientRecord
from shared.domain.identity.throttle import LoginCounter
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

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        """Replace the stored hash (re-hashing under today's scheme after a successful login)."""
        ...


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

    def needs_rehash(self, stored: str) -> bool:
        """True when ``stored`` was made by an older scheme or with other parameters than today's."""
        ...

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


class LoginCounterStore(Protocol):
    """Failed-login counters, one per key (``account:<email>``, ``address:<ip>``), that expire by themselves
    (DynamoDB TTL). A counter whose ``expires_at`` has passed is absent, whether or not it was deleted yet."""

    def get_counter(self, key: str, now: datetime) -> LoginCounter | None: ...

    def add_failure(self, key: str, now: datetime, window_s: int) -> LoginCounter:
        """Count one failure (atomically); an absent counter starts a window of ``window_s`` at ``now``."""
        ...

    def lock(self, key: str, until: datetime) -> None:
        """Lock the key until ``until`` (the counter then expires at ``until``)."""
        ...

    def clear(self, key: str) -> None: ...


class OAuthClientStore(Protocol):
    """OAuth 2.0 clients (client-credentials grant), found by ``client_id``."""

    def put_oauth_client(self, record: OAuthClientRecord) -> None:
        """Raises ``Conflict`` when the ``client_id`` exists."""
        ...

    def get_oauth_client(self, client_id: str) -> OAuthClientRecord | None: ...

    def list_oauth_clients(self) -> list[OAuthClientRecord]:
        """Oldest first."""
        ...

    def revoke_oauth_client(self, client_id: str) -> OAuthClientRecord | None:
        """Mark revoked (idempotent: the first ``revoked_at`` is kept); ``None`` when unknown."""
        ...


class ClientTokenIssuer(Protocol):
    """Access tokens for OAuth clients (a Groundlink JWT whose scopes are the granted ones)."""

    @property
    def access_ttl_s(self) -> int: ...

    def client_access_token(self, client_id: str, scopes: Sequence[str]) -> str: ...
