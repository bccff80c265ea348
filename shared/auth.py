"""Credential adapters: JWTs, opaque ``dsn_live_`` API tokens (stored only as hashes) and the Authorization
header, turned into the domain's ``Principal`` (``shared.domain.identity``).

``JwtTokenIssuer`` and ``ApiTokenDigests`` implement the identity ports ``TokenIssuer`` and
``ApiTokenSecrets``; ``authenticate`` resolves API tokens through the domain's ``ApiTokens`` use case."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import Any, Literal

import jwt

from shared.domain.errors import NotAuthenticated
from shared.domain.identity import Principal, PrincipalKind
from shared.domain.identity.ports import RefreshClaims
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
    return principal_from_claims(decode_jwt(token))
