"""Credential adapters: JWTs, opaque ``dsn_live_`` API tokens (stored only as hashes) and the Authorization
header, turned into the domain's ``Principal`` (``shared.domain.identity``).

``JwtTokenIssuer`` and ``ApiTokenDigests`` implement the identity ports ``TokenIssuer`` and
``ApiTokenSecrets``; ``authenticate`` resolves API tokens through the domain's ``ApiTokens`` use case.

An access token issued to an SSA account (by login or refresh: it carries the ``uid`` claim) is honoured
only while that account exists and is active: ``ACCOUNT_CHECK`` looks the account up and remembers the
answer for ``ACCOUNT_CHECK_TTL_S`` (30 s) per user and process, so a deactivated or deleted account's
tokens are refused (401) within 30 s, not when they expire."""

from __future__ import annotations

import hashlib
import secrets
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import Any, Literal

import jwt

from shared.domain.errors import NotAuthenticated
from shared.domain.identity import Principal, PrincipalKind
from shared.domain.identity.ports import AccountStore, RefreshClaims
from shared.domain.identity.service import ApiTokens
from shared.settings import LOCAL_JWT_SECRET, get_settings

API_TOKEN_PREFIX = "dsn_live_"


# --- JWT -------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def signing_key() -> str:
    settings = get_settings()
    if settings.jwt_secret:
        return settings.jwt_secret
    if settings.jwt_secret_arn:
        from shared.aws import client

        return str(client("secretsmanager").get_secret_value(SecretId=settings.jwt_secret_arn)["SecretString"])
    if settings.environment == "local":
        return LOCAL_JWT_SECRET
    raise RuntimeError("no JWT signing key configured (GROUNDLINK_JWT_SECRET or GROUNDLINK_JWT_SECRET_ARN)")


def issue_jwt(
    subject: str,
    scopes: Iterable[str] = (),
    *,
    ttl_s: int | None = None,
    token_type: Literal["access", "refresh"] = "access",
    kind: PrincipalKind = "user",
    extra: dict[str, Any] | None = None,
) -> str:
    settings = get_settings()
    now = int(time.time())
    ttl = ttl_s if ttl_s is not None else (
        settings.access_token_ttl_s if token_type == "access" else settings.refresh_token_ttl_s
    )
    claims = {
        "iss": settings.jwt_issuer,
        "sub": subject,
        "iat": now,
        "exp": now + ttl,
        "jti": uuid.uuid4().hex,
        "typ": token_type,
        "kind": kind,
        "scope": " ".join(scopes),
        **(extra or {}),
    }
    return jwt.encode(claims, signing_key(), algorithm="HS256")


def decode_jwt(token: str, *, token_type: str = "access") -> dict[str, Any]:
    settings = get_settings()
    try:
        claims = jwt.decode(
            token,
            signing_key(),
            algorithms=["HS256"],
            issuer=settings.jwt_issuer,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("the token has expired", code="INVALID-JWT") from None
    except jwt.InvalidSignatureError:
        raise NotAuthenticated("the token signature is invalid", code="INVALID-JWT") from None
    except jwt.PyJWTError as exc:
        raise NotAuthenticated(f"the token is invalid: {exc}", code="INVALID-JWT") from None
    if claims.get("typ", "access") != token_type:
        article = "an" if token_type == "access" else "a"
        raise NotAuthenticated(f"{article} {token_type} token is required", code="INVALID-JWT")
    return claims


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    scope = claims.get("scope") or ""
    scopes = tuple(scope.split()) if isinstance(scope, str) else tuple(scope)
    kind = claims.get("kind", "user")
    if kind not in ("user", "service"):
        kind = "user"
    return Principal(subject=str(claims["sub"]), scopes=scopes, kind=kind, claims=claims)


class JwtTokenIssuer:
    """The ``TokenIssuer`` port: HS256 JWTs for SSA users (``sub`` = ``user-<id>``, ``uid`` claim)."""

    @property
    def access_ttl_s(self) -> int:
        return get_settings().access_token_ttl_s

    def access_token(self, subject: str, scopes: Sequence[str], user_id: int) -> str:
        return issue_jwt(subject, scopes, token_type="access", kind="user", extra={"uid": user_id})

    def refresh_token(self, subject: str, user_id: int) -> str:
        return issue_jwt(subject, (), token_type="refresh", kind="user", extra={"uid": user_id})

    def read_refresh_token(self, token: str) -> RefreshClaims:
        claims: dict[str, Any] = decode_jwt(token, token_type="refresh")
        return RefreshClaims(subject=str(claims.get("sub", "")))


# --- API tokens ------------------------------------------------------------------------------------


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class ApiTokenDigests:
    """The ``ApiTokenSecrets`` port: random ``dsn_live_`` tokens, stored as their SHA-256."""

    def new_token(self) -> str:
        return new_api_token()

    def digest(self, token: str) -> str:
        return hash_api_token(token)


def api_tokens() -> ApiTokens:
    """The API-token use cases over the DynamoDB store."""
    from shared.adapters.dynamo.identity import identity_repository

    return ApiTokens(identity_repository(), ApiTokenDigests())


# --- accounts behind user tokens -------------------------------------------------------------------

ACCOUNT_CHECK_TTL_S = 30.0
INACTIVE_ACCOUNT = "the user account no longer exists or is inactive"


def _account_store() -> AccountStore:
    from shared.adapters.dynamo.users import user_repository

    return user_repository()


class AccountCheck:
    """Whether a user account still exists and is active, each answer remembered for ``ttl_s`` seconds
    (so a busy user costs one ``GetItem`` per ``ttl_s`` and process, and a change is seen within
    ``ttl_s``). At most ``max_entries`` users are remembered; past that the memory starts afresh."""

    def __init__(self, ttl_s: float = ACCOUNT_CHECK_TTL_S, *, store: Callable[[], AccountStore] = _account_store,
                 clock: Callable[[], float] = time.monotonic, max_entries: int = 10_000) -> None:
        self.ttl_s = ttl_s
        self.store = store
        self.clock = clock
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._seen: dict[int, tuple[float, bool]] = {}

    def is_active(self, user_id: int) -> bool:
        now = self.clock()
        with self._lock:
            hit = self._seen.get(user_id)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        user = self.store().get_user(user_id)
        active = user is not None and user.is_active
        with self._lock:
            if len(self._seen) >= self.max_entries:
                self._seen.clear()
            self._seen[user_id] = (now, active)
        return active

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()


ACCOUNT_CHECK = AccountCheck()


def require_active_account(claims: dict[str, Any]) -> None:
    """Refuses a user access token whose account is gone or inactive (tokens without ``uid`` — API
    tokens, service tokens, tokens an operator mints with the CLI — name no account and pass)."""
    if claims.get("kind", "user") != "user" or "uid" not in claims:
        return
    uid = claims["uid"]
    if isinstance(uid, bool) or not isinstance(uid, int) or not ACCOUNT_CHECK.is_active(uid):
        raise NotAuthenticated(INACTIVE_ACCOUNT)


# --- Authorization header --------------------------------------------------------------------------


def bearer_token(authorization: str | None) -> str:
    if not authorization:
        raise NotAuthenticated("missing Authorization header (expected 'Bearer <token>')")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("malformed Authorization header (expected 'Bearer <token>')")
    return token.strip()


def authenticate(authorization: str | None) -> Principal:
    token = bearer_token(authorization)
    if token.startswith(API_TOKEN_PREFIX):
        return api_tokens().authenticate(token)
    claims = decode_jwt(token)
    require_active_account(claims)
    return principal_from_claims(claims)
