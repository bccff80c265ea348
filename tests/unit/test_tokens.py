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


def test_a_token_verified_once_is_not_verified_again_but_still_expires(monkeypatch):
    from shared import auth

    calls: list[str] = []
    real = jwt.decode
    monkeypatch.setattr(jwt, "decode", lambda token, *a, **k: calls.append(token) or real(token, *a, **k))
    now = [time.time()]
    monkeypatch.setattr(auth.VERIFIED, "clock", lambda: now[0])
    token = issue_jwt("alice", ["passes:read"], ttl_s=60)
    assert decode_jwt(token)["sub"] == decode_jwt(token)["sub"] == authenticate(f"Bearer {token}").subject
    assert calls == [token]  # one signature check for three uses
    decode_jwt(token)["sub"] = "mallory"  # a caller's copy: the remembered claims are not changed
    assert decode_jwt(token)["sub"] == "alice"
    with pytest.raises(NotAuthenticated, match="refresh token is required"):
        decode_jwt(token, token_type="refresh")  # the type is checked on every use
    now[0] += 61  # past exp (on the memory's clock): forgotten, the token goes through PyJWT again (which refuses
    # an expired token: test_expired_and_foreign_tokens_are_refused)
    assert auth.VERIFIED.claims(token, auth.key_ring(), auth.get_settings().jwt_issuer) is None
    decode_jwt(token)
    assert calls == [token, token]


def test_a_remembered_token_of_a_retired_key_or_another_issuer_is_refused(monkeypatch):
    from shared import auth

    token = issue_jwt("alice", ["passes:read"])
    assert decode_jwt(token)["sub"] == "alice"  # verified and remembered
    new = auth.SigningKey("next", "another-key-of-sufficient-length-0123456789")
    ring = auth.KeyRing(new, {new.kid: new.secret}, time.monotonic())
    monkeypatch.setattr(auth, "_load_ring", lambda: ring)
    monkeypatch.setattr(auth, "_ring", ring)  # the key that signed it is retired
    with pytest.raises(NotAuthenticated, match="unknown or retired key"):
        decode_jwt(token)
    assert auth.authenticate_from_memory(f"Bearer {token}") is None  # and forgotten: not admitted from memory
    monkeypatch.undo()
    auth.reset_key_ring()
    assert decode_jwt(token)["sub"] == "alice"
    assert auth.VERIFIED.claims(token, auth.key_ring(), "another-issuer") is None


def test_authenticate_from_memory_answers_only_what_needs_no_read():
    from shared.auth import authenticate_from_memory

    token = issue_jwt("carol", ["passes:read"])
    assert authenticate_from_memory(f"Bearer {token}") is None  # never verified: only authenticate() can tell
    assert authenticate(f"Bearer {token}").subject == "carol"
    assert authenticate_from_memory(f"Bearer {token}").scopes == ("passes:read",)
    assert authenticate_from_memory(f"Bearer {new_api_token()}") is None  # API tokens are looked up
    with pytest.raises(NotAuthenticated, match="malformed Authorization header"):
        authenticate_from_memory("Basic abc")
    user = issue_jwt("user-7", ["ssa"], extra={"uid": 7})
    decode_jwt(user)
    assert authenticate_from_memory(f"Bearer {user}") is None  # the account's state is not remembered yet
