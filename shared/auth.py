"""Credentials: JWTs, opaque ``dsn_live_`` API tokens (stored only as hashes) and the Authorization
header, turned into the domain's ``Principal`` (``shared.domain.identity``)."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from collections.abc import Iterable
from functools import lru_cache
from typing import Literal

import jwt

from shared.domain.errors import NotAuthenticated
from shared.domain.identity import Principal, PrincipalKind
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

        return client("secretsmanager").get_secret_value(SecretId=settings.jwt_secret_arn)["SecretString"]
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
    extra: dict | None = None,
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


def decode_jwt(token: str, *, token_type: str = "access") -> dict:
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


def principal_from_claims(claims: dict) -> Principal:
    scope = claims.get("scope") or ""
    scopes = tuple(scope.split()) if isinstance(scope, str) else tuple(scope)
    kind = claims.get("kind", "user")
    if kind not in ("user", "service"):
        kind = "user"
    return Principal(subject=str(claims["sub"]), scopes=scopes, kind=kind, claims=claims)


# --- API tokens ------------------------------------------------------------------------------------


def new_api_token() -> str:
    return API_TOKEN_PREFIX + secrets.token_urlsafe(32)


def hash_api_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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
        from shared.adapters.dynamo.identity import identity_repository

        record = identity_repository().find_api_token(hash_api_token(token))
        if record is None or record.revoked:
            raise NotAuthenticated("the API token is unknown or revoked")
        return Principal(subject=record.owner, scopes=tuple(record.scopes), kind="api_token",
                         token_id=record.token_id)
    return principal_from_claims(decode_jwt(token))
