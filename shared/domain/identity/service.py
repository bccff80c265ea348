"""Identity use cases: SSA accounts (register, log in, refresh, who am I) and API tokens (create, list,
revoke, authenticate). Errors are domain errors; wire shapes are the surfaces' business."""

from __future__ import annotations

import hmac
import logging
import math
import secrets as secret_values
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import NoReturn

from pydantic import ValidationError

from shared.domain.errors import InvalidRequest, NotAuthenticated, NotFound, NotPermitted, TooManyRequests
from shared.domain.identity.accounts import Registration, User, email_key, user_id_of
from shared.domain.identity.oauth import (
    INVALID_CLIENT,
    INVALID_SCOPE,
    OAUTH_CLIENT_PREFIX,
    NewOAuthClient,
    OAuthClientRecord,
)
from shared.domain.identity.ports import (
    AccountStore,
    ApiTokenSecrets,
    ApiTokenStore,
    ClientTokenIssuer,
    Clock,
    LoginCounterStore,
    OAuthClientStore,
    PasswordHasher,
    TokenIssuer,
)
from shared.domain.identity.principal import Principal, any_grants
from shared.domain.identity.throttle import account_key, address_key
from shared.domain.identity.tokens import ApiTokenRecord, NewApiToken, describe_errors

INVALID_CREDENTIALS = "Invalid credentials"

logger = logging.getLogger("groundlink.domain.identity")


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


class LoginThrottle:
    """Failed logins are counted per account and per client address within a window of ``window_s``; once
    a key reaches its limit (``max_account_failures`` / ``max_address_failures``) every login for it is
    refused with ``TooManyRequests`` for ``lockout_s`` — a correct password too, so the lock-out is no
    oracle. A successful login clears the account's counter (not the address's)."""

    def __init__(self, store: LoginCounterStore, clock: Clock | None = None, *, max_account_failures: int = 5,
                 max_address_failures: int = 20, window_s: int = 900, lockout_s: int = 900) -> None:
        self.store = store
        self.clock = clock or SystemClock()
        self.max_account_failures = max_account_failures
        self.max_address_failures = max_address_failures
        self.window_s = window_s
        self.lockout_s = lockout_s

    def _keys(self, email: str, address: str | None) -> list[tuple[str, int]]:
        keys = [(account_key(email_key(email)), self.max_account_failures)]
        if address:
            keys.append((address_key(address), self.max_address_failures))
        return keys

    def check(self, email: str, address: str | None) -> None:
        """``TooManyRequests`` (with the seconds left) while the account or the address is locked out."""
        now = self.clock.now()
        retry_after = 0.0
        for key, _ in self._keys(email, address):
            counter = self.store.get_counter(key, now)
            if counter is not None and counter.locked_until is not None and counter.locked_until > now:
                retry_after = max(retry_after, (counter.locked_until - now).total_seconds())
        if retry_after > 0:
            raise TooManyRequests(
                f"too many failed logins: try again in {math.ceil(retry_after)} s "
                f"(after {self.max_account_failures} failures for an account, or {self.max_address_failures} "
                f"from one address, within {self.window_s // 60} min, logins are refused for "
                f"{self.lockout_s // 60} min)",
                retry_after_s=math.ceil(retry_after),
            )

    def failed(self, email: str, address: str | None) -> None:
        now = self.clock.now()
        for key, limit in self._keys(email, address):
            counter = self.store.add_failure(key, now, self.window_s)
            if counter.count >= limit and counter.locked_until is None:
                logger.warning("login locked out", extra={"key_kind": key.split(":", 1)[0], "failures": counter.count})
                self.store.lock(key, now + timedelta(seconds=self.lockout_s))

    def succeeded(self, email: str) -> None:
        self.store.clear(account_key(email_key(email)))


