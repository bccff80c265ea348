"""Identity use cases: SSA accounts (register, log in, refresh, who am I) and API tokens (create, list,
revoke, authenticate). Errors are domain errors; wire shapes are the surfaces' business."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import ValidationError

from shared.domain.errors import InvalidRequest, NotAuthenticated, NotFound, NotPermitted
from shared.domain.identity.accounts import Registration, User, user_id_of
from shared.domain.identity.ports import (
    AccountStore,
    ApiTokenSecrets,
    ApiTokenStore,
    Clock,
    PasswordHasher,
    TokenIssuer,
)
from shared.domain.identity.principal import Principal
from shared.domain.identity.tokens import ApiTokenRecord, NewApiToken, describe_errors

INVALID_CREDENTIALS = "Invalid credentials"


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass(frozen=True)
class Session:
    """A successful login."""

    access_token: str
    refresh_token: str
    expires_in_s: int
    user: User


@dataclass(frozen=True)
class AccessGrant:
    """A refreshed access token."""

    access_token: str
    expires_in_s: int


@dataclass(frozen=True)
class IssuedToken:
    """A new API token: its plaintext (shown once) and the stored record."""

    token: str
    record: ApiTokenRecord


def require_admin(principal: Principal) -> Principal:
    """Administration needs the ``admin`` scope or a service caller."""
    if not principal.is_admin:
        raise NotPermitted("the token does not grant the required scope 'admin'", code="NOT-AUTHORIZED")
    return principal


class Accounts:
    """SSA user accounts."""

    def __init__(self, store: AccountStore, passwords: PasswordHasher, tokens: TokenIssuer,
                 clock: Clock | None = None) -> None:
        self.store = store
        self.passwords = passwords
        self.tokens = tokens
        self.clock = clock or SystemClock()

    def register(self, registration: Registration) -> User:
        """Raises ``Conflict`` when the email or the name is taken (case-insensitively)."""
        user = User(
            id=0,
            email=registration.email,
            name=registration.name,
            password_hash=self.passwords.hash(registration.password),
            date_joined=self.clock.now().replace(microsecond=0),
        )
        return self.store.create_user(user)

    def _access_token(self, user: User) -> str:
        return self.tokens.access_token(user.subject, user.scopes, user.id)

    def login(self, email: str, password: str) -> Session:
        """Unknown email, wrong password and inactive account answer alike (same message, same work)."""
        user = self.store.find_by_email(email)
        if user is None:
            self.passwords.burn(password)
            raise NotAuthenticated(INVALID_CREDENTIALS)
        if not self.passwords.verify(password, user.password_hash) or not user.is_active:
            raise NotAuthenticated(INVALID_CREDENTIALS)
        return Session(
            access_token=self._access_token(user),
            refresh_token=self.tokens.refresh_token(user.subject, user.id),
            expires_in_s=self.tokens.access_ttl_s,
            user=user,
        )

    def refresh(self, refresh_token: str) -> AccessGrant:
        """A new access token whose scopes come from the user's current record, not from the old token."""
        subject = self.tokens.read_refresh_token(refresh_token).subject  # NotAuthenticated when invalid
        user_id = user_id_of(subject)
        if user_id is None:
            raise NotAuthenticated("the refresh token was not issued to a user")
        user = self.store.get_user(user_id)
        if user is None or not user.is_active:
            raise NotAuthenticated("the user account no longer exists or is inactive")
        return AccessGrant(access_token=self._access_token(user), expires_in_s=self.tokens.access_ttl_s)

    def user_of(self, subject: str) -> User | None:
        """The account behind a principal's subject (``user-<id>``); ``None`` for other subjects."""
        user_id = user_id_of(subject)
        return None if user_id is None else self.store.get_user(user_id)

    def me(self, principal: Principal) -> User:
        """The caller's own account; ``NotFound`` when the caller is not (or no longer) a user."""
        user = self.user_of(principal.subject)
        if user is None:
            raise NotFound("no user account for this caller")
        return user


class ApiTokens:
    """``dsn_live_`` API tokens: only their digest is stored; the plaintext is returned once, at creation."""

    def __init__(self, store: ApiTokenStore, secrets: ApiTokenSecrets, clock: Clock | None = None) -> None:
        self.store = store
        self.secrets = secrets
        self.clock = clock or SystemClock()

    def create(self, owner: str, scopes: Sequence[str], name: str = "") -> IssuedToken:
        """The same rules whichever way a token is created (admin endpoint or operator CLI): an owner that
        could pass for an SSA user (``user-…``) or a station with other scopes is refused (``InvalidRequest``)."""
        try:
            request = NewApiToken(owner=owner, scopes=list(scopes), name=name)
        except ValidationError as exc:
            raise InvalidRequest(describe_errors(exc.errors())) from None
        token = self.secrets.new_token()
        record = ApiTokenRecord(
            token_id=uuid.uuid4().hex[:16],
            token_hash=self.secrets.digest(token),
            owner=request.owner,
            name=request.name,
            scopes=request.scopes,
            created_at=self.clock.now(),
        )
        self.store.put_api_token(record)
        return IssuedToken(token=token, record=record)

    def list_tokens(self, owner: str | None = None) -> list[ApiTokenRecord]:
        return self.store.list_api_tokens(owner)

    def revoke(self, token_id: str) -> ApiTokenRecord:
        """Idempotent: revoking a revoked token changes nothing (the first revocation time is kept)."""
        record = self.store.revoke_api_token(token_id)
        if record is None:
            raise NotFound(f"API token {token_id} not found")
        return record

    def authenticate(self, token: str) -> Principal:
        """The principal a presented API token stands for; ``NotAuthenticated`` when unknown or revoked."""
        record = self.store.find_api_token(self.secrets.digest(token))
        if record is None or record.revoked:
            raise NotAuthenticated("the API token is unknown or revoked")
        return Principal(subject=record.owner, scopes=tuple(record.scopes), kind="api_token",
                         token_id=record.token_id)
