"""JWT signing keys: every token names its key (``kid``); during a rotation the current and the previous
Secrets Manager versions both verify; signing fails closed unless the environment is explicitly local."""

from __future__ import annotations

from collections.abc import Iterator

import jwt
import pytest
from moto import mock_aws

from shared.auth import decode_jwt, issue_jwt, reset_key_ring
from shared.aws import client, reset_clients
from shared.domain.errors import NotAuthenticated
from shared.settings import LOCAL_JWT_SECRET


@pytest.fixture(autouse=True)
def _fresh_keys() -> Iterator[None]:
    reset_clients()
    reset_key_ring()
    yield
    reset_clients()
    reset_key_ring()


def test_a_token_carries_the_kid_of_the_key_that_signed_it() -> None:
    token = issue_jwt("alice", ["passes:read"])
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "kid": "local-development", "typ": "JWT"}
    assert decode_jwt(token)["sub"] == "alice"


def test_signing_fails_closed_when_the_environment_is_not_explicitly_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GROUNDLINK_ENVIRONMENT")
    monkeypatch.delenv("GROUNDLINK_JWT_SECRET", raising=False)
    monkeypatch.delenv("GROUNDLINK_JWT_SECRET_ARN", raising=False)
    with pytest.raises(RuntimeError, match="only used when GROUNDLINK_ENVIRONMENT is explicitly 'local'"):
        issue_jwt("alice")
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
    reset_clients()
    with pytest.raises(RuntimeError, match="no JWT signing key configured"):
        issue_jwt("alice")


def test_a_token_signed_with_the_public_development_key_is_refused_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    forged = jwt.encode({"iss": "groundlink", "sub": "root", "scope": "admin", "iat": 1, "exp": 2**31},
                        LOCAL_JWT_SECRET, algorithm="HS256")
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
    monkeypatch.setenv("GROUNDLINK_JWT_SECRET", "a-deployment-key-" + "x" * 40)
    reset_clients()
    with pytest.raises(NotAuthenticated, match="signature is invalid"):
        decode_jwt(forged)


def test_an_unknown_kid_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    token = jwt.encode({"iss": "groundlink", "sub": "a", "iat": 1, "exp": 2**31}, LOCAL_JWT_SECRET,
                       algorithm="HS256", headers={"kid": "retired"})
    with pytest.raises(NotAuthenticated, match="unknown or retired key"):
        decode_jwt(token)


@mock_aws
def test_rotation_keeps_the_previous_key_valid_for_one_overlap(monkeypatch: pytest.MonkeyPatch) -> None:
    sm = client("secretsmanager")
    arn = sm.create_secret(Name="groundlink-jwt", SecretString="k1-" + "a" * 61)["ARN"]
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
    monkeypatch.setenv("GROUNDLINK_JWT_SECRET_ARN", arn)
    reset_clients()
    reset_key_ring()
    first = issue_jwt("alice", ["passes:read"])
    kid1 = jwt.get_unverified_header(first)["kid"]
    assert kid1 == sm.get_secret_value(SecretId=arn)["VersionId"]

    # rotation: a new AWSCURRENT; the old version becomes AWSPREVIOUS
    client("secretsmanager").put_secret_value(SecretId=arn, SecretString="k2-" + "b" * 61)
    reset_key_ring()  # as a warm function does once its cache ends (an unknown kid reloads at once)
    second = issue_jwt("alice", ["passes:read"])
    kid2 = jwt.get_unverified_header(second)["kid"]
    assert kid2 != kid1
    assert decode_jwt(first)["sub"] == decode_jwt(second)["sub"] == "alice"  # both verify during the overlap

    # the next rotation retires the first key
    client("secretsmanager").put_secret_value(SecretId=arn, SecretString="k3-" + "c" * 61)
    reset_key_ring()
    with pytest.raises(NotAuthenticated, match="unknown or retired key"):
        decode_jwt(first)
    assert decode_jwt(second)["sub"] == "alice"


@mock_aws
def test_a_key_rotated_after_loading_is_picked_up_by_its_kid(monkeypatch: pytest.MonkeyPatch) -> None:
    sm = client("secretsmanager")
    arn = sm.create_secret(Name="groundlink-jwt", SecretString="k1-" + "a" * 61)["ARN"]
    monkeypatch.setenv("GROUNDLINK_ENVIRONMENT", "aws")
    monkeypatch.setenv("GROUNDLINK_JWT_SECRET_ARN", arn)
    reset_clients()
    issue_jwt("warm")  # this "function" loaded k1
    sm.put_secret_value(SecretId=arn, SecretString="k2-" + "b" * 61)
    k2 = sm.get_secret_value(SecretId=arn)
    token = jwt.encode({"iss": "groundlink", "sub": "bob", "iat": 1, "exp": 2**31, "typ": "access"},
                       k2["SecretString"], algorithm="HS256", headers={"kid": k2["VersionId"]})
    assert decode_jwt(token)["sub"] == "bob"  # signed elsewhere with the new key: reloaded, accepted