class Accounts:
    """SSA user accounts."""

    def __init__(self, store: AccountStore, passwords: PasswordHasher, tokens: TokenIssuer,
                 clock: Clock | None = None, throttle: LoginThrottle | None = None) -> None:
        self.store = store
        self.passwords = passwords
        self.tokens = tokens
        self.clock = clock or SystemClock()
        self.throttle = throttle

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

    def login(self, email: str, password: str, address: str | None = None) -> Session:
        """Unknown email, wrong password and inactive account answer alike (same message, same work).
        With a throttle, a locked-out account or address is refused (``TooManyRequests``) before the
        password is looked at. A hash of an older scheme is replaced by today's after a successful login."""
        if self.throttle is not None:
            self.throttle.check(email, address)
        user = self.store.find_by_email(email)
        if user is None:
            self.passwords.burn(password)
            self._failed(email, address)
        elif not self.passwords.verify(password, user.password_hash) or not user.is_active:
            self._failed(email, address)
        if self.throttle is not None:
            self.throttle.succeeded(email)
        if self.passwords.needs_rehash(user.password_hash):
            self.store.set_password_hash(user.id, self.passwords.hash(password))
            logger.info("password re-hashed", extra={"user_id": user.id})
        return Session(
            access_token=self._access_token(user),
            refresh_token=self.tokens.refresh_token(user.subject, user.id),
            expires_in_s=self.tokens.access_ttl_s,
            user=user,
        )

    def _failed(self, email: str, address: str | None) -> NoReturn:
        if self.throttle is not None:
            self.throttle.failed(email, address)
        raise NotAuthenticated(INVALID_CREDENTIALS)

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


@dataclass(frozen=True)
class RegisteredClient:
    """A new OAuth client: its secret (shown once) and the stored record."""

    client_secret: str
    record: OAuthClientRecord


@dataclass(frozen=True)
class ClientGrant:
    """An access token obtained with the client-credentials grant."""

    access_token: str
    expires_in_s: int
    scopes: tuple[str, ...]


class OAuthClients:
    """OAuth 2.0 clients (RFC 6749 §4.4): registered with the scopes they may be granted, their secret
    stored as a digest only; a client exchanges its credentials for a Groundlink access token whose scopes
    are the requested subset of its own (all of them when none are requested). Refusals carry RFC 6749
    §5.2's error code as ``code``: ``NotAuthenticated`` ``invalid_client``, ``InvalidRequest``
    ``invalid_scope``."""

    def __init__(self, store: OAuthClientStore, secrets: ApiTokenSecrets, tokens: ClientTokenIssuer,
                 clock: Clock | None = None) -> None:
        self.store = store
        self.secrets = secrets
        self.tokens = tokens
        self.clock = clock or SystemClock()

    def register(self, scopes: Sequence[str], name: str = "") -> RegisteredClient:
        try:
            request = NewOAuthClient(name=name, scopes=list(scopes))
        except ValidationError as exc:
            raise InvalidRequest(describe_errors(exc.errors())) from None
        secret = secret_values.token_urlsafe(32)
        record = OAuthClientRecord(
            client_id=OAUTH_CLIENT_PREFIX + uuid.uuid4().hex[:20],
            secret_hash=self.secrets.digest(secret),
            name=request.name,
            scopes=request.scopes,
            created_at=self.clock.now(),
        )
        self.store.put_oauth_client(record)
        return RegisteredClient(client_secret=secret, record=record)

    def list_clients(self) -> list[OAuthClientRecord]:
        return self.store.list_oauth_clients()

    def revoke(self, client_id: str) -> OAuthClientRecord:
        """Idempotent; tokens already issued stay valid until they expire (``expires_in``)."""
        record = self.store.revoke_oauth_client(client_id)
        if record is None:
            raise NotFound(f"OAuth client {client_id} not found")
        return record

    def grant(self, client_id: str, client_secret: str, scope: str | None = None) -> ClientGrant:
        """RFC 6749 §4.4.2/§4.4.3. Unknown client, wrong secret and revoked client answer alike."""
        record = self.store.get_oauth_client(client_id) if len(client_id) <= 200 else None
        digest = self.secrets.digest(client_secret)
        if record is None or record.revoked or not hmac.compare_digest(digest, record.secret_hash):
            raise NotAuthenticated("client authentication failed (unknown client, wrong secret or revoked)",
                                   code=INVALID_CLIENT)
        if scope is None or not scope.strip():
            granted = tuple(record.scopes)
        else:
            requested = tuple(dict.fromkeys(scope.split()))
            refused = [s for s in requested if not any_grants(record.scopes, s)]
            if refused:
                raise InvalidRequest(
                    f"scope(s) {' '.join(refused)} not allowed for this client (allowed: {' '.join(record.scopes)})",
                    code=INVALID_SCOPE)
            granted = requested
        return ClientGrant(access_token=self.tokens.client_access_token(record.client_id, granted),
                           expires_in_s=self.tokens.access_ttl_s, scopes=granted)
