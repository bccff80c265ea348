"""JWT issuing/validation and API-token hashing."""

import time

import jwt
import pytest

from shared.auth import (
    authenticate,
    bearer_token,
    decode_jwt,
    hash_api_token,
    issue_jwt,
    new_api_token,
    principal_from_claims,
)
from shared.domain.errors import NotAuthenticated


def test_issued_token_round_trips_subject_and_scopes():
    claims = decode_jwt(issue_jwt("alice", ["passes:read", "contacts.view"]))
    p = principal_from_claims(claims)
    assert (p.subject, p.scopes, p.kind) == ("alice", ("passes:read", "contacts.view"), "user")
    assert claims["exp"] - claims["iat"] == 3600


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        (None, "missing Authorization header"),
        ("Basic abc", "malformed Authorization header"),
        ("Bearer ", "malformed Authorization header"),
        ("Bearer not.a.jwt", "the token is invalid"),
    ],
)
def test_bad_headers_are_unauthorized_with_reason(header, reason):
    with pytest.raises(NotAuthenticated) as err:
        authenticate(header)
    assert reason in err.value.message


def test_expired_and_foreign_tokens_are_refused():
    expired = issue_jwt("alice", ["x"], ttl_s=-10)
    with pytest.raises(NotAuthenticated, match="expired"):
        decode_jwt(expired)
    forged = jwt.encode(
        {"sub": "alice", "iss": "groundlink", "iat": int(time.time()), "exp": int(time.time()) + 60},
        "some-other-key-of-sufficient-length-123456",
        algorithm="HS256",
    )
    with pytest.raises(NotAuthenticated, match="signature"):
        decode_jwt(forged)


def test_refresh_token_is_not_an_access_token():
    with pytest.raises(NotAuthenticated, match="access token"):
        decode_jwt(issue_jwt("alice", [], token_type="refresh"))


def test_api_tokens_are_random_and_hashed():
    a, b = new_api_token(), new_api_token()
    assert a.startswith("dsn_live_") and a != b and len(a) > 40
    assert hash_api_token(a) == hash_api_token(a) and len(hash_api_token(a)) == 64
    assert a not in hash_api_token(a)
    assert bearer_token("bearer  tok ") == "tok"
