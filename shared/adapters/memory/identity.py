"""In-memory identity ports: ``AccountStore``, ``ApiTokenStore``, ``LoginCounterStore``,
``OAuthClientStore``, and simple ``PasswordHasher``,
``TokenIssuer`` and ``ApiTokenSecrets`` doubles for domain tests."""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from shared.domain.errors import Conflict, NotAuthenticated
from shared.domain.identity.accounts import User, email_key, name_key
from shared.domain.identity.oauth import OAuthClientRecord
from shared.domain.identity.ports import RefreshClaims
from shared.domain.identity.throttle import LoginCounter
from shared.domain.identity.tokens import ApiTokenRecord


class MemoryAccountStore:
    def __init__(self) -> None:
        self._users: dict[int, User] = {}
        self._ids = itertools.count(1)
        self._lock = threading.Lock()

    def create_user(self, user: User) -> User:
        with self._lock:
            user = user.model_copy(update={"id": next(self._ids)})
            if any(email_key(u.email) == email_key(user.email) for u in self._users.values()):
                raise Conflict("a user with this email already exists")
            if any(name_key(u.name) == name_key(user.name) for u in self._users.values()):
                raise Conflict("a user with this name already exists")
            self._users[user.id] = user
            return user

    def get_user(self, user_id: int) -> User | None:
        return self._users.get(user_id)

    def find_by_email(self, email: str) -> User | None:
        key = email_key(email)
        return next((u for u in self._users.values() if email_key(u.email) == key), None)

    def set_active(self, user_id: int, active: bool) -> None:
        with self._lock:
            if user_id not in self._users:
                raise KeyError(user_id)
            self._users[user_id] = self._users[user_id].model_copy(update={"is_active": active})

    def set_password_hash(self, user_id: int, password_hash: str) -> None:
        with self._lock:
            if user_id not in self._users:
                raise KeyError(user_id)
            self._users[user_id] = self._users[user_id].model_copy(update={"password_hash": password_hash})


class MemoryApiTokenStore:
    def __init__(self) -> None:
        self._tokens: dict[str, ApiTokenRecord] = {}  # by hash
        self._lock = threading.Lock()

    def find_api_token(self, token_hash: str) -> ApiTokenRecord | None:
        return self._tokens.get(token_hash)

    def put_api_token(self, record: ApiTokenRecord) -> None:
        with self._lock:
            if record.token_hash in self._tokens:
                raise Conflict(f"API token {record.token_id} already exists")
            self._tokens[record.token_hash] = record

    def list_api_tokens(self, owner: str | None = None) -> list[ApiTokenRecord]:
        found = [r for r in self._tokens.values() if owner is None or r.owner == owner]
        return sorted(found, key=lambda r: r.created_at)

    def revoke_api_token(self, token_id: str) -> ApiTokenRecord | None:
        with self._lock:
            match = [r for r in self._tokens.values() if r.token_id == token_id]
            if not match:
                return None
            record = match[0]
            revoked_at = record.revoked_at or datetime.now(UTC)
            self._tokens[record.token_hash] = record.model_copy(update={"revoked": True, "revoked_at": revoked_at})
            return record.model_copy(update={"revoked": True})


class MemoryLoginCounterStore:
    def __init__(self) -> None:
        self._counters: dict[str, LoginCounter] = {}
        self._lock = threading.Lock()

    def get_counter(self, key: str, now: datetime) -> LoginCounter | None:
        counter = self._counters.get(key)
        return counter if counter is not None and counter.expires_at > now else None

    def add_failure(self, key: str, now: datetime, window_s: int) -> LoginCounter:
        with self._lock:
            counter = self.get_counter(key, now)
            if counter is None:
                counter = LoginCounter(key=key, count=1, expires_at=now + timedelta(seconds=window_s))
            else:
                counter = counter.model_copy(update={"count": counter.count + 1})
            self._counters[key] = counter
            return counter

    def lock(self, key: str, until: datetime) -> None:
        with self._lock:
            counter = self._counters.get(key) or LoginCounter(key=key, count=0, expires_at=until)
            self._counters[key] = counter.model_copy(update={"locked_until": until, "expires_at": until})

    def clear(self, key: str) -> None:
        with self._lock:
            self._counters.pop(key, None)


class MemoryOAuthClientStore:
    def __init__(self) -> None:
        self._clients: dict[str, OAuthClientRecord] = {}
        self._lock = threading.Lock()

    def put_oauth_client(self, record: OAuthClientRecord) -> None:
        with self._lock:
            if record.client_id in self._clients:
                raise Conflict(f"OAuth client {record.client_id} already exists")
            self._clients[record.client_id] = record

    def get_oauth_client(self, client_id: str) -> OAuthClientRecord | None:
        return self._clients.get(client_id)

    def list_oauth_clients(self) -> list[OAuthClientRecord]:
        return sorted(self._clients.values(), key=lambda r: r.created_at)

    def revoke_oauth_client(self, client_id: str) -> OAuthClientRecord | None:
        with self._lock:
            record = self._clients.get(client_id)
            if record is None:
                return None
            record = record.model_copy(update={"revoked": True, "revoked_at": record.revoked_at or datetime.now(UTC)})
            self._clients[client_id] = record
            return record


class FakeClientTokenIssuer:
    """Readable client tokens (``client:<client_id>:<scopes>``) for domain tests."""

    access_ttl_s = 3600

    def client_access_token(self, client_id: str, scopes: Sequence[str]) -> str:
        return f"client:{client_id}:{' '.join(scopes)}"


class PlainPasswordHasher:
    """Not for production: a fast stand-in (unsalted SHA-256) for domain tests."""

    def __init__(self) -> None:
        self.burned = 0

    def hash(self, password: str) -> str:
        return "sha256$" + hashlib.sha256(password.encode("utf-8", "surrogatepass")).hexdigest()

    def verify(self, password: str, stored: str) -> bool:
        return stored == self.hash(password)

    def needs_rehash(self, stored: str) -> bool:
        return not stored.startswith("sha256$")

    def burn(self, password: str) -> None:
        self.burned += 1
        self.hash(password)


class FakeTokenIssuer:
    """Readable tokens (``access:<subject>:<scopes>``, ``refresh:<subject>``) for domain tests."""

    access_ttl_s = 3600

    def __init__(self) -> None:
        self.expired: set[str] = set()

    def access_token(self, subject: str, scopes: Sequence[str], user_id: int) -> str:
        return f"access:{subject}:{' '.join(scopes)}"

    def refresh_token(self, subject: str, user_id: int) -> str:
        return f"refresh:{subject}"

    def read_refresh_token(self, token: str) -> RefreshClaims:
        kind, _, subject = token.partition(":")
        if kind != "refresh" or token in self.expired:
            raise NotAuthenticated("a refresh token is required", code="INVALID-JWT")
        return RefreshClaims(subject=subject)


class CountingTokenSecrets:
    """Predictable ``dsn_live_test<n>`` tokens and their SHA-256."""

    def __init__(self) -> None:
        self._n = itertools.count(1)

    def new_token(self) -> str:
        return f"dsn_live_test{next(self._n)}"

    def digest(self, token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()
