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
from dataclasses import dataclass
from typing import Any, Literal

from shared.domain.errors import NotAuthenticated
from shared.domain.identity import Principal, PrincipalKind
from shared.domain.identity.ports import AccountStore, RefreshClaims
from shared.domain.identity.service import ApiTokens
from shared.settings import LOCAL_JWT_SECRET, get_settings
from shared.snapstart import after_restore

# PyJWT is imported where a token is read or signed, not with this module: it loads cryptography (≈80 ms of a
# cold start), which a request without a JWT (an API token, the documentation, a login) never needs.
API_TOKEN_PREFIX = "dsn_live_"


# --- JWT -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SigningKey:
    kid: str
    secret: str


@dataclass(frozen=True)
class KeyRing:
    """The key that signs (``current``) and every key that verifies, by ``kid`` (the current and, during
    a rotation's overlap, the previous one)."""

    current: SigningKey
    verifying: dict[str, str]
    loaded_at: float


KEY_CACHE_S = 300.0  # a rotated key is picked up within this long (an unknown kid reloads at once)
_ring: KeyRing | None = None


def _local_kid(secret: str) -> str:
    return "env-" + hashlib.sha256(secret.encode()).hexdigest()[:12]


def _load_ring() -> KeyRing:
    """From GROUNDLINK_JWT_SECRET (local and tests), else Secrets Manager (AWSCURRENT signs, AWSPREVIOUS
    still verifies; the kid is the secret version's id), else — only when GROUNDLINK_ENVIRONMENT is
    explicitly ``local`` — the public development key. Anything else fails closed."""
    settings = get_settings()
    now = time.monotonic()
    if settings.jwt_secret:
        key = SigningKey(_local_kid(settings.jwt_secret), settings.jwt_secret)
        return KeyRing(key, {key.kid: key.secret}, now)
    if settings.jwt_secret_arn:
        from shared.aws import client

        sm = client("secretsmanager")
        current = sm.get_secret_value(SecretId=settings.jwt_secret_arn, VersionStage="AWSCURRENT")
        key = SigningKey(str(current["VersionId"]), str(current["SecretString"]))
        verifying = {key.kid: key.secret}
        try:
            previous = sm.get_secret_value(SecretId=settings.jwt_secret_arn, VersionStage="AWSPREVIOUS")
            verifying[str(previous["VersionId"])] = str(previous["SecretString"])
        except Exception as exc:  # no previous version before the first rotation
            if "ResourceNotFound" not in type(exc).__name__ and "ResourceNotFound" not in str(exc):
                raise
        return KeyRing(key, verifying, now)
    if settings.environment == "local" and "environment" in settings.model_fields_set:
        key = SigningKey("local-development", LOCAL_JWT_SECRET)
        return KeyRing(key, {key.kid: key.secret}, now)
    raise RuntimeError(
        "no JWT signing key configured (GROUNDLINK_JWT_SECRET or GROUNDLINK_JWT_SECRET_ARN); the public "
        "development key is only used when GROUNDLINK_ENVIRONMENT is explicitly 'local'"
    )


def key_ring(*, reload: bool = False) -> KeyRing:
    global _ring
    ring = _ring
    if reload or ring is None or time.monotonic() - ring.loaded_at > KEY_CACHE_S:
        ring = _ring = _load_ring()
    return ring


def loaded_key_ring() -> KeyRing | None:
    """The keys as loaded, when they are not due to be loaded again (``key_ring()`` would read nothing)."""
    ring = _ring
    if ring is None or time.monotonic() - ring.loaded_at > KEY_CACHE_S:
        return None
    return ring


@after_restore  # the keys' age is measured on a clock that stood still in a SnapStart snapshot
def reset_key_ring() -> None:
    """Forget the loaded keys and the tokens they verified (tests; settings changed; a restored snapshot)."""
    global _ring
    _ring = None
    VERIFIED.clear()


def signing_key() -> str:
    """The current signing secret."""
    return key_ring().current.secret


signing_key.cache_clear = reset_key_ring  # type: ignore[attr-defined]  # the former lru_cache's reset


def _verification_key(token: str) -> tuple[str | None, str]:
    """The ``kid`` a token names and the secret that must have signed it."""
    import jwt

    try:
        kid = jwt.get_unverified_header(token).get("kid")
    except jwt.PyJWTError as exc:
        raise NotAuthenticated(f"the token is invalid: {exc}", code="INVALID-JWT") from None
    ring = key_ring()
    if kid is None:  # issued before keys carried a kid: only the current key can have signed it
        return None, ring.current.secret
    if kid not in ring.verifying:  # maybe rotated since the keys were loaded
        ring = key_ring(reload=True)
    if kid not in ring.verifying:
        raise NotAuthenticated("the token was signed with an unknown or retired key", code="INVALID-JWT")
    return str(kid), ring.verifying[str(kid)]


VERIFIED_MAX = 4096


class VerifiedTokens:
    """JWTs this process has verified, by their exact text: the claims and the key that verified them. A token
    presented again is neither parsed nor its signature computed again (PyJWT takes about 0.4 ms a token, on
    every request); what can have changed since is checked at each use, and a token failing any check is
    forgotten and goes through PyJWT again, which gives the answer and the error it always gave: its key is
    still one the ring verifies with (a retired key's tokens are refused), the issuer is still the deployment's,
    and the time claims hold now as PyJWT checks them (``exp`` not passed, ``nbf`` and ``iat`` not ahead).
    At most ``max_entries`` tokens are remembered; past that the memory starts afresh."""

    def __init__(self, max_entries: int = VERIFIED_MAX, clock: Callable[[], float] = time.time) -> None:
        self.max_entries = max_entries
        self.clock = clock
        self._seen: dict[str, tuple[dict[str, Any], str | None, str]] = {}

    def remember(self, token: str, claims: dict[str, Any], kid: str | None, secret: str) -> None:
        if len(self._seen) >= self.max_entries:
            self._seen.clear()
        self._seen[token] = (claims, kid, secret)

    def claims(self, token: str, ring: KeyRing, issuer: str) -> dict[str, Any] | None:
        """A copy of the token's claims if it was verified and still would be, else None."""
        seen = self._seen.get(token)
        if seen is None:
            return None
        claims, kid, secret = seen
        now = self.clock()
        key = ring.current.secret if kid is None else ring.verifying.get(kid)
        if (key != secret or claims.get("iss") != issuer or int(claims["exp"]) <= now
                or int(claims["iat"]) > now or ("nbf" in claims and int(claims["nbf"]) > now)):
            self._seen.pop(token, None)
            return None
        return dict(claims)

    def clear(self) -> None:
        self._seen.clear()


VERIFIED = VerifiedTokens()


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
    import jwt

    key = key_ring().current
    return jwt.encode(claims, key.secret, algorithm="HS256", headers={"kid": key.kid})


def decode_jwt(token: str, *, token_type: str = "access") -> dict[str, Any]:
    settings = get_settings()
    claims = VERIFIED.claims(token, key_ring(), settings.jwt_issuer)
    if claims is None:
        claims = _verify(token, settings.jwt_issuer)
    _require_type(claims, token_type)
    return claims


def _verify(token: str, issuer: str) -> dict[str, Any]:
    """The claims of a token PyJWT verifies (signature, issuer, time claims), remembered in ``VERIFIED``."""
    import jwt

    kid, secret = _verification_key(token)
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            secret,
            algorithms=["HS256"],
            issuer=issuer,
            options={"require": ["exp", "iat", "sub", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise NotAuthenticated("the token has expired", code="INVALID-JWT") from None
    except jwt.InvalidSignatureError:
        raise NotAuthenticated("the token signature is invalid", code="INVALID-JWT") from None
    except jwt.PyJWTError as exc:
        raise NotAuthenticated(f"the token is invalid: {exc}", code="INVALID-JWT") from None
    VERIFIED.remember(token, dict(claims), kid, secret)
    return claims


def _require_type(claims: dict[str, Any], token_type: str) -> None:
    if claims.get("typ", "access") != token_type:
        article = "an" if token_type == "access" else "a"
        raise NotAuthenticated(f"{article} {token_type} token is required", code="INVALID-JWT")


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    scope = claims.get("scope") or ""
    scopes = tuple(scope.split()) if isinstance(scope, str) else tuple(scope)
    kind = claims.get("kind", "user")
    if kind not in ("user", "service", "api_token"):
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


class JwtClientTokenIssuer:
    """The ``ClientTokenIssuer`` port: an OAuth client's access token is a Groundlink JWT (``sub`` = the
    client id, ``kind`` ``api_token``: what it creates is recorded as an API client's) with the granted
    scopes, so it works on every surface those scopes allow."""

    @property
    def access_ttl_s(self) -> int:
        return get_settings().access_token_ttl_s

    def client_access_token(self, client_id: str, scopes: Sequence[str]) -> str:
        return issue_jwt(client_id, scopes, token_type="access", kind="api_token", extra={"client_id": client_id})


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
        remembered = self.remembered(user_id)
        if remembered is not None:
            return remembered
        now = self.clock()
        user = self.store().get_user(user_id)
        active = user is not None and user.is_active
        with self._lock:
            if len(self._seen) >= self.max_entries:
                self._seen.clear()
            self._seen[user_id] = (now, active)
        return active

    def remembered(self, user_id: int) -> bool | None:
        """The answer remembered within ``ttl_s``, or None when only the store can tell."""
        now = self.clock()
        with self._lock:
            hit = self._seen.get(user_id)
        if hit is not None and now - hit[0] < self.ttl_s:
            return hit[1]
        return None

    def reset(self) -> None:
        with self._lock:
            self._seen.clear()


ACCOUNT_CHECK = AccountCheck()


def require_active_account(claims: dict[str, Any], *, read: bool = True) -> bool:
    """Refuses a user access token whose account is gone or inactive (tokens without ``uid`` — API
    tokens, service tokens, tokens an operator mints with the CLI — name no account and pass). With
    ``read=False`` nothing is read: False when only the store can tell (nothing refused then)."""
    if claims.get("kind", "user") != "user" or "uid" not in claims:
        return True
    uid = claims["uid"]
    if isinstance(uid, bool) or not isinstance(uid, int):
        raise NotAuthenticated(INACTIVE_ACCOUNT)
    active = ACCOUNT_CHECK.is_active(uid) if read else ACCOUNT_CHECK.remembered(uid)
    if active is None:
        return False
    if not active:
        raise NotAuthenticated(INACTIVE_ACCOUNT)
    return True


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


def authenticate_from_memory(authorization: str | None) -> Principal | None:
    """``authenticate``'s answer when this process can give it without reading anything (a JWT it verified
    before, with the keys loaded and, for an SSA user's token, the account's state remembered), else None: then
    ``authenticate`` reads what it needs. Refuses what ``authenticate`` refuses, with the same errors."""
    token = bearer_token(authorization)
    ring = loaded_key_ring()
    if token.startswith(API_TOKEN_PREFIX) or ring is None:
        return None
    claims = VERIFIED.claims(token, ring, get_settings().jwt_issuer)
    if claims is None:
        return None
    _require_type(claims, "access")
    if not require_active_account(claims, read=False):
        return None
    return principal_from_claims(claims)
